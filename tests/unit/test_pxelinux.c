/*
 * Unit tests for lib/libpxe/pxelinux: the config search order (with the
 * vector from a real boot), the reverse classification, and the MAC/UUID
 * text forms.
 */
#include <arpa/inet.h>
#include <errno.h>

#include "../tap.h"
#include "libpxe/pxelinux.h"

static const uint8_t uuid[16] = { 0xd6, 0x6e, 0xf1, 0x00, 0xa6, 0xd7, 0x11,
    0xdf, 0x9f, 0x1a, 0xf9, 0x38, 0xa6, 0x6f, 0xc0, 0x54 };
static const uint8_t mac[6] = { 0x20, 0x6a, 0x8a, 0x0f, 0x74, 0x75 };

static void
test_order(void)
{
	static const char *const want[] = {
		"d66ef100-a6d7-11df-9f1a-f938a66fc054", "01-20-6a-8a-0f-74-75",
		"C0A82A11", "C0A82A1", "C0A82A", "C0A82", "C0A8", "C0A", "C0",
		"C", "default",
	};
	struct pxelinux_search s;
	struct in_addr ip;
	unsigned i;

	inet_pton(AF_INET, "192.168.42.17", &ip);
	tap_is(pxelinux_search_order(uuid, mac, 6, 1, &ip, &s), 11,
	    "real boot: 11 names");
	for (i = 0; i < 11; i++)
		tap_str(s.name[i], want[i], "  name %u", i);
	tap_is(s.step[0], PXELINUX_STEP_UUID, "  first is the UUID step");
	tap_is(s.step[1], PXELINUX_STEP_MAC, "  then MAC");
	tap_is(s.step[9], PXELINUX_STEP_IP, "  then IP prefixes");
	tap_is(s.step[10], PXELINUX_STEP_DEFAULT, "  then default");

	tap_is(pxelinux_search_order(NULL, mac, 6, 1, &ip, &s), 10,
	    "no option 97: no UUID step");
	tap_str(s.name[0], "01-20-6a-8a-0f-74-75", "  starts with the MAC");
	tap_is(pxelinux_search_order(NULL, mac, 6, 1, NULL, &s), 2,
	    "no address: MAC and default");
	tap_is(pxelinux_search_order(NULL, NULL, 0, 1, NULL, &s), 1,
	    "nothing known: default only");

	/* IPv4 edges: leading zeros are kept, every prefix is a name. */
	inet_pton(AF_INET, "10.0.0.1", &ip);
	pxelinux_search_order(NULL, NULL, 0, 1, &ip, &s);
	tap_str(s.name[0], "0A000001", "10.0.0.1 is 0A000001");
	tap_str(s.name[7], "0", "  last prefix is one digit");
	inet_pton(AF_INET, "255.255.255.255", &ip);
	pxelinux_search_order(NULL, NULL, 0, 1, &ip, &s);
	tap_str(s.name[0], "FFFFFFFF", "255.255.255.255 is FFFFFFFF");
	inet_pton(AF_INET, "0.0.0.0", &ip);
	pxelinux_search_order(NULL, NULL, 0, 1, &ip, &s);
	tap_str(s.name[0], "00000000", "0.0.0.0 is 00000000");
	inet_pton(AF_INET, "172.16.254.3", &ip);
	pxelinux_search_order(NULL, NULL, 0, 1, &ip, &s);
	tap_str(s.name[0], "AC10FE03", "172.16.254.3 is AC10FE03");

	/* InfiniBand-length hardware address still fits. */
	{
		uint8_t ib[12] = { 0 };
		char name[PXELINUX_NAME_MAX + 1];

		tap_is(pxelinux_mac_name(32, ib, 12, name), 38,
		    "a 12-byte hardware address fits");
		tap_is(pxelinux_mac_name(1, ib, 13, name), -EINVAL,
		    "a 13-byte one does not");
	}
}

static void
test_classify(void)
{
	static const struct {
		const char *name;
		enum pxelinux_step step;
		const char *base;
	} v[] = {
		{ "pxelinux.cfg/default", PXELINUX_STEP_DEFAULT, "default" },
		{ "/boot/pxelinux.cfg/01-20-6a-8a-0f-74-75", PXELINUX_STEP_MAC,
		  "01-20-6a-8a-0f-74-75" },
		{ "boot\\pxelinux.cfg\\C0A82A", PXELINUX_STEP_IP, "C0A82A" },
		{ "pxelinux.cfg/C", PXELINUX_STEP_IP, "C" },
		{ "pxelinux.cfg/d66ef100-a6d7-11df-9f1a-f938a66fc054",
		  PXELINUX_STEP_UUID, "d66ef100-a6d7-11df-9f1a-f938a66fc054" },
		{ "pxelinux.cfg/c0a82a11", PXELINUX_NOT_CONFIG, NULL },
		{ "pxelinux.cfg/C0A82A11F", PXELINUX_NOT_CONFIG, NULL },
		{ "pxelinux.cfg/menu.txt", PXELINUX_NOT_CONFIG, NULL },
		{ "pxelinux.cfg/", PXELINUX_NOT_CONFIG, NULL },
		{ "pxelinux.cfg/sub/default", PXELINUX_NOT_CONFIG, NULL },
		{ "xpxelinux.cfg/default", PXELINUX_NOT_CONFIG, NULL },
		{ "pxelinux.0", PXELINUX_NOT_CONFIG, NULL },
		{ "ldlinux.c32", PXELINUX_NOT_CONFIG, NULL },
		{ "", PXELINUX_NOT_CONFIG, NULL },
		{ "pxelinux.cfg/01-20-6a-8a-0f-74-7", PXELINUX_NOT_CONFIG, NULL },
	};
	const char *base;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		base = NULL;
		tap_is(pxelinux_classify(v[i].name, &base), v[i].step,
		    "classify \"%s\"", v[i].name);
		if (v[i].base != NULL)
			tap_str(base, v[i].base, "  base");
	}
	tap_str(pxelinux_step_name(PXELINUX_STEP_MAC), "MAC", "step name");
	tap_str(pxelinux_step_name(99), "", "step name out of range");
}

static void
test_parse(void)
{
	uint8_t m[6], u[16];

	tap_is(pxelinux_parse_mac("20:6a:8a:0f:74:75", m), 0, "MAC with :");
	tap_mem(m, mac, 6, "  bytes");
	tap_is(pxelinux_parse_mac("20-6A-8A-0F-74-75", m), 0, "MAC with -");
	tap_mem(m, mac, 6, "  bytes");
	tap_is(pxelinux_parse_mac("206a.8a0f.7475", m), 0, "MAC Cisco style");
	tap_mem(m, mac, 6, "  bytes");
	tap_is(pxelinux_parse_mac("20:6a:8a:0f:74", m), -EINVAL, "short MAC");
	tap_is(pxelinux_parse_mac("20:6a:8a:0f:74:75:00", m), -EINVAL,
	    "long MAC");
	tap_is(pxelinux_parse_mac("20:6a-8a:0f:74:75", m), -EINVAL,
	    "mixed separators");
	tap_is(pxelinux_parse_mac("20:6a:8a:0f:74:7g", m), -EINVAL,
	    "not hex");
	tap_is(pxelinux_parse_mac("", m), -EINVAL, "empty MAC");

	tap_is(pxelinux_parse_uuid("d66ef100-a6d7-11df-9f1a-f938a66fc054", u),
	    0, "UUID dashed");
	tap_mem(u, uuid, 16, "  bytes");
	tap_is(pxelinux_parse_uuid("D66EF100A6D711DF9F1AF938A66FC054", u), 0,
	    "UUID flat, upper case");
	tap_mem(u, uuid, 16, "  bytes");
	tap_is(pxelinux_parse_uuid("d66ef100-a6d7-11df-9f1a-f938a66fc0", u),
	    -EINVAL, "short UUID");
	tap_is(pxelinux_parse_uuid("d66ef100-a6d7-11df-9f1a-f938a66fc05400",
	    u), -EINVAL, "long UUID");
	tap_is(pxelinux_parse_uuid("d66ef100-a6d7-11df-9f1a-f938a66fc05x", u),
	    -EINVAL, "UUID not hex");
}

int
main(void)
{
	test_order();
	test_classify();
	test_parse();
	return tap_done();
}
