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

struct pxe_loop;

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

/* Become user: supplementary groups, gid and uid.  0 or -1 (logged). */
int pxe_daemon_drop_privileges(const char *user);

#endif
