/*
 * Unit tests for lib/libpxe/dhcp: a real PXE ROM's DISCOVER byte for byte,
 * malformed packets, long options and overload, reply layout, the option
 * table's text forms, and the PXE helpers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>

#include "../tap.h"
#include "libpxe/dhcp.h"

/* A packet under construction: header, then raw option bytes. */
struct pkt {
	uint8_t b[1500];
	size_t len;
};

static void
pkt_init(struct pkt *p, uint8_t op, uint32_t xid, const uint8_t *mac,
    bool cookie)
{
	memset(p, 0, sizeof(*p));
	p->b[0] = op;
	p->b[1] = 1;
	p->b[2] = 6;
	p->b[4] = (uint8_t)(xid >> 24);
	p->b[5] = (uint8_t)(xid >> 16);
	p->b[6] = (uint8_t)(xid >> 8);
	p->b[7] = (uint8_t)xid;
	memcpy(p->b + DHCP_OFF_CHADDR, mac, 6);
	p->len = DHCP_FIXED_LEN;
	if (cookie) {
		memcpy(p->b + DHCP_OFF_COOKIE, "\x63\x82\x53\x63", 4);
		p->len = DHCP_OFF_OPTIONS;
	}
}

static void
pkt_bytes(struct pkt *p, const void *d, size_t n)
{
	memcpy(p->b + p->len, d, n);
	p->len += n;
}

static void
pkt_opt(struct pkt *p, uint8_t code, const void *d, size_t n)
{
	p->b[p->len++] = code;
	p->b[p->len++] = (uint8_t)n;
	pkt_bytes(p, d, n);
}

static const uint8_t rom_mac[6] = { 0x20, 0x6a, 0x8a, 0x0f, 0x74, 0x75 };
static const uint8_t rom_prl[36] = { 1, 2, 3, 4, 5, 6, 11, 12, 13, 15, 16,
	17, 18, 22, 23, 28, 40, 41, 42, 43, 50, 51, 54, 58, 59, 60, 66, 67,
	128, 129, 130, 131, 132, 133, 134, 135 };
static const uint8_t rom_guid[17] = { 0, 214, 110, 241, 0, 166, 215, 17,
	223, 159, 26, 249, 56, 166, 111, 192, 84 };

/* The DISCOVER a laptop's PXE ROM sent (from the capture in issue 3). */
static void
rom_discover(struct pkt *p)
{
	static const char vc[] = "PXEClient:Arch:00000:UNDI:002001";

	pkt_init(p, BOOTREQUEST, 0x8b0f7475, rom_mac, true);
	p->b[DHCP_OFF_SECS + 1] = 4;
	p->b[DHCP_OFF_FLAGS] = 0x80;
	pkt_opt(p, 53, "\x01", 1);
	pkt_opt(p, 55, rom_prl, sizeof(rom_prl));
	pkt_opt(p, 57, "\x04\xec", 2);
	pkt_opt(p, 97, rom_guid, sizeof(rom_guid));
	pkt_opt(p, 93, "\x00\x00", 2);
	pkt_opt(p, 94, "\x01\x02\x01", 3);
	pkt_opt(p, 60, vc, sizeof(vc) - 1);
	p->b[p->len++] = 255;
	while (p->len < 548)
		p->b[p->len++] = 0;
}

/* The ROM's options as text, as the sniffer and --test -v print them. */
static const struct {
	uint8_t code;
	const char *as;
	const char *text;
} rom_as_text[] = {
	{ 55, "text", "1,2,3,4,5,6,11,12,13,15,16,17,18,22,23,28,40,41,42,43,"
	  "50,51,54,58,59,60,66,67,128,129,130,131,132,133,134,135" },
	{ 94, "text", "1.2.1" },
	{ 97, "a UUID", "d66ef100-a6d7-11df-9f1a-f938a66fc054" },
	{ 60, "text", "\"PXEClient:Arch:00000:UNDI:002001\"" },
	{ 93, "text", "0 (bios)" },
	{ 53, "text", "DHCPDISCOVER" },
};

static void
test_rom_discover(void)
{
	struct dhcp_msg m;
	struct pkt p;
	const uint8_t *v;
	char text[256];
	uint16_t u16;
	size_t len, i;

	rom_discover(&p);
	tap_is(dhcp_parse(p.b, p.len, &m), 0, "ROM DISCOVER parses");
	tap_is(m.op, BOOTREQUEST, "  op");
	tap_is(m.xid, 0x8b0f7475, "  xid");
	tap_is(m.secs, 4, "  secs");
	tap_ok(m.flags & DHCP_FLAG_BROADCAST, "  broadcast flag");
	tap_mem(m.chaddr, rom_mac, 6, "  chaddr 20:6a:8a:0f:74:75");
	tap_ok(m.cookie && !m.no_end, "  cookie and END");
	tap_is(dhcp_msg_type(&m), DHCPDISCOVER, "  DHCPDISCOVER");
	v = dhcp_opt_get(&m, 55, &len);
	tap_ok(v && len == 36 && memcmp(v, rom_prl, 36) == 0,
	    "  the 36-entry parameter request list");
	tap_is(dhcp_opt_u16(&m, 57, &u16), 0, "  option 57");
	tap_is(u16, 1260, "  max message size 1260");
	v = dhcp_opt_get(&m, 97, &len);
	tap_ok(v && len == 17 && memcmp(v, rom_guid, 17) == 0, "  GUID");
	tap_is(dhcp_client_arch(&m), 0, "  arch 0 from option 93");
	tap_str(dhcp_arch_name(dhcp_client_arch(&m)), "bios", "  arch name");
	v = dhcp_opt_get(&m, 94, &len);
	tap_ok(v && len == 3 && v[0] == 1 && v[1] == 2 && v[2] == 1,
	    "  NDI 1.2.1");
	tap_ok(dhcp_is_pxeclient(&m), "  PXEClient");
	tap_ok(!dhcp_is_httpclient(&m) && !dhcp_is_ipxe(&m),
	    "  neither HTTPClient nor iPXE");
	tap_is(m.norder, 7, "  seven options");
	tap_ok(m.order[0] == 53 && m.order[1] == 55 && m.order[6] == 60,
	    "  in packet order");
	for (i = 0; i < sizeof(rom_as_text) / sizeof(rom_as_text[0]); i++) {
		v = dhcp_opt_get(&m, rom_as_text[i].code, &len);
		dhcp_opt_to_text(rom_as_text[i].code, v, len, text,
		    sizeof(text));
		tap_str(text, rom_as_text[i].text, "  %u as %s",
		    rom_as_text[i].code, rom_as_text[i].as);
	}
}

static void
test_malformed(void)
{
	struct dhcp_msg m;
	struct pkt p;

	rom_discover(&p);
	tap_is(dhcp_parse(p.b, 235, &m), -EBADMSG, "235 bytes refused");
	tap_ok(strstr(m.why, "shorter than a BOOTP header") != NULL,
	    "  why: %s", m.why);
	p.b[2] = 17;
	tap_is(dhcp_parse(p.b, p.len, &m), -EBADMSG, "hlen 17 refused");
	p.b[2] = 6;
	p.b[0] = 3;
	tap_is(dhcp_parse(p.b, p.len, &m), -EBADMSG, "op 3 refused");

	/* Option 55 claims 200 bytes at the very end. */
	pkt_init(&p, BOOTREQUEST, 1, rom_mac, true);
	pkt_opt(&p, 53, "\x01", 1);
	p.b[p.len++] = 55;
	p.b[p.len++] = 200;
	p.b[p.len++] = 1;
	tap_is(dhcp_parse(p.b, p.len, &m), -EBADMSG,
	    "option running past the end refused");
	tap_str(m.why, "option 55 runs past the end of the options", "  why");

	/* A code with no length byte at the end. */
	pkt_init(&p, BOOTREQUEST, 1, rom_mac, true);
	pkt_opt(&p, 53, "\x01", 1);
	p.b[p.len++] = 12;
	tap_is(dhcp_parse(p.b, p.len, &m), -EBADMSG, "option without length");

	/* No END, ending right after an option: tolerated, flagged. */
	pkt_init(&p, BOOTREQUEST, 1, rom_mac, true);
	pkt_opt(&p, 53, "\x03", 1);
	tap_is(dhcp_parse(p.b, p.len, &m), 0, "missing END tolerated");
	tap_ok(m.no_end, "  flagged");
	tap_is(dhcp_msg_type(&m), DHCPREQUEST, "  options still read");

	/* Option 53 of the wrong length. */
	pkt_init(&p, BOOTREQUEST, 1, rom_mac, true);
	pkt_opt(&p, 53, "\x01\x02", 2);
	p.b[p.len++] = 255;
	tap_is(dhcp_parse(p.b, p.len, &m), 0, "53 of length 2 parses");
	tap_is(dhcp_msg_type(&m), -EBADMSG, "  but is no message type");

	/* Overload value 4. */
	pkt_init(&p, BOOTREQUEST, 1, rom_mac, true);
	pkt_opt(&p, 52, "\x04", 1);
	p.b[p.len++] = 255;
	tap_is(dhcp_parse(p.b, p.len, &m), -EBADMSG, "overload 4 refused");

	/* BOOTP: no cookie. */
	pkt_init(&p, BOOTREQUEST, 7, rom_mac, false);
	while (p.len < 300)
		p.b[p.len++] = 0;
	tap_is(dhcp_parse(p.b, p.len, &m), 0, "BOOTP request parses");
	tap_ok(!m.cookie, "  no cookie");
	tap_is(dhcp_msg_type(&m), -ENOENT, "  no message type");
	tap_str(dhcp_msgtype_str(dhcp_msg_type(&m)), "BOOTP", "  named BOOTP");
}

static void
test_overload_and_long(void)
{
	struct dhcp_msg m;
	struct pkt p;
	uint8_t big[600];
	const uint8_t *v;
	size_t len, i;

	/* Overload 3: options go on in file, then sname; 52 there ignored. */
	pkt_init(&p, BOOTREPLY, 9, rom_mac, true);
	pkt_opt(&p, 53, "\x02", 1);
	pkt_opt(&p, 52, "\x03", 1);
	pkt_opt(&p, 15, "ab", 2);
	p.b[p.len++] = 255;
	memcpy(p.b + DHCP_OFF_FILE, "\x0f\x02" "cd" "\x34\x01\x03" "\x43\x05"
	    "hello\xff", 15);
	memcpy(p.b + DHCP_OFF_SNAME, "\x0f\x02" "ef" "\x0c\x02" "hi\xff", 9);
	tap_is(dhcp_parse(p.b, p.len, &m), 0, "overload into file and sname");
	tap_is(m.overload, 3, "  overload 3");
	tap_ok(m.file == NULL && m.sname == NULL, "  file and sname are "
	    "options, not names");
	v = dhcp_opt_get(&m, 15, &len);
	tap_ok(v && len == 6 && memcmp(v, "abcdef", 6) == 0,
	    "  option 15 joined across the three areas in order");
	v = dhcp_opt_get(&m, 67, &len);
	tap_ok(v && len == 5 && memcmp(v, "hello", 5) == 0, "  67 from file");
	v = dhcp_opt_get(&m, 12, &len);
	tap_ok(v && len == 2, "  12 from sname");
	v = dhcp_opt_get(&m, 52, &len);
	tap_ok(v && len == 1, "  52 in file not joined to 52 in options");

	/* Option running past the end of the file field. */
	p.b[DHCP_OFF_FILE + 126] = 12;
	p.b[DHCP_OFF_FILE + 127] = 5;
	memset(p.b + DHCP_OFF_FILE + 11, 0, 115);
	p.b[DHCP_OFF_FILE + 10] = 0;
	tap_is(dhcp_parse(p.b, p.len, &m), -EBADMSG,
	    "option running out of the file field");
	tap_str(m.why, "option 12 runs past the end of the file field",
	    "  why");

	/* Without overload, file is the boot file name. */
	pkt_init(&p, BOOTREPLY, 9, rom_mac, true);
	memcpy(p.b + DHCP_OFF_FILE, "\x0c\x02zz", 4);
	p.b[p.len++] = 255;
	tap_is(dhcp_parse(p.b, p.len, &m), 0, "file without overload");
	tap_ok(m.file && memcmp(m.file, "\x0c\x02zz", 4) == 0 &&
	    dhcp_opt_get(&m, 12, NULL) == NULL, "  is not read for options");

	/* RFC 3396: one option in three instances, 600 bytes. */
	for (i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)i;
	pkt_init(&p, BOOTREQUEST, 9, rom_mac, true);
	pkt_opt(&p, 53, "\x01", 1);
	pkt_opt(&p, 77, big, 255);
	pkt_opt(&p, 12, "x", 1);
	pkt_opt(&p, 77, big + 255, 255);
	pkt_opt(&p, 77, big + 510, 90);
	p.b[p.len++] = 255;
	tap_is(dhcp_parse(p.b, p.len, &m), 0, "long option in 3 pieces");
	v = dhcp_opt_get(&m, 77, &len);
	tap_ok(v && len == 600 && memcmp(v, big, 600) == 0, "  joined");
	tap_is(m.norder, 3, "  three distinct options");
	tap_ok(m.order[1] == 77 && m.order[2] == 12, "  first-seen order");
}

static void
test_build(void)
{
	static uint8_t out[1500];
	struct dhcp_reply r;
	struct dhcp_msg req, m;
	struct pkt p;
	uint8_t big[700];
	const uint8_t *v;
	uint32_t ip;
	ssize_t n;
	size_t len;
	unsigned i;

	rom_discover(&p);
	dhcp_parse(p.b, p.len, &req);
	dhcp_reply_init(&r, &req);
	inet_pton(AF_INET, "10.0.0.17", &r.yiaddr);
	inet_pton(AF_INET, "10.0.0.1", &r.siaddr);
	snprintf(r.file, sizeof(r.file), "boot/pxelinux.0");
	inet_pton(AF_INET, "10.0.0.1", &ip);
	dhcp_reply_add_ip(&r, DHCP_OPT_SERVERID, ip);
	dhcp_reply_add_u8(&r, DHCP_OPT_MSGTYPE, DHCPOFFER);
	dhcp_reply_add_u32(&r, DHCP_OPT_LEASE, 3600);
	dhcp_reply_add_str(&r, DHCP_OPT_VCLASS, "PXEClient");
	n = dhcp_reply_build(&r, out, sizeof(out), 0);
	tap_is(n, DHCP_MIN_PKT, "small OFFER padded to 300 bytes");
	tap_is(dhcp_parse(out, (size_t)n, &m), 0, "  parses back");
	tap_is(m.op, BOOTREPLY, "  BOOTREPLY");
	tap_is(m.xid, 0x8b0f7475, "  xid echoed");
	tap_ok(m.flags & DHCP_FLAG_BROADCAST, "  flags echoed");
	tap_mem(m.chaddr, rom_mac, 6, "  chaddr echoed");
	tap_is(dhcp_msg_type(&m), DHCPOFFER, "  DHCPOFFER");
	tap_ok(m.order[0] == 53 && m.order[1] == 54, "  53 then 54 first");
	tap_ok(m.file && strcmp((const char *)m.file, "boot/pxelinux.0") == 0,
	    "  file field");
	dhcp_opt_u32(&m, DHCP_OPT_LEASE, &ip);
	tap_is(ip, 3600, "  lease time");

	/* 700-byte option: split in 3, overflows into sname (file used). */
	for (i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7);
	dhcp_reply_add(&r, 43, big, 250);
	dhcp_reply_add(&r, 120, big, 200);
	tap_is(dhcp_reply_build(&r, out, sizeof(out), 0), -EMSGSIZE,
	    "too much for 548 bytes with file in use: -EMSGSIZE");
	n = dhcp_reply_build(&r, out, sizeof(out), 1232);
	tap_ok(n > 548 && n <= 1232, "fits within a 1232-byte limit (%zd)", n);
	r.file[0] = '\0';
	n = dhcp_reply_build(&r, out, sizeof(out), 0);
	tap_ok(n > 0 && n <= 548, "overflows into file within 548 (%zd)", n);
	tap_is(dhcp_parse(out, (size_t)n, &m), 0, "  parses back");
	tap_ok(m.overload & 1, "  overload set (%u)", m.overload);
	v = dhcp_opt_get(&m, 43, &len);
	tap_ok(v && len == 250 && memcmp(v, big, 250) == 0, "  43 intact");
	v = dhcp_opt_get(&m, 120, &len);
	tap_ok(v && len == 200 && memcmp(v, big, 200) == 0, "  120 intact");

	dhcp_reply_init(&r, NULL);
	dhcp_reply_add_u8(&r, DHCP_OPT_MSGTYPE, DHCPACK);
	dhcp_reply_add(&r, 77, big, 700);
	n = dhcp_reply_build(&r, out, sizeof(out), 1400);
	tap_is(dhcp_parse(out, (size_t)n, &m), 0, "700-byte option built");
	v = dhcp_opt_get(&m, 77, &len);
	tap_ok(v && len == 700 && memcmp(v, big, 700) == 0,
	    "  split in pieces and joined back");
	dhcp_reply_add(&r, 77, "x", 1);
	tap_is(r.nopts, 2, "adding a code again replaces it");
	dhcp_reply_del(&r, 77);
	tap_is(r.nopts, 1, "del removes it");
	tap_is(dhcp_reply_add(&r, 52, "\x01", 1), -EINVAL,
	    "52 is the builder's business");
}

static const struct {
	const char *name;
	const char *text;
	int len;		/* < 0: error expected */
	const char *back;	/* to_text of the result; NULL: same as text */
} texts[] = {
	{ "router", "192.168.1.1", 4, NULL },
	{ "dns-server", "192.168.1.1,192.168.1.2", 8, NULL },
	{ "dns-server", "192.168.1.300", -EINVAL, NULL },
	{ "lease-time", "3600", 4, NULL },
	{ "lease-time", "4294967296", -EINVAL, NULL },
	{ "time-offset", "-3600", 4, NULL },
	{ "mtu", "1500", 2, NULL },
	{ "mtu", "70000", -EINVAL, NULL },
	{ "default-ttl", "64", 1, NULL },
	{ "ip-forwarding", "yes", 1, "1" },
	{ "domain-name", "lab.example", 11, "\"lab.example\"" },
	{ "vendor-class", "PXE\"Client", 10, "\"PXE\\\"Client\"" },
	{ "client-id", "01:20:6a:8a:0f:74:75", 7, NULL },
	{ "client-id", "0x01206a", 3, "01:20:6a" },
	{ "client-id", "01:2", -EINVAL, NULL },
	{ "param-request-list", "1,3,6,67", 4, NULL },
	{ "client-arch", "efi-x64,7", 4, "9 (efi-x64),7 (efi-bc)" },
	{ "client-arch", "efi-foo", -EINVAL, NULL },
	{ "client-ndi", "1.2.1", 3, NULL },
	{ "message-type", "ack", 1, "DHCPACK" },
	{ "message-type", "DHCPNAK", 1, NULL },
	{ "client-uuid", "d66ef100-a6d7-11df-9f1a-f938a66fc054", 17, NULL },
	{ "option-200", "de:ad", 2, NULL },
	{ "200", "beef", 2, "be:ef" },
	{ "pxelinux-configfile", "pxelinux.cfg/special", 20,
	  "\"pxelinux.cfg/special\"" },
	/* What to_text prints reads back: quoted strings, named
	 * architectures, and values that do not fit their format. */
	{ "domain-name", "\"a\\001b\\\\\"", 4, NULL },
	{ "domain-name", "\"a\\9\"", -EINVAL, NULL },
	{ "client-arch", "9 (efi-x64),7 (efi-bc)", 4, NULL },
	{ "subnet-mask", "0x0a:00:00", 3, NULL },
	{ "ip-forwarding", "0x02", 1, NULL },
	{ "message-type", "0", 1, NULL },
};

static void
test_text(void)
{
	uint8_t val[256], again[256];
	char out[512], nb[16];
	const char *why;
	size_t i;
	int code, n;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		code = dhcp_opt_code(texts[i].name);
		if (!tap_ok(code > 0, "option name %s", texts[i].name))
			continue;
		n = dhcp_opt_from_text((uint8_t)code, texts[i].text, val,
		    sizeof(val), &why);
		tap_is(n, texts[i].len, "  %s = %s", texts[i].name,
		    texts[i].text);
		if (n < 0) {
			tap_ok(why && *why, "  says why: %s", why);
			continue;
		}
		dhcp_opt_to_text((uint8_t)code, val, (size_t)n, out,
		    sizeof(out));
		tap_str(out, texts[i].back ? texts[i].back : texts[i].text,
		    "  and back");
		tap_is(dhcp_opt_from_text((uint8_t)code, out, again,
		    sizeof(again), &why), n, "  which reads back");
		tap_ok(memcmp(again, val, (size_t)n) == 0,
		    "  as the same bytes");
	}
	tap_is(dhcp_opt_code("DNS-SERVER"), 6, "names are case-insensitive");
	tap_is(dhcp_opt_code("nonsense"), -1, "unknown name");
	tap_is(dhcp_opt_code("255"), -1, "255 is not an option");
	tap_str(dhcp_opt_name(6, nb, sizeof(nb)), "dns-server", "name of 6");
	tap_str(dhcp_opt_name(200, nb, sizeof(nb)), "option-200",
	    "name of 200");
	/* Wrong lengths print as hex, never past the value. */
	dhcp_opt_to_text(1, (const uint8_t *)"\x0a\x00\x00", 3, out,
	    sizeof(out));
	tap_str(out, "0x0a:00:00", "3-byte subnet mask printed as hex");
	dhcp_opt_to_text(12, (const uint8_t *)"a\001b", 3, out, sizeof(out));
	tap_str(out, "\"a\\001b\"", "control bytes escaped");
	tap_is(dhcp_opt_to_text(55, (const uint8_t *)"\x01\x02\x03", 3, out,
	    4), 3, "output truncated to the buffer");
	tap_str(out, "1,2", "  and terminated");
}

static void
test_pxe(void)
{
	struct dhcp_msg m;
	struct pkt p;

	pkt_init(&p, BOOTREQUEST, 1, rom_mac, true);
	pkt_opt(&p, 60, "PXEClient:Arch:00007:UNDI:003016", 32);
	p.b[p.len++] = 255;
	dhcp_parse(p.b, p.len, &m);
	tap_is(dhcp_client_arch(&m), 7, "EDK2: arch from option 60");

	pkt_init(&p, BOOTREQUEST, 1, rom_mac, true);
	pkt_opt(&p, 60, "HTTPClient:Arch:00016", 21);
	pkt_opt(&p, 93, "\x00\x10", 2);
	p.b[p.len++] = 255;
	dhcp_parse(p.b, p.len, &m);
	tap_ok(dhcp_is_httpclient(&m) && !dhcp_is_pxeclient(&m),
	    "HTTPClient recognised");
	tap_is(dhcp_client_arch(&m), 16, "  arch 16");
	tap_str(dhcp_arch_name(16), "efi-x64-http", "  named");

	pkt_init(&p, BOOTREQUEST, 1, rom_mac, true);
	pkt_opt(&p, 77, "iPXE", 4);
	p.b[p.len++] = 255;
	dhcp_parse(p.b, p.len, &m);
	tap_ok(dhcp_is_ipxe(&m), "iPXE by plain user class");
	pkt_init(&p, BOOTREQUEST, 1, rom_mac, true);
	pkt_opt(&p, 77, "\x03" "abc" "\x04" "iPXE", 9);
	p.b[p.len++] = 255;
	dhcp_parse(p.b, p.len, &m);
	tap_ok(dhcp_is_ipxe(&m), "iPXE by RFC 3004 user class");
	pkt_init(&p, BOOTREQUEST, 1, rom_mac, true);
	pkt_opt(&p, 175, "\xb1\x01\x01", 3);
	p.b[p.len++] = 255;
	dhcp_parse(p.b, p.len, &m);
	tap_ok(dhcp_is_ipxe(&m), "iPXE by option 175");
	pkt_init(&p, BOOTREQUEST, 1, rom_mac, true);
	pkt_opt(&p, 60, "PXEClient:Arch:0000", 19);
	p.b[p.len++] = 255;
	dhcp_parse(p.b, p.len, &m);
	tap_is(dhcp_client_arch(&m), -1, "short arch in option 60: unknown");

	tap_is(dhcp_arch_parse("efi-x64"), 9, "arch name efi-x64");
	tap_is(dhcp_arch_parse("EFI-BC"), 7, "arch name EFI-BC");
	tap_is(dhcp_arch_parse("11"), 11, "arch number");
	tap_is(dhcp_arch_parse("65536"), -1, "arch number too big");
	tap_is(dhcp_arch_parse("x86"), -1, "unknown arch name");
}

int
main(void)
{
	test_rom_discover();
	test_malformed();
	test_overload_and_long();
	test_build();
	test_text();
	test_pxe();
	return tap_done();
}
