/*
 * Unit tests for pxe-dhcpd's protocol (bin/pxe-dhcpd/server.c) with its
 * lease store, driven through dhcpd_handle() with a clock and a reply
 * catcher in place of the socket: what one client's messages may do to
 * another client's address.  The property: whatever the messages, in
 * whatever order, from whichever clients, over whatever time, no address is
 * ever ACKed to a client while another client's ACKed lease on it still runs
 * (and that client has neither released, declined nor been NAKed).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "../tap.h"
#include "libpxe/log.h"
#include "../../bin/pxe-dhcpd/dhcpd.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))
#define SERVER		IP(10, 9, 0, 1)
#define POOL_START	IP(10, 9, 0, 100)
#define POOL_SIZE	4
#define LEASE_TIME	900
#define NCLIENTS	6
#define MAXREPLIES	8

static char dir[PATH_MAX], path[PATH_MAX + 16], logpath[PATH_MAX + 16];
static struct dhcpd d;
static struct dhcpd_iface *ifc;
static int64_t now;

/* What the server sent since the last message. */
static struct {
	int type;
	uint8_t mac[6];
	uint32_t yiaddr;	/* host order */
} got[MAXREPLIES];
static unsigned ngot;

static void
catch_reply(void *arg, const struct dhcpd_pending *p)
{
	static struct dhcp_msg m;

	(void)arg;
	if (ngot == MAXREPLIES || dhcp_parse(p->pkt, p->len, &m) < 0)
		return;
	got[ngot].type = dhcp_msg_type(&m);
	memcpy(got[ngot].mac, m.chaddr, 6);
	got[ngot].yiaddr = ntohl(m.yiaddr);
	ngot++;
}

static int64_t
clock_now(void *arg)
{
	(void)arg;
	return now;
}

static void
store_open(void)
{
	if (lease_store_open(&d.leases, path, NULL) < 0)
		exit(99);
}

/* A fresh server with an empty lease file. */
static void
server_new(void)
{
	if (d.leases)
		lease_store_close(d.leases);
	if (d.loop == NULL && (d.loop = pxe_loop_new()) == NULL)
		exit(99);
	d.leases = NULL;
	memset(&d.cfg, 0, sizeof(d.cfg));
	d.cfg.ranges[0].start = POOL_START;
	d.cfg.ranges[0].end = POOL_START + POOL_SIZE - 1;
	d.cfg.nranges = 1;
	d.cfg.lease_time = LEASE_TIME;
	memset(d.full_logged, 0, sizeof(d.full_logged));
	d.npend = 0;
	d.nifs = 1;
	ifc = &d.ifs[0];
	ifc->d = &d;
	snprintf(ifc->name, sizeof(ifc->name), "t0");
	ifc->ifindex = 1;
	ifc->addr = htonl(SERVER);
	ifc->mask = htonl(0xffffff00u);
	ifc->io67.fd = ifc->io4011.fd = -1;
	d.emit = catch_reply;
	d.clock = clock_now;
	unlink(path);
	store_open();
	now = 1800000000;
}

struct req {
	int type;
	unsigned client;
	uint32_t reqaddr;	/* option 50, host order; 0: none */
	uint32_t ciaddr;	/* host order */
	uint32_t sid;		/* option 54, host order; 0: none */
};

/* Send one message from client r->client and collect the replies. */
static void
ask(const struct req *r)
{
	static struct dhcp_reply q;
	static uint8_t pkt[DHCP_MAX_PKT];
	struct sockaddr_in src = { .sin_family = AF_INET,
	    .sin_port = htons(DHCP_CLIENT_PORT) };
	ssize_t n;

	dhcp_reply_init(&q, NULL);
	q.op = BOOTREQUEST;
	q.htype = 1;
	q.hlen = 6;
	q.xid = 0x1000u + r->client;
	q.chaddr[0] = 0x02;
	q.chaddr[5] = (uint8_t)(r->client + 1);
	q.ciaddr = htonl(r->ciaddr);
	src.sin_addr.s_addr = q.ciaddr;
	dhcp_reply_add_u8(&q, DHCP_OPT_MSGTYPE, (uint8_t)r->type);
	if (r->reqaddr)
		dhcp_reply_add_ip(&q, DHCP_OPT_REQADDR, htonl(r->reqaddr));
	if (r->sid)
		dhcp_reply_add_ip(&q, DHCP_OPT_SERVERID, htonl(r->sid));
	if ((n = dhcp_reply_build(&q, pkt, sizeof(pkt), 0)) < 0)
		exit(99);
	ngot = 0;
	dhcpd_handle(ifc, false, pkt, (size_t)n, &src);
	dhcpd_flush(&d);
}

/* The reply of the given type to the last message, or NULL. */
static const uint32_t *
answer(int type)
{
	unsigned i;

	for (i = 0; i < ngot; i++)
		if (got[i].type == type)
			return &got[i].yiaddr;
	return NULL;
}

/* DISCOVER + REQUEST: the address bound, or 0. */
static uint32_t
bind_client(unsigned client)
{
	const uint32_t *a;
	uint32_t addr;

	ask(&(struct req){ DHCPDISCOVER, client, 0, 0, 0 });
	if ((a = answer(DHCPOFFER)) == NULL)
		return 0;
	addr = *a;
	ask(&(struct req){ DHCPREQUEST, client, addr, 0, SERVER });
	return answer(DHCPACK) && *answer(DHCPACK) == addr ? addr : 0;
}

/* RENEWING: unicast with ciaddr, no option 50 or 54.  ACKed? */
static bool
renew(unsigned client, uint32_t addr)
{
	ask(&(struct req){ DHCPREQUEST, client, 0, addr, 0 });
	return answer(DHCPACK) != NULL;
}

/* Issue 16, #6: a DECLINE frees only the decliner's own address. */
static void
test_decline(void)
{
	uint32_t a, b;

	server_new();
	a = bind_client(0);
	tap_ok(a != 0, "client 0 bound");
	/* Client 1 declines client 0's address, with our server id. */
	ask(&(struct req){ DHCPDECLINE, 1, a, 0, SERVER });
	now += 30;
	tap_ok(renew(0, a), "a DECLINE of another client's address leaves "
	    "the owner's lease: its renewal is ACKed");
	ask(&(struct req){ DHCPREQUEST, 1, a, 0, 0 });
	tap_ok(answer(DHCPNAK) != NULL, "  and the decliner asking for it "
	    "is NAKed");
	/* A DECLINE without our server id (RFC 2131 4.3.3 says it must
	 * carry it), even of the client's own address, is ignored. */
	ask(&(struct req){ DHCPDECLINE, 0, a, 0, 0 });
	tap_ok(renew(0, a), "a DECLINE without server id is ignored");
	/* The client's own DECLINE with our id sets the address aside. */
	b = bind_client(2);
	ask(&(struct req){ DHCPDECLINE, 2, b, 0, SERVER });
	ask(&(struct req){ DHCPDISCOVER, 2, 0, 0, 0 });
	tap_ok(answer(DHCPOFFER) && *answer(DHCPOFFER) != b,
	    "the decliner's own DECLINE sets its address aside");
}

/* Issue 16, #7: a DISCOVER from a bound client keeps its lease bound. */
static void
test_discover_bound(void)
{
	uint32_t a;
	const uint32_t *o;

	server_new();
	a = bind_client(0);
	tap_ok(a != 0, "client 0 bound");
	ask(&(struct req){ DHCPDISCOVER, 0, 0, 0, 0 });
	o = answer(DHCPOFFER);
	tap_ok(o && *o == a, "a bound client's DISCOVER is offered its "
	    "address");
	now += DHCPD_OFFER_HOLD + 2;
	ask(&(struct req){ DHCPREQUEST, 1, a, 0, 0 });
	tap_ok(answer(DHCPNAK) != NULL && answer(DHCPACK) == NULL,
	    "  a minute later another client asking for it is NAKed "
	    "(dnsmasq does so too)");
	tap_ok(renew(0, a), "  and the owner's renewal is ACKed");
}

/* The pool-full warning comes back each time the pool fills again. */
static void
test_full_log(void)
{
	char line[512];
	unsigned i, n = 0;
	uint32_t a[POOL_SIZE];
	FILE *f;

	server_new();
	for (i = 0; i < POOL_SIZE; i++)
		a[i] = bind_client(i);
	ask(&(struct req){ DHCPDISCOVER, 4, 0, 0, 0 });
	tap_ok(ngot == 0, "full pool: no offer");
	ask(&(struct req){ DHCPRELEASE, 0, 0, a[0], SERVER });
	tap_ok(bind_client(4) == a[0], "a release makes room");
	ask(&(struct req){ DHCPDISCOVER, 5, 0, 0, 0 });
	tap_ok(ngot == 0, "full again: no offer");
	if ((f = fopen(logpath, "r")) == NULL)
		exit(99);
	while (fgets(line, sizeof(line), f))
		n += strstr(line, "is full") != NULL;
	fclose(f);
	tap_is(n, 2, "\"pool is full\" logged each time it fills");
}

/* ---- the property ---- */

static uint64_t rng;

static unsigned
rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

struct held {
	uint32_t addr;		/* 0: none */
	int64_t until;
	uint32_t offered;
};

/* Any pool address, or once in a while one outside it. */
static uint32_t
some_addr(void)
{
	return rnd(8) == 0 ? IP(10, 9, 0, 50) : POOL_START + rnd(POOL_SIZE);
}

/*
 * One random message from one client, then the model's check of what came
 * back.  Returns false (with a diagnostic) on a broken property.
 */
static bool
step(struct held *h, uint64_t seed, unsigned k)
{
	unsigned c = rnd(NCLIENTS), j, i;
	struct req r = { 0, c, 0, 0, 0 };
	uint32_t own = h[c].addr ? h[c].addr : h[c].offered;

	switch (rnd(12)) {
	case 0:
	case 1:
		r.type = DHCPDISCOVER;
		r.reqaddr = rnd(2) ? some_addr() : 0;
		break;
	case 2:
	case 3:			/* SELECTING */
		r.type = DHCPREQUEST;
		r.reqaddr = h[c].offered && rnd(4) ? h[c].offered : some_addr();
		r.sid = SERVER;
		break;
	case 4:			/* INIT-REBOOT, often for someone else's */
		r.type = DHCPREQUEST;
		r.reqaddr = rnd(2) && own ? own : some_addr();
		break;
	case 5:			/* RENEWING */
		r.type = DHCPREQUEST;
		r.ciaddr = rnd(4) && h[c].addr ? h[c].addr : some_addr();
		break;
	case 6:
		r.type = DHCPRELEASE;
		r.ciaddr = rnd(2) && h[c].addr ? h[c].addr : some_addr();
		r.sid = SERVER;
		break;
	case 7:
		r.type = DHCPDECLINE;
		r.reqaddr = rnd(2) && own ? own : some_addr();
		r.sid = rnd(4) ? SERVER : 0;
		break;
	case 8:			/* SELECTING another server's offer */
		r.type = DHCPREQUEST;
		r.reqaddr = some_addr();
		r.sid = IP(10, 9, 0, 2);
		break;
	case 9:
		now += rnd(4) ? rnd(120) : rnd(2 * LEASE_TIME);
		return true;
	case 10:		/* a restart: what is on disk survives */
		if (rnd(4) == 0) {
			lease_store_close(d.leases);
			store_open();
		}
		return true;
	default:
		r.type = DHCPDISCOVER;
		break;
	}
	ask(&r);
	/* What the client does with its own message. */
	if (r.type == DHCPRELEASE && r.ciaddr == h[c].addr)
		h[c].addr = 0;
	if (r.type == DHCPDECLINE && r.reqaddr == h[c].addr && r.sid)
		h[c].addr = 0;
	for (i = 0; i < ngot; i++) {
		if (memcmp(got[i].mac + 1, "\0\0\0", 3) != 0 ||
		    got[i].mac[5] != c + 1)
			continue;
		if (got[i].type == DHCPOFFER)
			h[c].offered = got[i].yiaddr;
		if (got[i].type == DHCPNAK)
			h[c].addr = 0;
		if (got[i].type != DHCPACK)
			continue;
		for (j = 0; j < NCLIENTS; j++) {
			if (j == c || h[j].addr != got[i].yiaddr ||
			    h[j].until <= now)
				continue;
			printf("# seed %llu step %u: %u.%u.%u.%u ACKed to "
			    "client %u while client %u holds it for %lld s "
			    "more\n", (unsigned long long)seed, k,
			    got[i].yiaddr >> 24, got[i].yiaddr >> 16 & 255,
			    got[i].yiaddr >> 8 & 255, got[i].yiaddr & 255, c, j,
			    (long long)(h[j].until - now));
			return false;
		}
		h[c].addr = got[i].yiaddr;
		h[c].until = now + LEASE_TIME;
	}
	return true;
}

static void
test_property(void)
{
	struct held h[NCLIENTS];
	struct timespec t0, t1;
	unsigned runs = 0, msgs = 0, k;
	uint64_t seed;
	bool ok = true;
	double s = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* Bounded in count and in time (10 s on a slow disk). */
	for (seed = 1; seed <= 300 && ok && s < 10; seed++) {
		server_new();
		rng = seed * 0x9e3779b97f4a7c15ull;
		memset(h, 0, sizeof(h));
		for (k = 0; k < 200 && ok; k++, msgs++)
			ok = step(h, seed, k);
		runs++;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		s = (double)(t1.tv_sec - t0.tv_sec) +
		    (t1.tv_nsec - t0.tv_nsec) / 1e9;
	}
	printf("# %u random runs, %u messages from %d clients over %d "
	    "addresses, %.2f s\n", runs, msgs, NCLIENTS, POOL_SIZE, s);
	tap_ok(ok, "no address ACKed to one client while another's lease on "
	    "it runs");
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");

	/* The store fdatasyncs each batch: a RAM disk when there is one. */
	if (access("/dev/shm", W_OK) == 0)
		tmp = "/dev/shm";
	snprintf(dir, sizeof(dir), "%s/test_dhcpd.XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		return 99;
	snprintf(path, sizeof(path), "%s/leases", dir);
	snprintf(logpath, sizeof(logpath), "%s/log", dir);
	pxe_log_init("pxe-dhcpd");
	if (pxe_log_open(logpath) < 0)
		return 99;
	test_decline();
	test_discover_bound();
	test_full_log();
	test_property();
	lease_store_close(d.leases);
	pxe_loop_free(d.loop);
	pxe_log_close();
	unlink(path);
	unlink(logpath);
	rmdir(dir);
	return tap_done();
}
