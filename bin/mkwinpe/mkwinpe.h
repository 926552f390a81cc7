/*
 * mkwinpe: a bootable Windows PE from a Windows ISO (or its extracted
 * tree), with no root, no loop mount and no temporary directory.
 *
 *   main.c    options, checks, and the order of the steps
 *   source.c  the input: files of the ISO (lib/libpxe/isofs) or directory
 *   wim.c     boot.wim image 2 edited and written with wimlib
 *   script.c  the start script and winpeshl.ini (pure text builders)
 *   iso.c     the ISO image written with libisofs
 *   output.c  outputs under temporary names, free space, copies, progress
 *             and Ctrl-C (signals are blocked and polled at safe points)
 *   deps.c    the files a run reads: --depfile, --smb-password-file, and
 *             the time stamped into the outputs
 *   check.c   --check: is this Windows media mkwinpe can use
 *   stage.c   what goes into boot.wim, laid out with fixed timestamps
 */
#ifndef MKWINPE_H
#define MKWINPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "libpxe/fsroot.h"
#include "libpxe/isofs.h"
#include "libpxe/opts.h"

struct wimlib_update_command;

/* Which outputs need a file of the source. */
enum {
	NEED_WIM = 1 << 0,
	NEED_ISO = 1 << 1,
	NEED_TFTP = 1 << 2,
	NEED_ALL = NEED_WIM | NEED_ISO | NEED_TFTP,
};

/* What the command line asked for. */
struct mkwinpe_config {
	const char *iso_in;		/* WINDOWS.iso, or NULL */
	const char *dir_in;		/* --windows-dir */
	const char *out_iso;		/* --iso */
	const char *out_wim;		/* --wim */
	const char *out_tftp;		/* --tftp-dir */
	const char *start_script;	/* --start-script FILE */
	const char *smb_server, *share, *smb_user, *smb_password;
	const char *unattend;		/* --unattend FILE */
	const char *drivers;		/* --drivers DIR */
	const char *overlay;		/* --overlay DIR */
	const char *volume_id;		/* --volume-id */
	const char *arch;		/* --arch: must match the WIM's */
	bool bypass_checks;
	bool force;
	bool print_script;		/* --print-script: print it, exit */
	int verbosity;			/* -1 quiet, 0, 1 verbose */
	const char *depfile;		/* --depfile FILE */
	const char *password_file;	/* --smb-password-file FILE */
	char *password_buf;		/* its first line, owned */
	bool check;			/* --check: read the media, write nothing */
};

/* The files a run read, in the order read (folders' in name order). */
struct deps {
	char **v;
	size_t n, cap;
};

/* The input: an ISO image read through isofs, or a directory. */
struct source {
	const char *name;		/* as given, for messages */
	char abspath[4096];		/* the ISO's absolute path */
	struct isofs *iso;		/* NULL for a directory */
	struct pxe_fsroot dir;
	bool have_dir;
};

/* One file of the input and where its bytes are. */
struct src_file {
	const char *name;		/* "boot/bcd" */
	uint64_t size;
	/* A local file whose bytes [off, off + size) are the content, for
	 * libisofs cut-out nodes and copy_file_range; path is "" when the
	 * data is scattered in the ISO (then read through isof). */
	char path[4096];
	int fd;				/* -1, or owned */
	int pread_fd;			/* fd to pread the bytes from */
	uint64_t off;
	struct isofs_file *isof;	/* owned, for scattered ISO data */
};

/* One file the outputs take from the input. */
struct boot_file {
	const char *name;		/* in the source and in the outputs */
	unsigned need;			/* NEED_* it is required by */
	unsigned want;			/* NEED_* it is copied into if present */
};

/* A file being written under a temporary name (or none: O_TMPFILE). */
struct out_file {
	int fd;
	int dirfd;
	char final[4096];		/* the name it gets, for messages */
	char base[256];			/* its last component, in dirfd */
	char tmp[300];			/* named temporary, or "" (O_TMPFILE) */
	bool linked;
};

/* Everything one run holds: config, state, and what to clean up. */
struct mkwinpe {
	struct mkwinpe_config cfg;
	struct source src;
	int sigfd;			/* signalfd of the blocked signals */
	int signo;			/* the signal that interrupted us */
	bool tty;			/* draw progress on stderr */
	char arch[16];			/* "x64", "x86", "arm64" */
	char volume_id[33];
	/* boot.wim */
	void *wim;			/* WIMStruct * */
	int wim_fd;			/* the new boot.wim, readable */
	uint64_t wim_size;
	struct out_file src_copy;	/* boot.wim copied out of an ISO */
	/* outputs */
	struct out_file out_iso, out_wim, wim_tmp;
	bool iso_done;			/* written with boot.wim in place */
	struct out_file tftp[12];
	unsigned ntftp;
	char *made_dirs[16];		/* made for outputs: removed on failure */
	unsigned nmade;
	/* progress */
	const char *phase;
	uint64_t done, total;
	int last_pct;
	char err[512];			/* the first error, one line */
	struct deps deps;
	time_t epoch;			/* the time stamped into the outputs */
	char stage[4096];		/* the stage folder, or "" */
	struct pxe_opts_mem optmem;	/* values read from -C files */
};

/* source.c */
extern const struct boot_file boot_files[];
int source_open(struct mkwinpe *m);
void source_close(struct source *s);
int source_file(struct source *s, const char *name, struct src_file *f);
ssize_t source_pread(struct src_file *f, void *buf, size_t len,
    uint64_t off);
void source_file_close(struct src_file *f);
/* Check every file the outputs need; 0, or 1 after reporting. */
int source_check(struct mkwinpe *m, unsigned outputs);

/* script.c */
/* The generated start script (CRLF lines) into buf; its length, or -1
 * if cap is too small. */
int script_build(const struct mkwinpe_config *c, bool drivers, char *buf,
    size_t cap);
/* winpeshl.ini running the script named name at the image root. */
int script_winpeshl(const char *name, char *buf, size_t cap);
/* NULL if s may appear in the script as the value of option what, else
 * the complaint. */
const char *script_check_value(int what, const char *s);
enum { SV_SERVER, SV_SHARE, SV_USER, SV_PASSWORD };

/* wim.c */
int wim_open(struct mkwinpe *m, const char *path);
int wim_edit(struct mkwinpe *m);
/* Write image 2 alone to fd, as its boot image. */
int wim_write(struct mkwinpe *m, int fd);
/* The WIM was opened from the output file fd: make image 2 the only one
 * and append the changes to that file. */
int wim_append(struct mkwinpe *m, int fd);
void wim_close(struct mkwinpe *m);

/* iso.c */
int iso_write(struct mkwinpe *m, int fd);
/* Where boot.wim goes in an ISO written around it in place. */
struct iso_plan {
	uint64_t pos;		/* its byte offset, on a filesystem block */
	uint64_t pad;		/* hidden bytes written before it to get there */
};
/* The dry run into fd (truncated after): 0, 1 failed, 2 not possible. */
int iso_plan(struct mkwinpe *m, int fd, struct iso_plan *p);
/*
 * boot.wim (m->wim_size bytes) is at the start of fd: move it to p->pos
 * and write the ISO around it.  0 done; 1 failed; 3 the filesystem cannot
 * insert a range (fd still holds just boot.wim).
 */
int iso_finish_in_place(struct mkwinpe *m, int fd, const struct iso_plan *p);
/* Can the filesystem of dirfd insert ranges (ext4, xfs)? */
bool iso_can_insert(int dirfd);
/* "816 KiB", "239.5 MiB", "4.02 GiB" into buf; returns buf. */
const char *size_text(uint64_t bytes, char *buf, size_t cap);
/* The ISO's size without boot.wim (metadata and the boot files). */
uint64_t iso_estimate(struct mkwinpe *m);

/* deps.c */
/* Every input of the run into m->deps (the source's files for outputs)
 * and m->epoch; 0, or 1 after reporting. */
int deps_collect(struct mkwinpe *m, unsigned outputs);
/* --depfile, atomically; 0, or 1 after reporting. */
int deps_write(struct mkwinpe *m);
void deps_free(struct deps *d);
/* --smb-password-file: the first line of path as the password; NULL, or
 * what is wrong for opts to report. */
const char *deps_read_password(struct mkwinpe_config *c, const char *path);

/* stage.c */
/* A new stage folder beside the outputs; 0, or 1 after reporting. */
int stage_begin(struct mkwinpe *m);
/* The file name (a path in the image) holding text, or a copy of the
 * file copy_of when not NULL. */
int stage_file(struct mkwinpe *m, const char *name, const char *text,
    size_t len, const char *copy_of);
/* The folder src copied into the folder name ("" for the root); opt names
 * it in errors. */
int stage_tree(struct mkwinpe *m, const char *opt, const char *src,
    const char *name);
/* Date the stage's folders; then it is ready for wimlib. */
int stage_end(struct mkwinpe *m);
void stage_remove(struct mkwinpe *m);
/* The folder beside the outputs (--wim, else --iso, else --tftp's);
 * main.c. */
void output_dir(const struct mkwinpe_config *c, char *dir, size_t cap);

/* check.c */
/* --check; 0 usable (one line on stdout), 1 not (m->err set). */
int check_media(struct mkwinpe *m, unsigned outputs);

/* output.c */
void fail(struct mkwinpe *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool interrupted(struct mkwinpe *m);
/* The output path under a temporary name: unnamed (O_TMPFILE) unless
 * named, or the filesystem cannot. */
int out_create(struct mkwinpe *m, struct out_file *o, const char *path,
    bool named);
/* A scratch file in dir, never committed: unnamed if possible, or named
 * ".mkwinpe-STEM.mkwinpe-XXXXXX" when stem is given (wimlib needs a name). */
int out_scratch(struct mkwinpe *m, struct out_file *o, const char *dir,
    const char *stem);
int out_commit(struct mkwinpe *m, struct out_file *o);
void out_abort(struct out_file *o);
int out_check_space(struct mkwinpe *m, const char *path, uint64_t need);
int copy_to_fd(struct mkwinpe *m, struct src_file *f, int fd);
void progress_start(struct mkwinpe *m, const char *phase, uint64_t total);
void progress_update(struct mkwinpe *m, uint64_t done);
void progress_end(struct mkwinpe *m);

#endif
