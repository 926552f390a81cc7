/*
 * fsroot: names from the network resolved under one root, never outside it.
 * See fsroot.h for the rules.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#ifdef HAVE_LINUX_OPENAT2_H
#include <linux/openat2.h>
#endif

#include "libpxe/fsroot.h"
#include "libpxe/utf16.h"

#define MAXPATH		(PXE_FSROOT_MAXNAME + 1)

/* openat2(RESOLVE_BENEATH), or -ENOSYS where the headers lack it. */
static int
sys_openat2_beneath(int dirfd, const char *path, int flags)
{
#if defined(HAVE_LINUX_OPENAT2_H) && defined(SYS_openat2)
	struct open_how how;

	memset(&how, 0, sizeof(how));
	how.flags = (uint64_t)flags;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
#else
	(void)dirfd;
	(void)path;
	(void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

int
pxe_fsroot_open(struct pxe_fsroot *r, const char *path)
{
	struct stat st;
	int fd;

	memset(r, 0, sizeof(*r));
	r->dirfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (r->dirfd < 0)
		return -errno;
	if (fstat(r->dirfd, &st) < 0 || !S_ISDIR(st.st_mode)) {
		close(r->dirfd);
		r->dirfd = -1;
		return -ENOTDIR;
	}
	if ((r->path = strdup(path)) == NULL) {
		close(r->dirfd);
		r->dirfd = -1;
		return -ENOMEM;
	}
	/* Strip trailing slashes so logs read root/name, not root//name. */
	for (size_t n = strlen(r->path); n > 1 && r->path[n - 1] == '/'; n--)
		r->path[n - 1] = '\0';
	fd = sys_openat2_beneath(r->dirfd, ".", O_PATH | O_CLOEXEC);
	if (fd >= 0) {
		r->openat2 = true;
		close(fd);
	}
	return 0;
}

void
pxe_fsroot_close(struct pxe_fsroot *r)
{
	if (r->dirfd >= 0)
		close(r->dirfd);
	r->dirfd = -1;
	free(r->path);
	r->path = NULL;
}

/* Copy the string s into out (capacity cap).  0 or -ENAMETOOLONG. */
static int
copy_str(char *out, size_t cap, const char *s)
{
	size_t n = strlen(s);

	if (n >= cap)
		return -ENAMETOOLONG;
	memcpy(out, s, n + 1);
	return 0;
}

static bool
is_sep(char c)
{
	return c == '/' || c == '\\';
}

int
pxe_fsroot_normalize(const char *name, size_t len, char *out, size_t cap)
{
	size_t i = 0, start, n, o = 0;

	if (len > PXE_FSROOT_MAXNAME)
		return -ENAMETOOLONG;
	if (memchr(name, '\0', len) != NULL)
		return -EACCES;
	while (i < len) {
		while (i < len && is_sep(name[i]))
			i++;
		start = i;
		while (i < len && !is_sep(name[i]))
			i++;
		n = i - start;
		if (n == 0 || (n == 1 && name[start] == '.'))
			continue;
		if (n == 2 && name[start] == '.' && name[start + 1] == '.')
			return -EACCES;
		if (n > NAME_MAX)
			return -ENAMETOOLONG;
		if (o + (o > 0) + n + 1 > cap)
			return -ENAMETOOLONG;
		if (o > 0)
			out[o++] = '/';
		memcpy(out + o, name + start, n);
		o += n;
	}
	if (o == 0)
		return -EACCES;
	out[o] = '\0';
	return 0;
}

/* True if name ends with a separator or a "." component: it can only
 * name a directory. */
static bool
names_dir(const char *name, size_t len)
{
	while (len > 0 && name[len - 1] == '.' && (len == 1 ||
	    is_sep(name[len - 2])))
		len--;
	return len > 0 && is_sep(name[len - 1]);
}

/*
 * The fallback for kernels without openat2: open every component with
 * O_NOFOLLOW from the root down; a symlink anywhere is refused.
 */
static int
walk_open(const struct pxe_fsroot *r, const char *path, int flags)
{
	char buf[MAXPATH], *comp, *next;
	struct stat st;
	int cur, fd;

	if (strlen(path) >= sizeof(buf))
		return -ENAMETOOLONG;
	strcpy(buf, path);
	if ((cur = openat(r->dirfd, ".", O_PATH | O_DIRECTORY |
	    O_CLOEXEC)) < 0)
		return -errno;
	for (comp = buf; (next = strchr(comp, '/')) != NULL; comp = next + 1) {
		*next = '\0';
		fd = openat(cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		close(cur);
		if (fd < 0)
			return -errno;
		if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
			close(fd);
			return S_ISLNK(st.st_mode) ? -EACCES : -ENOENT;
		}
		cur = fd;
	}
	fd = openat(cur, comp, flags | O_NOFOLLOW);
	close(cur);
	if (fd < 0)
		return errno == ELOOP ? -EACCES : -errno;
	return fd;
}

/* Open a normalised path under the root; -EACCES if it would leave it. */
static int
open_beneath(const struct pxe_fsroot *r, const char *path, int flags)
{
	int fd;

	flags |= O_CLOEXEC;
	if (!r->openat2)
		return walk_open(r, path, flags);
	fd = sys_openat2_beneath(r->dirfd, path, flags);
	if (fd < 0)
		return errno == EXDEV ? -EACCES : -errno;
	return fd;
}

/* Open the directory at path ("" is the root) for reading entries. */
static int
open_dir(const struct pxe_fsroot *r, const char *path)
{
	int fd;

	if (*path == '\0') {
		fd = openat(r->dirfd, ".", O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC);
		return fd < 0 ? -errno : fd;
	}
	return open_beneath(r, path, O_RDONLY | O_DIRECTORY);
}

/*
 * Find comp in the directory at dir: as written if it exists, else the
 * entry that matches case-insensitively (the smallest by strcmp when
 * several do, so the choice does not depend on directory order).  The name
 * found is written to out.  0, -ENOENT or -errno.
 */
static int
find_component(const struct pxe_fsroot *r, const char *dir, const char *comp,
    char *out, size_t cap)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd, found = 0;

	if ((fd = open_dir(r, dir)) < 0)
		return fd;
	if (fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		close(fd);
		return copy_str(out, cap, comp);
	}
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -errno;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcasecmp(de->d_name, comp) != 0 &&
		    !pxe_utf8_caseeq(de->d_name, strlen(de->d_name), comp,
		    strlen(comp)))
			continue;
		if ((!found || strcmp(de->d_name, out) < 0) &&
		    copy_str(out, cap, de->d_name) == 0)
			found = 1;
	}
	closedir(d);
	return found ? 0 : -ENOENT;
}

/*
 * Resolve the first ncomp components of the normalised path case-
 * insensitively into out (on-disk names, '/'-separated).  0 or -errno.
 */
static int
resolve_ci(const struct pxe_fsroot *r, const char *path, unsigned ncomp,
    char *out, size_t cap)
{
	char buf[MAXPATH], name[NAME_MAX + 1], *comp, *next;
	size_t o = 0, n;
	unsigned i;
	int e;

	snprintf(buf, sizeof(buf), "%s", path);
	out[0] = '\0';
	comp = buf;
	for (i = 0; i < ncomp && comp != NULL; i++, comp = next) {
		if ((next = strchr(comp, '/')) != NULL)
			*next++ = '\0';
		if ((e = find_component(r, out, comp, name, sizeof(name))) < 0)
			return e;
		n = strlen(name);
		if (o + (o > 0) + n + 1 > cap)
			return -ENAMETOOLONG;
		if (o > 0)
			out[o++] = '/';
		memcpy(out + o, name, n + 1);
		o += n;
	}
	return 0;
}

static unsigned
count_components(const char *path)
{
	unsigned n = 1;

	for (; *path != '\0'; path++)
		n += *path == '/';
	return n;
}

/* Open path for reading if it is a regular file.  fd or -errno. */
static int
open_regular(const struct pxe_fsroot *r, const char *path, uint64_t *size)
{
	struct stat st;
	int fd;

	/* O_NONBLOCK: opening a FIFO must not hang the server. */
	if ((fd = open_beneath(r, path, O_RDONLY | O_NONBLOCK)) < 0)
		return fd;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EACCES;
	}
	if (fcntl(fd, F_SETFL, 0) < 0) {
		close(fd);
		return -errno;
	}
	if (size != NULL)
		*size = (uint64_t)st.st_size;
	return fd;
}

int
pxe_fsroot_open_read(const struct pxe_fsroot *r, const char *name,
    size_t len, char *resolved, size_t rcap, uint64_t *size)
{
	char path[MAXPATH], ci[MAXPATH];
	const char *found = path;
	int fd, e;

	if ((e = pxe_fsroot_normalize(name, len, path, sizeof(path))) < 0)
		return e;
	/* "a.bin/", "a.bin\\" and "a.bin/." name a directory: no file is
	 * found through them (open(2) says ENOTDIR). */
	if (names_dir(name, len))
		return -ENOENT;
	fd = open_regular(r, path, size);
	if (fd == -ENOENT || fd == -ENOTDIR) {
		e = resolve_ci(r, path, count_components(path), ci,
		    sizeof(ci));
		if (e < 0)
			return e == -ENOTDIR ? -ENOENT : e;
		found = ci;
		fd = open_regular(r, ci, size);
	}
	if (fd == -ENOTDIR)
		fd = -ENOENT;
	if (fd == -ELOOP || fd == -EPERM)
		fd = -EACCES;
	if (fd >= 0 && resolved != NULL)
		snprintf(resolved, rcap, "%s", found);
	return fd;
}

/* Open path (a file or a directory) and stat it.  fd or -errno. */
static int
open_node(const struct pxe_fsroot *r, const char *path, struct stat *st)
{
	int fd;

	if (*path == '\0')
		fd = openat(r->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	else
		fd = open_beneath(r, path, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return *path == '\0' ? -errno : fd;
	if (fstat(fd, st) < 0 || (!S_ISREG(st->st_mode) &&
	    !S_ISDIR(st->st_mode))) {
		close(fd);
		return -EACCES;
	}
	return fd;
}

/* True if name is only separators (the root). */
static bool
is_root_name(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!is_sep(name[i]))
			return false;
	return true;
}

int
pxe_fsroot_open_node(const struct pxe_fsroot *r, const char *name,
    size_t len, char *resolved, size_t rcap, struct stat *st)
{
	char path[MAXPATH], ci[MAXPATH];
	const char *found = path;
	unsigned n;
	int fd, e;

	if (is_root_name(name, len)) {
		path[0] = '\0';
	} else if ((e = pxe_fsroot_normalize(name, len, path,
	    sizeof(path))) < 0) {
		return e;
	}
	fd = open_node(r, path, st);
	if (fd == -ENOENT || fd == -ENOTDIR) {
		n = count_components(path);
		/* The directories first: a missing one is "path not found". */
		if (n > 1 && (e = resolve_ci(r, path, n - 1, ci,
		    sizeof(ci))) < 0)
			return e == -ENOENT ? -ENOTDIR : e;
		if ((e = resolve_ci(r, path, n, ci, sizeof(ci))) < 0)
			return e;
		found = ci;
		fd = open_node(r, ci, st);
	}
	if (fd == -ELOOP || fd == -EPERM || fd == -EXDEV)
		fd = -EACCES;
	if (fd >= 0 && resolved != NULL)
		snprintf(resolved, rcap, "%s", found);
	return fd;
}

/* Fill t->tmpname with ".NAME.XXXXXX" (NAME shortened to fit). */
static void
make_tmpname(struct pxe_fsroot_tmp *t)
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char rnd[6];
	char suffix[7];
	size_t i;

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		for (i = 0; i < sizeof(rnd); i++)
			rnd[i] = (unsigned char)(rand() ^ getpid());
	for (i = 0; i < sizeof(rnd); i++)
		suffix[i] = set[rnd[i] % (sizeof(set) - 1)];
	suffix[6] = '\0';
	snprintf(t->tmpname, sizeof(t->tmpname), ".%.200s.%s", t->name,
	    suffix);
}

int
pxe_fsroot_create_tmp(const struct pxe_fsroot *r, const char *name,
    size_t len, bool overwrite, struct pxe_fsroot_tmp *t)
{
	char path[MAXPATH], dir[MAXPATH], *slash;
	struct stat st;
	unsigned ncomp;
	int e, tries;

	memset(t, 0, sizeof(*t));
	t->fd = t->dirfd = -1;
	if ((e = pxe_fsroot_normalize(name, len, path, sizeof(path))) < 0)
		return e;
	ncomp = count_components(path);
	slash = strrchr(path, '/');
	if ((e = copy_str(t->name, sizeof(t->name), slash ? slash + 1 :
	    path)) < 0)
		return e;
	if ((e = resolve_ci(r, path, ncomp - 1, dir, sizeof(dir))) < 0)
		return e == -ENOTDIR ? -ENOENT : e;
	if ((t->dirfd = open_dir(r, dir)) < 0) {
		e = t->dirfd == -ENOTDIR ? -ENOENT : t->dirfd;
		t->dirfd = -1;
		return e == -ELOOP ? -EACCES : e;
	}
	if (fstatat(t->dirfd, t->name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		e = !overwrite ? -EEXIST : !S_ISREG(st.st_mode) ? -EACCES : 0;
		if (e < 0)
			goto fail;
	}
	for (tries = 0; tries < 100; tries++) {
		make_tmpname(t);
		t->fd = openat(t->dirfd, t->tmpname, O_WRONLY | O_CREAT |
		    O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (t->fd >= 0)
			return 0;
		if (errno != EEXIST)
			break;
	}
	e = -errno;
fail:
	close(t->dirfd);
	t->dirfd = -1;
	return e == -EPERM ? -EACCES : e;
}

/* Rename without replacing, where the filesystem lacks RENAME_NOREPLACE. */
static int
link_noreplace(int dirfd, const char *from, const char *to)
{
	if (linkat(dirfd, from, dirfd, to, 0) < 0)
		return -errno;
	unlinkat(dirfd, from, 0);
	return 0;
}

int
pxe_fsroot_commit(struct pxe_fsroot_tmp *t, bool overwrite)
{
	int e = 0;

	if (t->fd >= 0 && close(t->fd) < 0)
		e = -errno;
	t->fd = -1;
	if (e == 0) {
		if (renameat2(t->dirfd, t->tmpname, t->dirfd, t->name,
		    overwrite ? 0 : RENAME_NOREPLACE) < 0) {
			e = -errno;
			if (!overwrite && (e == -EINVAL || e == -ENOSYS))
				e = link_noreplace(t->dirfd, t->tmpname,
				    t->name);
		}
	}
	if (e < 0)
		unlinkat(t->dirfd, t->tmpname, 0);
	close(t->dirfd);
	t->dirfd = -1;
	return e;
}

void
pxe_fsroot_abort(struct pxe_fsroot_tmp *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	if (t->dirfd >= 0) {
		unlinkat(t->dirfd, t->tmpname, 0);
		close(t->dirfd);
	}
	t->dirfd = -1;
}
