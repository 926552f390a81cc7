/*
 * iso: the bootable ISO written with libisofs.  bootmgr, boot/bcd,
 * boot/boot.sdi, etfsboot.com and the EFI files are cut out of the source
 * (iso_tree_add_new_cut_out_node on the Windows ISO itself, or on the file
 * of the extracted tree), so nothing is copied before the image is
 * written; the new boot.wim comes from a descriptor through a small stream
 * class of our own, which also reads the rare source file that is not one
 * contiguous extent.  El Torito: BIOS no-emulation etfsboot.com loading 8
 * sectors, and UEFI (platform 0xEF) efisys.bin with its load size set, the
 * catalog hidden; ISO9660 level 1 names without version or trailing dot
 * (as mkwinpeimg's mkisofs -d -N), plus Joliet.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The public declaration of struct burn_source, as libisofs ships it for
 * programs that do not use libburn. */
#define LIBISOFS_WITHOUT_LIBBURN 1
#include <libisofs.h>

#include "libpxe/log.h"
#include "mkwinpe.h"

#define ETFSBOOT	"/boot/etfsboot.com"
#define EFISYS		"/efi/microsoft/boot/efisys.bin"
#define CATALOG		"/boot.catalog"
#define BUFSZ		(64u << 10)
#define STREAM_FS_ID	0x4d4b5750u	/* "MKWP": our streams' id space */

/* What the writer thread's streams report back. */
struct iso_job {
	int err;		/* errno of the first failed read */
	const char *what;	/* the file it was reading */
};

/* A stream: size bytes at off of fd, or of a source file. */
struct fd_stream {
	struct iso_job *job;
	struct src_file *sf;	/* read through the source, or NULL */
	int fd;
	uint64_t off, size, pos;
	const char *what;
};

static int
st_open(IsoStream *s)
{
	((struct fd_stream *)s->data)->pos = 0;
	return ISO_SUCCESS;
}

static int
st_close(IsoStream *s)
{
	(void)s;
	return ISO_SUCCESS;
}

static off_t
st_size(IsoStream *s)
{
	return (off_t)((struct fd_stream *)s->data)->size;
}

/* Fill all of count bytes (libisofs wants whole reads until the end). */
static int
st_read(IsoStream *s, void *buf, size_t count)
{
	struct fd_stream *d = s->data;
	size_t want, got = 0;
	ssize_t n;

	if (d->pos >= d->size)
		return 0;
	want = count < d->size - d->pos ? count : (size_t)(d->size - d->pos);
	while (got < want) {
		if (d->sf)
			n = source_pread(d->sf, (uint8_t *)buf + got,
			    want - got, d->pos + got);
		else
			n = pread(d->fd, (uint8_t *)buf + got, want - got,
			    (off_t)(d->off + d->pos + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (d->job->err == 0) {
				d->job->err = n == 0 ? EIO : (d->sf ?
				    (int)-n : errno);
				d->job->what = d->what;
			}
			return ISO_FILE_READ_ERROR;
		}
		got += (size_t)n;
	}
	d->pos += got;
	return (int)got;
}

static int
st_repeatable(IsoStream *s)
{
	(void)s;
	return 1;
}

static void
st_id(IsoStream *s, unsigned int *fs_id, dev_t *dev_id, ino_t *ino_id)
{
	*fs_id = STREAM_FS_ID;
	*dev_id = 0;
	*ino_id = (ino_t)(uintptr_t)s;	/* unique while it lives */
}

static void
st_free(IsoStream *s)
{
	free(s->data);
}

static int
st_update_size(IsoStream *s)
{
	(void)s;
	return ISO_SUCCESS;
}

static IsoStreamIface fd_stream_class = {
	1, "user", st_open, st_close, st_size, st_read, st_repeatable,
	st_id, st_free, st_update_size, NULL, NULL, NULL,
};

/* The directory at path (made as needed) under the image root. */
static int
mkdirs(IsoImage *image, const char *path, IsoDir **dirp)
{
	char buf[512], *p, *slash;
	IsoDir *dir = iso_image_get_root(image);
	IsoNode *node;
	int r;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf; (slash = strchr(p, '/')) != NULL; p = slash + 1) {
		*slash = '\0';
		r = iso_dir_get_node(dir, p, &node);
		if (r == 1 && iso_node_get_type(node) == LIBISO_DIR)
			dir = (IsoDir *)node;
		else if (r == 1)
			return ISO_WRONG_ARG_VALUE;
		else if ((r = iso_tree_add_new_dir(dir, p, &dir)) < 0)
			return r;
	}
	*dirp = dir;
	return 0;
}

/* Add one file: cut out of a local file, or read through a stream. */
static int
add_file(IsoImage *image, struct iso_job *job, const char *path,
    struct src_file *sf, int fd, uint64_t size)
{
	const char *leaf = strrchr(path, '/') + 1;
	struct fd_stream *d;
	IsoStream *s;
	IsoDir *dir;
	IsoFile *file;
	int r;

	if ((r = mkdirs(image, path + 1, &dir)) < 0)
		return r;
	if (sf && sf->path[0] && sf->size > 0)
		return iso_tree_add_new_cut_out_node(image, dir, leaf, sf->path,
		    (off_t)sf->off, (off_t)sf->size, NULL);
	if ((d = calloc(1, sizeof(*d))) == NULL ||
	    (s = calloc(1, sizeof(*s))) == NULL) {
		free(d);
		return ISO_OUT_OF_MEM;
	}
	d->job = job;
	d->sf = sf;
	d->fd = fd;
	d->size = sf ? sf->size : size;
	d->what = sf ? sf->name : "boot.wim";
	s->class = &fd_stream_class;
	s->refcount = 1;
	s->data = d;
	/* The new node takes over our reference to s. */
	if ((r = iso_tree_add_new_file(dir, leaf, s, &file)) < 0)
		iso_stream_unref(s);
	return r;
}

/* El Torito entries: BIOS etfsboot.com, and UEFI efisys.bin if present. */
static int
add_boot(IsoImage *image, uint64_t efisys_size)
{
	ElToritoBootImage *bios, *efi;
	uint64_t sectors = (efisys_size + 511) / 512;
	int r;

	if ((r = iso_image_set_boot_image(image, ETFSBOOT, ELTORITO_NO_EMUL,
	    CATALOG, &bios)) < 0)
		return r;
	el_torito_set_load_size(bios, 8);
	iso_image_set_boot_catalog_hidden(image, LIBISO_HIDE_ON_RR |
	    LIBISO_HIDE_ON_JOLIET | LIBISO_HIDE_ON_1999);
	if (efisys_size == 0)
		return 0;
	if ((r = iso_image_add_boot_image(image, EFISYS, ELTORITO_NO_EMUL, 0,
	    &efi)) < 0)
		return r;
	el_torito_set_boot_platform_id(efi, 0xef);
	/* The catalog's count is 16 bits of 512-byte sectors. */
	el_torito_set_load_size(efi, (short)(sectors > 0xffff ? 0xffff :
	    sectors));
	return 0;
}

/* A libisofs error as text: its queued message if there is one. */
static void
iso_fail(struct mkwinpe *m, int r, const char *what)
{
	char text[4096], sev[80];
	int code = 0, imgid = 0;

	if (iso_obtain_msgs("FAILURE", &code, &imgid, text, sev) > 0)
		fail(m, "%s: %s", what, text);
	else
		fail(m, "%s: %s", what, iso_error_to_msg(r));
}

static IsoWriteOpts *
write_opts(struct mkwinpe *m)
{
	IsoWriteOpts *o;

	if (iso_write_opts_new(&o, 0) < 0)
		return NULL;
	/* boot.wim of 4 GiB or more needs level 3's multi-extent files. */
	iso_write_opts_set_iso_level(o, m->wim_size >= 0xffffffffull ? 3 : 1);
	iso_write_opts_set_joliet(o, 1);
	iso_write_opts_set_rockridge(o, 0);
	iso_write_opts_set_omit_version_numbers(o, 1);
	iso_write_opts_set_no_force_dots(o, 3);	/* ISO9660 and Joliet */
	iso_write_opts_set_always_gmt(o, 1);
	/* The volume id as given ("Microsoft Windows PE (x64)"). */
	iso_write_opts_set_relaxed_vol_atts(o, 1);
	return o;
}

/* Pull the image out of the generator thread into fd. */
static int
pump(struct mkwinpe *m, struct burn_source *bs, int fd)
{
	uint8_t *buf;
	uint64_t done = 0, total;
	ssize_t w;
	int n = 0, off, r = 0;

	if ((buf = malloc(BUFSZ)) == NULL) {
		fail(m, "out of memory");
		return 1;
	}
	total = (uint64_t)bs->get_size(bs);
	progress_start(m, "writing the ISO", total);
	/* read_xt gives a whole buffer or nothing: the last read must ask
	 * for exactly what is left. */
	while (done < total && (n = bs->read_xt(bs, buf, total - done <
	    BUFSZ ? (int)(total - done) : (int)BUFSZ)) > 0) {
		for (off = 0; off < n; off += (int)w) {
			w = write(fd, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				w = 0;
			else if (w < 0)
				break;
		}
		if (off < n) {
			fail(m, "cannot write '%s': %s", m->out_iso.final,
			    strerror(errno));
			r = 1;
			break;
		}
		done += (uint64_t)n;
		progress_update(m, done);
		if (interrupted(m)) {
			r = 1;
			break;
		}
	}
	if (r == 0 && (n < 0 || done < total))
		r = -1;		/* the generator failed: the caller says why */
	if (r != 0)
		bs->cancel(bs);
	progress_end(m);
	free(buf);
	return r;
}

uint64_t
iso_estimate(struct mkwinpe *m)
{
	struct src_file f;
	uint64_t sum = 2u << 20;	/* metadata, catalog, padding */
	int i;

	for (i = 0; boot_files[i].name; i++) {
		if (!((boot_files[i].need | boot_files[i].want) & NEED_ISO))
			continue;
		if (source_file(&m->src, boot_files[i].name, &f) == 0) {
			sum += f.size + 2048;
			source_file_close(&f);
		}
	}
	return sum;
}

int
iso_write(struct mkwinpe *m, int fd)
{
	struct src_file files[16];
	struct iso_job job = { 0, NULL };
	struct burn_source *bs = NULL;
	IsoWriteOpts *opts = NULL;
	IsoImage *image = NULL;
	uint64_t efisys = 0;
	char path[300];
	int i, nf = 0, r, ret = 1;

	if (iso_init() < 0) {
		fail(m, "cannot start libisofs");
		return 1;
	}
	iso_set_msgs_severities("FAILURE", "NEVER", "mkwinpe");
	if ((r = iso_image_new(m->volume_id, &image)) < 0) {
		iso_fail(m, r, "cannot make the ISO");
		goto out;
	}
	iso_image_set_data_preparer_id(image, "PXEKIT MKWINPE");
	for (i = 0; boot_files[i].name && nf < 16; i++) {
		if (!((boot_files[i].need | boot_files[i].want) & NEED_ISO) ||
		    strcmp(boot_files[i].name, "sources/boot.wim") == 0)
			continue;
		if ((r = source_file(&m->src, boot_files[i].name,
		    &files[nf])) < 0)
			continue;	/* optional; required ones were checked */
		snprintf(path, sizeof(path), "/%s", boot_files[i].name);
		if (strcmp(path, EFISYS) == 0)
			efisys = files[nf].size;
		r = add_file(image, &job, path, &files[nf], -1, 0);
		nf++;
		if (r < 0) {
			iso_fail(m, r, path);
			goto out;
		}
	}
	if ((r = add_file(image, &job, "/sources/boot.wim", NULL, m->wim_fd,
	    m->wim_size)) < 0 || (r = add_boot(image, efisys)) < 0) {
		iso_fail(m, r, "cannot make the ISO");
		goto out;
	}
	if (efisys == 0)
		log_warn("no efi/microsoft/boot/efisys.bin in '%s': the ISO "
		    "boots on BIOS only", m->src.name);
	if ((opts = write_opts(m)) == NULL ||
	    (r = iso_image_create_burn_source(image, opts, &bs)) < 0) {
		iso_fail(m, opts ? r : (int)ISO_OUT_OF_MEM,
		    "cannot make the ISO");
		goto out;
	}
	r = pump(m, bs, fd);
	if (r < 0 && job.err)
		fail(m, "cannot read %s of '%s': %s", job.what, m->src.name,
		    strerror(job.err));
	else if (r < 0)
		iso_fail(m, ISO_WRITE_ERROR, "cannot make the ISO");
	else if (r == 0 && job.err)
		fail(m, "cannot read %s of '%s': %s", job.what, m->src.name,
		    strerror(job.err));
	else if (r == 0)
		ret = 0;
out:
	if (bs) {
		bs->free_data(bs);	/* waits for the generator thread */
		free(bs);
	}
	iso_write_opts_free(opts);
	if (image)
		iso_image_unref(image);
	for (i = 0; i < nf; i++)
		source_file_close(&files[i]);
	iso_finish();
	return ret;
}
