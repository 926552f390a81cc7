/*
 * stage: what mkwinpe adds to boot.wim, laid out in one scratch folder
 * beside the outputs (".mkwinpe-stage-XXXXXX", removed at the end) and
 * added to the image root in one step: the start script, winpeshl.ini,
 * unattend.xml, the drivers and the overlay.  wimlib stamps what it adds
 * with the times it finds on disk, and a file's access time changes as it
 * is read; in the stage every time is fixed instead -- a file's to its
 * modification time, no later than the run's epoch (SOURCE_DATE_EPOCH, or
 * the newest input), every folder's to the epoch -- so that the same
 * inputs give the same image, byte for byte.
 */
#include <errno.h>
#include <fcntl.h>
#include <fts.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "mkwinpe.h"

/* The time a staged file gets: its own, no later than the epoch. */
static struct timespec
clamp(const struct mkwinpe *m, const struct timespec *t)
{
	struct timespec e = { m->epoch, 0 };

	return t->tv_sec >= m->epoch ? e : *t;
}

static int
set_times(int dirfd, const char *path, struct timespec t, int flags)
{
	struct timespec ts[2] = { t, t };

	return utimensat(dirfd, path, ts, flags) < 0 ? -errno : 0;
}

/* Copy the regular file src to dst (created); 0 or -errno. */
static int
copy_file(struct mkwinpe *m, const char *src, const char *dst,
    const struct stat *sb)
{
	struct timespec ts[2];
	char buf[65536];
	ssize_t n, w;
	int in, out, r = 0;

	if ((in = open(src, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		r = -errno;
		close(in);
		return r;
	}
	while ((n = copy_file_range(in, NULL, out, NULL, 1u << 30, 0)) > 0)
		;
	if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL ||
	    errno == EOPNOTSUPP)) {
		/* Not between these files: plain reads, from the start. */
		if (ftruncate(out, 0) < 0 || lseek(in, 0, SEEK_SET) < 0)
			n = -1;
		else
			while ((n = read(in, buf, sizeof(buf))) > 0)
				for (w = 0; w < n;) {
					ssize_t k = write(out, buf + w,
					    (size_t)(n - w));
					if (k < 0) {
						n = -1;
						break;
					}
					w += k;
				}
	}
	if (n < 0)
		r = -errno;
	ts[0] = ts[1] = clamp(m, &sb->st_mtim);
	if (r == 0 && futimens(out, ts) < 0)
		r = -errno;
	if (close(out) < 0 && r == 0)
		r = -errno;
	close(in);
	return r;
}

/* src (a folder) copied into the folder dst, merged with what is there. */
static int
copy_tree(struct mkwinpe *m, const char *opt, const char *src,
    const char *dst)
{
	char *const paths[] = { (char *)src, NULL };
	char to[PATH_MAX], link[PATH_MAX];
	size_t len = strlen(src);
	FTSENT *e;
	FTS *fts;
	ssize_t n;
	int r = 0;

	if ((fts = fts_open(paths, FTS_PHYSICAL | FTS_NOCHDIR, NULL)) == NULL)
		r = -errno;
	while (r == 0 && (e = fts_read(fts)) != NULL) {
		if (e->fts_info == FTS_DP)
			continue;
		if (interrupted(m)) {
			r = -EINTR;	/* interrupted() said so */
			break;
		}
		if ((size_t)snprintf(to, sizeof(to), "%s%s", dst,
		    e->fts_path + len) >= sizeof(to)) {
			r = -ENAMETOOLONG;
			break;
		}
		switch (e->fts_info) {
		case FTS_D:
			if (mkdir(to, 0755) < 0 && errno != EEXIST)
				r = -errno;
			break;
		case FTS_F:
			unlink(to);	/* an overlay file replaces */
			r = copy_file(m, e->fts_accpath, to, e->fts_statp);
			break;
		case FTS_SL:
			n = readlink(e->fts_accpath, link, sizeof(link) - 1);
			if (n < 0) {
				r = -errno;
				break;
			}
			link[n] = '\0';
			unlink(to);
			if (symlink(link, to) < 0)
				r = -errno;
			else
				r = set_times(AT_FDCWD, to, clamp(m,
				    &e->fts_statp->st_mtim),
				    AT_SYMLINK_NOFOLLOW);
			break;
		default:
			if (e->fts_errno == 0)
				fail(m, "%s: '%s' is not a file, a folder or a "
				    "symbolic link", opt, e->fts_path);
			r = e->fts_errno ? -e->fts_errno : -EINVAL;
			break;
		}
		if (r < 0)
			fail(m, "%s: cannot copy '%s' into the image: %s", opt,
			    e->fts_path, strerror(-r));
	}
	if (fts)
		fts_close(fts);
	else
		fail(m, "%s: cannot read '%s': %s", opt, src, strerror(-r));
	return r < 0 ? 1 : 0;
}

/* text written as the file path, dated at the epoch. */
static int
put_text(struct mkwinpe *m, const char *path, const char *text, size_t len)
{
	struct timespec ts[2] = { { m->epoch, 0 }, { m->epoch, 0 } };
	size_t done = 0;
	ssize_t n;
	int fd, r = 0;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) < 0) {
		fail(m, "cannot write '%s': %s", path, strerror(errno));
		return 1;
	}
	while (r == 0 && done < len) {
		if ((n = write(fd, text + done, len - done)) < 0)
			r = errno;
		else
			done += (size_t)n;
	}
	if (r == 0 && futimens(fd, ts) < 0)
		r = errno;
	if (close(fd) < 0 && r == 0)
		r = errno;
	if (r)
		fail(m, "cannot write '%s': %s", path, strerror(r));
	return r ? 1 : 0;
}

/* The folder rel of the stage and those above it (rel may be ""). */
static int
put_dirs(struct mkwinpe *m, const char *rel)
{
	char path[PATH_MAX + 64];
	size_t i, end;

	if (*rel == '\0')
		return 0;
	end = (size_t)snprintf(path, sizeof(path), "%s/%s", m->stage, rel);
	if (end >= sizeof(path)) {
		fail(m, "'%s/%s': %s", m->stage, rel, strerror(ENAMETOOLONG));
		return 1;
	}
	for (i = strlen(m->stage) + 1; i <= end; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			fail(m, "cannot make '%s': %s", path, strerror(errno));
			return 1;
		}
		if (i < end)
			path[i] = '/';
	}
	return 0;
}

int
stage_begin(struct mkwinpe *m)
{
	char dir[PATH_MAX];

	output_dir(&m->cfg, dir, sizeof(dir));
	if ((size_t)snprintf(m->stage, sizeof(m->stage),
	    "%s/.mkwinpe-stage-XXXXXX", dir) >= sizeof(m->stage) ||
	    mkdtemp(m->stage) == NULL) {
		fail(m, "cannot make a folder in '%s': %s", dir,
		    strerror(errno ? errno : ENAMETOOLONG));
		m->stage[0] = '\0';
		return 1;
	}
	return 0;
}

int
stage_file(struct mkwinpe *m, const char *name, const char *text,
    size_t len, const char *copy_of)
{
	char path[PATH_MAX + 64], dir[PATH_MAX];
	const char *slash = strrchr(name, '/');
	struct stat sb;
	int r;

	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - name) : 0,
	    name);
	if (put_dirs(m, dir) != 0)
		return 1;
	snprintf(path, sizeof(path), "%s/%s", m->stage, name);
	if (copy_of == NULL)
		return put_text(m, path, text, len);
	if (stat(copy_of, &sb) < 0)
		r = -errno;
	else
		r = copy_file(m, copy_of, path, &sb);
	if (r < 0) {
		fail(m, "cannot copy '%s' into the image: %s", copy_of,
		    strerror(-r));
		return 1;
	}
	return 0;
}

int
stage_tree(struct mkwinpe *m, const char *opt, const char *src,
    const char *name)
{
	char path[PATH_MAX + 64];

	if (put_dirs(m, name) != 0)
		return 1;
	snprintf(path, sizeof(path), "%s%s%s", m->stage, *name ? "/" : "",
	    name);
	return copy_tree(m, opt, src, path);
}

/* Every folder of the stage dated at the epoch, deepest first. */
int
stage_end(struct mkwinpe *m)
{
	char *const paths[] = { m->stage, NULL };
	struct timespec t = { m->epoch, 0 };
	FTSENT *e;
	FTS *fts;
	int r = 0;

	if ((fts = fts_open(paths, FTS_PHYSICAL | FTS_NOCHDIR, NULL)) == NULL)
		r = -errno;
	while (r == 0 && (e = fts_read(fts)) != NULL)
		if (e->fts_info == FTS_DP)
			r = set_times(AT_FDCWD, e->fts_accpath, t, 0);
	if (fts)
		fts_close(fts);
	if (r < 0) {
		fail(m, "cannot date '%s': %s", m->stage, strerror(-r));
		return 1;
	}
	return 0;
}

static int
remove_one(const char *path, const struct stat *sb, int type, struct FTW *f)
{
	(void)sb;
	(void)f;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void
stage_remove(struct mkwinpe *m)
{
	if (m->stage[0])
		nftw(m->stage, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	m->stage[0] = '\0';
}
