/*
 * fsroot: resolve the names clients ask for (TFTP, HTTP and SMB) to files
 * under one served root, and never outside it.  A leading '/' or '\' is
 * dropped, '\' becomes '/', empty and "." components are skipped; "..",
 * NUL bytes inside the name, over-long names and anything that would leave
 * the root (symlinks pointing out included) are refused.  A name that does
 * not exist as written is matched case-insensitively, component by
 * component (bootmgr asks for \Boot\BCD, the disk has boot/bcd).  Opening is
 * done with openat2(RESOLVE_BENEATH) where the kernel has it; without it,
 * every component is opened with O_NOFOLLOW and symlinks are refused.
 * Writes go to a temporary file in the target's directory that is renamed
 * into place only when complete, so a broken upload leaves nothing behind.
 */
#ifndef PXE_FSROOT_H
#define PXE_FSROOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PXE_FSROOT_MAXNAME	1024	/* longest client name accepted */

struct pxe_fsroot {
	int dirfd;		/* O_PATH|O_DIRECTORY fd of the root */
	char *path;		/* the root as given (for logs only) */
	bool openat2;		/* kernel has openat2; probed at open */
};

/* Open the root directory.  0, or -errno (-ENOTDIR, -ENOENT, ...). */
int pxe_fsroot_open(struct pxe_fsroot *r, const char *path);
void pxe_fsroot_close(struct pxe_fsroot *r);

/*
 * Normalise a client's name (len bytes, which may contain a NUL: that is
 * refused) into out, a relative '/'-separated path with no empty, "." or
 * ".." components.  0; -EACCES for "..", an embedded NUL or an empty result;
 * -ENAMETOOLONG when longer than PXE_FSROOT_MAXNAME or out's capacity, or a
 * component longer than NAME_MAX.
 */
int pxe_fsroot_normalize(const char *name, size_t len, char *out, size_t cap);

/*
 * Open a regular file for reading.  Returns an fd (O_RDONLY|O_CLOEXEC), or
 * -ENOENT (no such file, also after the case-insensitive search),
 * -EACCES (escapes the root, refused name, not readable, not a regular
 * file), -ENAMETOOLONG, or another -errno.  When resolved is not NULL it
 * gets the path as found on disk, relative to the root (for logs).  *size
 * (if not NULL) gets the file's size.
 */
int pxe_fsroot_open_read(const struct pxe_fsroot *r, const char *name,
    size_t len, char *resolved, size_t rcap, uint64_t *size);

/*
 * Open a regular file or a directory for reading (SMB opens both).  An
 * empty name (or only separators) is the root itself.  Returns an fd
 * (O_RDONLY|O_CLOEXEC) and fills *st, or: -ENOENT when the last component
 * does not exist (also case-insensitively), -ENOTDIR when a component
 * before it does not exist or is not a directory (SMB tells "name not
 * found" from "path not found"), -EACCES (escapes the root, refused name,
 * neither a file nor a directory), -ENAMETOOLONG, or another -errno.
 * resolved, if not NULL, gets the path as found on disk ("" for the root).
 */
struct stat;
int pxe_fsroot_open_node(const struct pxe_fsroot *r, const char *name,
    size_t len, char *resolved, size_t rcap, struct stat *st);

/* An upload in progress: a temporary file beside its final name. */
struct pxe_fsroot_tmp {
	int fd;			/* write here */
	int dirfd;		/* the target's directory */
	char name[256];		/* final name inside dirfd */
	char tmpname[256];	/* temporary name inside dirfd */
};

/*
 * Start an upload of name: the target's directory must exist (found
 * case-insensitively like reads); the final component is used as written.
 * -EEXIST when the target exists and !overwrite; -EACCES, -ENOENT (no such
 * directory), -ENAMETOOLONG as for reads.  On success t->fd is open for
 * writing to a new temporary file (mode 0644) and 0 is returned.
 */
int pxe_fsroot_create_tmp(const struct pxe_fsroot *r, const char *name,
    size_t len, bool overwrite, struct pxe_fsroot_tmp *t);

/*
 * Finish an upload: fsync is not done here (the caller decides); rename the
 * temporary file to its final name, atomically, without replacing an
 * existing file unless overwrite (renameat2 RENAME_NOREPLACE).  Closes the
 * fds.  0 or -errno (-EEXIST if somebody else created the target meanwhile:
 * the temporary file is removed).
 */
int pxe_fsroot_commit(struct pxe_fsroot_tmp *t, bool overwrite);

/* Abandon an upload: close and unlink the temporary file. */
void pxe_fsroot_abort(struct pxe_fsroot_tmp *t);

#endif
