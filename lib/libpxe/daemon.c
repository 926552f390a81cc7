/*
 * daemon: pid file, privilege drop and signal routing for the servers.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>

#include "libpxe/daemon.h"
#include "libpxe/log.h"
#include "libpxe/loop.h"
#include "libpxe/net.h"
#include "libpxe/opts.h"

/* The fix for a --user name the system does not have. */
static const char *
no_user_msg(const char *user, char *buf, size_t cap)
{
	snprintf(buf, cap, "--user %s: no such user on this system (create "
	    "it: adduser --system --no-create-home %s; or use nobody)", user,
	    user);
	return buf;
}

int
pxe_daemon_check_user(const char *user)
{
	char msg[256];

	if (user && getpwnam(user) == NULL) {
		log_err("%s", no_user_msg(user, msg, sizeof(msg)));
		return -1;
	}
	return 0;
}

int
pxe_daemon_drop_privileges(const char *user)
{
	struct passwd *pw = getpwnam(user);
	char msg[256];

	if (pw == NULL) {
		log_err("%s", no_user_msg(user, msg, sizeof(msg)));
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

void
pxe_check_fail(struct pxe_check *ck, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ck->to_log)
		log_err("%s", msg);
	else
		fprintf(stderr, "%s: %s\n", ck->prog, msg);
	ck->problems++;
}

void
pxe_check_user(struct pxe_check *ck, const char *user)
{
	char msg[256];

	if (user && getpwnam(user) == NULL)
		pxe_check_fail(ck, "%s", no_user_msg(user, msg, sizeof(msg)));
}

void
pxe_check_iface(struct pxe_check *ck, const char *opt, const char *ifname,
    bool need_ipv4)
{
	uint32_t a, m;
	int r = pxe_net_if_ipv4(ifname, &a, &m);

	if (r == -ENODEV)
		pxe_check_fail(ck, "%s %s: no such interface (ip -br link "
		    "lists them)", opt, ifname);
	else if (r == -EADDRNOTAVAIL && need_ipv4)
		pxe_check_fail(ck, "%s %s has no IPv4 address: give it one, "
		    "e.g. ip addr add 192.168.42.1/24 dev %s", opt, ifname,
		    ifname);
	else if (r < 0 && r != -EADDRNOTAVAIL)
		pxe_check_fail(ck, "%s %s: %s", opt, ifname, strerror(-r));
}

void
pxe_check_listen(struct pxe_check *ck, const struct pxe_daemon_opts *o)
{
	struct sockaddr_storage ss;
	socklen_t len;
	unsigned i;

	for (i = 0; i < o->nlisten; i++)
		if (pxe_net_parse_addr(o->listen[i], 1, &ss, &len) < 0)
			pxe_check_fail(ck, "--listen %s: not an IPv4 or IPv6 "
			    "address", o->listen[i]);
}

int
pxe_daemon_listen_each(const struct pxe_daemon_opts *o,
    int (*one)(void *arg, const char *addr, bool quiet), void *arg)
{
	unsigned i;
	int r;

	if (o->nlisten == 0) {
		if ((r = one(arg, "0.0.0.0", false)) < 0)
			return r;
		one(arg, "::", true);
		return 0;
	}
	for (i = 0; i < o->nlisten; i++)
		if ((r = one(arg, o->listen[i], false)) < 0)
			return r;
	return 0;
}

void
pxe_check_parent(struct pxe_check *ck, const char *opt, const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if (access(dir, F_OK) < 0)
		pxe_check_fail(ck, "%s %s: the folder %s does not exist (make "
		    "it: mkdir -p %s)", opt, path, dir, dir);
	else if (access(dir, W_OK | X_OK) < 0)
		pxe_check_fail(ck, "%s %s: cannot write in %s: %s", opt, path,
		    dir, strerror(errno));
}

void
pxe_check_log(struct pxe_check *ck, const char *where)
{
	if (where == NULL || *where == '\0' || strcmp(where, "stderr") == 0 ||
	    strcmp(where, "-") == 0 || strcmp(where, "syslog") == 0)
		return;
	if (access(where, F_OK) == 0) {
		if (access(where, W_OK) < 0)
			pxe_check_fail(ck, "--log %s: %s", where,
			    strerror(errno));
		return;
	}
	pxe_check_parent(ck, "--log", where);
}

int
pxe_check_done(struct pxe_check *ck)
{
	if (ck->problems) {
		fprintf(stderr, "%s: %u problem%s in the configuration\n",
		    ck->prog, ck->problems, ck->problems == 1 ? "" : "s");
		return 1;
	}
	printf("%s: configuration OK\n", ck->prog);
	return 0;
}

const char *
pxe_daemon_option(struct pxe_daemon_opts *o, int id, const char *arg)
{
	switch (id) {
	case PXE_OPT_DUSER: o->user = arg; return NULL;
	case PXE_OPT_DFOREGROUND: return NULL;
	case PXE_OPT_DPIDFILE: o->pidfile = arg; return NULL;
	case PXE_OPT_DLOG: o->log = arg; return NULL;
	case PXE_OPT_DVERBOSE: o->verbosity = 1; return NULL;
	case PXE_OPT_DQUIET: o->verbosity = -1; return NULL;
	case PXE_OPT_DTEST: o->test = true; return NULL;
	case PXE_OPT_DLISTEN:
		if (o->nlisten == PXE_LISTEN_MAX)
			return "given too many times";
		o->listen[o->nlisten++] = arg;
		return NULL;
	case PXE_OPT_DPORT:
		return pxe_daemon_number(o, arg, 1, 65535, &o->port);
	}
	return "is not handled";
}

const char *
pxe_daemon_number(struct pxe_daemon_opts *o, const char *arg, uint64_t min,
    uint64_t max, unsigned *out)
{
	uint64_t v;

	if (pxe_parse_u64(arg, min, max, &v) < 0)
		return pxe_range_msg(o->msg, sizeof(o->msg), min, max);
	*out = (unsigned)v;
	return NULL;
}

bool
pxe_daemon_take(struct pxe_daemon_opts *o, const struct pxe_num_opt *t,
    size_t n, void *cfg, int id, const char *arg, const char **msg)
{
	size_t i;

	if (id >= PXE_OPT_DAEMON) {
		*msg = pxe_daemon_option(o, id, arg);
		return true;
	}
	for (i = 0; i < n; i++)
		if (t[i].id == id) {
			*msg = pxe_daemon_number(o, arg, t[i].min, t[i].max,
			    (unsigned *)(void *)((char *)cfg + t[i].off));
			return true;
		}
	return false;
}

void
pxe_daemon_print_opts(const struct pxe_daemon_opts *o, FILE *f)
{
	if (o->user)
		fprintf(f, "user %s\n", o->user);
	if (o->pidfile)
		fprintf(f, "pid-file %s\n", o->pidfile);
	if (o->log)
		fprintf(f, "log %s\n", o->log);
}

void
pxe_check_daemon(struct pxe_check *ck, const struct pxe_daemon_opts *o)
{
	pxe_check_user(ck, o->user);
	if (o->pidfile && *o->pidfile)
		pxe_check_parent(ck, "--pid-file", o->pidfile);
	pxe_check_log(ck, o->log);
}

/* --test: the program's checks and the common ones; the exit status. */
static int
daemon_test(const struct pxe_daemon_prog *p)
{
	struct pxe_check ck = { p->spec->prog, 0, false };

	p->test(p->arg, &ck);
	pxe_check_daemon(&ck, p->opts);
	if (p->opts->verbosity > 0)
		p->print(p->arg, stdout);
	return pxe_check_done(&ck);
}

/* Bind, start, serve until a signal, stop; the exit status so far. */
static int
daemon_serve(const struct pxe_daemon_prog *p)
{
	int r;

	if (pxe_log_setup(p->opts->log, p->opts->verbosity) < 0)
		return 1;
	if ((r = p->bind(p->arg)) != 0)
		return r;
	*p->dm = (struct pxe_daemon){ .user = p->opts->user,
	    .pidfile = p->opts->pidfile, .counters = p->counters,
	    .arg = p->arg };
	if (pxe_daemon_start(*p->loop, p->dm) < 0)
		return 1;
	p->ready(p->arg);
	if (pxe_loop_run(*p->loop) < 0) {
		log_err("event loop failed: %s", strerror(errno));
		r = 1;
	}
	if (p->stop)
		p->stop(p->arg);
	p->counters(p->arg);
	return r;
}

int
pxe_daemon_main(const struct pxe_daemon_prog *p, int argc, char **argv)
{
	int r;

	pxe_log_init(p->spec->prog);
	if ((r = pxe_opts_parse(p->spec, argc, argv, NULL)) != 0)
		return r == 1 ? 0 : 2;
	if (p->usage && (r = p->usage(p->arg)) >= 0)
		goto done;
	if (p->opts->test) {
		r = daemon_test(p);
		goto done;
	}
	r = p->teardown(p->arg, daemon_serve(p));
	pxe_daemon_end(p->dm, r == 0);
	pxe_log_close();
done:
	pxe_opts_free(p->spec->mem);
	return r;
}
