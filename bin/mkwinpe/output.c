/*
 * output: every file mkwinpe writes is first an unnamed file (O_TMPFILE) in
 * its final directory, linked to its name only when the whole run has
 * succeeded, so a failure, Ctrl-C or even SIGKILL leaves nothing behind
 * (a named ".NAME.mkwinpe-XXXXXX" beside it where the filesystem has no
 * O_TMPFILE).  Also: the free-space check, copies of source files
 * (copy_file_range, so the kernel or the filesystem does the work), the
 * progress line, and the blocked signals polled at safe points.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "mkwinpe.h"

#define CHUNK	(8u << 20)	/* bytes per copy step between checks */

void
fail(struct mkwinpe *m, const char *fmt, ...)
{
	va_list ap;

	if (m->err[0])
		return;		/* the first error is the one to report */
	va_start(ap, fmt);
	vsnprintf(m->err, sizeof(m->err), fmt, ap);
	va_end(ap);
}

bool
interrupted(struct mkwinpe *m)
{
	struct signalfd_siginfo si;

	if (m->signo)
		return true;
	if (m->sigfd < 0 || read(m->sigfd, &si, sizeof(si)) != sizeof(si))
		return false;
	m->signo = (int)si.ssi_signo;
	fail(m, "interrupted by %s; nothing was written",
	    strsignal(m->signo));
	return true;
}

/* Split path into its directory (opened in o->dirfd) and last component. */
static int
open_parent(struct mkwinpe *m, struct out_file *o, const char *path)
{
	char a[PATH_MAX], b[PATH_MAX], *dir, *base;

	if (strlen(path) >= sizeof(a)) {
		fail(m, "'%s': name too long", path);
		return 1;
	}
	snprintf(a, sizeof(a), "%s", path);
	snprintf(b, sizeof(b), "%s", path);
	dir = dirname(a);
	base = basename(b);
	if (strlen(base) >= sizeof(o->base) || strcmp(base, "/") == 0 ||
	    strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
		fail(m, "'%s' is not a file name", path);
		return 1;
	}
	snprintf(o->base, sizeof(o->base), "%s", base);
	snprintf(o->final, sizeof(o->final), "%s", path);
	if ((o->dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
		fail(m, "cannot write '%s': %s: %s", path, dir,
		    strerror(errno));
		return 1;
	}
	return 0;
}

/* A new file in o->dirfd: unnamed if the filesystem can (and named is
 * false), else ".BASE.mkwinpe-XXXXXX". */
static int
open_tmp(struct mkwinpe *m, struct out_file *o, bool named)
{
	uint32_t rnd;
	int i;

	if (!named)
		o->fd = openat(o->dirfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC,
		    0644);
	if (o->fd >= 0)
		return 0;
	if (!named && errno != EOPNOTSUPP && errno != EISDIR &&
	    errno != EINVAL) {
		fail(m, "cannot write '%s': %s", o->final, strerror(errno));
		return 1;
	}
	for (i = 0; i < 100; i++) {
		if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
			rnd = (uint32_t)getpid() * 2654435761u + (uint32_t)i;
		snprintf(o->tmp, sizeof(o->tmp), ".%.200s.mkwinpe-%06x",
		    o->base, rnd & 0xffffff);
		o->fd = openat(o->dirfd, o->tmp, O_CREAT | O_EXCL | O_RDWR |
		    O_CLOEXEC, 0644);
		if (o->fd >= 0)
			return 0;
		if (errno != EEXIST)
			break;
	}
	fail(m, "cannot write '%s': %s", o->final, strerror(errno));
	o->tmp[0] = '\0';
	return 1;
}

int
out_create(struct mkwinpe *m, struct out_file *o, const char *path,
    bool named)
{
	struct stat sb;

	memset(o, 0, sizeof(*o));
	o->fd = o->dirfd = -1;
	if (open_parent(m, o, path) != 0)
		return 1;
	if (fstatat(o->dirfd, o->base, &sb, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!m->cfg.force) {
			fail(m, "'%s' exists (--force replaces it)", path);
			return 1;
		}
		if (S_ISDIR(sb.st_mode)) {
			fail(m, "'%s' is a directory", path);
			return 1;
		}
	}
	return open_tmp(m, o, named);
}

int
out_scratch(struct mkwinpe *m, struct out_file *o, const char *dir,
    const char *stem)
{
	memset(o, 0, sizeof(*o));
	o->fd = -1;
	snprintf(o->final, sizeof(o->final), "%s/(scratch %s)", dir,
	    stem ? stem : "file");
	snprintf(o->base, sizeof(o->base), "mkwinpe-%s", stem ? stem : "tmp");
	if ((o->dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
		fail(m, "cannot write in '%s': %s", dir, strerror(errno));
		return 1;
	}
	if (stem == NULL)
		return open_tmp(m, o, false);
	return open_tmp(m, o, true);
}

int
out_commit(struct mkwinpe *m, struct out_file *o)
{
	char proc[64], tmp[300];
	uint32_t rnd = 0;

	if (o->fd < 0 || o->linked)
		return 0;
	if (o->tmp[0] == '\0') {
		/* linkat(AT_EMPTY_PATH) needs a capability; the /proc
		 * name of the descriptor does not. */
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", o->fd);
		if (linkat(AT_FDCWD, proc, o->dirfd, o->base,
		    AT_SYMLINK_FOLLOW) == 0) {
			o->linked = true;
			return 0;
		}
		if (errno != EEXIST || !m->cfg.force) {
			fail(m, "cannot write '%s': %s", o->final,
			    strerror(errno));
			return 1;
		}
		/* --force: a temporary name, then renamed over the old. */
		(void)!getrandom(&rnd, sizeof(rnd), 0);
		snprintf(tmp, sizeof(tmp), ".%.200s.mkwinpe-%06x", o->base,
		    rnd & 0xffffff);
		if (linkat(AT_FDCWD, proc, o->dirfd, tmp,
		    AT_SYMLINK_FOLLOW) < 0) {
			fail(m, "cannot write '%s': %s", o->final,
			    strerror(errno));
			return 1;
		}
		snprintf(o->tmp, sizeof(o->tmp), "%s", tmp);
	}
	if (renameat2(o->dirfd, o->tmp, o->dirfd, o->base,
	    m->cfg.force ? 0 : RENAME_NOREPLACE) < 0) {
		fail(m, "cannot write '%s': %s", o->final, strerror(errno));
		return 1;
	}
	o->tmp[0] = '\0';
	o->linked = true;
	return 0;
}

void
out_abort(struct out_file *o)
{
	if (o->tmp[0] && o->dirfd >= 0 && !o->linked)
		unlinkat(o->dirfd, o->tmp, 0);
	o->tmp[0] = '\0';
	if (o->fd >= 0)
		close(o->fd);
	if (o->dirfd >= 0)
		close(o->dirfd);
	o->fd = o->dirfd = -1;
}

int
out_check_space(struct mkwinpe *m, const char *dir, uint64_t need)
{
	struct statvfs vfs;
	uint64_t avail;

	if (statvfs(dir, &vfs) < 0) {
		fail(m, "cannot write in '%s': %s", dir, strerror(errno));
		return 1;
	}
	avail = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	if (avail < need) {
		fail(m, "not enough space in '%s': %llu bytes needed, %llu "
		    "available", dir, (unsigned long long)need,
		    (unsigned long long)avail);
		return 1;
	}
	return 0;
}

/* write() all of len bytes; 0 or -errno. */
static int
write_all(int fd, const uint8_t *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Copy f with read and write, from byte done on. */
static int
copy_slow(struct mkwinpe *m, struct src_file *f, int fd, uint64_t done)
{
	uint8_t *buf;
	ssize_t n;
	int r = 0;

	if ((buf = malloc(1u << 20)) == NULL) {
		fail(m, "out of memory");
		return 1;
	}
	while (done < f->size && !interrupted(m)) {
		n = source_pread(f, buf, 1u << 20, done);
		if (n <= 0) {
			fail(m, "cannot read %s of '%s': %s", f->name,
			    m->src.name, n == 0 ? "file ends early" :
			    strerror((int)-n));
			r = 1;
			break;
		}
		if ((r = write_all(fd, buf, (size_t)n)) < 0) {
			fail(m, "cannot write: %s", strerror(-r));
			r = 1;
			break;
		}
		done += (uint64_t)n;
		progress_update(m, done);
	}
	free(buf);
	return m->signo ? 1 : r;
}

int
copy_to_fd(struct mkwinpe *m, struct src_file *f, int fd)
{
	uint64_t done = 0;
	loff_t off;
	ssize_t n;
	size_t want;

	if (f->pread_fd < 0)
		return copy_slow(m, f, fd, 0);
	while (done < f->size) {
		if (interrupted(m))
			return 1;
		off = (loff_t)(f->off + done);
		want = f->size - done < CHUNK ? (size_t)(f->size - done) :
		    CHUNK;
		n = copy_file_range(f->pread_fd, &off, fd, NULL, want, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EXDEV || errno == EINVAL ||
		    errno == ENOSYS || errno == EOPNOTSUPP) && done == 0)
			return copy_slow(m, f, fd, 0);
		if (n <= 0) {
			fail(m, "cannot copy %s of '%s': %s", f->name,
			    m->src.name, n == 0 ? "file ends early" :
			    strerror(errno));
			return 1;
		}
		done += (uint64_t)n;
		progress_update(m, done);
	}
	return 0;
}

const char *
size_text(uint64_t bytes, char *buf, size_t cap)
{
	if (bytes < (1u << 20))
		snprintf(buf, cap, "%llu KiB", (unsigned long long)
		    ((bytes + 1023) >> 10));
	else if (bytes < (1ull << 30))
		snprintf(buf, cap, "%.1f MiB", (double)bytes / (1 << 20));
	else
		snprintf(buf, cap, "%.2f GiB", (double)bytes / (1 << 30));
	return buf;
}

void
progress_start(struct mkwinpe *m, const char *phase, uint64_t total)
{
	m->phase = phase;
	m->total = total;
	m->done = 0;
	m->last_pct = -1;
	progress_update(m, 0);
}

void
progress_update(struct mkwinpe *m, uint64_t done)
{
	int pct;

	m->done = done;
	if (!m->tty || m->phase == NULL)
		return;
	pct = m->total ? (int)(done * 100 / m->total) : 0;
	if (pct > 100)
		pct = 100;
	if (pct == m->last_pct)
		return;
	m->last_pct = pct;
	if (m->total == 0) {
		fprintf(stderr, "\rmkwinpe: %s\033[K", m->phase);
	} else {
		char a[32], b[32];

		fprintf(stderr, "\rmkwinpe: %s %3d%% (%s of %s)\033[K",
		    m->phase, pct, size_text(done, a, sizeof(a)),
		    size_text(m->total, b, sizeof(b)));
	}
	fflush(stderr);
}

void
progress_end(struct mkwinpe *m)
{
	if (m->tty && m->phase) {
		fprintf(stderr, "\r\033[K");
		fflush(stderr);
	}
	m->phase = NULL;
}
