/*
 * daemon: pid file, privilege drop and signal routing for the servers.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>

#include "libpxe/daemon.h"
#include "libpxe/log.h"
#include "libpxe/loop.h"

int
pxe_daemon_drop_privileges(const char *user)
{
	struct passwd *pw = getpwnam(user);

	if (pw == NULL) {
		log_err("--user: no such user '%s'", user);
		return -1;
	}
	if (setgroups(1, &pw->pw_gid) < 0 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) < 0 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) < 0) {
		log_err("--user %s: cannot drop privileges: %s", user,
		    strerror(errno));
		return -1;
	}
	return 0;
}

unsigned long long
pxe_daemon_raise_nofile(unsigned long long need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return need;	/* unknown: assume enough */
	if (rl.rlim_cur < need) {
		rl.rlim_cur = rl.rlim_max < need ? rl.rlim_max : need;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0 &&
		    getrlimit(RLIMIT_NOFILE, &rl) < 0)
			return need;
	}
	return rl.rlim_cur;
}

/* Write our pid, replacing what is there.  0 or -1 (logged). */
static int
write_pidfile(const char *path)
{
	char line[32];
	int fd, n, e = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0644);
	if (fd < 0) {
		log_err("--pid-file: cannot write '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	n = snprintf(line, sizeof(line), "%ld\n", (long)getpid());
	if (write(fd, line, (size_t)n) != n)
		e = errno ? errno : EIO;
	if (close(fd) < 0 && e == 0)
		e = errno;
	if (e != 0) {
		log_err("--pid-file: cannot write '%s': %s", path, strerror(e));
		unlink(path);
		return -1;
	}
	return 0;
}

static void
on_stop(struct pxe_loop *loop, int signo, void *arg)
{
	(void)arg;
	log_info("stopping on signal %d", signo);
	pxe_loop_stop(loop);
}

static void
on_usr1(struct pxe_loop *loop, int signo, void *arg)
{
	const struct pxe_daemon *dm = arg;

	(void)loop;
	(void)signo;
	if (dm->counters)
		dm->counters(dm->arg);
}

static void
on_hup(struct pxe_loop *loop, int signo, void *arg)
{
	(void)loop;
	(void)signo;
	(void)arg;
	if (pxe_log_reopen() < 0)
		log_warn("cannot reopen the log file");
}

int
pxe_daemon_start(struct pxe_loop *loop, struct pxe_daemon *dm)
{
	dm->pid_written = false;
	if (dm->pidfile && *dm->pidfile) {
		if (write_pidfile(dm->pidfile) < 0)
			return -1;
		dm->pid_written = true;
	}
	if (dm->user && pxe_daemon_drop_privileges(dm->user) < 0)
		goto fail;
	signal(SIGPIPE, SIG_IGN);
	if (pxe_loop_signal(loop, SIGTERM, on_stop, dm) < 0 ||
	    pxe_loop_signal(loop, SIGINT, on_stop, dm) < 0 ||
	    pxe_loop_signal(loop, SIGUSR1, on_usr1, dm) < 0 ||
	    pxe_loop_signal(loop, SIGHUP, on_hup, dm) < 0) {
		log_err("cannot set up signal handling: %s", strerror(errno));
		goto fail;
	}
	return 0;
fail:
	/* Not started: no pid file naming a process that is gone. */
	pxe_daemon_end(dm, true);
	return -1;
}

void
pxe_daemon_end(struct pxe_daemon *dm, bool clean)
{
	if (dm->pid_written && clean)
		(void)unlink(dm->pidfile);
	dm->pid_written = false;
}
