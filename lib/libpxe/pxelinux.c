/*
 * pxelinux: config search order and its reverse.  See pxelinux.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "pxelinux.h"

static const char hexlc[] = "0123456789abcdef";
static const char hexuc[] = "0123456789ABCDEF";

int
pxelinux_uuid_name(const uint8_t uuid[16], char *out)
{
	size_t i, o = 0;

	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hexlc[uuid[i] >> 4];
		out[o++] = hexlc[uuid[i] & 15];
	}
	out[o] = '\0';
	return (int)o;
}

int
pxelinux_mac_name(uint8_t hwtype, const uint8_t *mac, size_t maclen,
    char *out)
{
	size_t i, o = 0;

	if (maclen == 0 || 3 + maclen * 3 > PXELINUX_NAME_MAX + 1)
		return -EINVAL;
	out[o++] = hexlc[hwtype >> 4];
	out[o++] = hexlc[hwtype & 15];
	for (i = 0; i < maclen; i++) {
		out[o++] = '-';
		out[o++] = hexlc[mac[i] >> 4];
		out[o++] = hexlc[mac[i] & 15];
	}
	out[o] = '\0';
	return (int)o;
}

int
pxelinux_ip_name(const struct in_addr *ip, char *out)
{
	const uint8_t *b = (const uint8_t *)&ip->s_addr;
	int i;

	for (i = 0; i < 4; i++) {
		out[2 * i] = hexuc[b[i] >> 4];
		out[2 * i + 1] = hexuc[b[i] & 15];
	}
	out[8] = '\0';
	return 8;
}

static void
add(struct pxelinux_search *s, enum pxelinux_step step, const char *name)
{
	s->step[s->n] = step;
	snprintf(s->name[s->n], sizeof(s->name[s->n]), "%s", name);
	s->n++;
}

unsigned
pxelinux_search_order(const uint8_t uuid[16], const uint8_t *mac,
    size_t maclen, uint8_t hwtype, const struct in_addr *ip,
    struct pxelinux_search *out)
{
	char name[PXELINUX_NAME_MAX + 1];
	int len;

	out->n = 0;
	if (uuid != NULL) {
		pxelinux_uuid_name(uuid, name);
		add(out, PXELINUX_STEP_UUID, name);
	}
	if (mac != NULL && pxelinux_mac_name(hwtype, mac, maclen, name) > 0)
		add(out, PXELINUX_STEP_MAC, name);
	if (ip != NULL) {
		pxelinux_ip_name(ip, name);
		for (len = 8; len > 0; len--) {
			name[len] = '\0';
			add(out, PXELINUX_STEP_IP, name);
		}
	}
	add(out, PXELINUX_STEP_DEFAULT, "default");
	return out->n;
}

static bool
all_hex(const char *s, size_t n, bool upper_only)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return false;
		if (upper_only && islower((unsigned char)s[i]))
			return false;
	}
	return true;
}

static bool
is_uuid_name(const char *s)
{
	static const size_t dash[] = { 8, 13, 18, 23 };
	size_t i, d = 0;

	if (strlen(s) != 36)
		return false;
	for (i = 0; i < 36; i++) {
		if (d < 4 && i == dash[d]) {
			if (s[i] != '-')
				return false;
			d++;
		} else if (!isxdigit((unsigned char)s[i])) {
			return false;
		}
	}
	return true;
}

static bool
is_mac_name(const char *s)
{
	size_t n = strlen(s), i;

	/* "tt" then at least one "-xx" */
	if (n < 5 || (n - 2) % 3 != 0 || !all_hex(s, 2, false))
		return false;
	for (i = 2; i < n; i += 3)
		if (s[i] != '-' || !all_hex(s + i + 1, 2, false))
			return false;
	return true;
}

enum pxelinux_step
pxelinux_classify(const char *name, const char **base)
{
	const char *p, *b = NULL;
	size_t dl = strlen(PXELINUX_CFG_DIR), n;

	/* Find the last "pxelinux.cfg" directory component. */
	for (p = name; *p != '\0'; p++) {
		if ((p == name || p[-1] == '/' || p[-1] == '\\') &&
		    strncasecmp(p, PXELINUX_CFG_DIR, dl) == 0 &&
		    (p[dl] == '/' || p[dl] == '\\'))
			b = p + dl + 1;
	}
	if (b == NULL || *b == '\0' || strpbrk(b, "/\\") != NULL)
		return PXELINUX_NOT_CONFIG;
	if (base != NULL)
		*base = b;
	n = strlen(b);
	if (strcmp(b, "default") == 0)
		return PXELINUX_STEP_DEFAULT;
	if (is_uuid_name(b))
		return PXELINUX_STEP_UUID;
	if (is_mac_name(b))
		return PXELINUX_STEP_MAC;
	if (n >= 1 && n <= 8 && all_hex(b, n, true))
		return PXELINUX_STEP_IP;
	return PXELINUX_NOT_CONFIG;
}

const char *
pxelinux_step_name(enum pxelinux_step step)
{
	static const char *const names[] = {
		[PXELINUX_NOT_CONFIG] = "",
		[PXELINUX_STEP_UUID] = "UUID",
		[PXELINUX_STEP_MAC] = "MAC",
		[PXELINUX_STEP_IP] = "IP",
		[PXELINUX_STEP_DEFAULT] = "default",
	};

	if ((unsigned)step >= sizeof(names) / sizeof(names[0]))
		return "";
	return names[step];
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Two hex digits per byte; sep (if non-zero) between bytes as given. */
static int
parse_bytes(const char *s, uint8_t *out, size_t n, const char *seps,
    bool sep_required)
{
	size_t i;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if (i > 0 && *s != '\0' && strchr(seps, *s) != NULL)
			s++;
		else if (i > 0 && sep_required)
			return -EINVAL;
		if ((hi = hexval((unsigned char)s[0])) < 0 ||
		    (lo = hexval((unsigned char)s[1])) < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	return *s == '\0' ? 0 : -EINVAL;
}

int
pxelinux_parse_mac(const char *s, uint8_t mac[6])
{
	uint8_t m[6];
	size_t n = strlen(s);

	if (n == 17 && (s[2] == ':' || s[2] == '-') &&
	    parse_bytes(s, m, 6, s[2] == ':' ? ":" : "-", true) == 0)
		goto ok;
	if (n == 14 && s[4] == '.' && s[9] == '.' &&
	    all_hex(s, 4, false) && all_hex(s + 5, 4, false) &&
	    all_hex(s + 10, 4, false)) {
		char flat[13];

		memcpy(flat, s, 4);
		memcpy(flat + 4, s + 5, 4);
		memcpy(flat + 8, s + 10, 4);
		flat[12] = '\0';
		if (parse_bytes(flat, m, 6, "", false) == 0)
			goto ok;
	}
	return -EINVAL;
ok:
	memcpy(mac, m, 6);
	return 0;
}

int
pxelinux_parse_uuid(const char *s, uint8_t uuid[16])
{
	uint8_t u[16];

	if (strlen(s) < 32 || parse_bytes(s, u, 16, "-", false) < 0)
		return -EINVAL;
	memcpy(uuid, u, 16);
	return 0;
}
