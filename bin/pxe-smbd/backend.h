/*
 * backend: what a share is served from, behind five calls (open, stat,
 * readdir, pread, close) and a statfs.  backend_fs.c serves a directory
 * through libpxe's fsroot (case-insensitive, never outside the root); an
 * ISO image backend (libpxe's isofs) plugs in beside it with the same
 * table (backend_iso.c), so nothing above this file knows where the bytes
 * come from.
 * Paths handed to open are UTF-8, relative to the share, '/'-separated,
 * already normalised by the caller ("" is the share's root).
 */
#ifndef PXE_SMBD_BACKEND_H
#define PXE_SMBD_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* What SMB needs to know about a file or directory. */
struct be_stat {
	bool dir;
	uint64_t size;
	uint64_t alloc;		/* bytes allocated on disk */
	uint64_t ino;		/* stable file id */
	uint32_t nlink;
	int64_t atime, mtime, ctime, btime;	/* seconds */
	long atime_ns, mtime_ns, ctime_ns, btime_ns;
};

struct be_statfs {
	uint64_t total_bytes, free_bytes;
	uint32_t block_size;
};

/* An open file or directory; each backend extends it. */
struct be_node;

/* Called by readdir for each entry; nonzero stops the walk. */
typedef int (*be_dirent_fn)(void *arg, const char *name,
    const struct be_stat *st);

struct be_ops {
	const char *kind;	/* "dir", "iso" */
	/*
	 * Open path: 0 and *out, or -ENOENT (the last component is
	 * missing), -ENOTDIR (a directory on the way is), -EACCES, -errno.
	 * resolved gets the path as found ("Boot/BCD" for "boot/bcd").
	 */
	int (*open)(void *be, const char *path, struct be_node **out,
	    char *resolved, size_t rcap);
	int (*stat)(struct be_node *n, struct be_stat *st);
	/* Every entry of a directory node except "." and "..". */
	int (*readdir)(struct be_node *n, be_dirent_fn fn, void *arg);
	/* Read up to len bytes at off; bytes read (0 at the end) or -errno. */
	ssize_t (*pread)(struct be_node *n, void *buf, size_t len,
	    uint64_t off);
	void (*close)(struct be_node *n);
	int (*statfs)(void *be, struct be_statfs *fs);
	void (*free)(void *be);
	/* Optional: what is inside ("UDF"), for the log. */
	const char *(*format)(void *be);
	/* Optional: the most descriptors the share's open nodes may hold
	 * at once (others are reopened when used). */
	void (*set_fd_cap)(void *be, unsigned cap);
};

/* A directory served through fsroot: 0 and *be, or -errno. */
int be_fs_new(const char *path, void **be);
extern const struct be_ops be_fs_ops;

/* An ISO image (UDF or ISO9660) through isofs: 0 and *be, or -errno
 * (-EMEDIUMTYPE when the file is neither). */
int be_iso_new(const char *path, void **be);
extern const struct be_ops be_iso_ops;

#endif
