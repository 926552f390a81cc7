/*
 * daemon: what every pxekit server does between binding its sockets and
 * serving, in one place: write the --pid-file while still privileged (so
 * that /run works), drop to --user, and take signals through the event
 * loop: SIGTERM and SIGINT stop it (logged), SIGUSR1 logs the counters,
 * SIGHUP reopens the log file (logrotate); SIGPIPE is ignored.  Servers
 * run in the foreground; systemd or a shell puts them in the background.
 */
#ifndef PXE_DAEMON_H
#define PXE_DAEMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct pxe_loop;
struct pxe_daemon_opts;

struct pxe_daemon {
	const char *user;		/* --user, or NULL */
	const char *pidfile;		/* --pid-file, or NULL or "" */
	void (*counters)(void *arg);	/* SIGUSR1 */
	void *arg;
	bool pid_written;		/* set by pxe_daemon_start */
};

/*
 * After the sockets are bound: pid file, privileges, signals.  0, or -1
 * with the reason logged ("--user: no such user 'x'", ...).
 */
int pxe_daemon_start(struct pxe_loop *loop, struct pxe_daemon *dm);

/*
 * At exit: remove the pid file after a clean stop.  A server that has
 * dropped privileges may no longer be allowed to; that is left to the
 * service manager, which cleans /run.
 */
void pxe_daemon_end(struct pxe_daemon *dm, bool clean);

/*
 * Raise the open file limit towards need (up to the hard limit), before
 * privileges are dropped; the soft limit now in force.
 */
unsigned long long pxe_daemon_raise_nofile(unsigned long long need);

/*
 * Look up --user before anything is bound, so a name the system does not
 * have stops the start with one line instead of after "listening".  0, or
 * -1 with the reason logged.
 */
int pxe_daemon_check_user(const char *user);

/*
 * --test: checks that bind nothing.  Each says what is wrong on stderr
 * ("pxe-tftpd: --root /srv/tftp: No such file or directory") and counts
 * it (through log_err instead when to_log: the same checks stop a real
 * start with one line); pxe_check_done prints "PROG: configuration OK" on stdout when none
 * failed and returns the exit status (0 or 1).
 */
struct pxe_check {
	const char *prog;
	unsigned problems;
	bool to_log;		/* say it with log_err (a real start) */
};

void pxe_check_fail(struct pxe_check *ck, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* --user names a user this system has. */
void pxe_check_user(struct pxe_check *ck, const char *user);
/* opt (--interface) ifname exists (and has an IPv4 address if asked). */
void pxe_check_iface(struct pxe_check *ck, const char *opt,
    const char *ifname, bool need_ipv4);
/* Each --listen address is an IPv4 or IPv6 address. */
void pxe_check_listen(struct pxe_check *ck, const struct pxe_daemon_opts *o);
/* The folder that file path will be created in exists and is writable. */
void pxe_check_parent(struct pxe_check *ck, const char *opt,
    const char *path);
/* --log WHERE: stderr, syslog, or a file that can be written. */
void pxe_check_log(struct pxe_check *ck, const char *where);
int pxe_check_done(struct pxe_check *ck);

/*
 * The options every daemon takes: its config embeds a struct
 * pxe_daemon_opts, its option table holds PXE_DAEMON_OPTIONS(...) rows
 * (help lines for --verbose and --test, which differ per program), and its
 * handler passes ids from PXE_OPT_DAEMON up to pxe_daemon_option.
 */
#define PXE_LISTEN_MAX 16

struct pxe_daemon_opts {
	const char *user;
	const char *pidfile;
	const char *log;
	int verbosity;		/* -1 quiet, 0 normal, 1 verbose */
	bool test;		/* --test: check, bind nothing, exit */
	/* --listen and --port, in the servers that take them (their
	 * tables hold PXE_LISTEN_OPTIONS); port holds the default before. */
	const char *listen[PXE_LISTEN_MAX];
	unsigned nlisten;
	unsigned port;
	char msg[64];		/* pxe_daemon_number's complaint */
};

enum {
	PXE_OPT_DAEMON = 1024,	/* program ids stay below */
	PXE_OPT_DUSER = PXE_OPT_DAEMON, PXE_OPT_DFOREGROUND, PXE_OPT_DPIDFILE,
	PXE_OPT_DLOG, PXE_OPT_DVERBOSE, PXE_OPT_DQUIET, PXE_OPT_DTEST,
	PXE_OPT_DLISTEN, PXE_OPT_DPORT,
};

#define PXE_LISTEN_OPTIONS(port_help)					\
	{ "listen", 'l', "ADDR", PXE_OPT_DLISTEN,			\
	  "listen on ADDR; repeatable (default: all)" },		\
	{ "port", 'p', "N", PXE_OPT_DPORT, port_help }

/*
 * Call one(arg, addr, quiet) for each --listen address; with none, for
 * 0.0.0.0 and then :: (quiet, and its failure ignored: a machine may
 * have no IPv6).  0, or the first failure's return.
 */
int pxe_daemon_listen_each(const struct pxe_daemon_opts *o,
    int (*one)(void *arg, const char *addr, bool quiet), void *arg);

#define PXE_DAEMON_OPTIONS(verbose_help, test_help)			\
	{ "user", 'u', "USER", PXE_OPT_DUSER,				\
	  "drop privileges to USER after binding" },			\
	{ "foreground", 0, NULL, PXE_OPT_DFOREGROUND,			\
	  "stay in the foreground (the default)" },			\
	{ "pid-file", 0, "FILE", PXE_OPT_DPIDFILE,			\
	  "write the pid to FILE once listening" },			\
	{ "log", 'L', "WHERE", PXE_OPT_DLOG,				\
	  "stderr (default), syslog, or a file" },			\
	{ "verbose", 'v', NULL, PXE_OPT_DVERBOSE, verbose_help },	\
	{ "quiet", 'q', NULL, PXE_OPT_DQUIET,				\
	  "log only warnings and errors" },				\
	{ "test", 0, NULL, PXE_OPT_DTEST, test_help }

/* Take one of the common options (an opts handler's answer). */
const char *pxe_daemon_option(struct pxe_daemon_opts *o, int id,
    const char *arg);
/*
 * A number option in [min, max] into *out: NULL, or the handler's answer
 * ("is not a number in 1..65535", kept in o).
 */
const char *pxe_daemon_number(struct pxe_daemon_opts *o, const char *arg,
    uint64_t min, uint64_t max, unsigned *out);

/* A program's number options as a table: each sets an unsigned in its
 * config, at off, to a value in [min, max]. */
struct pxe_num_opt {
	int id;
	unsigned min, max;
	size_t off;
};

/*
 * Take option id if it is one of the common ones (into o) or in the
 * number table t of n rows (into cfg's field): true, with *msg NULL or
 * the handler's answer.  Else false: the program's own.
 */
bool pxe_daemon_take(struct pxe_daemon_opts *o, const struct pxe_num_opt *t,
    size_t n, void *cfg, int id, const char *arg, const char **msg);
/* --test -v: the common settings, as lines of a -C file. */
void pxe_daemon_print_opts(const struct pxe_daemon_opts *o, FILE *f);
/* The common options: --user, the --pid-file folder, --log. */
void pxe_check_daemon(struct pxe_check *ck, const struct pxe_daemon_opts *o);

/* Become user: supplementary groups, gid and uid.  0 or -1 (logged). */
int pxe_daemon_drop_privileges(const char *user);

/*
 * One daemon's main, with what only it does as hooks; each gets arg.
 * pxe_daemon_main reads the options (argv takes no operands) and runs
 * usage (the checks between options: -1 to go on, else the exit status).
 * With --test it runs test and the common checks (binding nothing), with
 * -v print too, and exits 0 or 1.  Else: the log as --log, --verbose and
 * --quiet say; bind (the loop, sockets, files: 0 or the exit status);
 * pxe_daemon_start with counters on SIGUSR1; ready (log "started"); the
 * loop until a signal stops it; stop (end what is in flight); counters,
 * once it started; teardown (close and free: gets the exit status so far,
 * returns the final one).  Then the pid file, the log and the options go.
 * Returns main's exit status.
 */
struct pxe_opts_spec;

struct pxe_daemon_prog {
	const struct pxe_opts_spec *spec;	/* its ctx holds opts */
	const struct pxe_daemon_opts *opts;
	struct pxe_daemon *dm;
	struct pxe_loop *const *loop;		/* set by bind */
	void *arg;
	int (*usage)(void *arg);		/* or NULL */
	void (*test)(void *arg, struct pxe_check *ck);
	void (*print)(void *arg, FILE *f);	/* settings as -C lines */
	int (*bind)(void *arg);
	void (*ready)(void *arg);
	void (*counters)(void *arg);
	void (*stop)(void *arg);		/* or NULL */
	int (*teardown)(void *arg, int status);
};

int pxe_daemon_main(const struct pxe_daemon_prog *p, int argc, char **argv);

#endif
