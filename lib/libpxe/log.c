/* log: event lines to stderr, syslog or a file; see log.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

enum sink { SINK_STDERR, SINK_SYSLOG, SINK_FILE };

/* The one piece of process-wide state in libpxe: where log lines go. */
static struct {
	const char *ident;
	enum sink sink;
	int fd;
	char path[4096];
	enum pxe_log_level level;
} lg = { "pxekit", SINK_STDERR, -1, "", PXE_LOG_INFO };

void
pxe_log_init(const char *ident)
{
	lg.ident = ident;
}

/* Open path for appending; fd or -errno. */
static int
open_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);

	return fd < 0 ? -errno : fd;
}

int
pxe_log_open(const char *where)
{
	int fd;

	if (where == NULL || *where == '\0' || strcmp(where, "stderr") == 0 ||
	    strcmp(where, "-") == 0) {
		pxe_log_close();
		lg.sink = SINK_STDERR;
		return 0;
	}
	if (strcmp(where, "syslog") == 0) {
		pxe_log_close();
		openlog(lg.ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
		lg.sink = SINK_SYSLOG;
		return 0;
	}
	if (strlen(where) >= sizeof(lg.path))
		return -ENAMETOOLONG;
	if ((fd = open_file(where)) < 0)
		return fd;
	pxe_log_close();
	lg.fd = fd;
	lg.sink = SINK_FILE;
	snprintf(lg.path, sizeof(lg.path), "%s", where);
	return 0;
}

int
pxe_log_reopen(void)
{
	int fd;

	if (lg.sink != SINK_FILE)
		return 0;
	if ((fd = open_file(lg.path)) < 0)
		return fd;
	close(lg.fd);
	lg.fd = fd;
	return 0;
}

void
pxe_log_close(void)
{
	if (lg.sink == SINK_FILE && lg.fd >= 0)
		close(lg.fd);
	else if (lg.sink == SINK_SYSLOG)
		closelog();
	lg.fd = -1;
	lg.sink = SINK_STDERR;
}

void
pxe_log_set_level(enum pxe_log_level level)
{
	lg.level = level;
}

int
pxe_log_setup(const char *where, int verbosity)
{
	int r;

	if ((r = pxe_log_open(where)) < 0) {
		fprintf(stderr, "%s: --log: cannot open '%s': %s\n", lg.ident,
		    where, strerror(-r));
		return r;
	}
	pxe_log_set_level(verbosity > 0 ? PXE_LOG_DEBUG : verbosity < 0 ?
	    PXE_LOG_WARN : PXE_LOG_INFO);
	return 0;
}

enum pxe_log_level
pxe_log_get_level(void)
{
	return lg.level;
}

/* Write one whole line to fd, retrying short writes. */
static void
write_line(int fd, const char *s, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

void
pxe_log(enum pxe_log_level level, const char *fmt, ...)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	char line[2048], stamp[64];
	size_t n = 0;
	va_list ap;
	time_t now;
	struct tm tm;
	int saved = errno;

	if (level > lg.level)
		return;
	va_start(ap, fmt);
	if (lg.sink == SINK_SYSLOG) {
		vsyslog(prio[level], fmt, ap);
		va_end(ap);
		errno = saved;
		return;
	}
	if (lg.sink == SINK_FILE) {
		now = time(NULL);
		localtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
		n = (size_t)snprintf(line, sizeof(line), "%s %s[%ld]: ", stamp,
		    lg.ident, (long)getpid());
	} else {
		n = (size_t)snprintf(line, sizeof(line), "%s: ", lg.ident);
	}
	if (n < sizeof(line))
		vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	n = strlen(line);
	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	write_line(lg.sink == SINK_FILE ? lg.fd : STDERR_FILENO, line, n);
	errno = saved;
}

size_t
pxe_log_escape(char *dst, size_t cap, const char *src, size_t len)
{
	return pxe_log_escape_flags(dst, cap, src, len, 0);
}

/* The escape for byte c into esc (up to 4 bytes); its length. */
static size_t
escape_one(unsigned char c, unsigned flags, char *esc)
{
	static const char hex[] = "0123456789abcdef";

	if ((c == '\\' && !(flags & PXE_ESC_BACKSLASH)) || c == '"') {
		esc[0] = '\\';
		esc[1] = (char)c;
		return 2;
	}
	if (c == '\n' || c == '\r' || c == '\t') {
		esc[0] = '\\';
		esc[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
		return 2;
	}
	if (c < 0x20 || c >= 0x7f) {
		esc[0] = '\\';
		esc[1] = 'x';
		esc[2] = hex[c >> 4];
		esc[3] = hex[c & 15];
		return 4;
	}
	esc[0] = (char)c;
	return 1;
}

size_t
pxe_log_escape_flags(char *dst, size_t cap, const char *src, size_t len,
    unsigned flags)
{
	char esc[4];
	size_t o = 0, i, total = 0, room, elen;

	if (cap == 0)
		return 0;
	for (i = 0; i < len; i++)
		total += escape_one((unsigned char)src[i], flags, esc);
	/* All of it, or as much as leaves room for "..." (never half an
	 * escape). */
	room = total < cap ? cap - 1 : cap > 4 ? cap - 4 : 0;
	for (i = 0; i < len; i++) {
		elen = escape_one((unsigned char)src[i], flags, esc);
		if (o + elen > room)
			break;
		memcpy(dst + o, esc, elen);
		o += elen;
	}
	if (i < len && o + 4 <= cap) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
	return o;
}

void
pxe_log_drop_flush(struct pxe_droplog *dl)
{
	if (dl->n > PXE_DROP_LOG_PER_SEC) {
		pxe_log(PXE_LOG_WARN, "%u more malformed packets dropped",
		    dl->n - PXE_DROP_LOG_PER_SEC);
		dl->n = PXE_DROP_LOG_PER_SEC;
	}
}

void
pxe_log_drop(struct pxe_droplog *dl, uint64_t now, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (now - dl->at >= 1000) {
		pxe_log_drop_flush(dl);
		dl->at = now;
		dl->n = 0;
	}
	if (dl->n++ >= PXE_DROP_LOG_PER_SEC)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pxe_log(PXE_LOG_WARN, "dropped packet %s", msg);
}
