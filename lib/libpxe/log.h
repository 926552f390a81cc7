/*
 * log: one place where every pxekit program writes its event lines, in the
 * style of dnsmasq's: "pxe-tftpd: sent /srv/tftp/pxelinux.0 to 10.0.0.17".
 * The sink is stderr (default), syslog, or a file (with a timestamp and pid
 * on each line, reopened on SIGHUP for logrotate).  Logging is process-wide
 * by nature, so the sink lives in this module's one static struct; nothing
 * else in libpxe keeps state between calls.  Strings that come from the
 * network go through pxe_log_escape() before they are logged.
 */
#ifndef PXE_LOG_H
#define PXE_LOG_H

#include <stddef.h>

enum pxe_log_level {
	PXE_LOG_ERR = 0,
	PXE_LOG_WARN = 1,
	PXE_LOG_INFO = 2,
	PXE_LOG_DEBUG = 3,
};

/* Set the program name printed before each line (default "pxekit"). */
void pxe_log_init(const char *ident);
/*
 * Choose the sink: NULL, "" or "stderr" for stderr, "syslog" for syslog
 * (facility daemon), anything else is a file opened for appending.
 * 0 or -errno (the previous sink is kept on failure).
 */
int pxe_log_open(const char *where);
/* Reopen a file sink (after logrotate moved it); a no-op otherwise. */
int pxe_log_reopen(void);
void pxe_log_close(void);
void pxe_log_set_level(enum pxe_log_level level);
enum pxe_log_level pxe_log_get_level(void);

void pxe_log(enum pxe_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define log_err(...)	pxe_log(PXE_LOG_ERR, __VA_ARGS__)
#define log_warn(...)	pxe_log(PXE_LOG_WARN, __VA_ARGS__)
#define log_info(...)	pxe_log(PXE_LOG_INFO, __VA_ARGS__)
#define log_debug(...)	pxe_log(PXE_LOG_DEBUG, __VA_ARGS__)

/*
 * Copy len bytes of src into dst (capacity cap, always NUL-terminated when
 * cap > 0) with anything not printable ASCII, and the backslash and double
 * quote, written as C escapes (\n, \\, \", \x1b).  Output that would not fit
 * is cut and ends in "...".  Returns strlen(dst).
 */
size_t pxe_log_escape(char *dst, size_t cap, const char *src, size_t len);

#endif
