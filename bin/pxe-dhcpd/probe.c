/*
 * probe.c: pxe-dhcpd --probe: is another DHCP server on this link?
 *
 * It does what a booting machine does: one DHCPDISCOVER from 0.0.0.0:68
 * to the broadcast address with the broadcast flag set, this interface's
 * MAC and a random xid, sent again once, and it waits a few seconds for
 * an offer.  It answers nothing: it is a client, and a short-lived one.
 * Both directions go through a packet socket on the interface, so it
 * works on an interface with no address and beside a DHCP client that
 * holds port 68.  Every server that offers is printed on stdout as
 * "SERVER offered ADDRESS"; the exit status says whether any did.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "libpxe/buf.h"
#include "libpxe/dhcp.h"
#include "libpxe/frame.h"
#include "dhcpd.h"

#define PROBE_WAIT_MS	4000	/* dnsmasq pings an address ~3 s first */
#define PROBE_RESEND_MS	2000
#define PROBE_MAX_SEEN	8

static uint16_t
ip_checksum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)(p[n - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The DISCOVER as an IPv4 + UDP datagram into out.  Length, or -1. */
static ssize_t
build_discover(const uint8_t mac[6], uint32_t xid, uint8_t *out, size_t cap)
{
	static const uint8_t prl[] = { DHCP_OPT_SUBNET, DHCP_OPT_ROUTER,
	    DHCP_OPT_DNS, 54 };
	struct dhcp_reply r;
	struct pxe_buf b;
	ssize_t n;

	dhcp_reply_init(&r, NULL);
	r.op = BOOTREQUEST;
	r.xid = xid;
	r.flags = DHCP_FLAG_BROADCAST;
	memcpy(r.chaddr, mac, 6);
	if (dhcp_reply_add_u8(&r, DHCP_OPT_MSGTYPE, DHCPDISCOVER) < 0 ||
	    dhcp_reply_add(&r, 55, prl, sizeof(prl)) < 0)
		return -1;
	if (cap < 28 || (n = dhcp_reply_build(&r, out + 28, cap - 28,
	    DHCP_DEFAULT_MAX)) < 0)
		return -1;
	pxe_buf_init(&b, out, 28);
	pxe_buf_put_u8(&b, 0x45);		/* IPv4, 20-byte header */
	pxe_buf_put_u8(&b, 0x10);		/* low delay, as clients send */
	pxe_buf_put_be16(&b, (uint16_t)(n + 28));
	pxe_buf_put_be16(&b, 0);		/* id */
	pxe_buf_put_be16(&b, 0);		/* no fragments */
	pxe_buf_put_u8(&b, 64);			/* TTL */
	pxe_buf_put_u8(&b, IPPROTO_UDP);
	pxe_buf_put_be16(&b, 0);		/* checksum, below */
	pxe_buf_put_be32(&b, 0);		/* 0.0.0.0 */
	pxe_buf_put_be32(&b, 0xffffffffu);	/* 255.255.255.255 */
	pxe_buf_put_be16(&b, DHCP_CLIENT_PORT);
	pxe_buf_put_be16(&b, DHCP_SERVER_PORT);
	pxe_buf_put_be16(&b, (uint16_t)(n + 8));
	pxe_buf_put_be16(&b, 0);		/* no UDP checksum: allowed */
	if (b.err)
		return -1;
	{
		uint16_t c = ip_checksum(out, 20);

		out[10] = (uint8_t)(c >> 8);
		out[11] = (uint8_t)c;
	}
	return n + 28;
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 +
	    (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* One received datagram: an offer for our xid?  Print it once. */
static int
take_offer(const uint8_t *p, size_t n, uint32_t xid, uint32_t *seen,
    unsigned *nseen)
{
	struct frame f;
	struct dhcp_msg m;
	char s[INET_ADDRSTRLEN], y[INET_ADDRSTRLEN];
	uint32_t server;
	unsigned i;

	if (frame_decode(FRAME_LINK_RAW, p, n, &f) < 0 || f.kind != FRAME_UDP ||
	    f.dst_port != DHCP_CLIENT_PORT)
		return 0;
	if (dhcp_parse(f.payload, f.payload_len, &m) < 0 ||
	    m.op != BOOTREPLY || m.xid != xid ||
	    dhcp_msg_type(&m) != DHCPOFFER)
		return 0;
	if (dhcp_opt_ip(&m, 54, &server) < 0)
		server = f.src_ip;
	for (i = 0; i < *nseen; i++)
		if (seen[i] == server)
			return 0;
	if (*nseen < PROBE_MAX_SEEN)
		seen[(*nseen)++] = server;
	inet_ntop(AF_INET, &server, s, sizeof(s));
	inet_ntop(AF_INET, &m.yiaddr, y, sizeof(y));
	if (m.yiaddr != 0)
		printf("%s offered %s\n", s, y);
	else
		printf("%s answered (proxyDHCP: no address)\n", s);
	fflush(stdout);
	return 1;
}

int
dhcpd_probe(const char *ifname)
{
	struct sockaddr_ll to = { 0 };
	struct ifreq ifr = { 0 };
	struct timespec t0;
	uint8_t pkt[DHCP_MAX_PKT], in[2048];
	uint32_t xid, seen[PROBE_MAX_SEEN];
	unsigned nseen = 0, sent = 0;
	ssize_t n, len;
	int fd, ifindex;

	if ((ifindex = (int)if_nametoindex(ifname)) == 0) {
		fprintf(stderr, "pxe-dhcpd: --probe: no such interface '%s' "
		    "(ip -br link lists them)\n", ifname);
		return 1;
	}
	if ((fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC,
	    htons(ETH_P_IP))) < 0) {
		fprintf(stderr, "pxe-dhcpd: --probe: cannot open a packet "
		    "socket: %s (run as root, or give CAP_NET_RAW)\n",
		    strerror(errno));
		return 1;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		fprintf(stderr, "pxe-dhcpd: --probe: %s: no hardware address: "
		    "%s\n", ifname, strerror(errno));
		close(fd);
		return 1;
	}
	to.sll_family = AF_PACKET;
	to.sll_protocol = htons(ETH_P_IP);
	to.sll_ifindex = ifindex;
	if (bind(fd, (struct sockaddr *)&to, sizeof(to)) < 0) {
		fprintf(stderr, "pxe-dhcpd: --probe: %s: %s\n", ifname,
		    strerror(errno));
		close(fd);
		return 1;
	}
	to.sll_halen = 6;
	memset(to.sll_addr, 0xff, 6);
	if (getrandom(&xid, sizeof(xid), 0) != sizeof(xid))
		xid = (uint32_t)getpid() ^ (uint32_t)time(NULL);
	if ((len = build_discover((uint8_t *)ifr.ifr_hwaddr.sa_data, xid, pkt,
	    sizeof(pkt))) < 0) {
		close(fd);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		long el = ms_since(&t0);
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long next;

		if (el >= PROBE_WAIT_MS || (nseen > 0 && el >= 500))
			break;
		if (sent < 2 && el >= (long)sent * PROBE_RESEND_MS) {
			if (sendto(fd, pkt, (size_t)len, 0,
			    (struct sockaddr *)&to, sizeof(to)) < 0) {
				fprintf(stderr, "pxe-dhcpd: --probe: cannot send "
				    "on %s: %s\n", ifname, strerror(errno));
				close(fd);
				return 1;
			}
			sent++;
		}
		next = sent < 2 ? (long)sent * PROBE_RESEND_MS : PROBE_WAIT_MS;
		if (poll(&pfd, 1, (int)(next - el > 0 ? next - el : 1)) <= 0)
			continue;
		if ((n = recv(fd, in, sizeof(in), MSG_DONTWAIT)) > 0)
			take_offer(in, (size_t)n, xid, seen, &nseen);
	}
	close(fd);
	return nseen > 0 ? 1 : 0;
}
