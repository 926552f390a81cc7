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
#include <stdint.h>

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
/*
 * A daemon's start: the sink (--log WHERE) and the level from its
 * verbosity (-1 quiet: warnings; 0: info; 1 verbose: debug).  0, or
 * -errno said on stderr ("pxe-tftpd: --log: cannot open 'x': ...").
 */
int pxe_log_setup(const char *where, int verbosity);
enum pxe_log_level pxe_log_get_level(void);

void pxe_log(enum pxe_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define log_err(...)	pxe_log(PXE_LOG_ERR, __VA_ARGS__)
#define log_warn(...)	pxe_log(PXE_LOG_WARN, __VA_ARGS__)
#define log_info(...)	pxe_log(PXE_LOG_INFO, __VA_ARGS__)
#define log_debug(...)	pxe_log(PXE_LOG_DEBUG, __VA_ARGS__)

/*
 * The one escaper for strings from the network, used by the servers and
 * the sniffer alike.  Copy len bytes of src into dst (capacity cap, always
 * NUL-terminated when cap > 0) with anything not printable ASCII, and the
 * backslash and double quote, written as C escapes (\n, \\, \", \x1b).
 * Output that would not fit is cut and ends in "...".  Returns strlen(dst).
 */
size_t pxe_log_escape(char *dst, size_t cap, const char *src, size_t len);
/*
 * The same with flags: PXE_ESC_BACKSLASH keeps a backslash as it is, for
 * Windows paths and DOMAIN\user names (SMB), as strnvis' VIS_NOSLASH does.
 */
#define PXE_ESC_BACKSLASH	1u
size_t pxe_log_escape_flags(char *dst, size_t cap, const char *src,
    size_t len, unsigned flags);

/*
 * One rate-limited logger for dropped packets, so that a flood cannot
 * flood the log: at most PXE_DROP_LOG_PER_SEC lines a second, and one
 * line that says how many more were dropped.  Each daemon keeps one in
 * its context (zeroed to start); now is the loop's clock in ms.
 */
#define PXE_DROP_LOG_PER_SEC	5
struct pxe_droplog {
	uint64_t at;		/* start of the current second, ms */
	unsigned n;		/* drops in it */
};
/* Log "dropped packet " and the rest of the line, within the limit. */
void pxe_log_drop(struct pxe_droplog *dl, uint64_t now, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Say how many drops the limit kept out of the log (at the counters). */
void pxe_log_drop_flush(struct pxe_droplog *dl);

#endif
