/*
 * backend_fs: a share that is a directory, through libpxe's fsroot: names
 * are matched case-insensitively and can never leave the root.
 *
 * An open node does not own a descriptor: the share keeps at most fd_cap
 * of them, for the nodes used last, and a node whose descriptor was taken
 * back opens its path again when next used (checking it is still the same
 * file).  So clients holding thousands of handles cannot use up the
 * process's descriptors and lock everyone else out.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "libpxe/fsroot.h"
#include "backend.h"

#define FS_FD_CAP_DEFAULT	256

struct fs_be {
	struct pxe_fsroot root;
	struct be_node *mru, *lru;	/* nodes holding a descriptor */
	unsigned nfds, fd_cap;
};

struct be_node {
	struct fs_be *be;
	struct be_node *prev, *next;	/* in the list while fd >= 0 */
	int fd;				/* -1: taken back, reopened by path */
	bool dir;
	dev_t dev;
	ino_t ino;
	char path[];			/* as found on disk, share-relative */
};

static void
fd_unlink(struct be_node *n)
{
	struct fs_be *be = n->be;

	if (n->prev)
		n->prev->next = n->next;
	else
		be->mru = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else
		be->lru = n->prev;
	n->prev = n->next = NULL;
}

static void
fd_push(struct be_node *n)
{
	struct fs_be *be = n->be;

	n->prev = NULL;
	n->next = be->mru;
	if (be->mru)
		be->mru->prev = n;
	else
		be->lru = n;
	be->mru = n;
}

/* Give n the descriptor fd, taking back the least used ones past the
 * share's cap. */
static void
fd_attach(struct be_node *n, int fd)
{
	struct fs_be *be = n->be;
	struct be_node *old;

	n->fd = fd;
	fd_push(n);
	be->nfds++;
	while (be->nfds > be->fd_cap && (old = be->lru) != n) {
		fd_unlink(old);
		close(old->fd);
		old->fd = -1;
		be->nfds--;
	}
}

/* n's descriptor, opened again if it was taken back.  fd or -errno
 * (-ESTALE: the path names another file now). */
static int
node_fd(struct be_node *n)
{
	struct stat s;
	int fd;

	if (n->fd >= 0) {
		if (n->be->mru != n) {
			fd_unlink(n);
			fd_push(n);
		}
		return n->fd;
	}
	fd = pxe_fsroot_open_node(&n->be->root, n->path, strlen(n->path),
	    NULL, 0, &s);
	if (fd < 0)
		return fd == -ENOENT || fd == -ENOTDIR ? -ESTALE : fd;
	if (s.st_dev != n->dev || s.st_ino != n->ino) {
		close(fd);
		return -ESTALE;
	}
	fd_attach(n, fd);
	return fd;
}

static void
fill_stat(const struct stat *s, struct be_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->dir = S_ISDIR(s->st_mode);
	st->size = st->dir ? 0 : (uint64_t)s->st_size;
	st->alloc = st->dir ? 0 : (uint64_t)s->st_blocks * 512;
	st->ino = (uint64_t)s->st_ino;
	st->nlink = (uint32_t)s->st_nlink;
	st->atime = s->st_atim.tv_sec;
	st->atime_ns = s->st_atim.tv_nsec;
	st->mtime = s->st_mtim.tv_sec;
	st->mtime_ns = s->st_mtim.tv_nsec;
	st->ctime = s->st_ctim.tv_sec;
	st->ctime_ns = s->st_ctim.tv_nsec;
	/* No birth time in struct stat: the oldest time we know. */
	st->btime = st->mtime < st->ctime ? st->mtime : st->ctime;
	st->btime_ns = st->mtime < st->ctime ? st->mtime_ns : st->ctime_ns;
}

int
be_fs_new(const char *path, void **be)
{
	struct fs_be *r = calloc(1, sizeof(*r));
	int e;

	if (r == NULL)
		return -ENOMEM;
	if ((e = pxe_fsroot_open(&r->root, path)) < 0) {
		free(r);
		return e;
	}
	r->fd_cap = FS_FD_CAP_DEFAULT;
	*be = r;
	return 0;
}

static void
fs_set_fd_cap(void *be, unsigned cap)
{
	struct fs_be *r = be;

	r->fd_cap = cap > 0 ? cap : 1;
}

static int
fs_open(void *be, const char *path, struct be_node **out, char *resolved,
    size_t rcap)
{
	struct fs_be *r = be;
	char found[PXE_FSROOT_MAXNAME + 1];
	struct be_node *n;
	struct stat s;
	int fd;

	fd = pxe_fsroot_open_node(&r->root, path, strlen(path), found,
	    sizeof(found), &s);
	if (fd < 0)
		return fd;
	if ((n = calloc(1, sizeof(*n) + strlen(found) + 1)) == NULL) {
		close(fd);
		return -ENOMEM;
	}
	n->be = r;
	n->dir = S_ISDIR(s.st_mode);
	n->dev = s.st_dev;
	n->ino = s.st_ino;
	strcpy(n->path, found);
	if (resolved != NULL && rcap > 0)
		snprintf(resolved, rcap, "%s", found);
	fd_attach(n, fd);
	*out = n;
	return 0;
}

static int
fs_stat(struct be_node *n, struct be_stat *st)
{
	struct stat s;
	int fd = node_fd(n);

	if (fd < 0)
		return fd;
	if (fstat(fd, &s) < 0)
		return -errno;
	fill_stat(&s, st);
	return 0;
}

static int
fs_readdir(struct be_node *n, be_dirent_fn fn, void *arg)
{
	struct dirent *de;
	struct be_stat st;
	struct stat s;
	DIR *d;
	int fd, r = 0;

	if (!n->dir)
		return -ENOTDIR;
	if ((fd = node_fd(n)) < 0)
		return fd;
	/* A fresh fd: the node's own keeps its offset for nothing else. */
	if ((fd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -errno;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -errno;
	}
	while (r == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		/* Symlinks are followed only if they stay inside: skip
		 * what is neither a file nor a directory. */
		if (fstatat(fd, de->d_name, &s, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (!S_ISREG(s.st_mode) && !S_ISDIR(s.st_mode))
			continue;
		fill_stat(&s, &st);
		r = fn(arg, de->d_name, &st);
	}
	closedir(d);
	return r < 0 ? r : 0;
}

static ssize_t
fs_pread(struct be_node *n, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;
	ssize_t r;
	int fd = node_fd(n);

	if (fd < 0)
		return fd;
	while (done < len) {
		r = pread(fd, (char *)buf + done, len - done,
		    (off_t)(off + done));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return done > 0 ? (ssize_t)done : -errno;
		if (r == 0)
			break;
		done += (size_t)r;
	}
	return (ssize_t)done;
}

static void
fs_close(struct be_node *n)
{
	if (n->fd >= 0) {
		fd_unlink(n);
		close(n->fd);
		n->be->nfds--;
	}
	free(n);
}

static int
fs_statfs(void *be, struct be_statfs *fs)
{
	const struct fs_be *r = be;
	struct statvfs v;

	if (fstatvfs(r->root.dirfd, &v) < 0)
		return -errno;
	fs->block_size = (uint32_t)(v.f_frsize ? v.f_frsize : v.f_bsize);
	fs->total_bytes = (uint64_t)v.f_blocks * fs->block_size;
	fs->free_bytes = (uint64_t)v.f_bavail * fs->block_size;
	return 0;
}

static void
fs_free(void *be)
{
	struct fs_be *r = be;

	pxe_fsroot_close(&r->root);
	free(r);
}

const struct be_ops be_fs_ops = {
	.kind = "dir", .open = fs_open, .stat = fs_stat,
	.readdir = fs_readdir, .pread = fs_pread, .close = fs_close,
	.statfs = fs_statfs, .free = fs_free, .set_fd_cap = fs_set_fd_cap,
};
