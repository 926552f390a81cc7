/*
 * pxe-smbd: a read-only SMB2/SMB3 server for installing Windows over the
 * network.  main.c reads the options, opens the shares and the listening
 * sockets, drops privileges and runs the event loop; conn.c, dispatch.c,
 * auth.c, tree.c and file.c do the protocol.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "libpxe/daemon.h"
#include "libpxe/log.h"
#include "libpxe/opts.h"
#include "libpxe/utf16.h"
#include "smbd.h"

enum {
	O_SHARE = PXE_OPT_USER, O_PASSWORD, O_PASSWORD_FILE, O_GUEST,
	O_MAXCONN, O_IDLE, O_REQSIGN, O_NAME, O_WORKGROUP,
	};

static const struct pxe_opt options[] = {
	{ "share", 's', "NAME=PATH", O_SHARE, "serve PATH (a directory or an ISO image) as \\\\server\\NAME, read-only; repeatable" },
	{ "password", 'P', "PASSWORD", O_PASSWORD, "the shared secret: any user name with it logs on (see --password-file)" },
	{ "password-file", 0, "FILE", O_PASSWORD_FILE, "read the shared secret from the first line of FILE" },
	{ "guest", 'g', NULL, O_GUEST, "allow guest and anonymous logons (unsigned; refused by recent Windows)" },
	PXE_LISTEN_OPTIONS("TCP port (default 445)"),
	{ "max-connections", 'm', "N", O_MAXCONN, "connections at once (default 1024)" },
	{ "idle-timeout", 0, "SECONDS", O_IDLE, "close connections idle that long with no open file (default 900)" },
	{ "require-signing", 0, NULL, O_REQSIGN, "require every authenticated session to sign" },
	{ "name", 'n', "NAME", O_NAME, "NetBIOS name of the server (default: the host name)" },
	{ "workgroup", 'w', "NAME", O_WORKGROUP, "workgroup announced in NTLM (default WORKGROUP)" },
	PXE_DAEMON_OPTIONS("also log every open and negotiation",
	    "check the options, shares and user, bind nothing, print \"configuration OK\" (with -v, the settings too)"),
	{ NULL, 0, NULL, 0, NULL },
};

static const char epilog[] =
    "Shared-secret mode (--password): clients log on with any user name and\n"
    "that password, and their sessions can be signed, which Windows 11 24H2\n"
    "requires.  WinPE: net use Z: \\\\SERVER\\NAME /user:x PASSWORD\n"
    "Signals: SIGTERM/SIGINT stop, SIGUSR1 logs the counters, SIGHUP reopens\n"
    "the log file.  Exit status: 0 stopped cleanly, 1 runtime failure,\n"
    "2 usage error.  See pxe-smbd(8).\n";

/* NAME=PATH: the name a client may use, and a path. */
static const char *
add_share(struct smbd_config *c, const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t n;
	unsigned i;
	char *name;

	if (c->nshares == SMBD_MAX_SHARES)
		return "given too many times";
	if (eq == NULL || eq == arg || eq[1] == '\0')
		return "is not NAME=PATH";
	n = (size_t)(eq - arg);
	if (n > 80 || strcspn(arg, "\\/:*?\"<>|") < n)
		return "has a share name Windows cannot use";
	if (n == 4 && strncasecmp(arg, "IPC$", 4) == 0)
		return "uses the reserved name IPC$";
	for (i = 0; i < c->nshares; i++)
		if (pxe_utf8_caseeq(c->shares[i].name,
		    strlen(c->shares[i].name), arg, n))
			return "names a share twice";
	if ((name = strndup(arg, n)) == NULL)
		return "cannot be stored";
	c->shares[c->nshares].name = name;
	c->shares[c->nshares].path = eq + 1;
	c->nshares++;
	return NULL;
}

/* The options that take a number. */
static const struct pxe_num_opt numbers[] = {
	{ O_MAXCONN, 1, 100000, offsetof(struct smbd_config, max_connections) },
	{ O_IDLE, 1, 86400 * 7, offsetof(struct smbd_config, idle_timeout) },
};

static const char *
set_option(void *ctx, int id, const char *arg)
{
	struct smbd_config *c = ctx;
	const char *m;

	if (pxe_daemon_take(&c->dopt, numbers, sizeof(numbers) /
	    sizeof(numbers[0]), c, id, arg, &m))
		return m;
	switch (id) {
	case O_SHARE: return add_share(c, arg);
	case O_PASSWORD:
		if (*arg == '\0')
			return "is empty";
		free(c->password);
		c->password = strdup(arg);
		return c->password ? NULL : "cannot be stored";
	case O_PASSWORD_FILE: return pxe_opt_secret_file(arg, &c->password);
	case O_GUEST: c->guest = true; return NULL;
	case O_REQSIGN: c->require_signing = true; return NULL;
	case O_NAME:
		if (strlen(arg) == 0 || strlen(arg) > 15)
			return "is not a NetBIOS name (1 to 15 characters)";
		c->name = arg;
		return NULL;
	case O_WORKGROUP:
		if (strlen(arg) == 0 || strlen(arg) > 15)
			return "is not a workgroup name (1 to 15 characters)";
		c->workgroup = arg;
		return NULL;
	}
	return "is not handled";
}

static void
defaults(struct smbd_config *c)
{
	memset(c, 0, sizeof(*c));
	c->dopt.port = 445;
	c->max_connections = 1024;
	c->idle_timeout = 900;
	c->workgroup = "WORKGROUP";
}

void
smbd_log_counters(void *arg)
{
	const struct smbd *d = arg;
	const struct smbd_counters *c = &d->c;

	log_info("counters: connections %llu (active %u, peak %u, refused "
	    "%llu, dropped %llu), sessions %llu, guests %llu, logon "
	    "failures %llu, tree connects %llu, opens %llu, reads %llu, "
	    "bytes read %llu, denied %llu, errors %llu, messages %llu",
	    (unsigned long long)c->connections, d->nconns, d->peak_conns,
	    (unsigned long long)c->refused, (unsigned long long)c->dropped,
	    (unsigned long long)c->sessions, (unsigned long long)c->guests,
	    (unsigned long long)c->logon_failures,
	    (unsigned long long)c->trees, (unsigned long long)c->opens,
	    (unsigned long long)c->reads, (unsigned long long)c->bytes_read,
	    (unsigned long long)c->denied, (unsigned long long)c->errors,
	    (unsigned long long)c->messages);
}

/* The NetBIOS name: --name, else the host name up to its first dot. */
static void
netbios_name(struct smbd *d)
{
	char host[256];
	size_t i;

	if (d->cfg.name)
		snprintf(host, sizeof(host), "%s", d->cfg.name);
	else if (gethostname(host, sizeof(host)) < 0 || host[0] == '\0')
		snprintf(host, sizeof(host), "PXEKIT");
	host[sizeof(host) - 1] = '\0';
	for (i = 0; i < 15 && host[i] && host[i] != '.'; i++)
		d->nb_name[i] = (char)toupper((unsigned char)host[i]);
	d->nb_name[i] = '\0';
}

static bool
is_directory(const struct stat *st)
{
	return S_ISDIR(st->st_mode);
}

static bool
is_file(const struct stat *st)
{
	return S_ISREG(st->st_mode) || S_ISBLK(st->st_mode);
}

/* What a share can be served from, tried in order. */
static const struct backend_kind {
	const char *what;
	bool (*accepts)(const struct stat *st);
	int (*open)(const char *path, void **be);
	const struct be_ops *ops;
} backends[] = {
	{ "a directory", is_directory, be_fs_new, &be_fs_ops },
	{ "an ISO image", is_file, be_iso_new, &be_iso_ops },
};

static int
open_share(struct share *sh)
{
	const struct backend_kind *k;
	struct stat st;
	size_t i;
	int e;

	if (stat(sh->path, &st) < 0) {
		log_err("--share %s=%s: %s", sh->name, sh->path,
		    strerror(errno));
		return -1;
	}
	for (i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
		k = &backends[i];
		if (!k->accepts(&st))
			continue;
		if ((e = k->open(sh->path, &sh->be)) < 0) {
			log_err("--share %s=%s: cannot serve %s: %s",
			    sh->name, sh->path, k->what, e == -EMEDIUMTYPE ?
			    "neither UDF nor ISO9660 inside" : strerror(-e));
			return -1;
		}
		sh->ops = k->ops;
		return 0;
	}
	log_err("--share %s=%s: neither a directory nor an ISO image",
	    sh->name, sh->path);
	return -1;
}

static int
open_shares(struct smbd *d)
{
	struct share *sh;
	unsigned i;

	for (i = 0; i < d->cfg.nshares; i++) {
		sh = &d->shares[d->nshares];
		sh->name = (char *)d->cfg.shares[i].name;
		sh->path = (char *)d->cfg.shares[i].path;
		if (open_share(sh) < 0)
			return -1;
		d->nshares++;
		log_info("share \\\\%s\\%s is %s (read-only, %s%s%s)",
		    d->nb_name, sh->name, sh->path, sh->ops->kind,
		    sh->ops->format ? ", " : "",
		    sh->ops->format ? sh->ops->format(sh->be) : "");
	}
	sh = &d->shares[d->nshares++];
	sh->name = (char *)"IPC$";
	sh->ipc = true;
	return 0;
}

/*
 * The descriptor budget: one per connection, SMBD_FD_SLACK for the rest
 * (listeners, log, a directory being listed, the spare accept() keeps),
 * and what is left shared among the directory shares' open nodes, which
 * reopen by path beyond it.  So no number of opens can starve new
 * connections of descriptors.
 */
static void
share_descriptors(struct smbd *d)
{
	unsigned long long limit, left;
	unsigned i, nfs = 0, cap;

	for (i = 0; i < d->nshares; i++)
		nfs += d->shares[i].ops && d->shares[i].ops->set_fd_cap;
	limit = pxe_daemon_raise_nofile((unsigned long long)
	    d->cfg.max_connections + SMBD_FD_SLACK +
	    (unsigned long long)nfs * SMBD_SHARE_FDS);
	left = limit > d->cfg.max_connections + SMBD_FD_SLACK ?
	    limit - d->cfg.max_connections - SMBD_FD_SLACK : 0;
	cap = nfs ? (unsigned)(left / nfs < SMBD_SHARE_FDS ? left / nfs :
	    SMBD_SHARE_FDS) : 0;
	if (cap < 16)
		cap = 16;	/* and the spare accept() keeps says the rest */
	for (i = 0; i < d->nshares; i++)
		if (d->shares[i].ops && d->shares[i].ops->set_fd_cap)
			d->shares[i].ops->set_fd_cap(d->shares[i].be, cap);
	d->fd_limit = limit;
	if (nfs)
		log_debug("descriptors: limit %llu, %u connections, %u per "
		    "share for open files", limit, d->cfg.max_connections, cap);
}

static int
listen_one(void *arg, const char *addr, bool quiet)
{
	struct smbd *d = arg;
	struct sockaddr_storage ss;
	socklen_t len;
	struct listener *l = &d->ls[d->nls];
	char hint[256];
	int fd, r;

	if (pxe_net_parse_addr(addr, d->cfg.dopt.port, &ss, &len) < 0) {
		fprintf(stderr, "pxe-smbd: --listen: '%s' is not an IPv4 or "
		    "IPv6 address\n", addr);
		return -2;
	}
	if ((fd = pxe_net_tcp_listen((struct sockaddr *)&ss, len, 512)) < 0) {
		if (!quiet)
			log_err("cannot listen on %s port %u: %s%s", addr,
			    d->cfg.dopt.port, strerror(-fd), pxe_net_bind_hint(-fd,
			    "TCP", d->cfg.dopt.port, hint, sizeof(hint)));
		return fd;
	}
	l->io.fd = fd;
	l->io.fn = conn_on_accept;
	l->io.arg = l;
	l->d = d;
	if ((r = pxe_loop_add(d->loop, &l->io, EPOLLIN)) < 0) {
		close(fd);
		return r;
	}
	d->nls++;
	log_info("listening on %s port %u", addr, d->cfg.dopt.port);
	return 0;
}


/* Open the shares, the loop and the sockets; 0, or the exit status. */
static int
bind_all(void *arg)
{
	struct smbd *d = arg;
	struct timespec ts;
	int r;

	if (d->cfg.password && ntlm_nt_hash(d->cfg.password,
	    strlen(d->cfg.password), d->nt_hash) < 0) {
		log_err("--password: not valid UTF-8");
		return 2;
	}
	if (getrandom(d->guid, sizeof(d->guid), 0) != sizeof(d->guid))
		memset(d->guid, 0x5a, sizeof(d->guid));
	clock_gettime(CLOCK_REALTIME, &ts);
	d->start_time = smb2_filetime(ts.tv_sec, ts.tv_nsec);
	netbios_name(d);
	if ((d->loop = pxe_loop_new()) == NULL) {
		log_err("cannot create the event loop: %s", strerror(errno));
		return 1;
	}
	pxe_timer_init(&d->reap, conn_reap, d);
	if (pxe_daemon_check_user(d->cfg.dopt.user) < 0 || open_shares(d) < 0)
		return 1;
	share_descriptors(d);
	if ((r = pxe_daemon_listen_each(&d->cfg.dopt, listen_one, d)) < 0)
		return r == -2 ? 2 : 1;
	/* Kept to be given up: with no descriptor left, accept() one
	 * connection anyway to close it, instead of spinning on EMFILE. */
	d->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return 0;
}

static void
ready(void *arg)
{
	struct smbd *d = arg;

	log_info("started, version %s, %s%s", PACKAGE_VERSION,
	    d->cfg.password ? "shared-secret logons" : "guest logons only",
	    d->cfg.password && d->cfg.guest ? ", guests allowed" : "");
}

/* --test -v: the settings as understood, as lines of a -C file. */
static void
print_config(void *arg, FILE *f)
{
	const struct smbd_config *c = &((const struct smbd *)arg)->cfg;
	unsigned i;

	for (i = 0; i < c->nshares; i++)
		fprintf(f, "share %s=%s\n", c->shares[i].name,
		    c->shares[i].path);
	if (c->password)
		fprintf(f, "# a password is set (not shown)\n");
	if (c->guest)
		fprintf(f, "guest\n");
	for (i = 0; i < c->dopt.nlisten; i++)
		fprintf(f, "listen %s\n", c->dopt.listen[i]);
	fprintf(f, "port %u\nmax-connections %u\nidle-timeout %u\n",
	    c->dopt.port, c->max_connections, c->idle_timeout);
	if (c->require_signing)
		fprintf(f, "require-signing\n");
	if (c->name)
		fprintf(f, "name %s\n", c->name);
	fprintf(f, "workgroup %s\n", c->workgroup);
	pxe_daemon_print_opts(&c->dopt, f);
}

/* Free what the options made: share names, the password (wiped). */
static void
forget_config(struct smbd_config *c)
{
	unsigned i;

	for (i = 0; i < c->nshares; i++)
		free((char *)c->shares[i].name);
	c->nshares = 0;
	if (c->password) {
		memset(c->password, 0, strlen(c->password));
		free(c->password);
		c->password = NULL;
	}
}

/* --test: check what setup would need, binding nothing; the exit status. */
static void
test_config(void *arg, struct pxe_check *ck)
{
	struct smbd *d = arg;
	uint8_t hash[16];
	struct share sh;
	unsigned i;

	if (d->cfg.password && ntlm_nt_hash(d->cfg.password,
	    strlen(d->cfg.password), hash) < 0)
		pxe_check_fail(ck, "--password: not valid UTF-8");
	for (i = 0; i < d->cfg.nshares; i++) {
		memset(&sh, 0, sizeof(sh));
		sh.name = (char *)d->cfg.shares[i].name;
		sh.path = (char *)d->cfg.shares[i].path;
		if (open_share(&sh) < 0)
			ck->problems++;	/* open_share said why */
		else
			sh.ops->free(sh.be);
	}
	pxe_check_listen(ck, &d->cfg.dopt);
}

/* Close the connections. */
static void
stop(void *arg)
{
	conn_close_all(arg);
}

/* Close and free everything. */
static int
teardown(void *arg, int status)
{
	struct smbd *d = arg;
	unsigned i;

	for (i = 0; i < d->nls; i++)
		close(d->ls[i].io.fd);
	if (d->spare_fd >= 0)
		close(d->spare_fd);
	for (i = 0; i < d->nshares; i++)
		if (d->shares[i].ops)
			d->shares[i].ops->free(d->shares[i].be);
	pxe_loop_free(d->loop);
	forget_config(&d->cfg);
	return status;
}

static int
usage(void *arg)
{
	struct smbd *d = arg;

	if (d->cfg.nshares == 0)
		return pxe_usage_error("pxe-smbd", "no --share NAME=PATH given");
	if (d->cfg.password == NULL && !d->cfg.guest)
		return pxe_usage_error("pxe-smbd", "give --password, "
		    "--password-file or --guest");
	return -1;
}

int
main(int argc, char **argv)
{
	static struct smbd d;
	static const struct pxe_opts_spec spec = {
		"pxe-smbd", PACKAGE_VERSION, "--share NAME=PATH... [OPTION]...",
		"Serve directories read-only over SMB2/SMB3 (dialects 2.0.2 to "
		"3.1.1, signed) for network installs of Windows.",
		epilog, options, set_option, &d.cfg, &d.optmem,
	};
	static const struct pxe_daemon_prog prog = {
		&spec, &d.cfg.dopt, &d.dm, &d.loop, &d, usage, test_config,
		print_config, bind_all, ready, smbd_log_counters, stop,
		teardown,
	};

	d.spare_fd = -1;
	defaults(&d.cfg);
	return pxe_daemon_main(&prog, argc, argv);
}
