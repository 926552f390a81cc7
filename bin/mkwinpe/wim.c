/*
 * wim: boot.wim image 2 ("Windows Setup") made the boot image of a new
 * one-image WIM, as wimlib allows it: open, update image 2 in memory
 * (setup.exe renamed out of the way, start script, winpeshl.ini, unattend,
 * drivers, overlay), then write only image 2 to a descriptor.  Exporting
 * first and updating the export fails while the source is open, and
 * wimlib_open_wim needs a real path (it calls realpath()), hence this order.
 * When boot.wim has been copied out of an ISO into its output file, it is
 * edited there instead: image 1 deleted, and the changes appended to the
 * file (wimlib_overwrite with a soft delete), so nothing is written twice.
 * For the same bytes from the same inputs: what is added comes from the
 * stage (stage.c) with fixed times, a new WIM keeps the source's GUID, and
 * the time of writing wimlib puts in the XML is set to the epoch after.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <wimlib.h>

#include "libpxe/log.h"
#include "mkwinpe.h"

#define SETUP_IMAGE	2
#define MAX_CMDS	16

/* Windows' PROCESSOR_ARCHITECTURE numbers, as wimlib reports them. */
static const struct {
	const char *id;
	const char *name;
} arches[] = {
	{ "0", "x86" },
	{ "5", "arm" },
	{ "9", "x64" },
	{ "12", "arm64" },
};

static enum wimlib_progress_status
on_progress(enum wimlib_progress_msg msg, union wimlib_progress_info *info,
    void *ctx)
{
	struct mkwinpe *m = ctx;

	if (interrupted(m))
		return WIMLIB_PROGRESS_STATUS_ABORT;
	if (msg == WIMLIB_PROGRESS_MSG_WRITE_STREAMS) {
		m->total = info->write_streams.total_bytes;
		progress_update(m, info->write_streams.completed_bytes);
	}
	return WIMLIB_PROGRESS_STATUS_CONTINUE;
}

/* One line for a wimlib error, with errno where wimlib leaves it. */
static void
wim_fail(struct mkwinpe *m, int err, int saved_errno, const char *what)
{
	if (err == WIMLIB_ERR_ABORTED_BY_PROGRESS && m->signo)
		return;		/* interrupted() said it */
	if ((err == WIMLIB_ERR_WRITE || err == WIMLIB_ERR_READ ||
	    err == WIMLIB_ERR_OPEN) && saved_errno)
		fail(m, "%s: %s (%s)", what, wimlib_get_error_string(err),
		    strerror(saved_errno));
	else
		fail(m, "%s: %s", what, wimlib_get_error_string(err));
}

int
wim_open(struct mkwinpe *m, const char *path)
{
	struct wimlib_wim_info info;
	const char *arch, *name;
	WIMStruct *wim;
	size_t i;
	int r;

	errno = 0;
	r = wimlib_open_wim_with_progress(path, 0, &wim, on_progress, m);
	if (r != 0) {
		wim_fail(m, r, errno, m->cfg.dir_in ? path :
		    "sources/boot.wim");
		return 1;
	}
	m->wim = wim;
	wimlib_get_wim_info(wim, &info);
	if (info.image_count < SETUP_IMAGE) {
		fail(m, "'%s': sources/boot.wim has %d image%s, not the "
		    "Windows Setup image 2 mkwinpe needs", m->src.name,
		    info.image_count, info.image_count == 1 ? "" : "s");
		return 1;
	}
	name = wimlib_get_image_name(wim, SETUP_IMAGE);
	arch = wimlib_get_image_property(wim, SETUP_IMAGE, "WINDOWS/ARCH");
	m->arch[0] = '\0';
	for (i = 0; arch && i < sizeof(arches) / sizeof(arches[0]); i++)
		if (strcmp(arch, arches[i].id) == 0)
			snprintf(m->arch, sizeof(m->arch), "%s",
			    arches[i].name);
	if (m->cfg.arch && m->arch[0] && strcmp(m->cfg.arch, m->arch) != 0) {
		fail(m, "--arch %s: boot.wim image 2 is %s", m->cfg.arch,
		    m->arch);
		return 1;
	}
	if (m->arch[0] == '\0')
		snprintf(m->arch, sizeof(m->arch), "%s",
		    m->cfg.arch ? m->cfg.arch : "unknown");
	if (m->cfg.volume_id == NULL)
		snprintf(m->volume_id, sizeof(m->volume_id),
		    "Microsoft Windows PE (%.8s)", m->arch);
	log_info("boot.wim image 2 is \"%s\", %s, %d images in all",
	    name ? name : "", m->arch, info.image_count);
	return 0;
}

/* Does path exist in image 2? */
static int
exists_cb(const struct wimlib_dir_entry *e, void *ctx)
{
	(void)e;
	(void)ctx;
	return 0;
}

static bool
wim_has(struct mkwinpe *m, const char *path)
{
	return wimlib_iterate_dir_tree(m->wim, SETUP_IMAGE, path, 0,
	    exists_cb, NULL) == 0;
}

/* Command builders: the strings must outlive wimlib_update_image. */
static void
cmd_add(struct wimlib_update_command *c, const char *src, const char *dst)
{
	memset(c, 0, sizeof(*c));
	c->op = WIMLIB_UPDATE_OP_ADD;
	c->add.fs_source_path = (char *)src;
	c->add.wim_target_path = (char *)dst;
}

static void
cmd_delete(struct wimlib_update_command *c, const char *path)
{
	memset(c, 0, sizeof(*c));
	c->op = WIMLIB_UPDATE_OP_DELETE;
	c->delete_.wim_path = (char *)path;
	c->delete_.delete_flags = WIMLIB_DELETE_FLAG_FORCE;
}

static void
cmd_rename(struct wimlib_update_command *c, const char *from, const char *to)
{
	memset(c, 0, sizeof(*c));
	c->op = WIMLIB_UPDATE_OP_RENAME;
	c->rename.wim_source_path = (char *)from;
	c->rename.wim_target_path = (char *)to;
}

/* The basename of path. */
static const char *
base_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* The start script and winpeshl.ini into the stage, if any; the name of
 * the script in the image root into *name. */
static int
stage_script(struct mkwinpe *m, const char **name)
{
	char text[8192];
	int len;

	*name = NULL;
	if (m->cfg.start_script) {
		*name = base_of(m->cfg.start_script);
		if (stage_file(m, *name, NULL, 0, m->cfg.start_script) != 0)
			return 1;
	} else if (m->cfg.smb_server) {
		len = script_build(&m->cfg, m->cfg.drivers != NULL, text,
		    sizeof(text));
		*name = "mkwinpe.cmd";
		if (len < 0) {
			fail(m, "cannot build the start script");
			return 1;
		}
		if (stage_file(m, *name, text, (size_t)len, NULL) != 0)
			return 1;
	}
	if (*name == NULL)
		return 0;
	len = script_winpeshl(*name, text, sizeof(text));
	if (len < 0) {
		fail(m, "cannot build winpeshl.ini");
		return 1;
	}
	return stage_file(m, "Windows/System32/winpeshl.ini", text,
	    (size_t)len, NULL);
}

int
wim_edit(struct mkwinpe *m)
{
	static const char *const setups[][2] = {
		{ "/setup.exe", "/setup.exe.orig" },
		{ "/sources/setup.exe", "/sources/setup.exe.orig" },
	};
	const struct mkwinpe_config *c = &m->cfg;
	struct wimlib_update_command cmds[MAX_CMDS];
	const char *name = NULL;
	size_t n = 0, i;
	int r;

	for (i = 0; i < sizeof(setups) / sizeof(setups[0]); i++)
		if (wim_has(m, setups[i][0]))
			cmd_rename(&cmds[n++], setups[i][0], setups[i][1]);
	/* Everything added goes through the stage, in one add at the root. */
	if (c->start_script || c->smb_server || c->unattend || c->drivers ||
	    c->overlay) {
		if (stage_begin(m) != 0 || stage_script(m, &name) != 0 ||
		    (c->unattend && stage_file(m, "mkwinpe/unattend.xml",
		    NULL, 0, c->unattend) != 0) ||
		    (c->drivers && stage_tree(m, "--drivers", c->drivers,
		    "mkwinpe/drivers") != 0) ||
		    (c->overlay && stage_tree(m, "--overlay", c->overlay,
		    "") != 0) || stage_end(m) != 0)
			return 1;
		if (name)
			cmd_delete(&cmds[n++], "/Windows/System32/winpeshl.ini");
		cmd_add(&cmds[n++], m->stage, WIMLIB_WIM_ROOT_PATH);
	}
	errno = 0;
	if (n > 0 && (r = wimlib_update_image(m->wim, SETUP_IMAGE, cmds, n,
	    0)) != 0) {
		wim_fail(m, r, errno, "cannot update boot.wim");
		return 1;
	}
	return 0;
}

/* Make image index the boot image. */
static int
set_boot(struct mkwinpe *m, int index)
{
	struct wimlib_wim_info info;
	int r;

	memset(&info, 0, sizeof(info));
	info.boot_index = index;
	if ((r = wimlib_set_wim_info(m->wim, &info,
	    WIMLIB_CHANGE_BOOT_INDEX)) != 0) {
		wim_fail(m, r, 0, "boot.wim");
		return 1;
	}
	return 0;
}

/* The size of the WIM in fd, into m->wim_size. */
static int
wim_measure(struct mkwinpe *m, int fd)
{
	struct stat sb;

	if (fstat(fd, &sb) < 0) {
		fail(m, "new boot.wim: %s", strerror(errno));
		return 1;
	}
	m->wim_size = (uint64_t)sb.st_size;
	log_info("new boot.wim: %llu bytes", (unsigned long long)m->wim_size);
	return 0;
}

/* Is the ASCII text t, as UTF-16LE, at p (n bytes left)? */
static bool
utf16_at(const uint8_t *p, size_t n, const char *t)
{
	size_t i;

	for (i = 0; t[i]; i++)
		if (2 * i + 1 >= n || p[2 * i] != (uint8_t)t[i] ||
		    p[2 * i + 1] != 0)
			return false;
	return true;
}

/* Write the 8 hex digits of v as UTF-16LE at p, if "0x" and 8 digits are
 * there (n bytes left). */
static void
put_hex(uint8_t *p, size_t n, uint32_t v)
{
	static const char digits[] = "0123456789ABCDEF";
	int i;

	if (n < 20 || !utf16_at(p, n, "0x"))
		return;
	for (i = 0; i < 8; i++) {
		p[4 + 2 * i] = (uint8_t)digits[(v >> (28 - 4 * i)) & 0xf];
		p[5 + 2 * i] = 0;
	}
}

/*
 * wimlib writes the time of writing as each changed image's
 * LASTMODIFICATIONTIME in the WIM's XML (uncompressed UTF-16LE, the
 * digits at a fixed width, covered by no hash): make it the epoch, so the
 * same inputs give the same bytes.  0, or 1 after reporting.
 */
static int
wim_pin_time(struct mkwinpe *m, int fd)
{
	static const char tag[] = "<LASTMODIFICATIONTIME>";
	uint64_t t = ((uint64_t)m->epoch + 11644473600ull) * 10000000ull;
	uint64_t size, off;
	uint8_t hdr[208], *x;
	size_t i, k;

	if (pread(fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr))
		goto fail;
	for (size = 0, i = 0; i < 7; i++)
		size |= (uint64_t)hdr[72 + i] << (8 * i);
	for (off = 0, i = 0; i < 8; i++)
		off |= (uint64_t)hdr[80 + i] << (8 * i);
	if (size == 0 || size > (16u << 20) || (x = malloc(size)) == NULL)
		goto fail;
	if (pread(fd, x, size, (off_t)off) != (ssize_t)size) {
		free(x);
		goto fail;
	}
	for (i = 0; i + 2 * sizeof(tag) < size; i += 2) {
		if (!utf16_at(x + i, size - i, tag))
			continue;
		for (k = i; k < size && k < i + 400; k += 2) {
			if (utf16_at(x + k, size - k, "<HIGHPART>"))
				put_hex(x + k + 20, size - k - 20,
				    (uint32_t)(t >> 32));
			else if (utf16_at(x + k, size - k, "<LOWPART>"))
				put_hex(x + k + 18, size - k - 18, (uint32_t)t);
			else if (utf16_at(x + k, size - k,
			    "</LASTMODIFICATIONTIME>"))
				break;
		}
	}
	k = pwrite(fd, x, size, (off_t)off) == (ssize_t)size;
	free(x);
	if (k)
		return 0;
fail:
	fail(m, "the new boot.wim: cannot set its time: %s",
	    errno ? strerror(errno) : "no XML data");
	return 1;
}

int
wim_append(struct mkwinpe *m, int fd)
{
	int r;

	/* Image 2 becomes image 1 and the boot image; image 1's data stays
	 * in the file, unreferenced (wimlib's soft delete). */
	if ((r = wimlib_delete_image(m->wim, 1)) != 0) {
		wim_fail(m, r, 0, "boot.wim");
		return 1;
	}
	if (set_boot(m, 1) != 0)
		return 1;
	progress_start(m, "writing boot.wim", 0);
	errno = 0;
	r = wimlib_overwrite(m->wim, WIMLIB_WRITE_FLAG_SOFT_DELETE |
	    WIMLIB_WRITE_FLAG_IGNORE_READONLY_FLAG, 0);
	progress_end(m);
	if (r != 0) {
		wim_fail(m, r, errno, "cannot write the new boot.wim");
		return 1;
	}
	return wim_pin_time(m, fd) || wim_measure(m, fd);
}

int
wim_write(struct mkwinpe *m, int fd)
{
	int r;

	/* Written alone, image 2 becomes image 1: make it the boot image. */
	if (set_boot(m, SETUP_IMAGE) != 0)
		return 1;
	progress_start(m, "writing boot.wim", 0);
	errno = 0;
	r = wimlib_write_to_fd(m->wim, fd, SETUP_IMAGE,
	    WIMLIB_WRITE_FLAG_RETAIN_GUID, 0);
	progress_end(m);
	if (r != 0) {
		wim_fail(m, r, errno, "cannot write the new boot.wim");
		return 1;
	}
	return wim_pin_time(m, fd) || wim_measure(m, fd);
}

void
wim_close(struct mkwinpe *m)
{
	wimlib_free(m->wim);
	m->wim = NULL;
}
