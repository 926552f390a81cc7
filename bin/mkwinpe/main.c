/*
 * mkwinpe: a bootable Windows PE from a Windows ISO.  main.c reads the
 * options, checks the inputs, and runs the steps: open the media, check it
 * holds what the outputs need, create every output under a temporary name
 * (refusing existing ones without --force), check the free space, edit
 * boot.wim image 2 and write it once, copy or cut out the boot files, write
 * the ISO, and only then give every output its name.
 */
#include <errno.h>
#include <fcntl.h>
#include <fts.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include <sys/stat.h>

#include <wimlib.h>

#include "libpxe/log.h"
#include "libpxe/opts.h"
#include "mkwinpe.h"

enum {
	O_ISO = PXE_OPT_USER, O_WIM, O_TFTP, O_WINDIR, O_SCRIPT, O_SERVER,
	O_SHARE, O_USER, O_PASSWORD, O_UNATTEND, O_DRIVERS, O_OVERLAY,
	O_ARCH, O_VOLID, O_BYPASS, O_FORCE, O_QUIET, O_VERBOSE, O_PRINT,
	O_DEPFILE, O_PWFILE, O_CHECK,
};

static const struct pxe_opt options[] = {
	{ "iso", 'o', "FILE", O_ISO, "write a BIOS and UEFI bootable ISO to FILE" },
	{ "wim", 'w', "FILE", O_WIM, "write the new boot.wim to FILE" },
	{ "tftp-dir", 't', "DIR", O_TFTP, "write bootmgr, boot/, sources/boot.wim into DIR" },
	{ "windows-dir", 'W', "DIR", O_WINDIR, "read an extracted Windows ISO tree instead of an ISO" },
	{ "start-script", 's', "FILE", O_SCRIPT, "run FILE when WinPE starts, instead of the generated script" },
	{ "smb-server", 'S', "HOST", O_SERVER, "the generated script runs setup.exe from \\\\HOST\\SHARE" },
	{ "share", 0, "NAME", O_SHARE, "the share holding the install files (default install)" },
	{ "smb-user", 0, "USER", O_USER, "user for net use (default pxe; pxe-smbd takes any)" },
	{ "smb-password", 0, "PASSWORD", O_PASSWORD, "password for net use: pxe-smbd's --password (this or --smb-password-file is required with --smb-server)" },
	{ "smb-password-file", 0, "FILE", O_PWFILE, "the password is the first line of FILE (as pxe-smbd --password-file)" },
	{ "unattend", 'u', "FILE", O_UNATTEND, "add FILE to the image; setup.exe runs with /unattend:" },
	{ "drivers", 'd', "DIR", O_DRIVERS, "add DIR's drivers (.inf) to the image, loaded by drvload" },
	{ "bypass-checks", 0, NULL, O_BYPASS, "set the Windows 11 LabConfig keys (TPM, Secure Boot, RAM)" },
	{ "overlay", 'O', "DIR", O_OVERLAY, "add the files of DIR to the image root" },
	{ "arch", 'a', "ARCH", O_ARCH, "x86, x64 or arm64: refuse a boot.wim of another" },
	{ "volume-id", 0, "ID", O_VOLID, "ISO volume id (default Microsoft Windows PE (ARCH))" },
	{ "force", 'f', NULL, O_FORCE, "replace existing outputs" },
	{ "depfile", 0, "FILE", O_DEPFILE, "write the files read as a make rule into FILE (like gcc -MD)" },
	{ "check", 0, NULL, O_CHECK, "only say whether WINDOWS.iso is media mkwinpe can use" },
	{ "quiet", 'q', NULL, O_QUIET, "print only errors, no progress" },
	{ "verbose", 'v', NULL, O_VERBOSE, "say what is done, step by step" },
	{ "print-script", 0, NULL, O_PRINT, "print the start script --smb-server generates, and exit (no WINDOWS.iso needed)" },
	{ NULL, 0, NULL, 0, NULL },
};

static const char epilog[] =
    "WINDOWS.iso is read directly (UDF or ISO9660), with no mount and no root.\n"
    "Outputs appear only when complete.  Exit status: 0 done, 1 failure\n"
    "(bad input, no space, interrupted), 2 usage error.  See mkwinpe(1).\n";

/* The option handler: every value from argv and -C files comes here. */
static const char *
set_option(void *ctx, int id, const char *arg)
{
	struct mkwinpe_config *c = ctx;
	size_t i;

	switch (id) {
	case O_ISO: c->out_iso = arg; return NULL;
	case O_WIM: c->out_wim = arg; return NULL;
	case O_TFTP: c->out_tftp = arg; return NULL;
	case O_WINDIR: c->dir_in = arg; return NULL;
	case O_SCRIPT: c->start_script = arg; return NULL;
	case O_SERVER:
		c->smb_server = arg;
		return script_check_value(SV_SERVER, arg);
	case O_SHARE:
		c->share = arg;
		return script_check_value(SV_SHARE, arg);
	case O_USER:
		c->smb_user = arg;
		return script_check_value(SV_USER, arg);
	case O_PASSWORD:
		c->smb_password = arg;
		c->password_file = NULL;
		return script_check_value(SV_PASSWORD, arg);
	case O_UNATTEND: c->unattend = arg; return NULL;
	case O_DRIVERS: c->drivers = arg; return NULL;
	case O_OVERLAY: c->overlay = arg; return NULL;
	case O_ARCH:
		if (strcmp(arg, "amd64") == 0 || strcmp(arg, "x86_64") == 0)
			arg = "x64";
		c->arch = arg;
		if (strcmp(arg, "x86") && strcmp(arg, "x64") &&
		    strcmp(arg, "arm64"))
			return "is not x86, x64 or arm64";
		return NULL;
	case O_VOLID:
		c->volume_id = arg;
		if (*arg == '\0' || strlen(arg) > 32)
			return "is not 1 to 32 characters";
		for (i = 0; arg[i]; i++)
			if (arg[i] < 0x20 || arg[i] > 0x7e)
				return "is not printable ASCII";
		return NULL;
	case O_BYPASS: c->bypass_checks = true; return NULL;
	case O_FORCE: c->force = true; return NULL;
	case O_QUIET: c->verbosity = -1; return NULL;
	case O_VERBOSE: c->verbosity = 1; return NULL;
	case O_PRINT: c->print_script = true; return NULL;
	case O_DEPFILE: c->depfile = arg; return NULL;
	case O_PWFILE: return deps_read_password(c, arg);
	case O_CHECK: c->check = true; return NULL;
	}
	return "is not handled";
}

/* Combinations of options; 0, or 2 after saying what is wrong. */
static int
check_usage(const struct mkwinpe_config *c, int nargs)
{
	const char *msg = NULL;

	if (c->smb_server && !c->smb_password)
		msg = "--smb-server needs --smb-password or --smb-password-file: "
		    "the password pxe-smbd "
		    "was started with (--password); any --smb-user works with it";
	else if (c->print_script && !c->smb_server)
		msg = "--print-script needs --smb-server (it prints the script "
		    "that option generates)";
	else if (c->print_script)
		msg = NULL;
	else if (nargs > 1)
		msg = "one WINDOWS.iso only";
	else if (nargs == 1 && c->dir_in)
		msg = "give WINDOWS.iso or --windows-dir, not both";
	else if (nargs == 0 && !c->dir_in)
		msg = "no WINDOWS.iso (or --windows-dir) given";
	else if (!c->check && !c->out_iso && !c->out_wim && !c->out_tftp)
		msg = "no output: give --iso, --wim or --tftp-dir";
	else if (c->check && c->depfile)
		msg = "--check writes nothing: no --depfile";
	else if (c->out_iso && c->out_wim &&
	    strcmp(c->out_iso, c->out_wim) == 0)
		msg = "--iso and --wim name the same file";
	else if (c->start_script && c->smb_server)
		msg = "--start-script and --smb-server exclude each other "
		    "(--smb-server configures the generated script)";
	else if (!c->smb_server && (c->unattend || c->bypass_checks))
		msg = "--unattend and --bypass-checks need --smb-server (they "
		    "are steps of the generated script)";
	else if (c->start_script && strchr(c->start_script, ','))
		msg = "--start-script: a name with a comma cannot go in "
		    "winpeshl.ini";
	if (msg == NULL)
		return 0;
	fprintf(stderr, "mkwinpe: %s (see --help)\n", msg);
	return 2;
}

/*
 * Check that everything under path (a file or a directory as want_dir
 * says) can be read, and add its size to *bytes; 0, or 1 after reporting.
 */
static int
check_input(struct mkwinpe *m, const char *opt, const char *path,
    bool want_dir, uint64_t *bytes)
{
	char *const paths[] = { (char *)path, NULL };
	struct stat sb;
	FTSENT *e;
	FTS *fts;
	int fd, err = 0;

	if (path == NULL)
		return 0;
	if (stat(path, &sb) < 0) {
		fail(m, "%s: cannot read '%s': %s", opt, path, strerror(errno));
		return 1;
	}
	if (want_dir != S_ISDIR(sb.st_mode)) {
		fail(m, "%s: '%s' is %s", opt, path, want_dir ?
		    "not a directory" : "a directory");
		return 1;
	}
	if ((fts = fts_open(paths, FTS_PHYSICAL | FTS_NOCHDIR, NULL)) == NULL) {
		fail(m, "%s: cannot read '%s': %s", opt, path, strerror(errno));
		return 1;
	}
	while (err == 0 && (e = fts_read(fts)) != NULL) {
		if (e->fts_info == FTS_DNR || e->fts_info == FTS_ERR ||
		    e->fts_info == FTS_NS) {
			err = e->fts_errno ? e->fts_errno : EACCES;
		} else if (e->fts_info == FTS_F) {
			*bytes += (uint64_t)e->fts_statp->st_size;
			fd = open(e->fts_accpath, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				err = errno;
			else
				close(fd);
		}
		if (err)
			fail(m, "%s: cannot read '%s': %s", opt, e->fts_path,
			    strerror(err));
	}
	fts_close(fts);
	return err ? 1 : 0;
}

/* Make path and its parents as directories (mode 0755), remembering the
 * new ones so that a failed run can remove them again. */
static int
mkdir_p(struct mkwinpe *m, const char *path)
{
	char buf[PATH_MAX];
	size_t i, len;

	snprintf(buf, sizeof(buf), "%s", path);
	len = strlen(buf);
	for (i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0755) == 0) {
			if (m->nmade < sizeof(m->made_dirs) /
			    sizeof(m->made_dirs[0]))
				m->made_dirs[m->nmade++] = strdup(buf);
		} else if (errno != EEXIST) {
			fail(m, "cannot make the directory '%s': %s", buf,
			    strerror(errno));
			return 1;
		}
		if (i < len)
			buf[i] = '/';
	}
	return 0;
}

/* The directory beside an output: where a scratch copy of boot.wim and
 * the stage go. */
void
output_dir(const struct mkwinpe_config *c, char *dir, size_t cap)
{
	const char *p = c->out_wim ? c->out_wim : c->out_iso;
	const char *slash;

	if (p == NULL) {
		snprintf(dir, cap, "%s", c->out_tftp);
		return;
	}
	slash = strrchr(p, '/');
	if (slash == NULL)
		snprintf(dir, cap, ".");
	else if (slash == p)
		snprintf(dir, cap, "/");
	else
		snprintf(dir, cap, "%.*s", (int)(slash - p), p);
}

static bool
can_insert(const char *dir)
{
	bool ok;
	int fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return false;
	ok = iso_can_insert(fd);
	close(fd);
	return ok;
}

/* The TFTP output of a source file, or NULL. */
static struct out_file *
tftp_file(struct mkwinpe *m, const char *name)
{
	char path[PATH_MAX];
	unsigned i;

	snprintf(path, sizeof(path), "%s/%s", m->cfg.out_tftp, name);
	for (i = 0; i < m->ntftp; i++)
		if (strcmp(m->tftp[i].final, path) == 0)
			return &m->tftp[i];
	return NULL;
}

/* The output that gets boot.wim first: --wim, the TFTP tree, or the ISO. */
static struct out_file *
wim_holder(struct mkwinpe *m)
{
	struct out_file *t;

	if (m->cfg.out_wim)
		return &m->out_wim;
	if ((t = tftp_file(m, "sources/boot.wim")) != NULL)
		return t;
	return &m->out_iso;
}

/* Free space: everything goes beside the outputs, estimated up front. */
static int
check_space(struct mkwinpe *m, uint64_t wim_in, uint64_t extra)
{
	struct {
		const char *dir;
		dev_t dev;
		uint64_t need;
	} fs[3];
	const char *dirs[3];
	uint64_t needs[3], wim = wim_in + extra;
	char d_iso[PATH_MAX], d_wim[PATH_MAX];
	struct mkwinpe_config only;
	struct stat sb;
	int n = 0, nfs = 0, i, k;

	if (m->cfg.out_wim) {
		memset(&only, 0, sizeof(only));
		only.out_wim = m->cfg.out_wim;
		output_dir(&only, d_wim, sizeof(d_wim));
		dirs[n] = d_wim;
		needs[n++] = wim;
	}
	if (m->cfg.out_tftp) {
		dirs[n] = m->cfg.out_tftp;
		needs[n++] = wim + (4u << 20);
	}
	if (m->cfg.out_iso) {
		memset(&only, 0, sizeof(only));
		only.out_iso = m->cfg.out_iso;
		output_dir(&only, d_iso, sizeof(d_iso));
		dirs[n] = d_iso;
		needs[n] = iso_estimate(m) + wim;
		/*
		 * Where boot.wim cannot be moved in place, it is written to a
		 * scratch file first: the peak is the ISO and that scratch.
		 * The scratch copy of the source's boot.wim is gone by then
		 * (wim_close), and it and the scratch fit in the same room.
		 */
		if (!m->cfg.out_wim && !m->cfg.out_tftp && !can_insert(d_iso))
			needs[n] += wim;
		n++;
	}
	/* The stage (stage.c) goes beside --wim, else --iso, else the tree. */
	needs[m->cfg.out_wim ? 0 : m->cfg.out_iso ? n - 1 : 0] += extra;
	for (i = 0; i < n; i++) {
		if (stat(dirs[i], &sb) < 0) {
			fail(m, "cannot write in '%s': %s", dirs[i],
			    strerror(errno));
			return 1;
		}
		for (k = 0; k < nfs && fs[k].dev != sb.st_dev; k++)
			;
		if (k == nfs) {
			fs[nfs].dir = dirs[i];
			fs[nfs].dev = sb.st_dev;
			fs[nfs++].need = 0;
		}
		fs[k].need += needs[i];
	}
	for (k = 0; k < nfs; k++)
		if (out_check_space(m, fs[k].dir, fs[k].need) != 0)
			return 1;
	return 0;
}

/*
 * Create every output under its temporary name.  boot.wim copied out of an
 * ISO is edited in its first output, which wimlib opens by name: that one
 * gets a named temporary.
 */
static int
create_outputs(struct mkwinpe *m)
{
	const struct mkwinpe_config *c = &m->cfg;
	char path[PATH_MAX], dir[PATH_MAX];
	bool named = m->src.iso != NULL;
	struct src_file f;
	int i;

	if (c->out_wim && out_create(m, &m->out_wim, c->out_wim, named) != 0)
		return 1;
	if (c->out_iso && out_create(m, &m->out_iso, c->out_iso, named &&
	    !c->out_wim && !c->out_tftp) != 0)
		return 1;
	if (!c->out_tftp)
		return 0;
	for (i = 0; boot_files[i].name; i++) {
		if (!((boot_files[i].need | boot_files[i].want) & NEED_TFTP))
			continue;
		if (source_file(&m->src, boot_files[i].name, &f) < 0)
			continue;	/* optional; required ones were checked */
		source_file_close(&f);
		snprintf(path, sizeof(path), "%s/%s", c->out_tftp,
		    boot_files[i].name);
		snprintf(dir, sizeof(dir), "%s", path);
		*strrchr(dir, '/') = '\0';
		if (mkdir_p(m, dir) != 0 || out_create(m,
		    &m->tftp[m->ntftp++], path, named && !c->out_wim &&
		    strcmp(boot_files[i].name, "sources/boot.wim") == 0) != 0)
			return 1;
	}
	return 0;
}

/* The name of an output's named temporary. */
static void
tmp_path(const struct out_file *o, char *buf, size_t cap)
{
	const char *slash = strrchr(o->final, '/');

	if (slash)
		snprintf(buf, cap, "%.*s/%s", (int)(slash - o->final),
		    o->final, o->tmp);
	else
		snprintf(buf, cap, "%s", o->tmp);
}

/*
 * Open boot.wim straight from the tree, or from a scratch copy out of the
 * ISO beside the outputs (wimlib reads only named files), unlinked as soon
 * as wimlib has it open.
 */
static int
open_boot_wim(struct mkwinpe *m, struct src_file *bw)
{
	char dir[PATH_MAX], path[PATH_MAX + 300];
	int r;

	if (!m->src.iso)
		return wim_open(m, bw->path);
	output_dir(&m->cfg, dir, sizeof(dir));
	if (out_scratch(m, &m->src_copy, dir, "boot.wim") != 0)
		return 1;
	log_info("copying sources/boot.wim out of '%s'", m->src.name);
	progress_start(m, "reading boot.wim", bw->size);
	r = copy_to_fd(m, bw, m->src_copy.fd);
	progress_end(m);
	if (r != 0)
		return 1;
	snprintf(path, sizeof(path), "%s/%s", dir, m->src_copy.tmp);
	r = wim_open(m, path);
	out_abort(&m->src_copy);	/* wimlib holds its own descriptor */
	return r;
}

/* boot.wim copied out of the ISO into its output h, and edited there. */
static int
edit_in_output(struct mkwinpe *m, struct src_file *bw, struct out_file *h)
{
	char path[PATH_MAX + 300];
	int r;

	log_info("copying sources/boot.wim out of '%s' into '%s'",
	    m->src.name, h->final);
	progress_start(m, "reading boot.wim", bw->size);
	r = copy_to_fd(m, bw, h->fd);
	progress_end(m);
	if (r != 0)
		return 1;
	tmp_path(h, path, sizeof(path));
	if (wim_open(m, path) != 0 || wim_edit(m) != 0 ||
	    wim_append(m, h->fd) != 0)
		return 1;
	wim_close(m);
	m->wim_fd = h->fd;
	return 0;
}

/* Image 2 written alone by wimlib into fd, or a scratch file if fd < 0. */
static int
write_image(struct mkwinpe *m, struct src_file *bw, int fd)
{
	char dir[PATH_MAX];

	if (open_boot_wim(m, bw) != 0 || wim_edit(m) != 0)
		return 1;
	if (fd < 0) {
		output_dir(&m->cfg, dir, sizeof(dir));
		if (out_scratch(m, &m->wim_tmp, dir, NULL) != 0)
			return 1;
		fd = m->wim_tmp.fd;
	}
	m->wim_fd = fd;
	if (wim_write(m, fd) != 0)
		return 1;
	wim_close(m);	/* frees the scratch copy of the source */
	return 0;
}

/*
 * boot.wim into its first output, written once: from the tree, wimlib
 * writes image 2 alone into it; from an ISO, boot.wim is copied into it
 * and edited there.  When that output is the ISO, the ISO is then written
 * around it in place, where the filesystem can move it there.
 */
static int
make_boot_wim(struct mkwinpe *m, struct src_file *bw)
{
	struct out_file *h = wim_holder(m);
	bool in_iso = h == &m->out_iso, planned = false;
	struct iso_plan plan;
	int r;

	if (in_iso) {
		if ((r = iso_plan(m, h->fd, &plan)) == 1)
			return 1;
		planned = r == 0;
	}
	if (m->src.iso && (!in_iso || planned))
		r = edit_in_output(m, bw, h);
	else
		r = write_image(m, bw, !in_iso || planned ? h->fd : -1);
	if (r != 0 || !planned)
		return r;
	if ((r = iso_finish_in_place(m, h->fd, &plan)) == 0)
		m->iso_done = true;
	if (r != 3)
		return r;
	/* The ISO's file holds boot.wim: it becomes the scratch, and the
	 * ISO gets a new file. */
	m->wim_tmp = m->out_iso;
	m->wim_fd = m->wim_tmp.fd;
	return out_create(m, &m->out_iso, m->cfg.out_iso, false);
}

/* boot.wim into the TFTP tree too, when it went to --wim first. */
static int
copy_boot_wim(struct mkwinpe *m)
{
	struct out_file *t = tftp_file(m, "sources/boot.wim");
	struct src_file copy;
	int r;

	if (!t || t->fd == m->wim_fd)
		return 0;
	memset(&copy, 0, sizeof(copy));
	copy.name = "the new boot.wim";
	copy.fd = -1;
	copy.pread_fd = m->wim_fd;
	copy.size = m->wim_size;
	progress_start(m, "copying boot.wim", m->wim_size);
	r = copy_to_fd(m, &copy, t->fd);
	progress_end(m);
	return r;
}

/* The TFTP directory's boot files. */
static int
write_tftp(struct mkwinpe *m)
{
	struct out_file *t;
	struct src_file f;
	int i, r;

	for (i = 0; boot_files[i].name; i++) {
		if (strcmp(boot_files[i].name, "sources/boot.wim") == 0 ||
		    (t = tftp_file(m, boot_files[i].name)) == NULL)
			continue;
		if ((r = source_file(&m->src, boot_files[i].name, &f)) < 0) {
			fail(m, "cannot read %s of '%s': %s",
			    boot_files[i].name, m->src.name, strerror(-r));
			return 1;
		}
		r = copy_to_fd(m, &f, t->fd);
		source_file_close(&f);
		if (r != 0)
			return 1;
	}
	return 0;
}

static unsigned
outputs_of(const struct mkwinpe_config *c)
{
	return (c->out_wim ? NEED_WIM : 0) | (c->out_iso ? NEED_ISO : 0) |
	    (c->out_tftp ? NEED_TFTP : 0);
}

/* The size of path, or 0. */
static uint64_t
file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? (uint64_t)sb.st_size : 0;
}

/*
 * One line at the end (on a terminal, and with -v): what was written and
 * how big, the architecture, the start script.
 */
static void
summary(struct mkwinpe *m)
{
	const struct mkwinpe_config *c = &m->cfg;
	char line[2048], sz[32];
	size_t n = 0;
	uint64_t t = 0;
	unsigned i;

	if (!m->tty && c->verbosity <= 0)
		return;
	if (c->out_iso)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "'%s' (%s), ",
		    c->out_iso, size_text(file_size(c->out_iso), sz,
		    sizeof(sz)));
	if (c->out_wim && n < sizeof(line))
		n += (size_t)snprintf(line + n, sizeof(line) - n, "'%s' (%s), ",
		    c->out_wim, size_text(file_size(c->out_wim), sz,
		    sizeof(sz)));
	for (i = 0; c->out_tftp && i < m->ntftp; i++)
		t += file_size(m->tftp[i].final);
	if (c->out_tftp && n < sizeof(line))
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%u files "
		    "in '%s' (%s), ", m->ntftp, c->out_tftp, size_text(t, sz,
		    sizeof(sz)));
	if (n >= 2 && n < sizeof(line))
		line[n - 2] = '\0';
	fprintf(stderr, "mkwinpe: wrote %s: Windows PE %s, %s\n", line,
	    m->arch, c->smb_server ? "installs from the share (generated "
	    "start script)" : c->start_script ? "runs the --start-script" :
	    "starts to a command prompt");
	if (c->smb_server)
		fprintf(stderr, "mkwinpe: it runs net use I: \\\\%s\\%s "
		    "/user:%s and then I:\\setup.exe\n", c->smb_server,
		    c->share, c->smb_user);
}

/* Everything after the options; 0, or 1 with m->err set. */
static int
run(struct mkwinpe *m)
{
	uint64_t extra = 0;
	struct src_file bw;
	unsigned i;
	int r;

	if (check_input(m, "--start-script", m->cfg.start_script, false,
	    &extra) || check_input(m, "--unattend", m->cfg.unattend, false,
	    &extra) || check_input(m, "--drivers", m->cfg.drivers, true,
	    &extra) || check_input(m, "--overlay", m->cfg.overlay, true,
	    &extra))
		return 1;
	if (source_open(m) != 0 || source_check(m, outputs_of(&m->cfg)) != 0 ||
	    deps_collect(m, outputs_of(&m->cfg)) != 0)
		return 1;
	log_info("reading '%s' (%s)", m->src.name, m->src.iso ?
	    isofs_format_name(m->src.iso) : "directory");
	if (m->cfg.out_tftp && mkdir_p(m, m->cfg.out_tftp) != 0)
		return 1;
	if ((r = source_file(&m->src, "sources/boot.wim", &bw)) < 0) {
		fail(m, "cannot read sources/boot.wim of '%s': %s",
		    m->src.name, strerror(-r));
		return 1;
	}
	/* The volume id names the architecture, known once boot.wim is
	 * open; the ISO's dry run does not depend on it. */
	snprintf(m->volume_id, sizeof(m->volume_id), "%s", m->cfg.volume_id ?
	    m->cfg.volume_id : "Microsoft Windows PE");
	r = check_space(m, bw.size, extra) || create_outputs(m) ||
	    make_boot_wim(m, &bw);
	source_file_close(&bw);
	if (r)
		return 1;
	if (copy_boot_wim(m) != 0 ||
	    (m->cfg.out_tftp && write_tftp(m) != 0) ||
	    (m->cfg.out_iso && !m->iso_done &&
	    iso_write(m, m->out_iso.fd) != 0))
		return 1;
	if (interrupted(m))
		return 1;
	if (out_commit(m, &m->out_wim) != 0 || out_commit(m, &m->out_iso))
		return 1;
	for (i = 0; i < m->ntftp; i++)
		if (out_commit(m, &m->tftp[i]) != 0)
			return 1;
	summary(m);
	return m->cfg.depfile ? deps_write(m) : 0;
}

static void
cleanup(struct mkwinpe *m, bool failed)
{
	unsigned i;

	if (m->wim)
		wim_close(m);
	stage_remove(m);	/* before the folders it may be in */
	out_abort(&m->src_copy);
	out_abort(&m->wim_tmp);
	out_abort(&m->out_wim);
	out_abort(&m->out_iso);
	for (i = 0; i < m->ntftp; i++)
		out_abort(&m->tftp[i]);
	for (i = m->nmade; i-- > 0;) {
		if (failed)
			rmdir(m->made_dirs[i]);	/* only if still empty */
		free(m->made_dirs[i]);
	}
	source_close(&m->src);
	deps_free(&m->deps);
	free(m->cfg.password_buf);
	if (m->sigfd >= 0)
		close(m->sigfd);
}

/* Signals that stop a run are blocked and read at safe points. */
static void
setup_signals(struct mkwinpe *m)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	m->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	/* Past a file size limit, write() says EFBIG instead. */
	signal(SIGXFSZ, SIG_IGN);
}

static void
init(struct mkwinpe *m)
{
	unsigned i;

	memset(m, 0, sizeof(*m));
	m->cfg.share = "install";
	m->cfg.smb_user = "pxe";
	m->sigfd = -1;
	m->wim_fd = -1;
	m->src_copy.fd = m->src_copy.dirfd = -1;
	m->wim_tmp.fd = m->wim_tmp.dirfd = -1;
	m->out_wim.fd = m->out_wim.dirfd = -1;
	m->out_iso.fd = m->out_iso.dirfd = -1;
	for (i = 0; i < sizeof(m->tftp) / sizeof(m->tftp[0]); i++)
		m->tftp[i].fd = m->tftp[i].dirfd = -1;
}

/* --print-script: the generated start script on stdout. */
static int
print_script(const struct mkwinpe_config *c)
{
	char text[16384];
	int len = script_build(c, c->drivers != NULL, text, sizeof(text));

	if (len < 0) {
		fprintf(stderr, "mkwinpe: the start script does not fit\n");
		return 1;
	}
	if (fwrite(text, 1, (size_t)len, stdout) != (size_t)len ||
	    fflush(stdout) != 0) {
		fprintf(stderr, "mkwinpe: cannot write to stdout\n");
		return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static struct mkwinpe m;
	struct pxe_opts_spec spec = {
		"mkwinpe", PACKAGE_VERSION, "[OPTION]... WINDOWS.iso",
		"Make a bootable Windows PE (ISO, boot.wim or TFTP tree) from "
		"a Windows ISO, with no root and no temporary directory.",
		epilog, options, set_option, &m.cfg, &m.optmem,
	};
	int r, idx;

	pxe_log_init("mkwinpe");
	init(&m);
	if ((r = pxe_opts_parse(&spec, argc, argv, &idx)) != 0)
		return r == 1 ? 0 : 2;
	if (check_usage(&m.cfg, argc - idx) != 0)
		return 2;
	if (m.cfg.print_script) {
		r = print_script(&m.cfg);
		pxe_opts_free(&m.optmem);
		return r;
	}
	if (idx < argc)
		m.cfg.iso_in = argv[idx];
	pxe_log_set_level(m.cfg.verbosity > 0 ? PXE_LOG_INFO :
	    m.cfg.verbosity < 0 ? PXE_LOG_ERR : PXE_LOG_WARN);
	m.tty = m.cfg.verbosity >= 0 && isatty(STDERR_FILENO);
	setup_signals(&m);
	wimlib_global_init(WIMLIB_INIT_FLAG_DEFAULT_CASE_INSENSITIVE);
	r = m.cfg.check ? check_media(&m, outputs_of(&m.cfg)) : run(&m);
	interrupted(&m);
	cleanup(&m, r != 0 || m.signo);
	wimlib_global_cleanup();
	pxe_opts_free(&m.optmem);
	if (r != 0 || m.signo) {
		log_err("%s", m.err[0] ? m.err : "failed");
		return 1;
	}
	return 0;
}
