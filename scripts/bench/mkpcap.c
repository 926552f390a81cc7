/*
 * mkpcap: write a large synthetic capture of PXE boots for the pxe-sniff
 * benchmark: for each client a PXE ROM's DHCP exchange (DISCOVER, OFFER,
 * REQUEST, ACK, built with libpxe's DHCP code) then a TFTP transfer
 * (RRQ with tsize and blksize, OACK, ACK 0, then DATA/ACK pairs), until
 * the capture holds the packets asked for.  DATA frames are stored cut
 * to 96 bytes (their length on the wire is kept), as `tcpdump -s 96`
 * would, so a million packets stay near 100 MB.
 *
 * usage: mkpcap PACKETS BLOCKS_PER_TRANSFER > out.pcap
 * Build: cc -O2 -Ilib mkpcap.c build/lib/libpxe/libpxe.a
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpxe/dhcp.h"

#define SNAP_DATA	96

static uint64_t written, usec;

static void
put_le32(FILE *f, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
		(uint8_t)(v >> 24) };

	fwrite(b, 1, 4, f);
}

/* One Ethernet/IPv4/UDP frame; stored cut to snap bytes when snap > 0. */
static void
frame(FILE *f, const uint8_t smac[6], const uint8_t dmac[6], uint32_t sip,
    uint32_t dip, uint16_t sport, uint16_t dport, const uint8_t *pl,
    size_t plen, size_t snap)
{
	static uint8_t b[65536];
	size_t n = 14 + 20 + 8 + plen, cap = snap && snap < n ? snap : n;
	uint16_t iplen = (uint16_t)(20 + 8 + plen);

	memcpy(b, dmac, 6);
	memcpy(b + 6, smac, 6);
	b[12] = 0x08;
	b[13] = 0x00;
	memset(b + 14, 0, 20);
	b[14] = 0x45;
	b[16] = (uint8_t)(iplen >> 8);
	b[17] = (uint8_t)iplen;
	b[22] = 64;
	b[23] = 17;
	memcpy(b + 26, &sip, 4);
	memcpy(b + 30, &dip, 4);
	b[34] = (uint8_t)(sport >> 8);
	b[35] = (uint8_t)sport;
	b[36] = (uint8_t)(dport >> 8);
	b[37] = (uint8_t)dport;
	b[38] = (uint8_t)((8 + plen) >> 8);
	b[39] = (uint8_t)(8 + plen);
	b[40] = b[41] = 0;
	memcpy(b + 42, pl, plen);
	usec += 50;
	put_le32(f, (uint32_t)(usec / 1000000));
	put_le32(f, (uint32_t)(usec % 1000000));
	put_le32(f, (uint32_t)cap);
	put_le32(f, (uint32_t)n);
	fwrite(b, 1, cap, f);
	written++;
}

static size_t
dhcp(uint8_t *out, int type, const uint8_t mac[6], uint32_t xid, bool reply,
    uint32_t yiaddr, uint32_t server)
{
	static const uint8_t prl[] = { 1, 3, 6, 43, 60, 66, 67, 93, 97 };
	static struct dhcp_reply q;
	ssize_t n;

	dhcp_reply_init(&q, NULL);
	q.op = reply ? BOOTREPLY : BOOTREQUEST;
	q.xid = xid;
	q.flags = DHCP_FLAG_BROADCAST;
	memcpy(q.chaddr, mac, 6);
	dhcp_reply_add_u8(&q, DHCP_OPT_MSGTYPE, (uint8_t)type);
	if (reply) {
		q.yiaddr = yiaddr;
		q.siaddr = server;
		snprintf(q.file, sizeof(q.file), "pxelinux.0");
		dhcp_reply_add_ip(&q, DHCP_OPT_SERVERID, server);
		dhcp_reply_add_u32(&q, DHCP_OPT_LEASE, 3600);
		dhcp_reply_add_str(&q, DHCP_OPT_BOOTFILE, "pxelinux.0");
		dhcp_reply_add_str(&q, DHCP_OPT_VCLASS, "PXEClient");
	} else {
		dhcp_reply_add(&q, DHCP_OPT_PRL, prl, sizeof(prl));
		dhcp_reply_add(&q, DHCP_OPT_ARCH, "\0\0", 2);
		dhcp_reply_add(&q, DHCP_OPT_NDI, "\1\2\1", 3);
		dhcp_reply_add_str(&q, DHCP_OPT_VCLASS,
		    "PXEClient:Arch:00000:UNDI:002001");
		if (type == DHCPREQUEST) {
			dhcp_reply_add_ip(&q, DHCP_OPT_SERVERID, server);
			dhcp_reply_add_ip(&q, DHCP_OPT_REQADDR, yiaddr);
		}
	}
	n = dhcp_reply_build(&q, out, 1500, 576);
	return n > 0 ? (size_t)n : 0;
}

int
main(int argc, char **argv)
{
	static const uint8_t smac[6] = { 2, 0, 0x5e, 0, 0, 1 };
	static const uint8_t bcast[6] = { 255, 255, 255, 255, 255, 255 };
	static uint8_t pl[1500];
	/* sizeof counts the NUL that ends the last string */
	static const char rrq[] = "\0\1vmlinuz\0octet\0tsize\0" "0\0"
	    "blksize\0" "1408";
	static const char oack[] = "\0\6tsize\0" "2816000\0" "blksize\0"
	    "1408";
	uint64_t want, blocks, k, client = 0;
	uint32_t server = htonl(0x0a000001), ip, any = 0, all = 0xffffffff;
	uint8_t cmac[6];
	uint16_t cport, sport;
	size_t n;
	FILE *f = stdout;

	if (argc != 3 || (want = strtoull(argv[1], NULL, 10)) == 0 ||
	    (blocks = strtoull(argv[2], NULL, 10)) == 0) {
		fprintf(stderr, "usage: mkpcap PACKETS BLOCKS_PER_TRANSFER\n");
		return 2;
	}
	put_le32(f, 0xa1b2c3d4);
	fwrite("\2\0\4\0", 1, 4, f);
	put_le32(f, 0);
	put_le32(f, 0);
	put_le32(f, 65535);
	put_le32(f, 1);
	while (written < want) {
		client++;
		memcpy(cmac, "\x02\x00\x5e\x10", 4);
		cmac[4] = (uint8_t)(client >> 8);
		cmac[5] = (uint8_t)client;
		ip = htonl(0x0a000000 | (uint32_t)(100 + client % 60000));
		n = dhcp(pl, DHCPDISCOVER, cmac, (uint32_t)client, false, 0, 0);
		frame(f, cmac, bcast, any, all, 68, 67, pl, n, 0);
		n = dhcp(pl, DHCPOFFER, cmac, (uint32_t)client, true, ip, server);
		frame(f, smac, bcast, server, all, 67, 68, pl, n, 0);
		n = dhcp(pl, DHCPREQUEST, cmac, (uint32_t)client, false, ip,
		    server);
		frame(f, cmac, bcast, any, all, 68, 67, pl, n, 0);
		n = dhcp(pl, DHCPACK, cmac, (uint32_t)client, true, ip, server);
		frame(f, smac, bcast, server, all, 67, 68, pl, n, 0);
		cport = (uint16_t)(2000 + client % 30000);
		sport = (uint16_t)(40000 + client % 20000);
		memcpy(pl, rrq, sizeof(rrq));
		frame(f, cmac, smac, ip, server, cport, 69, pl, sizeof(rrq), 0);
		memcpy(pl, oack, sizeof(oack));
		frame(f, smac, cmac, server, ip, sport, cport, pl, sizeof(oack),
		    0);
		memcpy(pl, "\0\4\0\0", 4);
		frame(f, cmac, smac, ip, server, cport, sport, pl, 4, 0);
		for (k = 1; k <= blocks && written < want; k++) {
			pl[0] = 0;
			pl[1] = 3;
			pl[2] = (uint8_t)(k >> 8);
			pl[3] = (uint8_t)k;
			memset(pl + 4, 0xa5, 1408);
			frame(f, smac, cmac, server, ip, sport, cport, pl,
			    k == blocks ? 4 + 100 : 4 + 1408, SNAP_DATA);
			pl[1] = 4;
			frame(f, cmac, smac, ip, server, cport, sport, pl, 4, 0);
		}
	}
	fprintf(stderr, "mkpcap: %llu packets, %llu clients\n",
	    (unsigned long long)written, (unsigned long long)client);
	return ferror(f) ? 1 : 0;
}
