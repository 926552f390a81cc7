/*
 * backend_fs: a share that is a directory, through libpxe's fsroot: names
 * are matched case-insensitively and can never leave the root.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "libpxe/fsroot.h"
#include "backend.h"

struct be_node {
	int fd;
	bool dir;
};

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
	struct pxe_fsroot *r = calloc(1, sizeof(*r));
	int e;

	if (r == NULL)
		return -ENOMEM;
	if ((e = pxe_fsroot_open(r, path)) < 0) {
		free(r);
		return e;
	}
	*be = r;
	return 0;
}

static int
fs_open(void *be, const char *path, struct be_node **out, char *resolved,
    size_t rcap)
{
	struct be_node *n;
	struct stat s;
	int fd;

	fd = pxe_fsroot_open_node(be, path, strlen(path), resolved, rcap, &s);
	if (fd < 0)
		return fd;
	if ((n = malloc(sizeof(*n))) == NULL) {
		close(fd);
		return -ENOMEM;
	}
	n->fd = fd;
	n->dir = S_ISDIR(s.st_mode);
	*out = n;
	return 0;
}

static int
fs_stat(struct be_node *n, struct be_stat *st)
{
	struct stat s;

	if (fstat(n->fd, &s) < 0)
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
	/* A fresh fd: the node's own keeps its offset for nothing else. */
	if ((fd = openat(n->fd, ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) < 0)
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

	while (done < len) {
		r = pread(n->fd, (char *)buf + done, len - done,
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
	close(n->fd);
	free(n);
}

static int
fs_statfs(void *be, struct be_statfs *fs)
{
	const struct pxe_fsroot *r = be;
	struct statvfs v;

	if (fstatvfs(r->dirfd, &v) < 0)
		return -errno;
	fs->block_size = (uint32_t)(v.f_frsize ? v.f_frsize : v.f_bsize);
	fs->total_bytes = (uint64_t)v.f_blocks * fs->block_size;
	fs->free_bytes = (uint64_t)v.f_bavail * fs->block_size;
	return 0;
}

static void
fs_free(void *be)
{
	pxe_fsroot_close(be);
	free(be);
}

const struct be_ops be_fs_ops = {
	.kind = "dir", .open = fs_open, .stat = fs_stat,
	.readdir = fs_readdir, .pread = fs_pread, .close = fs_close,
	.statfs = fs_statfs, .free = fs_free,
};
