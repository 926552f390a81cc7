/*
 * pxe-tftpd: a TFTP server for network boot.  main.c reads the options,
 * opens the root and the listening sockets, drops privileges and runs the
 * event loop; server.c and xfer.c do the protocol.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "libpxe/daemon.h"
#include "libpxe/log.h"
#include "libpxe/opts.h"
#include "tftpd.h"

enum {
	O_ROOT = PXE_OPT_USER, O_IFACE, O_WRITE, O_OVERWRITE,
	O_MAXBLK, O_MAXWIN, O_NOMSFT, O_RETRANSMIT, O_RETRIES, O_MAXXFER,
	O_HTTP, O_HTTP_MAXCONN, O_HTTP_TIMEOUT,
};

static const struct pxe_opt options[] = {
	{ "root", 'r', "DIR", O_ROOT, "serve files under DIR (default /srv/tftp)" },
	PXE_LISTEN_OPTIONS("UDP port (default 69)"),
	{ "interface", 'i', "IFACE", O_IFACE, "only answer on IFACE; repeatable" },
	{ "write", 'w', NULL, O_WRITE, "accept uploads (new files only)" },
	{ "overwrite", 0, NULL, O_OVERWRITE, "with --write, allow replacing files" },
	{ "max-blksize", 'B', "N", O_MAXBLK, "largest blksize granted (default 65464)" },
	{ "max-windowsize", 'W', "N", O_MAXWIN, "largest windowsize granted (default 64)" },
	{ "no-msftwindow", 0, NULL, O_NOMSFT, "do not grant Microsoft's variable window" },
	{ "retransmit", 'T', "MS", O_RETRANSMIT, "first retransmit timeout in ms, doubled per retry up to 8 s (default 1000)" },
	{ "retries", 'R', "N", O_RETRIES, "retransmissions before giving up (default 5)" },
	{ "max-transfers", 'm', "N", O_MAXXFER, "concurrent transfers (default 4096)" },
	{ "http", 0, "[ADDR:]PORT", O_HTTP, "also serve the root over HTTP on PORT (on ADDR, else on the --listen addresses)" },
	{ "http-max-connections", 0, "N", O_HTTP_MAXCONN, "HTTP connections at once; at the cap the longest idle one is closed (default 1024)" },
	{ "http-timeout", 0, "SECONDS", O_HTTP_TIMEOUT, "close HTTP connections idle, sending a request head, or not reading that long (default 30)" },
	PXE_DAEMON_OPTIONS("also log every request and its options",
	    "check the options, root, user and interfaces, bind nothing, print \"configuration OK\" (with -v, the settings too)"),
	{ NULL, 0, NULL, 0, NULL },
};

static const char epilog[] =
    "Signals: SIGTERM/SIGINT stop, SIGUSR1 logs the counters, SIGHUP reopens\n"
    "the log file.  Exit status: 0 stopped cleanly, 1 runtime failure,\n"
    "2 usage error.  See pxe-tftpd(8).\n";

/* The options that take a number. */
#define NUM(id, min, max, field) \
	{ id, min, max, offsetof(struct tftpd_config, field) }
static const struct pxe_num_opt numbers[] = {
	NUM(O_MAXBLK, TFTP_BLKSIZE_MIN, TFTP_BLKSIZE_MAX, max_blksize),
	NUM(O_MAXWIN, 1, TFTP_WINDOWSIZE_MAX, max_windowsize),
	NUM(O_RETRANSMIT, 10, 255000, retransmit_ms),
	NUM(O_RETRIES, 0, 100, retries),
	NUM(O_MAXXFER, 1, 1000000, max_transfers),
	NUM(O_HTTP_MAXCONN, 1, 1000000, http_max_conns),
	NUM(O_HTTP_TIMEOUT, 1, 86400, http_timeout),
};
#undef NUM

/* The option handler: every value from argv and -C files comes here. */
static const char *
set_option(void *ctx, int id, const char *arg)
{
	struct tftpd_config *c = ctx;
	const char *m;

	if (pxe_daemon_take(&c->dopt, numbers, sizeof(numbers) /
	    sizeof(numbers[0]), c, id, arg, &m))
		return m;
	switch (id) {
	case O_ROOT: c->root = arg; return NULL;
	case O_IFACE:
		if (c->niface == TFTPD_MAX_IFACES)
			return "given too many times";
		if (strlen(arg) >= IF_NAMESIZE)
			return "is not an interface name";
		c->iface[c->niface++] = arg;
		return NULL;
	case O_WRITE: c->write = true; return NULL;
	case O_OVERWRITE: c->overwrite = true; return NULL;
	case O_NOMSFT: c->msftwindow = false; return NULL;
	case O_HTTP: {
		char abuf[PXE_ADDRSTRLEN];
		const char *a;
		uint16_t p;

		if (httpd_parse_spec(arg, abuf, sizeof(abuf), &a, &p) < 0)
			return "is not [ADDR:]PORT (8080, 10.0.0.1:8080, "
			    "[::1]:8080)";
		c->http = arg;
		return NULL;
	}
	}
	return "is not handled";
}

static void
defaults(struct tftpd_config *c)
{
	memset(c, 0, sizeof(*c));
	c->root = "/srv/tftp";
	c->dopt.port = TFTP_PORT;
	c->max_blksize = TFTP_BLKSIZE_MAX;
	c->max_windowsize = 64;
	c->msftwindow = true;
	c->retransmit_ms = 1000;
	c->retries = 5;
	c->max_transfers = 4096;
	c->http_max_conns = 1024;
	c->http_timeout = 30;
}

/* Where listen_one opens a socket: on an --interface, or any. */
struct on_iface {
	struct tftpd *d;
	const char *iface;		/* or NULL */
};

/* Open one listening socket on addr (and the interface, if given). */
static int
listen_one(void *arg, const char *addr, bool quiet)
{
	struct tftpd *d = ((struct on_iface *)arg)->d;
	const char *iface = ((struct on_iface *)arg)->iface;
	struct sockaddr_storage ss;
	socklen_t len;
	struct listener *l = &d->ls[d->nls];
	char a[PXE_ADDRSTRLEN], hint[256];
	int fd, r;

	if (pxe_net_parse_addr(addr, d->cfg.dopt.port, &ss, &len) < 0) {
		fprintf(stderr, "pxe-tftpd: --listen: '%s' is not an IPv4 or "
		    "IPv6 address\n", addr);
		return -2;
	}
	fd = pxe_net_udp_listen((struct sockaddr *)&ss, len, iface,
	    d->cfg.niface > 0);
	if (fd < 0) {
		if (!quiet)
			log_err("cannot listen on %s port %u%s%s: %s%s", addr,
			    d->cfg.dopt.port, iface ? " on " : "", iface ? iface : "",
			    strerror(-fd), pxe_net_bind_hint(-fd, "UDP",
			    d->cfg.dopt.port, hint, sizeof(hint)));
		return fd;
	}
	/* Room for a boot storm: 2,000 RRQs at once overflow the default
	 * (~400 fit) before the loop can take them. */
	pxe_net_set_rcvbuf(fd, TFTPD_LISTEN_RCVBUF);
	l->io.fd = fd;
	l->io.fn = tftpd_on_request;
	l->io.arg = l;
	l->d = d;
	l->ifname = iface;
	pxe_net_ntop((struct sockaddr *)&ss, a, sizeof(a));
	snprintf(l->where, sizeof(l->where), "%s%s%s", a, iface ? "%" : "",
	    iface ? iface : "");
	if ((r = pxe_loop_add(d->loop, &l->io, EPOLLIN)) < 0) {
		close(fd);
		return r;
	}
	d->nls++;
	log_info("listening on %s port %u%s%s", a, d->cfg.dopt.port,
	    iface ? " on " : "", iface ? iface : "");
	return 0;
}

/* Every --listen address on every --interface; all addresses by default. */
static int
open_listeners(struct tftpd *d)
{
	unsigned i, ni = d->cfg.niface ? d->cfg.niface : 1;
	struct on_iface on = { d, NULL };
	int r;

	for (i = 0; i < ni; i++) {
		on.iface = d->cfg.niface ? d->cfg.iface[i] : NULL;
		if ((r = pxe_daemon_listen_each(&d->cfg.dopt, listen_one,
		    &on)) < 0)
			return r;
	}
	return 0;
}

/*
 * Raise the fd limit: each transfer and each HTTP connection has its own
 * socket and file.  When the limit is lower, both caps shrink in
 * proportion.
 */
static void
raise_nofile(struct tftpd *d)
{
	unsigned long long http = d->cfg.http ? d->cfg.http_max_conns : 0;
	unsigned long long need = ((unsigned long long)d->cfg.max_transfers +
	    http) * 2 + 64, have = pxe_daemon_raise_nofile(need);

	if (have < need) {
		d->cfg.max_transfers = (unsigned)((unsigned long long)
		    d->cfg.max_transfers * (have - 64) / (need - 64));
		if (d->cfg.max_transfers == 0)
			d->cfg.max_transfers = 1;
		log_warn("open file limit %llu allows only %u transfers at once",
		    have, d->cfg.max_transfers);
		if (http) {
			d->cfg.http_max_conns = (unsigned)(http * (have - 64) /
			    (need - 64));
			if (d->cfg.http_max_conns == 0)
				d->cfg.http_max_conns = 1;
			log_warn("open file limit %llu allows only %u HTTP "
			    "connections at once", have, d->cfg.http_max_conns);
		}
	}
}

/* Open the root, the loop and the sockets; 0, or the exit status. */
static int
bind_all(void *arg)
{
	struct tftpd *d = arg;
	int r;

	if ((r = pxe_fsroot_open(&d->root, d->cfg.root)) < 0) {
		log_err("--root %s: cannot serve it: %s", d->cfg.root,
		    strerror(-r));
		return 1;
	}
	if (pxe_daemon_check_user(d->cfg.dopt.user) < 0)
		return 1;
	if ((d->loop = pxe_loop_new()) == NULL) {
		log_err("cannot create the event loop: %s", strerror(errno));
		return 1;
	}
	raise_nofile(d);
	if ((r = open_listeners(d)) < 0)
		return r == -2 ? 2 : 1;
	if ((r = httpd_listen(d)) < 0)
		return r == -2 ? 2 : 1;
	return 0;
}

static void
ready(void *arg)
{
	struct tftpd *d = arg;

	log_info("started, version %s, TFTP root is %s%s%s", PACKAGE_VERSION,
	    d->cfg.root, d->cfg.write ? ", uploads allowed" : "",
	    d->cfg.http ? ", also served over HTTP" : "");
}

/* --test -v: the settings as understood, as lines of a -C file. */
static void
print_config(void *arg, FILE *f)
{
	const struct tftpd_config *c = &((const struct tftpd *)arg)->cfg;
	unsigned i;

	fprintf(f, "root %s\n", c->root);
	for (i = 0; i < c->dopt.nlisten; i++)
		fprintf(f, "listen %s\n", c->dopt.listen[i]);
	for (i = 0; i < c->niface; i++)
		fprintf(f, "interface %s\n", c->iface[i]);
	fprintf(f, "port %u\n", c->dopt.port);
	if (c->write)
		fprintf(f, "write\n");
	if (c->overwrite)
		fprintf(f, "overwrite\n");
	fprintf(f, "max-blksize %u\nmax-windowsize %u\n", c->max_blksize,
	    c->max_windowsize);
	if (!c->msftwindow)
		fprintf(f, "no-msftwindow\n");
	fprintf(f, "retransmit %u\nretries %u\nmax-transfers %u\n",
	    c->retransmit_ms, c->retries, c->max_transfers);
	pxe_daemon_print_opts(&c->dopt, f);
}

/* --test: check what setup would need, binding nothing; the exit status. */
static void
test_config(void *arg, struct pxe_check *ck)
{
	struct tftpd *d = arg;
	unsigned i;
	int r;

	if ((r = pxe_fsroot_open(&d->root, d->cfg.root)) < 0)
		pxe_check_fail(ck, "--root %s: %s%s", d->cfg.root,
		    strerror(-r), r == -ENOENT ? " (make it and put the boot "
		    "files there, or give --root)" : "");
	else
		pxe_fsroot_close(&d->root);
	pxe_check_listen(ck, &d->cfg.dopt);
	for (i = 0; i < d->cfg.niface; i++)
		pxe_check_iface(ck, "--interface", d->cfg.iface[i], false);
}

/* Abort the transfers still running. */
static void
stop(void *arg)
{
	xfer_shutdown(arg);
}

/* Close and free everything. */
static int
teardown(void *arg, int status)
{
	struct tftpd *d = arg;
	unsigned i;

	httpd_shutdown(d);
	for (i = 0; i < d->nls; i++)
		close(d->ls[i].io.fd);
	pxe_loop_free(d->loop);
	if (d->root.path)
		pxe_fsroot_close(&d->root);
	return status;
}

static int
usage(void *arg)
{
	const struct tftpd *d = arg;

	if (d->cfg.overwrite && !d->cfg.write)
		return pxe_usage_error("pxe-tftpd", "--overwrite needs --write");
	return -1;
}

int
main(int argc, char **argv)
{
	static struct tftpd d;	/* large: holds the receive buffer */
	static const struct pxe_opts_spec spec = {
		"pxe-tftpd", PACKAGE_VERSION, "[OPTION]...",
		"Serve files over TFTP for network boot (RFC 1350, 2347-2349, "
		"7440, and Microsoft's variable window), and with --http the "
		"same files over HTTP/1.1 (GET, HEAD, ranges, keep-alive).",
		epilog, options, set_option, &d.cfg, &d.optmem,
	};
	static const struct pxe_daemon_prog prog = {
		&spec, &d.cfg.dopt, &d.dm, &d.loop, &d, usage, test_config,
		print_config, bind_all, ready, tftpd_log_counters, stop,
		teardown,
	};

	defaults(&d.cfg);
	return pxe_daemon_main(&prog, argc, argv);
}
