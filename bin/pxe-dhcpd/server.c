/*
 * pxe-dhcpd's protocol: what to answer to each DHCP message (RFC 2131),
 * with the PXE boot information boot.c picks, proxyDHCP, and the group
 * commit that puts a whole batch of leases on
 * disk before any of their ACKs leaves.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "libpxe/log.h"
#include "libpxe/net.h"
#include "dhcpd.h"


/* What one request turned into. */
struct ctx {
	struct dhcpd *d;
	struct dhcpd_iface *ifc;
	bool port4011;
	const struct dhcp_msg *m;
	struct lease_client client;
	char mac[3 * LEASE_HWMAX + 8];
	char name[LEASE_NAMEMAX];	/* hostname the client sent, sanitised */
	const struct dhcpd_host *host;
	int64_t now;
	int rix;			/* index of the client's range, or -1 */
	uint32_t mask;			/* the client's subnet mask */
};

static const char *
ip_str(uint32_t a, char *buf)
{
	struct in_addr in = { a };

	return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

void
dhcpd_log_counters(void *arg)
{
	struct dhcpd *d = arg;
	const struct dhcpd_counters *c = &d->c;

	pxe_log_drop_flush(&d->droplog);
	log_info("counters: received %llu, dropped %llu, offers %llu, acks "
	    "%llu, naks %llu, releases %llu, declines %llu, informs %llu, "
	    "ignored %llu, pool full %llu, lease syncs %llu (failed %llu), "
	    "leases %zu", (unsigned long long)c->received,
	    (unsigned long long)c->dropped, (unsigned long long)c->offers,
	    (unsigned long long)c->acks, (unsigned long long)c->naks,
	    (unsigned long long)c->releases, (unsigned long long)c->declines,
	    (unsigned long long)c->informs, (unsigned long long)c->ignored,
	    (unsigned long long)c->full, (unsigned long long)c->commits,
	    (unsigned long long)c->commit_errors,
	    d->leases ? lease_count(d->leases) : (size_t)0);
}

static void
drop(struct dhcpd *d, const struct dhcpd_iface *ifc, const char *who,
    const char *why)
{
	d->c.dropped++;
	pxe_log_drop(&d->droplog, pxe_loop_now(d->loop), "on %s from %s: %s",
	    ifc->name, who, why);
}

/* ---- who is asking ---- */

static void
identify(struct ctx *c)
{
	const struct dhcp_msg *m = c->m;
	const uint8_t *p;
	size_t len, i, n = 0;
	unsigned k;

	memset(&c->client, 0, sizeof(c->client));
	c->client.htype = m->htype;
	c->client.hwlen = m->hlen;
	memcpy(c->client.hw, m->chaddr, m->hlen);
	if ((p = dhcp_opt_get(m, DHCP_OPT_CLIENTID, &len)) != NULL && len > 0) {
		if (len > LEASE_CIDMAX)
			len = LEASE_CIDMAX;
		c->client.cidlen = (uint8_t)len;
		memcpy(c->client.cid, p, len);
		/* "01" + the MAC (dhclient, Windows) names the same client
		 * as the MAC alone (udhcpc, most ROMs): keep one identity. */
		if (len == 1u + m->hlen && p[0] == m->htype &&
		    memcmp(p + 1, m->chaddr, m->hlen) == 0)
			c->client.cidlen = 0;
	}
	lease_fmt_hw(c->mac, sizeof(c->mac), &c->client);
	/* A hostname for the lease file: letters, digits, '-', '_', '.'. */
	c->name[0] = '\0';
	if ((p = dhcp_opt_get(m, DHCP_OPT_HOSTNAME, &len)) != NULL) {
		for (i = 0; i < len && n + 1 < sizeof(c->name); i++)
			if ((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' &&
			    p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9') ||
			    p[i] == '-' || p[i] == '_' || p[i] == '.')
				c->name[n++] = (char)p[i];
		c->name[n] = '\0';
	}
	c->host = NULL;
	for (k = 0; k < c->d->cfg.nhosts; k++) {
		if (m->htype == 1 && m->hlen == 6 &&
		    memcmp(c->d->cfg.hosts[k].mac, m->chaddr, 6) == 0) {
			c->host = &c->d->cfg.hosts[k];
			if (c->name[0] == '\0')
				snprintf(c->name, sizeof(c->name), "%s",
				    c->host->name);
			break;
		}
	}
}

/* Boot information for this client (boot.c); the file, or NULL. */
static const char *
add_boot(const struct ctx *c, struct dhcp_reply *r)
{
	return dhcpd_add_boot(&c->d->cfg, c->m, c->host, c->ifc->addr, c->mac,
	    r);
}

/*
 * The range that serves this client: the one on the relay's subnet when
 * the request came through one (giaddr), else the one on the interface's
 * subnet.  Sets c->rix (-1 for none) and c->mask.
 */
static void
find_range(struct ctx *c)
{
	const struct dhcpd_config *cfg = &c->d->cfg;
	uint32_t net = c->m->giaddr ? c->m->giaddr : c->ifc->addr;
	uint32_t mask;
	unsigned i;

	for (i = 0; i < cfg->nranges; i++) {
		mask = cfg->ranges[i].mask ? cfg->ranges[i].mask :
		    c->ifc->mask;
		if ((htonl(cfg->ranges[i].start) & mask) == (net & mask)) {
			c->rix = (int)i;
			c->mask = mask;
			return;
		}
	}
	c->rix = -1;
	c->mask = c->ifc->mask;
}

static uint32_t
lease_time(const struct ctx *c)
{
	if (c->rix >= 0 && c->d->cfg.ranges[c->rix].lease_time)
		return c->d->cfg.ranges[c->rix].lease_time;
	return c->d->cfg.lease_time;
}

/* Did the admin set option code with --option?  Then theirs is sent
 * instead of the default (e.g. renewal-time 58 and rebinding-time 59). */
static bool
user_sets(const struct dhcpd_config *cfg, uint8_t code)
{
	unsigned i;

	for (i = 0; i < cfg->nopts; i++)
		if (cfg->opts[i].code == code)
			return true;
	return false;
}

/* The network options every address reply carries. */
static void
add_net_opts(struct ctx *c, struct dhcp_reply *r, bool lease)
{
	const struct dhcpd_config *cfg = &c->d->cfg;
	uint32_t t = lease_time(c);
	uint32_t net = c->m->giaddr ? c->m->giaddr : c->ifc->addr;
	unsigned i;

	if (!user_sets(cfg, DHCP_OPT_SUBNET))
		dhcp_reply_add_ip(r, DHCP_OPT_SUBNET, c->mask);
	if (!user_sets(cfg, DHCP_OPT_BROADCAST))
		dhcp_reply_add_ip(r, DHCP_OPT_BROADCAST, net | ~c->mask);
	/* Behind a relay with no --router: the relay is the way out. */
	if (c->m->giaddr && !cfg->router_set)
		dhcp_reply_add_ip(r, DHCP_OPT_ROUTER, c->m->giaddr);
	if (lease) {
		dhcp_reply_add_u32(r, DHCP_OPT_LEASE, t);
		if (!user_sets(cfg, DHCP_OPT_T1))
			dhcp_reply_add_u32(r, DHCP_OPT_T1, t / 2);
		if (!user_sets(cfg, DHCP_OPT_T2))
			dhcp_reply_add_u32(r, DHCP_OPT_T2,
			    (uint32_t)((uint64_t)t * 7 / 8));
	}
	if (c->name[0] && c->host)
		dhcp_reply_add_str(r, DHCP_OPT_HOSTNAME, c->name);
	for (i = 0; i < cfg->nopts; i++)
		dhcp_reply_add(r, cfg->opts[i].code, cfg->opts[i].data,
		    cfg->opts[i].len);
}

/* ---- sending ---- */

/* Tell the kernel chaddr owns addr, so a unicast reply reaches a client
 * that has no address yet (RFC 2131 4.1).  0 or -errno. */
static int
set_arp(const struct dhcpd_iface *ifc, uint32_t addr, const uint8_t *mac)
{
	struct arpreq req;
	struct sockaddr_in *sin = (struct sockaddr_in *)&req.arp_pa;

	memset(&req, 0, sizeof(req));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = addr;
	req.arp_ha.sa_family = ARPHRD_ETHER;
	memcpy(req.arp_ha.sa_data, mac, 6);
	req.arp_flags = ATF_COM;
	snprintf(req.arp_dev, sizeof(req.arp_dev), "%s", ifc->name);
	return ioctl(ifc->io67.fd, SIOCSARP, &req) < 0 ? -errno : 0;
}

static void
send_now(struct dhcpd *d, struct dhcpd_pending *p)
{
	struct sockaddr_in to = { .sin_family = AF_INET,
	    .sin_port = htons(p->port), .sin_addr.s_addr = p->dst };

	if (d->emit) {
		d->emit(d->seam_arg, p);
		return;
	}
	if (p->arp && set_arp(p->ifc, p->dst, p->mac) < 0) {
		/* No ARP entry (no privilege): broadcast instead. */
		to.sin_addr.s_addr = INADDR_BROADCAST;
	}
	if (sendto(p->fd, p->pkt, p->len, 0, (struct sockaddr *)&to,
	    sizeof(to)) < 0)
		log_warn("cannot send to %s port %u on %s: %s",
		    inet_ntoa(to.sin_addr), p->port, p->ifc->name,
		    strerror(errno));
}

/*
 * Build r and send it where RFC 2131 4.1 says: to the relay, to ciaddr,
 * broadcast, or unicast to yiaddr.  With later, it waits in the pending
 * list for the next lease commit.
 */
static void
reply(struct ctx *c, struct dhcp_reply *r, bool later, struct sockaddr_in
    *src)
{
	struct dhcpd *d = c->d;
	struct dhcpd_pending one, *p = later && d->npend < DHCPD_BATCH ?
	    &d->pend[d->npend] : &one;
	const struct dhcp_msg *m = c->m;
	size_t maxlen = DHCP_DEFAULT_MAX;
	uint16_t mms;
	ssize_t n;

	if (dhcp_opt_u16(m, DHCP_OPT_MAXSIZE, &mms) == 0 && mms > 576)
		maxlen = mms - 28u;
	n = dhcp_reply_build(r, p->pkt, sizeof(p->pkt), maxlen);
	if (n < 0) {
		log_warn("reply to %s on %s does not fit in %zu bytes", c->mac,
		    c->ifc->name, maxlen);
		return;
	}
	p->len = (size_t)n;
	p->ifc = c->ifc;
	p->fd = c->ifc->io67.fd;
	p->arp = false;
	memcpy(p->mac, m->chaddr, 6);
	if (c->port4011 && src) {
		/* proxyDHCP on 4011: straight back to where it came from. */
		p->fd = c->ifc->io4011.fd;
		p->dst = src->sin_addr.s_addr;
		p->port = ntohs(src->sin_port);
	} else if (m->giaddr) {
		p->dst = m->giaddr;
		p->port = DHCP_SERVER_PORT;
	} else if (r->opts[0].code == DHCP_OPT_MSGTYPE &&
	    r->data[r->opts[0].off] == DHCPNAK) {
		p->dst = INADDR_BROADCAST;
		p->port = DHCP_CLIENT_PORT;
	} else if (m->ciaddr) {
		p->dst = m->ciaddr;
		p->port = DHCP_CLIENT_PORT;
	} else if ((m->flags & DHCP_FLAG_BROADCAST) || r->yiaddr == 0 ||
	    m->htype != 1 || m->hlen != 6) {
		p->dst = INADDR_BROADCAST;
		p->port = DHCP_CLIENT_PORT;
	} else {
		p->dst = r->yiaddr;
		p->port = DHCP_CLIENT_PORT;
		p->arp = true;
	}
	if (p == &one)
		send_now(d, p);
	else
		d->npend++;
}

/* ---- the messages ---- */

static bool
in_subnet(const struct dhcpd_iface *ifc, uint32_t a)
{
	return (a & ifc->mask) == (ifc->addr & ifc->mask);
}

/* Addresses lease_pick must not hand out: static hosts and our own. */
static bool
reserved(void *arg, uint32_t a)
{
	struct ctx *c = arg;
	unsigned i;

	if (htonl(a) == c->ifc->addr)
		return true;
	for (i = 0; i < c->d->cfg.nhosts; i++)
		if (c->d->cfg.hosts[i].addr == a)
			return true;
	return false;
}

/* The address for this client: its static one, or one from the pool. */
static int
choose(struct ctx *c, uint32_t requested, uint32_t *addr)
{
	const struct dhcpd_config *cfg = &c->d->cfg;
	const struct dhcpd_range *rg;
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	int e;

	if (c->host) {
		*addr = c->host->addr;
		return 0;
	}
	if (c->rix < 0) {
		c->d->c.ignored++;
		log_info("no address range for %s on subnet %s (%s)", c->mac,
		    ip_str(c->m->giaddr ? c->m->giaddr : c->ifc->addr, a),
		    c->m->giaddr ? "relayed" : c->ifc->name);
		return -ENOENT;
	}
	rg = &cfg->ranges[c->rix];
	e = lease_pick(c->d->leases, &c->client, rg->start, rg->end,
	    requested, c->now, reserved, c, addr);
	if (e == -ENOSPC) {
		c->d->c.full++;
		if (!c->d->full_logged[c->rix])
			log_warn("DHCP pool %s-%s is full: %s gets no address",
			    ip_str(htonl(rg->start), a),
			    ip_str(htonl(rg->end), b), c->mac);
		c->d->full_logged[c->rix] = true;
	} else if (e == 0) {
		/* Room again: the next time it fills is news again. */
		c->d->full_logged[c->rix] = false;
	}
	return e;
}

/* addr is this client's bound lease, still running. */
static bool
bound_to(struct ctx *c, uint32_t addr)
{
	struct lease *l = lease_by_addr(c->d->leases, addr);

	return l != NULL && l->state == LEASE_BOUND &&
	    l == lease_by_client(c->d->leases, &c->client) &&
	    (l->expires == LEASE_INFINITE || l->expires > c->now);
}

static void
start_reply(struct ctx *c, struct dhcp_reply *r, uint8_t type)
{
	dhcp_reply_init(r, c->m);
	dhcp_reply_add_u8(r, DHCP_OPT_MSGTYPE, type);
	dhcp_reply_add_ip(r, DHCP_OPT_SERVERID, c->ifc->addr);
}

static void
on_discover(struct ctx *c)
{
	struct dhcp_reply *r = &c->d->reply;
	struct lease l;
	uint32_t req = 0, addr;
	const char *file;
	char a[INET_ADDRSTRLEN];

	if (dhcp_opt_ip(c->m, DHCP_OPT_REQADDR, &req) == 0)
		req = ntohl(req);
	if (choose(c, req, &addr) < 0)
		return;
	/* Keep a bound lease bound: only a new one is held for the offer.
	 * Its owner may still use it (a PXE ROM, then the OS, on one MAC). */
	if (!c->host && !bound_to(c, addr)) {
		memset(&l, 0, sizeof(l));
		l.addr = addr;
		l.client = c->client;
		snprintf(l.hostname, sizeof(l.hostname), "%s", c->name);
		l.expires = c->now + DHCPD_OFFER_HOLD;
		l.state = LEASE_OFFERED;
		if (lease_set(c->d->leases, &l) < 0)
			return;
	}
	start_reply(c, r, DHCPOFFER);
	r->yiaddr = htonl(addr);
	add_net_opts(c, r, true);
	file = add_boot(c, r);
	c->d->c.offers++;
	log_info("DHCPOFFER(%s) %s %s%s%s", c->ifc->name,
	    ip_str(htonl(addr), a), c->mac, file ? " " : "", file ? file : "");
	reply(c, r, false, NULL);
}

static void
nak(struct ctx *c, uint32_t addr, const char *why)
{
	struct dhcp_reply *r = &c->d->reply;
	char a[INET_ADDRSTRLEN];

	dhcp_reply_init(r, c->m);
	dhcp_reply_add_u8(r, DHCP_OPT_MSGTYPE, DHCPNAK);
	dhcp_reply_add_ip(r, DHCP_OPT_SERVERID, c->ifc->addr);
	dhcp_reply_add_str(r, DHCP_OPT_MESSAGE, why);
	c->d->c.naks++;
	log_info("DHCPNAK(%s) %s %s %s", c->ifc->name, ip_str(addr, a), c->mac,
	    why);
	reply(c, r, false, NULL);
}

/* Log, once per server, that another DHCP server answers on this link. */
static void
other_server(struct ctx *c, uint32_t sid)
{
	struct dhcpd *d = c->d;
	char a[INET_ADDRSTRLEN];
	unsigned i;

	for (i = 0; i < d->nother; i++)
		if (d->other_servers[i] == sid)
			return;
	if (d->nother < sizeof(d->other_servers) / sizeof(d->other_servers[0]))
		d->other_servers[d->nother++] = sid;
	log_warn("another DHCP server is active on %s: %s (%s chose it)",
	    c->ifc->name, ip_str(sid, a), c->mac);
}

static void
on_request(struct ctx *c)
{
	struct dhcp_reply *r = &c->d->reply;
	const struct dhcp_msg *m = c->m;
	struct lease *cur, l;
	uint32_t sid, want = 0, addr;
	const char *file;
	char a[INET_ADDRSTRLEN];

	if (dhcp_opt_ip(m, DHCP_OPT_SERVERID, &sid) == 0 &&
	    sid != c->ifc->addr) {
		/* SELECTING another server's offer: let ours go. */
		other_server(c, sid);
		cur = lease_by_client(c->d->leases, &c->client);
		if (cur && cur->state == LEASE_OFFERED) {
			l = *cur;
			l.state = LEASE_FREE;
			memset(&l.client, 0, sizeof(l.client));
			lease_set(c->d->leases, &l);
		}
		c->d->c.ignored++;
		return;
	}
	if (dhcp_opt_ip(m, DHCP_OPT_REQADDR, &want) < 0)
		want = m->ciaddr;	/* RENEWING or REBINDING */
	if (want == 0) {
		drop(c->d, c->ifc, c->mac, "DHCPREQUEST without an address");
		return;
	}
	log_info("DHCPREQUEST(%s) %s %s", c->ifc->name, ip_str(want, a),
	    c->mac);
	if (m->giaddr == 0 && !in_subnet(c->ifc, want)) {
		nak(c, want, "wrong network");
		return;
	}
	addr = ntohl(want);
	if (c->host) {
		if (c->host->addr != addr) {
			nak(c, want, "address reserved for another host");
			return;
		}
	} else {
		if (c->rix < 0 || addr < c->d->cfg.ranges[c->rix].start ||
		    addr > c->d->cfg.ranges[c->rix].end || reserved(c, addr)) {
			nak(c, want, "address not in the pool");
			return;
		}
		/* Free, expired, or already this client's. */
		if (lease_pick(c->d->leases, &c->client, addr, addr, addr,
		    c->now, reserved, c, &addr) < 0) {
			nak(c, want, "address in use");
			return;
		}
		memset(&l, 0, sizeof(l));
		l.addr = addr;
		l.client = c->client;
		snprintf(l.hostname, sizeof(l.hostname), "%s", c->name);
		l.expires = c->now + lease_time(c);
		l.state = LEASE_BOUND;
		if (lease_set(c->d->leases, &l) < 0) {
			log_err("out of memory for the lease of %s", c->mac);
			return;
		}
	}
	start_reply(c, r, DHCPACK);
	r->yiaddr = want;
	r->ciaddr = m->ciaddr;
	add_net_opts(c, r, true);
	file = add_boot(c, r);
	c->d->c.acks++;
	log_info("DHCPACK(%s) %s %s%s%s%s%s", c->ifc->name, ip_str(want, a),
	    c->mac, c->name[0] ? " " : "", c->name, file ? " " : "",
	    file ? file : "");
	/* Static hosts have nothing to write; their ACK waits anyway, so
	 * the order of replies follows the order of requests. */
	reply(c, r, true, NULL);
}

static void
on_decline(struct ctx *c)
{
	struct lease *cur, l;
	uint32_t a, sid;
	char s[INET_ADDRSTRLEN];

	if (dhcp_opt_ip(c->m, DHCP_OPT_REQADDR, &a) < 0)
		return;
	c->d->c.declines++;
	/*
	 * Only the client that was offered or holds the address may decline
	 * it, and only to us (RFC 2131 4.3.3: option 54 is a MUST): anyone
	 * else would free a lease that is not theirs.  dnsmasq checks both.
	 */
	cur = lease_by_addr(c->d->leases, ntohl(a));
	if (dhcp_opt_ip(c->m, DHCP_OPT_SERVERID, &sid) < 0 ||
	    sid != c->ifc->addr || cur == NULL ||
	    (cur->state != LEASE_BOUND && cur->state != LEASE_OFFERED) ||
	    cur != lease_by_client(c->d->leases, &c->client)) {
		c->d->c.ignored++;
		log_info("DHCPDECLINE(%s) %s %s: not an address we gave it, "
		    "ignored", c->ifc->name, ip_str(a, s), c->mac);
		return;
	}
	log_warn("DHCPDECLINE(%s) %s %s: the address is in use on the link, "
	    "set aside for %d s", c->ifc->name, ip_str(a, s), c->mac,
	    DHCPD_DECLINE_HOLD);
	l = *cur;
	memset(&l.client, 0, sizeof(l.client));
	l.state = LEASE_DECLINED;
	l.expires = c->now + DHCPD_DECLINE_HOLD;
	if (cur->state == LEASE_BOUND) {
		/* Its bound line must leave the file too. */
		struct lease f = *cur;

		f.state = LEASE_FREE;
		lease_set(c->d->leases, &f);
	}
	lease_set(c->d->leases, &l);
}

static void
on_release(struct ctx *c)
{
	struct lease *cur = lease_by_addr(c->d->leases, ntohl(c->m->ciaddr));
	char s[INET_ADDRSTRLEN];
	struct lease l;

	log_info("DHCPRELEASE(%s) %s %s", c->ifc->name,
	    ip_str(c->m->ciaddr, s), c->mac);
	c->d->c.releases++;
	if (cur == NULL || cur != lease_by_client(c->d->leases, &c->client))
		return;
	l = *cur;
	l.state = LEASE_FREE;
	lease_set(c->d->leases, &l);
}

static void
on_inform(struct ctx *c)
{
	struct dhcp_reply *r = &c->d->reply;
	char s[INET_ADDRSTRLEN];

	log_info("DHCPINFORM(%s) %s %s", c->ifc->name, ip_str(c->m->ciaddr, s),
	    c->mac);
	start_reply(c, r, DHCPACK);
	r->ciaddr = c->m->ciaddr;
	add_net_opts(c, r, false);
	add_boot(c, r);
	c->d->c.informs++;
	reply(c, r, false, NULL);
}

/*
 * proxyDHCP: boot information only, to PXE and UEFI HTTP boot clients
 * only.  An HTTP boot client takes its address from the router's offer
 * and the URL from this one, as UEFI HTTP boot allows (a proxy offer
 * carrying the URI).
 */
static void
on_proxy(struct ctx *c, int type, struct sockaddr_in *src)
{
	struct dhcp_reply *r = &c->d->reply;
	const char *file;
	uint32_t sid;

	if (!dhcp_is_pxeclient(c->m) && !dhcp_is_httpclient(c->m)) {
		c->d->c.ignored++;
		return;
	}
	/* An HTTP boot client takes the URL from the offer and asks the
	 * router, not us, for its address: an ACK from here would carry no
	 * address and the firmware would decline the router's. */
	if (dhcp_is_httpclient(c->m) && !dhcp_is_pxeclient(c->m) &&
	    type != DHCPDISCOVER) {
		c->d->c.ignored++;
		return;
	}
	if (type == DHCPREQUEST && !c->port4011 &&
	    (dhcp_opt_ip(c->m, DHCP_OPT_SERVERID, &sid) < 0 ||
	    sid != c->ifc->addr)) {
		c->d->c.ignored++;	/* the router's business */
		return;
	}
	if (type != DHCPDISCOVER && type != DHCPREQUEST)
		return;
	start_reply(c, r, type == DHCPDISCOVER ? DHCPOFFER : DHCPACK);
	if ((file = add_boot(c, r)) == NULL)
		return;		/* add_boot said why */
	if (type == DHCPDISCOVER)
		c->d->c.offers++;
	else
		c->d->c.acks++;
	log_info("%s(%s) proxy %s %s", type == DHCPDISCOVER ? "DHCPOFFER" :
	    "DHCPACK", c->ifc->name, c->mac, file);
	reply(c, r, false, src);
}

static void
describe(const struct ctx *c, int type)
{
	char extra[96] = "";
	const char *an;
	int arch;

	if (dhcp_is_pxeclient(c->m) || dhcp_is_httpclient(c->m)) {
		arch = dhcp_client_arch(c->m);
		an = dhcp_arch_name(arch);
		if (an)
			snprintf(extra, sizeof(extra), " %s arch %s%s",
			    dhcp_is_pxeclient(c->m) ? "PXEClient" :
			    "HTTPClient", an, dhcp_is_ipxe(c->m) ? " iPXE" : "");
		else
			snprintf(extra, sizeof(extra), " %s arch %d%s",
			    dhcp_is_pxeclient(c->m) ? "PXEClient" :
			    "HTTPClient", arch, dhcp_is_ipxe(c->m) ? " iPXE" :
			    "");
	} else if (dhcp_is_ipxe(c->m)) {
		snprintf(extra, sizeof(extra), " iPXE");
	}
	if (type == DHCPDISCOVER)
		log_info("DHCPDISCOVER(%s) %s%s", c->ifc->name, c->mac, extra);
	else
		log_debug("%s(%s) %s%s", dhcp_msgtype_str(type), c->ifc->name,
		    c->mac, extra);
}

void
dhcpd_handle(struct dhcpd_iface *ifc, bool port4011, const uint8_t *pkt,
    size_t len, struct sockaddr_in *src)
{
	struct dhcpd *d = ifc->d;
	struct dhcp_msg *m = &d->msg;
	struct ctx c = { d, ifc, port4011, m, { 0 }, "", "", NULL, 0, -1,
	    ifc->mask };
	char who[INET_ADDRSTRLEN + 8];
	int type;

	d->c.received++;
	if (dhcp_parse(pkt, len, m) < 0) {
		drop(d, ifc, inet_ntop(AF_INET, &src->sin_addr, who,
		    sizeof(who)), m->why);
		return;
	}
	if (m->op != BOOTREQUEST) {
		d->c.ignored++;
		return;
	}
	c.now = d->clock ? d->clock(d->seam_arg) : (int64_t)time(NULL);
	identify(&c);
	find_range(&c);
	type = dhcp_msg_type(m);
	if (type == -EBADMSG) {
		drop(d, ifc, c.mac, "option 53 is not a message type");
		return;
	}
	describe(&c, type);
	if (d->cfg.proxy) {
		on_proxy(&c, type, src);
		return;
	}
	if (port4011) {
		d->c.ignored++;
		return;
	}
	switch (type) {
	case DHCPDISCOVER:
		on_discover(&c);
		break;
	case DHCPREQUEST:
		on_request(&c);
		break;
	case DHCPDECLINE:
		on_decline(&c);
		break;
	case DHCPRELEASE:
		on_release(&c);
		break;
	case DHCPINFORM:
		on_inform(&c);
		break;
	case -ENOENT:
		/* BOOTP: static hosts only, as an infinite lease. */
		if (c.host) {
			struct dhcp_reply *r = &d->reply;
			const char *file;
			char a[INET_ADDRSTRLEN];

			dhcp_reply_init(r, m);
			r->yiaddr = htonl(c.host->addr);
			add_net_opts(&c, r, false);
			file = add_boot(&c, r);
			log_info("BOOTP(%s) %s %s%s%s", ifc->name,
			    ip_str(r->yiaddr, a), c.mac, file ? " " : "",
			    file ? file : "");
			reply(&c, r, false, NULL);
		} else {
			d->c.ignored++;
			/* Once a minute per client: a flood of cookie-less
			 * packets must not become a flood of log lines. */
			if (strcmp(d->bootp_logged, c.mac) != 0 ||
			    c.now - d->bootp_logged_at >= 60) {
				log_info("BOOTP(%s) %s: no --host for it",
				    ifc->name, c.mac);
				snprintf(d->bootp_logged,
				    sizeof(d->bootp_logged), "%s", c.mac);
				d->bootp_logged_at = c.now;
			}
		}
		break;
	default:
		d->c.ignored++;
		break;
	}
}

void
dhcpd_flush(struct dhcpd *d)
{
	unsigned i;
	int e;

	if (d->leases != NULL && lease_pending(d->leases) > 0) {
		d->c.commits++;
		if ((e = lease_commit(d->leases)) < 0) {
			/* Not on disk: no ACK may leave. */
			d->c.commit_errors++;
			log_err("cannot write the lease file: %s; %u ACKs "
			    "withheld", strerror(-e), d->npend);
			d->npend = 0;
			return;
		}
	}
	for (i = 0; i < d->npend; i++)
		send_now(d, &d->pend[i]);
	d->npend = 0;
	if (d->leases != NULL && (e = lease_compact_error(d->leases)) !=
	    d->compact_logged) {
		if (e < 0)
			log_warn("cannot compact the lease file %s: %s; leases "
			    "are safe and ACKs go on, the file is compacted at "
			    "the next start (the folder must be writable by "
			    "the --user)", d->cfg.lease_file, strerror(-e));
		d->compact_logged = e;
	}
}

void
dhcpd_on_packet(struct pxe_loop *loop, struct pxe_io *io, uint32_t events)
{
	struct dhcpd_iface *ifc = io->arg;
	struct dhcpd *d = ifc->d;
	struct pxe_pktinfo pi;
	unsigned n;
	ssize_t len;

	(void)loop;
	(void)events;
	/* A batch: everything waiting, up to DHCPD_BATCH requests. */
	for (n = 0; n < DHCPD_BATCH && d->npend < DHCPD_BATCH; n++) {
		len = pxe_net_recv(io->fd, d->pkt, sizeof(d->pkt), &pi);
		if (len < 0)
			break;
		if (pi.peer.ss_family != AF_INET)
			continue;
		if (pi.ifindex && pi.ifindex != ifc->ifindex)
			continue;	/* SO_BINDTODEVICE should prevent it */
		dhcpd_handle(ifc, io == &ifc->io4011, d->pkt, (size_t)len,
		    (struct sockaddr_in *)&pi.peer);
	}
	dhcpd_flush(d);
}
