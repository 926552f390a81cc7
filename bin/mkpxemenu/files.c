/*
 * files.c: how mkpxemenu reads and writes whole files.  A file is read
 * whole (64 MiB at most: loaders, modules, configs); a file is written by
 * a temporary file beside it and rename, so a loader fetching a menu
 * while it is rewritten gets the old one or the new one, never half.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mkpxemenu.h"

int
mk_parents(const char *path)
{
	char buf[4096], *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (p = buf + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

int
write_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
	char tmp[4200];
	const char *p = data;
	ssize_t n;
	int fd, e;

	if ((e = mk_parents(path)) < 0)
		return e;
	snprintf(tmp, sizeof(tmp), "%s.mkpxemenu-XXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0)
		return -errno;
	while (len > 0) {
		if ((n = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fchmod(fd, mode) < 0 || fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	if (rename(tmp, path) < 0) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	e = -errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return e;
}

uint8_t *
read_file(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *b;
	ssize_t n;
	size_t got = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > 64 * 1024 * 1024 ||
	    (b = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return NULL;
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, b + got, (size_t)st.st_size - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got != (size_t)st.st_size) {
		free(b);
		return NULL;
	}
	*len = got;
	return b;
}

bool
file_exists(const char *dir, const char *name)
{
	char p[1200];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}
