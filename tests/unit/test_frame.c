/*
 * Unit tests for lib/libpxe/frame: Ethernet (with a VLAN tag), Linux
 * cooked SLL and SLL2, raw IP; UDP, TCP, ICMP port unreachable, ARP; and
 * every truncation of a good frame, which must fail cleanly.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "libpxe/frame.h"

/* Ethernet + IPv4 + UDP 68 -> 67 with a 4-byte payload. */
static const uint8_t eth_udp[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x5e, 0x00, 0x00, 0x17,
	0x08, 0x00,
	0x45, 0x00, 0x00, 0x20, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
	0x00, 0x44, 0x00, 0x43, 0x00, 0x0c, 0x00, 0x00,
	'a', 'b', 'c', 'd',
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* Ethernet padding */
};

/* ICMP port unreachable from 10.0.0.1 quoting 10.0.0.2:2070 -> :69. */
static const uint8_t eth_icmp[] = {
	0x02, 0x00, 0x5e, 0x00, 0x00, 0x17, 0x02, 0x00, 0x5e, 0x00, 0x00, 0x01,
	0x08, 0x00,
	0x45, 0x00, 0x00, 0x38, 0x00, 0x02, 0x00, 0x00, 0x40, 0x01, 0x00, 0x00,
	10, 0, 0, 1, 10, 0, 0, 2,
	0x03, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x45, 0x00, 0x00, 0x20, 0x00, 0x03, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00,
	10, 0, 0, 2, 10, 0, 0, 1,
	0x08, 0x16, 0x00, 0x45, 0x00, 0x0c, 0x00, 0x00,
};

static void
test_good(void)
{
	struct frame f;
	uint8_t vlan[sizeof(eth_udp) + 4], sll[sizeof(eth_udp) + 2],
	    sll2[sizeof(eth_udp) + 6];
	char mac[18];

	tap_is(frame_decode(FRAME_LINK_ETHERNET, eth_udp, sizeof(eth_udp), &f),
	    0, "Ethernet UDP");
	tap_is(f.kind, FRAME_UDP, "  is UDP");
	tap_is(f.src_port, 68, "  source port");
	tap_is(f.dst_port, 67, "  destination port");
	tap_is(f.payload_len, 4, "  payload stops at the UDP length, not "
	    "the Ethernet padding");
	tap_mem(f.payload, "abcd", 4, "  payload bytes");
	tap_str(frame_mac_str(f.src_mac, mac), "02:00:5e:00:00:17",
	    "  source MAC");
	tap_is(f.dst_ip, 0xffffffff, "  broadcast destination");

	memcpy(vlan, eth_udp, 12);
	memcpy(vlan + 12, "\x81\x00\x00\x2a", 4);
	memcpy(vlan + 16, eth_udp + 12, sizeof(eth_udp) - 12);
	tap_is(frame_decode(FRAME_LINK_ETHERNET, vlan, sizeof(vlan), &f), 0,
	    "802.1Q-tagged frame");
	tap_is(f.dst_port, 67, "  through the tag");

	/* SLL: type, ARPHRD, addr len 6, addr (8), protocol. */
	memcpy(sll, "\x00\x00\x00\x01\x00\x06\x02\x00\x5e\x00\x00\x17\x00\x00"
	    "\x08\x00", 16);
	memcpy(sll + 16, eth_udp + 14, sizeof(eth_udp) - 14);
	tap_is(frame_decode(FRAME_LINK_SLL, sll, 16 + sizeof(eth_udp) - 14,
	    &f), 0, "Linux cooked (tcpdump -i any)");
	tap_str(frame_mac_str(f.src_mac, mac), "02:00:5e:00:00:17",
	    "  source MAC");
	memcpy(sll2, "\x08\x00\x00\x00\x00\x00\x00\x02\x00\x01\x00\x06\x02\x00"
	    "\x5e\x00\x00\x17\x00\x00", 20);
	memcpy(sll2 + 20, eth_udp + 14, sizeof(eth_udp) - 14);
	tap_is(frame_decode(FRAME_LINK_SLL2, sll2, 20 + sizeof(eth_udp) - 14,
	    &f), 0, "Linux cooked v2");
	tap_is(f.src_port, 68, "  ports");
	tap_is(frame_decode(FRAME_LINK_RAW, eth_udp + 14, sizeof(eth_udp) - 14,
	    &f), 0, "raw IPv4");

	tap_is(frame_decode(FRAME_LINK_ETHERNET, eth_icmp, sizeof(eth_icmp),
	    &f), 0, "ICMP port unreachable");
	tap_is(f.kind, FRAME_ICMP_UNREACH, "  kind");
	tap_is(f.icmp_code, 3, "  port unreachable");
	tap_is(f.orig_dst_port, 69, "  quoted destination port");
	tap_is(f.orig_src_port, 2070, "  quoted source port");
	tap_is(f.orig_dst_ip, htonl(0x0a000001), "  quoted destination");
	tap_is(frame_decode(99, eth_udp, sizeof(eth_udp), &f), -EPROTONOSUPPORT,
	    "an unknown link type is refused");
}

/*
 * The cuts of an Ethernet frame to 0 .. end - 1 bytes that do not decode
 * to -EBADMSG.  Each cut is a copy of its own size, so that ASan (in the
 * fuzz build) sees any read past it.
 */
static unsigned
cuts_accepted(const uint8_t *frame, size_t end)
{
	struct frame f;
	uint8_t *copy;
	unsigned bad = 0;
	size_t n;

	for (n = 0; n < end; n++) {
		copy = malloc(n ? n : 1);
		memcpy(copy, frame, n);
		if (frame_decode(FRAME_LINK_ETHERNET, copy, n, &f) != -EBADMSG)
			bad++;
		free(copy);
	}
	return bad;
}

static void
test_truncated(void)
{
	struct frame f;
	uint8_t *copy;

	/* Every cut of both frames before their payload's end must fail
	 * (the cut ends inside a header) or decode a shorter payload. */
	tap_is(cuts_accepted(eth_udp, 42), 0,
	    "every cut inside the headers is -EBADMSG");
	/* 66: where the quoted ports end */
	tap_is(cuts_accepted(eth_icmp, 66), 0,
	    "every cut of the ICMP frame is -EBADMSG");
	copy = malloc(46);
	memcpy(copy, eth_udp, 46);
	tap_is(frame_decode(FRAME_LINK_ETHERNET, copy, 44, &f), 0,
	    "a snapped payload decodes");
	tap_is(f.payload_len, 2, "  with the bytes captured");
	tap_is(f.payload_wire, 4, "  and the length sent");
	free(copy);
}

int
main(void)
{
	test_good();
	test_truncated();
	return tap_done();
}
