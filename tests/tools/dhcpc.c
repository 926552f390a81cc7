/*
 * dhcpc: a DHCP client for tests that sends what a PXE ROM sends, byte for
 * byte as in the capture of issue 3 (options 53, 55 with 36 entries, 57,
 * 97, 93, 94, 60 "PXEClient:Arch:NNNNN:UNDI:002001"), or a plain request,
 * optionally as a relay agent (giaddr), and prints the reply decoded with
 * libpxe's own table, one field per line:
 *
 *   DHCPOFFER from 10.66.0.1
 *   yiaddr 10.66.0.100
 *   siaddr 10.66.0.1
 *   file "pxelinux.0"
 *   option 67 bootfile-name "pxelinux.0"
 *
 * With -F N it first sends N malformed variants of its request (seeded, so
 * every run sends the same bytes): truncated headers and options, an
 * option length running past the end, an overload (52) whose file and
 * sname areas point at each other, no end option, a wrong magic cookie,
 * random option bytes; then the real request, whose reply proves the
 * server survived.
 *
 * usage: dhcpc -i IFACE [-a ARCH] [-x] [-n] [-m MAC] [-t TYPE] [-r IP]
 *              [-S IP] [-g GIADDR -s SERVER] [-p PORT] [-w MS] [-F N]
 *              [-P CODE,CODE...]  (more codes in option 55)
 *              [-c CLIENTID] (option 61, hex bytes) [-H] (HTTPClient)
 *              [-B] (BOOTP: no magic cookie, no options)
 * TYPE: discover, request, inform, decline (of -r IP), release (of -r IP)
 * Exit: 0 a reply came, 1 none, 2 usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "libpxe/dhcp.h"

static void
usage(void)
{
	fprintf(stderr, "usage: dhcpc -i IFACE [-a ARCH] [-x (iPXE)] [-n (not "
	    "PXE)] [-m MAC] [-t discover|request|inform] [-r IP] [-S IP] "
	    "[-g GIADDR -s SERVER] [-p PORT] [-w MS] [-F N] [-P CODE,...] [-c HEX] [-H] [-B]\n");
	exit(2);
}

static int
parse_mac(const char *s, uint8_t *mac)
{
	unsigned v[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4],
	    &v[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

#define OPTS_AT	240	/* after the fixed header and the magic cookie */

/* Where the end option (255) is, or len when there is none. */
static size_t
find_end(const uint8_t *b, size_t len)
{
	size_t p = OPTS_AT;

	while (p < len && b[p] != 255)
		p += b[p] == 0 ? 1 : (size_t)2 + (p + 1 < len ? b[p + 1] : 0);
	return p < len ? p : len;
}

/* Send n malformed variants of pkt to to. */
static void
flood(int fd, const struct sockaddr_in *to, const uint8_t *pkt, size_t len,
    long n)
{
	uint8_t b[1500];
	size_t l, e, k;
	long i;

	srandom(1);
	e = find_end(pkt, len);
	for (i = 0; i < n; i++) {
		memcpy(b, pkt, len);
		l = len;
		switch (i % 8) {
		case 0:		/* truncated in the fixed header */
			l = (size_t)random() % OPTS_AT;
			break;
		case 1:		/* truncated in the options */
			l = OPTS_AT + (size_t)random() % (e - OPTS_AT);
			break;
		case 2:		/* first option's length runs past the end */
			b[OPTS_AT + 1] = 255;
			l = OPTS_AT + 2 + (size_t)random() % 40;
			break;
		case 3:		/* overload both areas, each naming the other */
			b[e] = 52;
			b[e + 1] = 1;
			b[e + 2] = 3;
			b[e + 3] = 255;
			for (k = 0; k + 3 <= 128; k += 3) {
				b[108 + k] = 52;	/* file */
				b[108 + k + 1] = 1;
				b[108 + k + 2] = 3;
			}
			for (k = 0; k + 3 <= 64; k += 3) {
				b[44 + k] = 52;		/* sname */
				b[44 + k + 1] = 1;
				b[44 + k + 2] = (uint8_t)(1 + random() % 3);
			}
			l = e + 4;
			break;
		case 4:		/* no end option */
			l = e;
			break;
		case 5:		/* wrong magic cookie */
			b[236] ^= (uint8_t)(1 + random() % 255);
			break;
		case 6:		/* random option bytes */
			for (k = OPTS_AT; k < e; k++)
				b[k] = (uint8_t)random();
			break;
		case 7:		/* a bad hardware length and a tiny packet */
			b[2] = (uint8_t)(17 + random() % 239);
			l = OPTS_AT + 3;
			b[OPTS_AT] = 53;
			b[OPTS_AT + 1] = 1;
			b[OPTS_AT + 2] = 1;
			break;
		}
		if (sendto(fd, b, l, 0, (const struct sockaddr *)to,
		    sizeof(*to)) < 0 && errno != ENOBUFS && errno != EAGAIN)
			perror("dhcpc: sendto (flood)");
		if (i % 64 == 63)
			usleep(1000);	/* bounded rate: ~64 per ms at most */
	}
}

int
main(int argc, char **argv)
{
	static const uint8_t prl[36] = { 1, 2, 3, 4, 5, 6, 11, 12, 13, 15, 16,
		17, 18, 22, 23, 28, 40, 41, 42, 43, 50, 51, 54, 58, 59, 60, 66,
		67, 128, 129, 130, 131, 132, 133, 134, 135 };
	static const uint8_t guid[17] = { 0, 214, 110, 241, 0, 166, 215, 17,
		223, 159, 26, 249, 56, 166, 111, 192, 84 };
	static struct dhcp_reply q;
	static struct dhcp_msg m;
	uint8_t mac[6] = { 0x20, 0x6a, 0x8a, 0x0f, 0x74, 0x75 }, pkt[1500];
	const char *iface = NULL, *type = "discover";
	uint32_t reqip = 0, sid = 0, giaddr = 0, server = 0;
	struct sockaddr_in to, me, from;
	socklen_t flen;
	int arch = 0, ch, fd, on = 1, port = 0, wait_ms = 3000, i;
	long nflood = 0;
	uint8_t prlx[64 + sizeof(prl)];
	size_t nprl = sizeof(prl);
	char *tok, *save;
	bool pxe = true, ipxe = false, http = false, bootp = false;
	uint8_t cid[64];
	size_t ncid = 0;
	unsigned hb;
	const char *hp;
	char vc[64], text[1024], nb[16];
	struct pollfd pfd;
	ssize_t n;
	size_t len;
	const uint8_t *v;

	while ((ch = getopt(argc, argv, "i:a:xnm:t:r:S:g:s:p:w:F:P:c:HB")) != -1) {
		switch (ch) {
		case 'i': iface = optarg; break;
		case 'a': arch = atoi(optarg); break;
		case 'x': ipxe = true; break;
		case 'n': pxe = false; break;
		case 'm': if (parse_mac(optarg, mac) < 0) usage(); break;
		case 't': type = optarg; break;
		case 'r': inet_pton(AF_INET, optarg, &reqip); break;
		case 'S': inet_pton(AF_INET, optarg, &sid); break;
		case 'g': inet_pton(AF_INET, optarg, &giaddr); break;
		case 's': inet_pton(AF_INET, optarg, &server); break;
		case 'p': port = atoi(optarg); break;
		case 'w': wait_ms = atoi(optarg); break;
		case 'F': nflood = atol(optarg); break;
		case 'H': http = true; break;
		case 'B': bootp = true; break;
		case 'c':
			for (hp = optarg; *hp && ncid < sizeof(cid); ) {
				if (*hp == ':') {
					hp++;
					continue;
				}
				if (sscanf(hp, "%2x", &hb) != 1)
					usage();
				cid[ncid++] = (uint8_t)hb;
				hp += hp[1] && hp[1] != ':' ? 2 : 1;
			}
			break;
		case 'P':
			if (nprl == sizeof(prl))
				memcpy(prlx, prl, sizeof(prl));
			for (tok = strtok_r(optarg, ",", &save); tok != NULL &&
			    nprl < sizeof(prlx); tok = strtok_r(NULL, ",", &save))
				prlx[nprl++] = (uint8_t)atoi(tok);
			break;
		default: usage();
		}
	}
	if (iface == NULL)
		usage();
	dhcp_reply_init(&q, NULL);
	q.op = BOOTREQUEST;
	q.xid = 0x8b0f7475;
	q.secs = 4;
	q.flags = DHCP_FLAG_BROADCAST;
	q.giaddr = giaddr;
	memcpy(q.chaddr, mac, 6);
	dhcp_reply_add_u8(&q, DHCP_OPT_MSGTYPE, strcmp(type, "request") == 0 ?
	    DHCPREQUEST : strcmp(type, "inform") == 0 ? DHCPINFORM :
	    strcmp(type, "decline") == 0 ? DHCPDECLINE :
	    strcmp(type, "release") == 0 ? DHCPRELEASE : DHCPDISCOVER);
	if (strcmp(type, "release") == 0 || strcmp(type, "inform") == 0) {
		q.ciaddr = reqip;	/* RFC 2131: ciaddr, never option 50 */
		reqip = 0;
	}
	if (ncid)
		dhcp_reply_add(&q, DHCP_OPT_CLIENTID, cid, ncid);
	if (sid)
		dhcp_reply_add_ip(&q, DHCP_OPT_SERVERID, sid);
	if (reqip)
		dhcp_reply_add_ip(&q, DHCP_OPT_REQADDR, reqip);
	dhcp_reply_add(&q, DHCP_OPT_PRL, nprl > sizeof(prl) ? prlx : prl,
	    nprl);
	dhcp_reply_add(&q, DHCP_OPT_MAXSIZE, "\x04\xec", 2);
	if (pxe) {
		dhcp_reply_add(&q, DHCP_OPT_UUID, guid, sizeof(guid));
		dhcp_reply_add(&q, DHCP_OPT_ARCH, (uint8_t[]){
		    (uint8_t)(arch >> 8), (uint8_t)arch }, 2);
		dhcp_reply_add(&q, DHCP_OPT_NDI, "\x01\x02\x01", 3);
		snprintf(vc, sizeof(vc), "%s:Arch:%05d:UNDI:%s",
		    http ? "HTTPClient" : "PXEClient", arch,
		    http ? "003001" : "002001");
		dhcp_reply_add_str(&q, DHCP_OPT_VCLASS, vc);
	}
	if (ipxe)
		dhcp_reply_add_str(&q, DHCP_OPT_USERCLASS, "iPXE");
	if ((n = dhcp_reply_build(&q, pkt, sizeof(pkt), 548)) < 0)
		return 2;
	if (bootp) {
		/* RFC 951: a 64-byte vendor area with no cookie. */
		memset(pkt + 236, 0, 64);
		n = 300;
	}

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, iface,
	    (socklen_t)strlen(iface) + 1) < 0) {
		perror("dhcpc: SO_BINDTODEVICE");
		return 1;
	}
	memset(&me, 0, sizeof(me));
	me.sin_family = AF_INET;
	/* A relay listens on 67 at giaddr; a client on 68 (or -p). */
	me.sin_port = htons(port ? port : giaddr ? 67 : 68);
	if (bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0) {
		perror("dhcpc: bind");
		return 1;
	}
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons(port == 4011 ? 4011 : 67);
	to.sin_addr.s_addr = server ? server : INADDR_BROADCAST;
	if (nflood > 0) {
		flood(fd, &to, pkt, (size_t)n, nflood);
		usleep(200000);
	}
	if (sendto(fd, pkt, (size_t)n, 0, (struct sockaddr *)&to,
	    sizeof(to)) < 0) {
		perror("dhcpc: sendto");
		return 1;
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (;;) {
		if (poll(&pfd, 1, wait_ms) <= 0) {
			printf("no reply\n");
			return 1;
		}
		flen = sizeof(from);
		n = recvfrom(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&from,
		    &flen);
		if (n > 0 && dhcp_parse(pkt, (size_t)n, &m) == 0 &&
		    m.op == BOOTREPLY && m.xid == q.xid)
			break;
	}
	printf("%s from %s\n", dhcp_msgtype_str(dhcp_msg_type(&m)),
	    inet_ntoa(from.sin_addr));
	printf("yiaddr %s\n", inet_ntoa(*(struct in_addr *)&m.yiaddr));
	printf("siaddr %s\n", inet_ntoa(*(struct in_addr *)&m.siaddr));
	printf("giaddr %s\n", inet_ntoa(*(struct in_addr *)&m.giaddr));
	printf("flags 0x%04x\n", m.flags);
	if (m.file)
		printf("file \"%.*s\"\n", (int)strnlen((const char *)m.file,
		    DHCP_FILE_LEN), (const char *)m.file);
	for (i = 0; i < (int)m.norder; i++) {
		v = dhcp_opt_get(&m, m.order[i], &len);
		dhcp_opt_to_text(m.order[i], v, len, text, sizeof(text));
		printf("option %u %s %s\n", m.order[i], dhcp_opt_name(
		    m.order[i], nb, sizeof(nb)), text);
	}
	printf("length %zd\n", n);
	return 0;
}
