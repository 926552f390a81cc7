/*
 * dhcpopt: the DHCP option table and the text form of option values.  One
 * row per option {code, name, format}, shared by pxe-dhcpd, pxe-sniff and
 * mkpxemenu; one row per format {element size, list or not, separator,
 * parse, print} drives both directions, so text printed from a value reads
 * back as the same bytes.  Part of the dhcp module; declared in dhcp.h.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "libpxe/dhcp.h"

/* ---- the option table ---- */

static const struct dhcp_optdef opt_table[] = {
	{ 1, "subnet-mask", DHCP_FMT_IP },
	{ 2, "time-offset", DHCP_FMT_S32 },
	{ 3, "router", DHCP_FMT_IPS },
	{ 4, "time-server", DHCP_FMT_IPS },
	{ 5, "name-server", DHCP_FMT_IPS },
	{ 6, "dns-server", DHCP_FMT_IPS },
	{ 7, "log-server", DHCP_FMT_IPS },
	{ 9, "lpr-server", DHCP_FMT_IPS },
	{ 12, "hostname", DHCP_FMT_STR },
	{ 13, "boot-file-size", DHCP_FMT_U16 },
	{ 15, "domain-name", DHCP_FMT_STR },
	{ 16, "swap-server", DHCP_FMT_IP },
	{ 17, "root-path", DHCP_FMT_STR },
	{ 18, "extension-path", DHCP_FMT_STR },
	{ 19, "ip-forwarding", DHCP_FMT_BOOL },
	{ 22, "max-datagram-reassembly", DHCP_FMT_U16 },
	{ 23, "default-ttl", DHCP_FMT_U8 },
	{ 26, "mtu", DHCP_FMT_U16 },
	{ 28, "broadcast", DHCP_FMT_IP },
	{ 33, "static-route", DHCP_FMT_IPS },
	{ 40, "nis-domain", DHCP_FMT_STR },
	{ 41, "nis-server", DHCP_FMT_IPS },
	{ 42, "ntp-server", DHCP_FMT_IPS },
	{ 43, "vendor-encap", DHCP_FMT_BYTES },
	{ 44, "netbios-ns", DHCP_FMT_IPS },
	{ 46, "netbios-nodetype", DHCP_FMT_U8 },
	{ 47, "netbios-scope", DHCP_FMT_STR },
	{ 50, "requested-address", DHCP_FMT_IP },
	{ 51, "lease-time", DHCP_FMT_U32 },
	{ 52, "overload", DHCP_FMT_U8 },
	{ 53, "message-type", DHCP_FMT_MSGTYPE },
	{ 54, "server-id", DHCP_FMT_IP },
	{ 55, "param-request-list", DHCP_FMT_U8S },
	{ 56, "message", DHCP_FMT_STR },
	{ 57, "max-message-size", DHCP_FMT_U16 },
	{ 58, "renewal-time", DHCP_FMT_U32 },
	{ 59, "rebinding-time", DHCP_FMT_U32 },
	{ 60, "vendor-class", DHCP_FMT_STR },
	{ 61, "client-id", DHCP_FMT_BYTES },
	{ 66, "tftp-server-name", DHCP_FMT_STR },
	{ 67, "bootfile-name", DHCP_FMT_STR },
	{ 69, "smtp-server", DHCP_FMT_IPS },
	{ 77, "user-class", DHCP_FMT_BYTES },
	{ 81, "client-fqdn", DHCP_FMT_BYTES },
	{ 82, "relay-agent-info", DHCP_FMT_BYTES },
	{ 93, "client-arch", DHCP_FMT_ARCHS },
	{ 94, "client-ndi", DHCP_FMT_DOTTED },
	{ 97, "client-uuid", DHCP_FMT_UUID },
	{ 114, "captive-portal", DHCP_FMT_STR },
	{ 119, "domain-search", DHCP_FMT_BYTES },
	{ 121, "classless-static-route", DHCP_FMT_BYTES },
	{ 150, "tftp-server-address", DHCP_FMT_IPS },
	{ 175, "ipxe-encap", DHCP_FMT_BYTES },
	{ 208, "pxelinux-magic", DHCP_FMT_BYTES },
	{ 209, "pxelinux-configfile", DHCP_FMT_STR },
	{ 210, "pxelinux-pathprefix", DHCP_FMT_STR },
	{ 211, "pxelinux-reboottime", DHCP_FMT_U32 },
	{ 252, "wpad", DHCP_FMT_STR },
};
#define NOPT_TABLE (sizeof(opt_table) / sizeof(opt_table[0]))

const struct dhcp_optdef *
dhcp_opt_by_code(uint8_t code)
{
	size_t i;

	for (i = 0; i < NOPT_TABLE; i++)
		if (opt_table[i].code == code)
			return &opt_table[i];
	return NULL;
}

const char *
dhcp_opt_name(uint8_t code, char *buf, size_t cap)
{
	const struct dhcp_optdef *d = dhcp_opt_by_code(code);

	if (d != NULL)
		return d->name;
	snprintf(buf, cap, "option-%u", code);
	return buf;
}

static int text_num(const char *s, long long min, long long max,
    long long *v);

int
dhcp_opt_code(const char *name)
{
	long long v;
	size_t i;

	for (i = 0; i < NOPT_TABLE; i++)
		if (strcasecmp(name, opt_table[i].name) == 0)
			return opt_table[i].code;
	if (strncasecmp(name, "option-", 7) == 0)
		name += 7;
	if (!isdigit((unsigned char)name[0]) || text_num(name, 1, 254, &v) < 0)
		return -1;
	return (int)v;
}

/* ---- the formats ---- */

struct out {
	char *p;
	size_t cap, len;
};

static void __attribute__((format(printf, 2, 3)))
put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->len + 1 >= o->cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	o->len += (size_t)n;
	if (o->len >= o->cap)
		o->len = o->cap - 1;
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
set_be(uint8_t *p, unsigned size, uint64_t v)
{
	unsigned i;

	for (i = 0; i < size; i++)
		p[i] = (uint8_t)(v >> (8 * (size - 1 - i)));
}

/* Decimal number within [min, max].  0 or -1. */
static int
text_num(const char *s, long long min, long long max, long long *v)
{
	char *end;

	if (*s == '\0' || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	*v = strtoll(s, &end, 10);
	return errno == 0 && *end == '\0' && *v >= min && *v <= max ? 0 : -1;
}

static int
hexval(char c)
{
	return isdigit((unsigned char)c) ? c - '0' :
	    tolower((unsigned char)c) - 'a' + 10;
}

/*
 * One row per format.  size: bytes of one element, 0 for a value of any
 * length (parsed and printed whole); sep: a list of one or more elements
 * joined by sep in text, 0 for one element.  A format parses with one of
 * parse_one (an element) and parse_all (the whole text) and prints with
 * one of print_one and print_all; valid, when set, says which element
 * values the text form holds.  A value the row does not fit prints as hex.
 */
struct dhcp_fmtdef {
	uint8_t size;
	char sep;
	int (*parse_one)(const struct dhcp_fmtdef *f, const char *s,
	    uint8_t *out, const char **why);
	int (*parse_all)(const char *s, uint8_t *out, size_t cap,
	    const char **why);
	void (*print_one)(struct out *o, const uint8_t *d);
	void (*print_all)(struct out *o, const uint8_t *p, size_t n);
	bool (*valid)(const uint8_t *d);
	long long min, max;	/* parse_num's range */
	const char *why;	/* and what it says out of it */
};

/*
 * Element parsers: one element's text into its bytes (the format's row
 * says how many and, for numbers, the range).  0 or -EINVAL.
 */

static int
parse_ip(const struct dhcp_fmtdef *f, const char *s, uint8_t *out,
    const char **why)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		*why = "is not an IPv4 address";
		return -EINVAL;
	}
	memcpy(out, &a, 4);
	return 0;
}

/* A number within the row's range, big-endian in the row's size. */
static int
parse_num(const struct dhcp_fmtdef *f, const char *s, uint8_t *out,
    const char **why)
{
	long long v;

	if (text_num(s, f->min, f->max, &v) < 0) {
		*why = f->why;
		return -EINVAL;
	}
	set_be(out, f->size, (uint64_t)v);
	return 0;
}

static int
parse_bool(const struct dhcp_fmtdef *f, const char *s, uint8_t *out,
    const char **why)
{
	if (!strcmp(s, "1") || !strcasecmp(s, "yes") ||
	    !strcasecmp(s, "true") || !strcasecmp(s, "on"))
		out[0] = 1;
	else if (!strcmp(s, "0") || !strcasecmp(s, "no") ||
	    !strcasecmp(s, "false") || !strcasecmp(s, "off"))
		out[0] = 0;
	else {
		*why = "is not 0 or 1";
		return -EINVAL;
	}
	return 0;
}

/* A message type by name ("DHCPACK" or "ack") or number. */
static int
parse_msgtype(const struct dhcp_fmtdef *f, const char *s, uint8_t *out,
    const char **why)
{
	const char *name;
	long long v;
	int n;

	for (n = DHCPDISCOVER; n <= DHCPINFORM; n++) {
		name = dhcp_msgtype_str(n);
		if (!strcasecmp(s, name) || !strcasecmp(s, name + 4)) {
			out[0] = (uint8_t)n;
			return 0;
		}
	}
	if (text_num(s, 0, 255, &v) < 0) {
		*why = "is not a message type";
		return -EINVAL;
	}
	out[0] = (uint8_t)v;
	return 0;
}

/* An architecture by number or name; "7 (efi-bc)", as printed, too. */
static int
parse_arch(const struct dhcp_fmtdef *f, const char *s, uint8_t *out,
    const char **why)
{
	char num[16];
	const char *paren = strstr(s, " (");
	size_t n = strlen(s);
	int arch;

	if (paren != NULL && s[n - 1] == ')' &&
	    (size_t)(paren - s) < sizeof(num)) {
		memcpy(num, s, (size_t)(paren - s));
		num[paren - s] = '\0';
		s = num;
	}
	if ((arch = dhcp_arch_parse(s)) < 0) {
		*why = "is not an architecture (a number, or bios, efi-ia32, "
		    "efi-bc, efi-x64, efi-arm32, efi-arm64)";
		return -EINVAL;
	}
	set_be(out, 2, (uint64_t)arch);
	return 0;
}

/* Whole-value parsers: the text into out.  Length, or -errno. */

static int
parse_hex(const char *s, uint8_t *out, size_t cap, const char **why)
{
	size_t n = 0;

	if (strncasecmp(s, "0x", 2) == 0)
		s += 2;
	while (*s != '\0') {
		if (*s == ':' || *s == ' ' || *s == '-') {
			s++;
			continue;
		}
		if (!isxdigit((unsigned char)s[0]) ||
		    !isxdigit((unsigned char)s[1])) {
			*why = "is not hex bytes (like 01:02:0a)";
			return -EINVAL;
		}
		if (n == cap)
			return -EMSGSIZE;
		out[n++] = (uint8_t)(hexval(s[0]) << 4 | hexval(s[1]));
		s += 2;
	}
	return (int)n;
}

/*
 * Text as it is, or, when it is in double quotes as printed, what the
 * quotes hold with \" \\ and \ooo undone.
 */
static int
parse_str(const char *s, uint8_t *out, size_t cap, const char **why)
{
	size_t len = strlen(s), n = 0, i;

	if (len < 2 || s[0] != '"' || s[len - 1] != '"') {
		if (len > cap)
			return -EMSGSIZE;
		memcpy(out, s, len);
		return (int)len;
	}
	for (i = 1; i < len - 1; i++) {
		if (n == cap)
			return -EMSGSIZE;
		if (s[i] != '\\') {
			out[n++] = (uint8_t)s[i];
		} else if (s[i + 1] == '"' || s[i + 1] == '\\') {
			out[n++] = (uint8_t)s[++i];
		} else if (s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' &&
		    s[i + 3] >= '0' && s[i + 3] <= '7') {
			out[n++] = (uint8_t)((s[i + 1] - '0') << 6 |
			    (s[i + 2] - '0') << 3 | (s[i + 3] - '0'));
			i += 3;
		} else {
			*why = "has a \\ that is not \\\", \\\\ or \\ooo";
			return -EINVAL;
		}
	}
	return (int)n;
}

/* A UUID "8-4-4-4-12" as type 0 plus 16 bytes (option 97). */
static int
parse_uuid(const char *s, uint8_t *out, size_t cap, const char **why)
{
	uint8_t raw[40];
	int n;

	if (cap < 17)
		return -EMSGSIZE;
	n = parse_hex(s, raw, sizeof(raw), why);
	if (n == 17 && raw[0] == 0) {
		memcpy(out, raw, 17);
		return 17;
	}
	if (n != 16) {
		*why = "is not a UUID (8-4-4-4-12 hex digits)";
		return -EINVAL;
	}
	out[0] = 0;
	memcpy(out + 1, raw, 16);
	return 17;
}

/* Element printers: one element of the format's size. */

static void
print_ip(struct out *o, const uint8_t *d)
{
	put(o, "%u.%u.%u.%u", d[0], d[1], d[2], d[3]);
}

static void
print_u8(struct out *o, const uint8_t *d)
{
	put(o, "%u", d[0]);
}

static void
print_u16(struct out *o, const uint8_t *d)
{
	put(o, "%u", d[0] << 8 | d[1]);
}

static void
print_u32(struct out *o, const uint8_t *d)
{
	put(o, "%lu", (unsigned long)be32(d));
}

static void
print_s32(struct out *o, const uint8_t *d)
{
	put(o, "%ld", (long)(int32_t)be32(d));
}

static void
print_msgtype(struct out *o, const uint8_t *d)
{
	if (d[0] >= DHCPDISCOVER && d[0] <= DHCPINFORM)
		put(o, "%s", dhcp_msgtype_str(d[0]));
	else
		put(o, "%u", d[0]);
}

static void
print_arch(struct out *o, const uint8_t *d)
{
	int v = d[0] << 8 | d[1];
	const char *name = dhcp_arch_name(v);

	if (name)
		put(o, "%d (%s)", v, name);
	else
		put(o, "%d", v);
}

static void
print_uuid(struct out *o, const uint8_t *d)
{
	unsigned i;

	for (i = 1; i < 17; i++)
		put(o, "%s%02x", i == 5 || i == 7 || i == 9 || i == 11 ?
		    "-" : "", d[i]);
}

/* Whole-value printers. */

static void
print_hex(struct out *o, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		put(o, "%s%02x", i ? ":" : "", p[i]);
}

static void
print_str(struct out *o, const uint8_t *p, size_t n)
{
	size_t i;

	put(o, "\"");
	for (i = 0; i < n; i++) {
		if (p[i] == '"' || p[i] == '\\')
			put(o, "\\%c", p[i]);
		else if (p[i] >= 0x20 && p[i] < 0x7f)
			put(o, "%c", p[i]);
		else
			put(o, "\\%03o", p[i]);
	}
	put(o, "\"");
}

/* Values a format's element may hold besides its size (NULL: any). */

static bool
is_bool(const uint8_t *d)
{
	return d[0] <= 1;
}

static bool
is_uuid(const uint8_t *d)
{
	return d[0] == 0;	/* type 0; others print as hex */
}

static const struct dhcp_fmtdef fmts[] = {
	[DHCP_FMT_BYTES] = { 0, 0, NULL, parse_hex, NULL, print_hex },
	[DHCP_FMT_STR] = { 0, 0, NULL, parse_str, NULL, print_str },
	[DHCP_FMT_UUID] = { 17, 0, NULL, parse_uuid, print_uuid, NULL,
	    is_uuid },
	[DHCP_FMT_IP] = { 4, 0, parse_ip, NULL, print_ip },
	[DHCP_FMT_IPS] = { 4, ',', parse_ip, NULL, print_ip },
	[DHCP_FMT_BOOL] = { 1, 0, parse_bool, NULL, print_u8, NULL, is_bool },
	[DHCP_FMT_MSGTYPE] = { 1, 0, parse_msgtype, NULL, print_msgtype },
	[DHCP_FMT_ARCHS] = { 2, ',', parse_arch, NULL, print_arch },
	[DHCP_FMT_U8] = { 1, 0, parse_num, NULL, print_u8, NULL, NULL, 0, 255,
	    "is not a number from 0 to 255" },
	[DHCP_FMT_U8S] = { 1, ',', parse_num, NULL, print_u8, NULL, NULL, 0,
	    255, "is not a number from 0 to 255" },
	[DHCP_FMT_DOTTED] = { 1, '.', parse_num, NULL, print_u8, NULL, NULL, 0,
	    255, "is not a number from 0 to 255" },
	[DHCP_FMT_U16] = { 2, 0, parse_num, NULL, print_u16, NULL, NULL, 0,
	    65535, "is not a number from 0 to 65535" },
	[DHCP_FMT_U16S] = { 2, ',', parse_num, NULL, print_u16, NULL, NULL, 0,
	    65535, "is not a number from 0 to 65535" },
	[DHCP_FMT_U32] = { 4, 0, parse_num, NULL, print_u32, NULL, NULL, 0,
	    4294967295LL, "is not a number from 0 to 4294967295" },
	[DHCP_FMT_S32] = { 4, 0, parse_num, NULL, print_s32, NULL, NULL,
	    -2147483648LL, 2147483647LL, "is not a signed 32-bit number" },
};

static const struct dhcp_fmtdef *
fmt_of(uint8_t code)
{
	const struct dhcp_optdef *d = dhcp_opt_by_code(code);

	return &fmts[d ? d->fmt : DHCP_FMT_BYTES];
}

/* Does a value of n bytes at p fit format f (else it prints as hex)? */
static bool
fits(const struct dhcp_fmtdef *f, const uint8_t *p, size_t n)
{
	size_t i;

	if (f->size == 0)
		return true;
	if (f->sep != 0 ? n == 0 || n % f->size != 0 : n != f->size)
		return false;
	for (i = 0; f->valid != NULL && i < n; i += f->size)
		if (!f->valid(p + i))
			return false;
	return true;
}

/* ---- text to value, value to text ---- */

/* Encode the elements of a list, split at f->sep (empty ones skipped). */
static int
parse_list(const struct dhcp_fmtdef *f, const char *text, uint8_t *out,
    size_t cap, const char **why)
{
	char el[64];
	const char *end;
	uint8_t one[4];
	size_t n = 0, len;
	int r;

	for (; *text != '\0'; text = *end ? end + 1 : end) {
		if ((end = strchr(text, f->sep)) == NULL)
			end = text + strlen(text);
		while (*text == ' ' && text < end)
			text++;
		if ((len = (size_t)(end - text)) == 0)
			continue;
		if (len >= sizeof(el)) {
			*why = "has an element too long to be one";
			return -EINVAL;
		}
		memcpy(el, text, len);
		el[len] = '\0';
		if ((r = f->parse_one(f, el, one, why)) < 0)
			return r;
		if (cap - n < f->size)
			return -EMSGSIZE;
		memcpy(out + n, one, f->size);
		n += f->size;
	}
	if (n == 0) {
		*why = "is empty";
		return -EINVAL;
	}
	return (int)n;
}

int
dhcp_opt_from_text(uint8_t code, const char *text, uint8_t *out, size_t cap,
    const char **why)
{
	const struct dhcp_fmtdef *f = fmt_of(code);
	uint8_t one[4];
	int r;

	*why = "";
	/* A value printed as hex because it did not fit its format. */
	if (f->parse_all != parse_str && strncasecmp(text, "0x", 2) == 0)
		return parse_hex(text, out, cap, why);
	if (f->parse_all != NULL)
		return f->parse_all(text, out, cap, why);
	if (f->sep != 0)
		return parse_list(f, text, out, cap, why);
	if ((r = f->parse_one(f, text, one, why)) < 0)
		return r;
	if (cap < f->size)
		return -EMSGSIZE;
	memcpy(out, one, f->size);
	return f->size;
}

size_t
dhcp_opt_to_text(uint8_t code, const uint8_t *d, size_t n, char *buf,
    size_t cap)
{
	struct out o = { buf, cap, 0 };
	const struct dhcp_fmtdef *f = fmt_of(code);
	size_t i;

	if (cap == 0)
		return 0;
	buf[0] = '\0';
	if (!fits(f, d, n)) {
		put(&o, "0x");	/* read back as hex whatever the format */
		f = &fmts[DHCP_FMT_BYTES];
	}
	if (f->print_all != NULL) {
		f->print_all(&o, d, n);
		return o.len;
	}
	for (i = 0; i < n; i += f->size) {
		if (i > 0)
			put(&o, "%c", f->sep);
		f->print_one(&o, d + i);
	}
	return o.len;
}
