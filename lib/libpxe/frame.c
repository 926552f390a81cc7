/*
 * frame: link layer -> IPv4 -> UDP/TCP/ICMP, and ARP.  See frame.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "frame.h"

#define ETH_IPV4	0x0800
#define ETH_ARP		0x0806
#define ETH_VLAN	0x8100
#define ETH_QINQ	0x88a8
#define IP_ICMP		1
#define IP_TCP		6
#define IP_UDP		17

static int
bad(struct frame *f, const char *why)
{
	f->why = why;
	return -EBADMSG;
}

static int
unsupported(struct frame *f, const char *why)
{
	f->why = why;
	return -EPROTONOSUPPORT;
}

const char *
frame_mac_str(const uint8_t mac[6], char *out)
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
	    mac[2], mac[3], mac[4], mac[5]);
	return out;
}

static int
arp(struct pxe_buf *b, struct frame *f)
{
	uint16_t htype, ptype;
	uint8_t hlen, plen;

	htype = pxe_buf_get_be16(b);
	ptype = pxe_buf_get_be16(b);
	hlen = pxe_buf_get_u8(b);
	plen = pxe_buf_get_u8(b);
	f->arp_op = pxe_buf_get_be16(b);
	if (!pxe_buf_ok(b))
		return bad(f, "truncated ARP header");
	if (htype != 1 || ptype != ETH_IPV4 || hlen != 6 || plen != 4)
		return unsupported(f, "ARP for something other than "
		    "Ethernet/IPv4");
	pxe_buf_get_bytes(b, f->arp_sender_mac, 6);
	pxe_buf_get_bytes(b, &f->arp_sender_ip, 4);
	pxe_buf_get_ptr(b, 6);
	pxe_buf_get_bytes(b, &f->arp_target_ip, 4);
	if (!pxe_buf_ok(b))
		return bad(f, "truncated ARP");
	f->kind = FRAME_ARP;
	return 0;
}

/* The IPv4 header at the cursor: fills addresses, returns the protocol
 * and leaves the cursor on the payload, bounded to the packet. */
static int
ipv4(struct pxe_buf *b, struct frame *f, uint32_t *src, uint32_t *dst,
    size_t *payload_len, bool *first_fragment)
{
	size_t ihl, total, avail = pxe_buf_left(b);
	uint16_t frag;
	uint8_t vihl, proto;

	vihl = pxe_buf_get_u8(b);
	pxe_buf_get_u8(b);			/* TOS */
	total = pxe_buf_get_be16(b);
	pxe_buf_get_be16(b);			/* id */
	frag = pxe_buf_get_be16(b);
	pxe_buf_get_u8(b);			/* TTL */
	proto = pxe_buf_get_u8(b);
	pxe_buf_get_be16(b);			/* checksum */
	pxe_buf_get_bytes(b, src, 4);
	pxe_buf_get_bytes(b, dst, 4);
	if (!pxe_buf_ok(b))
		return bad(f, "truncated IPv4 header");
	if ((vihl >> 4) != 4)
		return unsupported(f, "not IPv4");
	ihl = (size_t)(vihl & 15) * 4;
	if (ihl < 20 || total < ihl)
		return bad(f, "bad IPv4 header length");
	if (ihl > avail)
		return bad(f, "truncated IPv4 options");
	b->off += ihl - 20;			/* options */
	*first_fragment = (frag & 0x1fff) == 0;
	/* The payload ends where the IP length says (Ethernet pads). */
	*payload_len = total - ihl;
	return proto;
}

static int
transport(struct pxe_buf *b, struct frame *f, int proto, size_t ip_payload)
{
	size_t cap = pxe_buf_left(b), ulen, off;

	if (proto == IP_UDP) {
		f->src_port = pxe_buf_get_be16(b);
		f->dst_port = pxe_buf_get_be16(b);
		ulen = pxe_buf_get_be16(b);
		pxe_buf_get_be16(b);		/* checksum */
		if (!pxe_buf_ok(b))
			return bad(f, "truncated UDP header");
		if (ulen < 8 || ulen > ip_payload)
			return bad(f, "bad UDP length");
		f->payload_wire = ulen - 8;
		f->payload = pxe_buf_cur(b);
		f->payload_len = pxe_buf_left(b) < f->payload_wire ?
		    pxe_buf_left(b) : f->payload_wire;
		f->kind = FRAME_UDP;
		return 0;
	}
	if (proto == IP_TCP) {
		f->src_port = pxe_buf_get_be16(b);
		f->dst_port = pxe_buf_get_be16(b);
		pxe_buf_get_be32(b);		/* seq */
		pxe_buf_get_be32(b);		/* ack */
		off = (size_t)(pxe_buf_get_u8(b) >> 4) * 4;
		f->tcp_flags = pxe_buf_get_u8(b);
		if (!pxe_buf_ok(b))
			return bad(f, "truncated TCP header");
		if (off < 20 || off > ip_payload)
			return bad(f, "bad TCP header length");
		f->payload_wire = ip_payload - off;
		if (off > cap) {
			f->payload = NULL;
			f->payload_len = 0;
		} else {
			f->payload = b->data + b->off - 14 + off;
			f->payload_len = cap - off < f->payload_wire ?
			    cap - off : f->payload_wire;
		}
		f->kind = FRAME_TCP;
		return 0;
	}
	return unsupported(f, "an IP protocol other than UDP, TCP or ICMP");
}

static int
icmp(struct pxe_buf *b, struct frame *f)
{
	uint8_t type, code, vihl;
	size_t ihl;

	type = pxe_buf_get_u8(b);
	code = pxe_buf_get_u8(b);
	pxe_buf_get_be16(b);			/* checksum */
	pxe_buf_get_be32(b);			/* unused */
	if (!pxe_buf_ok(b))
		return bad(f, "truncated ICMP header");
	if (type != 3)
		return unsupported(f, "ICMP other than destination "
		    "unreachable");
	f->icmp_code = code;
	/* The quoted datagram: its IPv4 header and 8 bytes of UDP. */
	vihl = pxe_buf_get_u8(b);
	pxe_buf_get_ptr(b, 8);
	f->orig_proto = pxe_buf_get_u8(b);
	pxe_buf_get_be16(b);
	pxe_buf_get_bytes(b, &f->orig_src_ip, 4);
	pxe_buf_get_bytes(b, &f->orig_dst_ip, 4);
	if (!pxe_buf_ok(b) || (vihl >> 4) != 4 || (vihl & 15) < 5)
		return bad(f, "truncated or bad quoted IPv4 header");
	ihl = (size_t)(vihl & 15) * 4;
	pxe_buf_get_ptr(b, ihl - 20);
	f->orig_src_port = pxe_buf_get_be16(b);
	f->orig_dst_port = pxe_buf_get_be16(b);
	if (!pxe_buf_ok(b))
		return bad(f, "truncated quoted datagram");
	f->kind = FRAME_ICMP_UNREACH;
	return 0;
}

static int
network(struct pxe_buf *b, struct frame *f, uint16_t ethertype)
{
	size_t plen;
	bool first;
	int proto;

	if (ethertype == ETH_ARP)
		return arp(b, f);
	if (ethertype != ETH_IPV4)
		return unsupported(f, "not IPv4 or ARP");
	proto = ipv4(b, f, &f->src_ip, &f->dst_ip, &plen, &first);
	if (proto < 0)
		return proto;
	if (!first)
		return unsupported(f, "an IPv4 fragment after the first");
	if (proto == IP_ICMP)
		return icmp(b, f);
	/* Bound the cursor to the IP payload (Ethernet may pad). */
	if (plen < pxe_buf_left(b))
		b->len = b->off + plen;
	return transport(b, f, proto, plen);
}

int
frame_decode(int link, const uint8_t *p, size_t len, struct frame *f)
{
	struct pxe_buf b;
	uint32_t family;
	uint16_t type;
	unsigned tags = 0;

	memset(f, 0, sizeof(*f));
	pxe_buf_init_ro(&b, p, len);
	switch (link) {
	case FRAME_LINK_ETHERNET:
		pxe_buf_get_bytes(&b, f->dst_mac, 6);
		pxe_buf_get_bytes(&b, f->src_mac, 6);
		type = pxe_buf_get_be16(&b);
		while ((type == ETH_VLAN || type == ETH_QINQ) && tags++ < 2) {
			pxe_buf_get_be16(&b);		/* tag */
			type = pxe_buf_get_be16(&b);
		}
		if (!pxe_buf_ok(&b))
			return bad(f, "truncated Ethernet header");
		f->have_mac = true;
		break;
	case FRAME_LINK_SLL:
		pxe_buf_get_be16(&b);			/* packet type */
		pxe_buf_get_be16(&b);			/* ARPHRD */
		if (pxe_buf_get_be16(&b) == 6) {	/* address length */
			pxe_buf_get_bytes(&b, f->src_mac, 6);
			pxe_buf_get_ptr(&b, 2);
			f->have_mac = true;
		} else {
			pxe_buf_get_ptr(&b, 8);
		}
		type = pxe_buf_get_be16(&b);
		if (!pxe_buf_ok(&b))
			return bad(f, "truncated Linux cooked header");
		break;
	case FRAME_LINK_SLL2:
		type = pxe_buf_get_be16(&b);
		pxe_buf_get_be16(&b);			/* reserved */
		pxe_buf_get_be32(&b);			/* interface index */
		pxe_buf_get_be16(&b);			/* ARPHRD */
		pxe_buf_get_u8(&b);			/* packet type */
		if (pxe_buf_get_u8(&b) == 6) {
			pxe_buf_get_bytes(&b, f->src_mac, 6);
			pxe_buf_get_ptr(&b, 2);
			f->have_mac = true;
		} else {
			pxe_buf_get_ptr(&b, 8);
		}
		if (!pxe_buf_ok(&b))
			return bad(f, "truncated Linux cooked v2 header");
		break;
	case FRAME_LINK_RAW:
	case FRAME_LINK_DLT_RAW:
	case FRAME_LINK_IPV4:
		type = ETH_IPV4;
		break;
	case FRAME_LINK_NULL:
	case FRAME_LINK_LOOP:
		/* The address family, in the writer's byte order (NULL) or
		 * in network order (LOOP): AF_INET is 2 everywhere. */
		family = pxe_buf_get_be32(&b);
		if (!pxe_buf_ok(&b))
			return bad(f, "truncated loopback header");
		if (family != 2 && family != 0x02000000u)
			return unsupported(f, "a loopback frame that is not "
			    "IPv4");
		type = ETH_IPV4;
		break;
	default:
		return unsupported(f, "a link type other than Ethernet, Linux "
		    "cooked, raw IP or loopback");
	}
	return network(&b, f, type);
}

bool
frame_link_known(int link)
{
	static const int known[] = { FRAME_LINK_NULL, FRAME_LINK_ETHERNET,
	    FRAME_LINK_DLT_RAW, FRAME_LINK_RAW, FRAME_LINK_LOOP,
	    FRAME_LINK_SLL, FRAME_LINK_IPV4, FRAME_LINK_SLL2 };
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (known[i] == link)
			return true;
	return false;
}
