/*
 * frame: decode a captured frame down to what a PXE boot is made of:
 * the link layer (Ethernet with 802.1Q tags, Linux cooked SLL and SLL2 as
 * `tcpdump -i any` writes them, raw IP, BSD loopback), IPv4, then UDP (ports and
 * payload), ICMP (for "port unreachable": the datagram it quotes) or
 * TCP (ports, for SMB on 445), and ARP.  No I/O: bytes in, struct out,
 * every read through struct pxe_buf; the payload points into the frame.
 * pxe-sniff, its unit tests and its fuzzer call it.
 */
#ifndef PXE_FRAME_H
#define PXE_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Link types, as pcap numbers them (LINKTYPE_*, and the DLT_* values
 * pcap_datalink() gives where they differ). */
#define FRAME_LINK_NULL		0	/* BSD loopback: 4-byte AF, host order */
#define FRAME_LINK_ETHERNET	1
#define FRAME_LINK_DLT_RAW	12	/* DLT_RAW: LINKTYPE_RAW once read */
#define FRAME_LINK_RAW		101
#define FRAME_LINK_LOOP		108	/* OpenBSD loopback: AF, network order */
#define FRAME_LINK_SLL		113
#define FRAME_LINK_IPV4		228	/* raw IPv4 only */
#define FRAME_LINK_SLL2		276

enum frame_kind {
	FRAME_OTHER = 0,	/* decoded, but nothing PXE cares about */
	FRAME_UDP,
	FRAME_TCP,
	FRAME_ICMP_UNREACH,	/* ICMP destination unreachable */
	FRAME_ARP,
};

struct frame {
	enum frame_kind kind;
	bool have_mac;
	uint8_t src_mac[6], dst_mac[6];
	uint32_t src_ip, dst_ip;	/* network order */
	uint16_t src_port, dst_port;	/* host order */
	const uint8_t *payload;		/* UDP/TCP payload, inside the frame */
	size_t payload_len;		/* as captured (may be cut by snaplen) */
	size_t payload_wire;		/* as sent (UDP length) */
	/* ICMP unreachable: code, and the UDP datagram it quotes */
	uint8_t icmp_code;
	uint32_t orig_src_ip, orig_dst_ip;
	uint16_t orig_src_port, orig_dst_port;
	uint8_t orig_proto;
	/* ARP */
	uint16_t arp_op;
	uint32_t arp_sender_ip, arp_target_ip;
	uint8_t arp_sender_mac[6];
	uint8_t tcp_flags;
	const char *why;		/* when decoding failed: the reason */
};

/*
 * Decode len captured bytes of link type link.  0; -EPROTONOSUPPORT for a
 * link type or an ethertype/protocol we do not follow (f->why says which);
 * -EBADMSG for a truncated or malformed frame (f->why says where).
 */
int frame_decode(int link, const uint8_t *p, size_t len, struct frame *f);

/* Is link a link type frame_decode reads? */
bool frame_link_known(int link);

/* "aa:bb:cc:dd:ee:ff" into out (18 bytes). */
const char *frame_mac_str(const uint8_t mac[6], char *out);

#endif
