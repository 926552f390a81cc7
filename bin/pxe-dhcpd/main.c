/*
 * pxe-dhcpd: a DHCP server for network boot.  main.c reads the options,
 * opens the lease file and a socket per interface, drops privileges and
 * runs the event loop; server.c answers, lease.c remembers.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "libpxe/daemon.h"
#include "libpxe/log.h"
#include "libpxe/net.h"
#include "libpxe/opts.h"
#include "libpxe/pxelinux.h"
#include "dhcpd.h"

enum {
	O_IFACE = PXE_OPT_USER, O_RANGE, O_LEASETIME, O_ROUTER, O_DNS,
	O_DOMAIN, O_OPTION, O_HOST, O_BOOT, O_HTTPBOOT, O_IPXEBOOT, O_NEXT,
	O_PXECONF, O_PXEPREFIX, O_PROXY, O_LEASEFILE, O_PROBE,
};

/* The default lease file, under configure's --localstatedir (Makefile.am). */
#define LEASE_FILE PXE_LOCALSTATEDIR "/lib/pxekit/dhcpd.leases"

static const struct pxe_opt options[] = {
	{ "interface", 'i', "IFACE", O_IFACE, "answer on IFACE; repeatable (required)" },
	{ "range", 'r', "START,END[,MASK][,LEASE]", O_RANGE, "addresses to lease, e.g. 10.0.0.100,10.0.0.150,2h (repeatable; MASK for a relayed subnet)" },
	{ "lease-time", 't', "TIME", O_LEASETIME, "lease time: seconds, or 30m, 12h, 7d, infinite (default 1h)" },
	{ "router", 0, "IP[,IP]", O_ROUTER, "default gateway (option 3)" },
	{ "dns", 0, "IP[,IP]", O_DNS, "DNS servers (option 6)" },
	{ "domain", 0, "NAME", O_DOMAIN, "domain name (option 15)" },
	{ "option", 'o', "CODE,VALUE", O_OPTION, "any option by number or name, e.g. ntp-server,10.0.0.1" },
	{ "host", 0, "MAC,IP[,NAME][,FILE]", O_HOST, "a fixed address (and boot file) for MAC" },
	{ "boot", 'b', "[ARCH=]FILE", O_BOOT, "boot file for PXE clients of ARCH (bios, efi-x64, ...; none: all)" },
	{ "http-boot", 0, "[ARCH=]URL", O_HTTPBOOT, "boot URL for UEFI HTTP boot clients" },
	{ "ipxe-boot", 0, "FILE|URL", O_IPXEBOOT, "what a chainloaded iPXE gets instead of --boot" },
	{ "next-server", 'n', "IP", O_NEXT, "TFTP server (default: this server's address)" },
	{ "pxelinux-config", 0, "FILE", O_PXECONF, "pxelinux config file (option 209), when asked" },
	{ "pxelinux-prefix", 0, "PATH", O_PXEPREFIX, "pxelinux path prefix (option 210), when asked" },
	{ "proxy", 0, NULL, O_PROXY, "proxyDHCP: boot information only, beside another DHCP server" },
	{ "lease-file", 'f', "FILE", O_LEASEFILE, "lease file (default " LEASE_FILE ")" },
	PXE_DAEMON_OPTIONS("also log requests other than DISCOVER",
	    "check the options, interfaces, lease folder and user, bind nothing, print \"configuration OK\" (with -v, the settings too)"),
	{ "probe", 0, NULL, O_PROBE, "look for another DHCP server on --interface and exit: 1 and its address if one answers, 0 if none (answers nothing)" },
	{ NULL, 0, NULL, 0, NULL },
};

static const char epilog[] =
    "Signals: SIGTERM/SIGINT stop, SIGUSR1 logs the counters, SIGHUP reopens\n"
    "the log file.  Exit status: 0 stopped cleanly, 1 runtime failure,\n"
    "2 usage error.  See pxe-dhcpd(8).\n";

/* "3600", "30m", "12h", "7d", "infinite".  0 or -1. */
static int
parse_duration(const char *s, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (strcasecmp(s, "infinite") == 0) {
		*out = 0xffffffffu;
		return 0;
	}
	if (*s < '0' || *s > '9')
		return -1;
	v = strtoull(s, &end, 10);
	if (*end == 'm' || *end == 'M')
		v *= 60, end++;
	else if (*end == 'h' || *end == 'H')
		v *= 3600, end++;
	else if (*end == 'd' || *end == 'D')
		v *= 86400, end++;
	else if (*end == 's')
		end++;
	if (*end != '\0' || v < 60 || v >= 0xffffffffull)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int
parse_ip(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*out = a.s_addr;
	return 0;
}

/* Split a copy of arg at commas into at most max fields. */
static unsigned
split(char *s, char **f, unsigned max)
{
	unsigned n = 0;

	while (n < max) {
		f[n++] = s;
		if ((s = strchr(s, ',')) == NULL)
			break;
		*s++ = '\0';
	}
	return n;
}

static const char *
add_opt(struct dhcpd_config *c, int code, const char *text)
{
	static char msg[160];
	struct dhcpd_opt *o;
	const char *why;
	char nb[16];
	int n;

	if (c->nopts == DHCPD_MAX_OPTS)
		return "given too many times";
	o = &c->opts[c->nopts];
	n = dhcp_opt_from_text((uint8_t)code, text, o->data, sizeof(o->data),
	    &why);
	if (n < 0) {
		snprintf(msg, sizeof(msg), "%s: '%s' %s", dhcp_opt_name(
		    (uint8_t)code, nb, sizeof(nb)), text, n == -EMSGSIZE ?
		    "is too long" : why);
		return msg;
	}
	o->code = (uint8_t)code;
	o->len = (uint8_t)n;
	c->nopts++;
	return NULL;
}

/* --boot/--http-boot: "[ARCH=]FILE". */
static const char *
add_rule(struct dhcpd_rule *rules, unsigned *n, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char arch[32];

	if (*n == DHCPD_MAX_RULES)
		return "given too many times";
	rules[*n].arch = -1;
	rules[*n].file = arg;
	if (eq != NULL && (size_t)(eq - arg) < sizeof(arch) &&
	    memchr(arg, '/', (size_t)(eq - arg)) == NULL &&
	    memchr(arg, ':', (size_t)(eq - arg)) == NULL) {
		memcpy(arch, arg, (size_t)(eq - arg));
		arch[eq - arg] = '\0';
		if ((rules[*n].arch = dhcp_arch_parse(arch)) < 0)
			return "has an unknown architecture (use a number, or "
			    "bios, efi-ia32, efi-bc, efi-x64, efi-arm32, "
			    "efi-arm64)";
		rules[*n].file = eq + 1;
	}
	if (*rules[*n].file == '\0')
		return "names no file";
	(*n)++;
	return NULL;
}

static const char *
add_host(struct dhcpd_config *c, const char *arg)
{
	char buf[512], *f[4];
	struct dhcpd_host *h;
	uint32_t a;
	unsigned n;

	if (c->nhosts == DHCPD_MAX_HOSTS)
		return "given too many times";
	snprintf(buf, sizeof(buf), "%s", arg);
	n = split(buf, f, 4);
	h = &c->hosts[c->nhosts];
	memset(h, 0, sizeof(*h));
	if (n < 2 || pxelinux_parse_mac(f[0], h->mac) < 0)
		return "is not MAC,IP[,NAME][,FILE]";
	if (parse_ip(f[1], &a) < 0)
		return "has no valid IPv4 address";
	h->addr = ntohl(a);
	if (n > 2)
		snprintf(h->name, sizeof(h->name), "%s", f[2]);
	if (n > 3)
		h->bootfile = strdup(f[3]);
	c->nhosts++;
	return NULL;
}

/* Contiguous ones, then zeros: 255.255.255.0, not 255.0.255.0. */
static bool
is_netmask(uint32_t m)
{
	return m != 0 && ((~m + 1) & ~m) == 0;
}

static const char *
set_option(void *ctx, int id, const char *arg)
{
	struct dhcpd_config *c = ctx;
	struct dhcpd_range *rg;
	char buf[512], *f[4];
	uint32_t a, b;
	unsigned n, i;
	int code;

	if (id >= PXE_OPT_DAEMON)
		return pxe_daemon_option(&c->dopt, id, arg);
	switch (id) {
	case O_IFACE:
		if (c->niface == DHCPD_MAX_IFACES)
			return "given too many times";
		if (strlen(arg) >= IF_NAMESIZE)
			return "is not an interface name";
		c->iface[c->niface++] = arg;
		return NULL;
	case O_RANGE:
		if (c->nranges == DHCPD_MAX_RANGES)
			return "given too many times";
		snprintf(buf, sizeof(buf), "%s", arg);
		n = split(buf, f, 4);
		if (n < 2 || parse_ip(f[0], &a) < 0 || parse_ip(f[1], &b) < 0)
			return "is not START,END[,MASK][,LEASE] with IPv4 "
			    "addresses";
		rg = &c->ranges[c->nranges];
		memset(rg, 0, sizeof(*rg));
		rg->start = ntohl(a);
		rg->end = ntohl(b);
		if (rg->start > rg->end)
			return "ends before it starts";
		i = 2;
		if (n > i && strchr(f[i], '.') != NULL) {
			if (parse_ip(f[i], &rg->mask) < 0 ||
			    !is_netmask(ntohl(rg->mask)))
				return "has a bad netmask (255.255.255.0)";
			if ((rg->start & ntohl(rg->mask)) !=
			    (rg->end & ntohl(rg->mask)))
				return "spans more than one subnet of its "
				    "netmask";
			i++;
		}
		if (n > i && parse_duration(f[i++], &rg->lease_time) < 0)
			return "has a bad lease time (at least 60 s: 3600, 30m, "
			    "12h, 7d, infinite)";
		if (n > i)
			return "has too many fields (START,END[,MASK][,LEASE])";
		for (i = 0; i < c->nranges; i++)
			if (rg->start <= c->ranges[i].end &&
			    c->ranges[i].start <= rg->end)
				return "overlaps an earlier --range";
		c->nranges++;
		return NULL;
	case O_LEASETIME:
		if (parse_duration(arg, &c->lease_time) < 0)
			return "is not a lease time (at least 60 s: 3600, 30m, "
			    "12h, 7d, infinite)";
		return NULL;
	case O_ROUTER:
		c->router_set = true;
		return add_opt(c, DHCP_OPT_ROUTER, arg);
	case O_DNS: return add_opt(c, DHCP_OPT_DNS, arg);
	case O_DOMAIN: return add_opt(c, DHCP_OPT_DOMAIN, arg);
	case O_OPTION:
		snprintf(buf, sizeof(buf), "%s", arg);
		if ((f[1] = strchr(buf, ',')) == NULL)
			return "is not CODE,VALUE";
		*f[1]++ = '\0';
		if ((code = dhcp_opt_code(buf)) < 0)
			return "names no DHCP option (a number 1-254 or a name "
			    "such as ntp-server)";
		if (code == DHCP_OPT_MSGTYPE || code == DHCP_OPT_SERVERID ||
		    code == DHCP_OPT_OVERLOAD || code == DHCP_OPT_LEASE)
			return "sets an option the server owns";
		return add_opt(c, code, f[1]);
	case O_HOST: return add_host(c, arg);
	case O_BOOT: return add_rule(c->boot, &c->nboot, arg);
	case O_HTTPBOOT: return add_rule(c->http, &c->nhttp, arg);
	case O_IPXEBOOT: c->ipxe_boot = arg; return NULL;
	case O_NEXT:
		return parse_ip(arg, &c->next_server) < 0 ?
		    "is not an IPv4 address" : NULL;
	case O_PXECONF: c->pxelinux_config = arg; return NULL;
	case O_PXEPREFIX: c->pxelinux_prefix = arg; return NULL;
	case O_PROXY: c->proxy = true; return NULL;
	case O_LEASEFILE: c->lease_file = arg; return NULL;
	case O_PROBE: c->probe = true; return NULL;
	}
	return "is not handled";
}

static void
defaults(struct dhcpd_config *c)
{
	memset(c, 0, sizeof(*c));
	c->lease_time = 3600;
	c->lease_file = LEASE_FILE;
}

static int
listen_port(struct dhcpd *d, struct dhcpd_iface *ifc, struct pxe_io *io,
    uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
	    .sin_port = htons(port), .sin_addr.s_addr = INADDR_ANY };
	char hint[256];
	int on = 1, fd;

	fd = pxe_net_udp_listen((struct sockaddr *)&sa, sizeof(sa), ifc->name,
	    true);
	if (fd < 0) {
		log_err("cannot listen on %s port %u: %s%s", ifc->name, port,
		    strerror(-fd), pxe_net_bind_hint(-fd, "UDP", port, hint,
		    sizeof(hint)));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on));
	io->fd = fd;
	io->fn = dhcpd_on_packet;
	io->arg = ifc;
	if (pxe_loop_add(d->loop, io, EPOLLIN) < 0) {
		close(fd);
		io->fd = -1;
		return -1;
	}
	return 0;
}

/*
 * Report one thing wrong with the configuration: a --test problem when ck
 * is given, else a warning at start.
 */
static void
note(struct pxe_check *ck, const char *msg)
{
	if (ck)
		pxe_check_fail(ck, "%s", msg);
	else
		log_warn("%s", msg);
}

static const char *
ip4(uint32_t host_order, char *buf)
{
	uint32_t n = htonl(host_order);

	return inet_ntop(AF_INET, &n, buf, INET_ADDRSTRLEN);
}

/*
 * A range with no netmask can only serve an interface's own subnet, and
 * must not hand out the server's own address.
 */
static void
check_ranges(const struct dhcpd *d, struct pxe_check *ck)
{
	const struct dhcpd_range *rg;
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], s[INET_ADDRSTRLEN];
	char msg[512];
	uint32_t self;
	unsigned i, k;

	for (i = 0; i < d->cfg.nranges; i++) {
		rg = &d->cfg.ranges[i];
		ip4(rg->start, a);
		ip4(rg->end, b);
		for (k = 0; k < d->nifs; k++) {
			self = ntohl(d->ifs[k].addr);
			if (self >= rg->start && self <= rg->end) {
				snprintf(msg, sizeof(msg), "--range %s,%s holds "
				    "this server's own address %s (%s): start "
				    "it above or end it below", a, b,
				    ip4(self, s), d->ifs[k].name);
				note(ck, msg);
			}
		}
		if (rg->mask)
			continue;
		for (k = 0; k < d->nifs; k++)
			if ((htonl(rg->start) & d->ifs[k].mask) ==
			    (d->ifs[k].addr & d->ifs[k].mask))
				break;
		if (k == d->nifs && d->nifs > 0) {
			snprintf(msg, sizeof(msg), "--range %s,%s is outside "
			    "the subnet of %s (%s/%u): use addresses of that "
			    "subnet, or give the range's netmask (--range "
			    "START,END,MASK) to serve it through a relay", a, b,
			    d->ifs[0].name, ip4(ntohl(d->ifs[0].addr), s),
			    (unsigned)__builtin_popcount(d->ifs[0].mask));
			note(ck, msg);
		}
	}
}

/* The machines most labs have: BIOS and x64 UEFI. */
static const struct {
	int arch;
	const char *example;
} common_arches[] = {
	{ 0, "pxelinux.0" },
	{ 9, "efi64/syslinux.efi" },
};

/* Warn about the common machines --boot gives nothing to. */
static void
check_boot(const struct dhcpd *d)
{
	size_t i;
	int a;

	for (i = 0; i < sizeof(common_arches) / sizeof(common_arches[0]);
	    i++) {
		a = common_arches[i].arch;
		if (dhcpd_boot_rule(&d->cfg, a) == NULL)
			log_warn("no --boot for %s (%s) machines: they will get "
			    "an address and no boot file (PXE-E53); add --boot "
			    "%s=%s", dhcp_arch_name(a), dhcp_arch_desc(a),
			    dhcp_arch_name(a), common_arches[i].example);
	}
}

/* Find every --interface and its IPv4 address; binds nothing. */
static int
find_ifaces(struct dhcpd *d, struct pxe_check *ck)
{
	struct dhcpd_iface *ifc;
	unsigned i;
	int r, bad = 0;

	for (i = 0; i < d->cfg.niface; i++) {
		ifc = &d->ifs[d->nifs];
		memset(ifc, 0, sizeof(*ifc));
		ifc->io67.fd = ifc->io4011.fd = -1;
		ifc->d = d;
		snprintf(ifc->name, sizeof(ifc->name), "%s", d->cfg.iface[i]);
		if (ck) {
			pxe_check_iface(ck, "--interface", ifc->name, true);
		} else if ((r = pxe_net_if_ipv4(ifc->name, &ifc->addr,
		    &ifc->mask)) == -ENODEV) {
			log_err("--interface %s: no such interface (ip -br link "
			    "lists them)", ifc->name);
			return -1;
		} else if (r == -EADDRNOTAVAIL) {
			log_err("--interface %s has no IPv4 address: give it "
			    "one, e.g. ip addr add 192.168.42.1/24 dev %s",
			    ifc->name, ifc->name);
			return -1;
		} else if (r < 0) {
			log_err("--interface %s: %s", ifc->name, strerror(-r));
			return -1;
		}
		if (pxe_net_if_ipv4(ifc->name, &ifc->addr, &ifc->mask) < 0) {
			bad++;
			continue;
		}
		ifc->ifindex = (int)if_nametoindex(ifc->name);
		d->nifs++;
	}
	return bad ? -1 : 0;
}

static int
open_ifaces(struct dhcpd *d)
{
	struct dhcpd_iface *ifc;
	char a[INET_ADDRSTRLEN], m[INET_ADDRSTRLEN];
	unsigned i;

	for (i = 0; i < d->nifs; i++) {
		ifc = &d->ifs[i];
		if (listen_port(d, ifc, &ifc->io67, DHCP_SERVER_PORT) < 0)
			return -1;
		if (d->cfg.proxy && listen_port(d, ifc, &ifc->io4011,
		    DHCP_PXE_PORT) < 0)
			return -1;
		inet_ntop(AF_INET, &ifc->addr, a, sizeof(a));
		inet_ntop(AF_INET, &ifc->mask, m, sizeof(m));
		log_info("listening on %s (%s/%s) port 67%s", ifc->name, a, m,
		    d->cfg.proxy ? " and 4011, proxyDHCP" : "");
	}
	return 0;
}

/* The lease file's folder: missing on a first run after make install. */
static int
check_lease_dir(const struct dhcpd *d, struct pxe_check *ck)
{
	struct pxe_check own = { "pxe-dhcpd", 0, true };

	if (d->cfg.proxy)
		return 0;
	pxe_check_parent(ck ? ck : &own, "--lease-file", d->cfg.lease_file);
	return own.problems ? -1 : 0;
}

/*
 * After --user: can we still replace the lease file (compaction writes
 * FILE.tmp and renames it)?  Appends go on through the descriptor opened
 * before; say what to change if not.
 */
static void
check_lease_dir_user(const struct dhcpd *d)
{
	char dir[4096], *slash;

	if (d->cfg.proxy || d->cfg.dopt.user == NULL)
		return;
	snprintf(dir, sizeof(dir), "%s", d->cfg.lease_file);
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (access(dir, W_OK | X_OK) == 0)
		return;
	log_warn("--user %s cannot write the folder %s: the lease file is "
	    "compacted only at start; chown %s %s to fix", d->cfg.dopt.user, dir,
	    d->cfg.dopt.user, dir);
}

/* Open the lease file, the loop and the sockets; 0, or the exit status. */
static int
bind_all(void *arg)
{
	struct dhcpd *d = arg;
	unsigned bad = 0;
	int r;

	/* Everything that can be wrong before anything is bound. */
	if (find_ifaces(d, NULL) < 0 || pxe_daemon_check_user(d->cfg.dopt.user) < 0 ||
	    check_lease_dir(d, NULL) < 0)
		return 1;
	if ((d->loop = pxe_loop_new()) == NULL) {
		log_err("cannot create the event loop: %s", strerror(errno));
		return 1;
	}
	if (!d->cfg.proxy) {
		r = lease_store_open(&d->leases, d->cfg.lease_file, &bad);
		if (r < 0) {
			log_err("cannot use the lease file %s: %s",
			    d->cfg.lease_file, strerror(-r));
			return 1;
		}
		if (bad)
			log_warn("%s: %u unreadable lines skipped",
			    d->cfg.lease_file, bad);
	}
	check_ranges(d, NULL);
	check_boot(d);
	if (open_ifaces(d) < 0)
		return 1;
	return 0;
}

static void
ready(void *arg)
{
	struct dhcpd *d = arg;

	check_lease_dir_user(d);
	log_info("started, version %s, %s%zu leases in %s", PACKAGE_VERSION,
	    d->cfg.proxy ? "proxyDHCP, " : "", d->leases ?
	    lease_count(d->leases) : (size_t)0, d->cfg.proxy ? "(none)" :
	    d->cfg.lease_file);
}

/* --test -v: the settings as understood, as lines of a -C file. */
static void
print_config(void *arg, FILE *f)
{
	const struct dhcpd_config *c = &((const struct dhcpd *)arg)->cfg;
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], v[512], nb[32];
	const struct dhcpd_host *h;
	const char *an;
	unsigned i;

	for (i = 0; i < c->niface; i++)
		fprintf(f, "interface %s\n", c->iface[i]);
	for (i = 0; i < c->nranges; i++) {
		fprintf(f, "range %s,%s", ip4(c->ranges[i].start, a),
		    ip4(c->ranges[i].end, b));
		if (c->ranges[i].mask)
			fprintf(f, ",%s", inet_ntop(AF_INET, &c->ranges[i].mask,
			    a, sizeof(a)));
		if (c->ranges[i].lease_time)
			fprintf(f, ",%u", c->ranges[i].lease_time);
		fputc('\n', f);
	}
	fprintf(f, "lease-time %u\n", c->lease_time);
	for (i = 0; i < c->nopts; i++) {
		dhcp_opt_to_text(c->opts[i].code, c->opts[i].data,
		    c->opts[i].len, v, sizeof(v));
		fprintf(f, "option %s,%s\n", dhcp_opt_name(c->opts[i].code, nb,
		    sizeof(nb)), v);
	}
	for (i = 0; i < c->nhosts; i++) {
		h = &c->hosts[i];
		fprintf(f, "host %02x:%02x:%02x:%02x:%02x:%02x,%s%s%s%s%s\n",
		    h->mac[0], h->mac[1], h->mac[2], h->mac[3], h->mac[4],
		    h->mac[5], ip4(h->addr, a), h->name[0] || h->bootfile ?
		    "," : "", h->name, h->bootfile ? "," : "",
		    h->bootfile ? h->bootfile : "");
	}
	for (i = 0; i < c->nboot; i++) {
		an = c->boot[i].arch < 0 ? NULL : dhcp_arch_name(c->boot[i].arch);
		fprintf(f, "boot %s%s%s\n", an ? an : "", an ? "=" : "",
		    c->boot[i].file);
	}
	for (i = 0; i < c->nhttp; i++) {
		an = c->http[i].arch < 0 ? NULL : dhcp_arch_name(c->http[i].arch);
		fprintf(f, "http-boot %s%s%s\n", an ? an : "", an ? "=" : "",
		    c->http[i].file);
	}
	if (c->ipxe_boot)
		fprintf(f, "ipxe-boot %s\n", c->ipxe_boot);
	if (c->next_server)
		fprintf(f, "next-server %s\n", inet_ntop(AF_INET,
		    &c->next_server, a, sizeof(a)));
	if (c->pxelinux_config)
		fprintf(f, "pxelinux-config %s\n", c->pxelinux_config);
	if (c->pxelinux_prefix)
		fprintf(f, "pxelinux-prefix %s\n", c->pxelinux_prefix);
	if (c->proxy)
		fprintf(f, "proxy\n");
	fprintf(f, "lease-file %s\n", c->lease_file);
	pxe_daemon_print_opts(&c->dopt, f);
}

/* --test: check what setup would need, binding nothing; the exit status. */
static void
test_config(void *arg, struct pxe_check *ck)
{
	struct dhcpd *d = arg;

	find_ifaces(d, ck);
	check_ranges(d, ck);
	check_boot(d);
	check_lease_dir(d, ck);
}

static int
teardown(void *arg, int status)
{
	struct dhcpd *d = arg;
	unsigned i;
	int r;

	for (i = 0; i < d->nifs; i++) {
		if (d->ifs[i].io67.fd >= 0)
			close(d->ifs[i].io67.fd);
		if (d->ifs[i].io4011.fd >= 0)
			close(d->ifs[i].io4011.fd);
	}
	if (d->leases && (r = lease_store_close(d->leases)) < 0) {
		log_err("cannot write the lease file: %s", strerror(-r));
		status = 1;
	}
	pxe_loop_free(d->loop);
	return status;
}

/* The options that go together, and --probe; -1 to go on. */
static int
usage(void *arg)
{
	struct dhcpd *d = arg;

	if (d->cfg.niface == 0)
		return pxe_usage_error("pxe-dhcpd", "--interface is required: "
		    "a DHCP server must know which link it serves");
	if (d->cfg.probe && d->cfg.niface != 1)
		return pxe_usage_error("pxe-dhcpd", "--probe looks on one "
		    "--interface at a time");
	if (d->cfg.probe)
		return dhcpd_probe(d->cfg.iface[0]);
	if (!d->cfg.proxy && d->cfg.nranges == 0 && d->cfg.nhosts == 0)
		return pxe_usage_error("pxe-dhcpd", "give --range or --host "
		    "(or --proxy beside another DHCP server)");
	if (d->cfg.proxy && d->cfg.nboot == 0 && d->cfg.nhttp == 0)
		return pxe_usage_error("pxe-dhcpd", "--proxy needs --boot: it "
		    "only hands out boot files");
	return -1;
}

int
main(int argc, char **argv)
{
	static struct dhcpd d;
	static const struct pxe_opts_spec spec = {
		"pxe-dhcpd", PACKAGE_VERSION, "[OPTION]...",
		"Hand out addresses and boot files to machines that boot over "
		"the network (DHCP, BOOTP, PXE, proxyDHCP).",
		epilog, options, set_option, &d.cfg, &d.optmem,
	};
	static const struct pxe_daemon_prog prog = {
		&spec, &d.cfg.dopt, &d.dm, &d.loop, &d, usage, test_config,
		print_config, bind_all, ready, dhcpd_log_counters, NULL,
		teardown,
	};

	defaults(&d.cfg);
	return pxe_daemon_main(&prog, argc, argv);
}
