/*
 * dhcp: DHCPv4/BOOTP wire code: decoding with long options and overload,
 * and reply layout.  The option table and the text form of values are in
 * dhcpopt.c.  See dhcp.h.
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

#include "libpxe/buf.h"
#include "libpxe/dhcp.h"

/* ---- decoding ---- */

enum { AREA_OPTIONS, AREA_FILE, AREA_SNAME };
static const char *const area_names[] = { "the options", "the file field",
	"the sname field" };

/* Per-code bookkeeping across the two passes of dhcp_parse. */
struct walk {
	uint16_t count[256];	/* instances of each code */
	uint16_t total[256];	/* their joined length */
	uint16_t fill[256];	/* pass 2: bytes copied so far */
	int pass;
};

static int __attribute__((format(printf, 2, 3)))
bad(struct dhcp_msg *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->why, sizeof(m->why), fmt, ap);
	va_end(ap);
	return -EBADMSG;
}

/* One option instance found in an area. */
static int
take(struct dhcp_msg *m, struct walk *w, int area, uint8_t code,
    const uint8_t *data, uint8_t len)
{
	struct dhcp_optval *o = &m->opt[code];

	/* Overload counts only in the options field: it cannot loop. */
	if (code == DHCP_OPT_OVERLOAD && area != AREA_OPTIONS)
		return 0;
	if (w->pass == 1) {
		if (w->count[code]++ == 0) {
			o->data = data;
			m->order[m->norder++] = code;
			if (code == DHCP_OPT_OVERLOAD) {
				if (len != 1 || data[0] < 1 || data[0] > 3)
					return bad(m, "option 52 (overload) is "
					    "not 1, 2 or 3");
				m->overload = data[0];
			}
		}
		if (w->total[code] + len > 65535)
			return bad(m, "option %u is too long", code);
		w->total[code] += len;
		return 0;
	}
	/* Pass 2: only repeated options are copied into scratch. */
	if (w->count[code] > 1) {
		memcpy((uint8_t *)o->data + w->fill[code], data, len);
		w->fill[code] += len;
	}
	return 0;
}

/* Walk one area of options through a cursor.  0 or -EBADMSG. */
static int
walk_area(struct dhcp_msg *m, struct walk *w, int area, const uint8_t *p,
    size_t len)
{
	const uint8_t *data;
	struct pxe_buf b;
	uint8_t code, olen;
	int e;

	pxe_buf_init_ro(&b, p, len);
	while (pxe_buf_left(&b) > 0) {
		code = pxe_buf_get_u8(&b);
		if (code == DHCP_OPT_PAD)
			continue;
		if (code == DHCP_OPT_END)
			return 0;
		olen = pxe_buf_get_u8(&b);
		if (!pxe_buf_ok(&b))
			return bad(m, "option %u in %s has no length", code,
			    area_names[area]);
		if ((data = pxe_buf_get_ptr(&b, olen)) == NULL)
			return bad(m, "option %u runs past the end of %s", code,
			    area_names[area]);
		if ((e = take(m, w, area, code, data, olen)) < 0)
			return e;
	}
	if (area == AREA_OPTIONS)
		m->no_end = true;
	return 0;
}

static int
walk_all(struct dhcp_msg *m, struct walk *w, const uint8_t *pkt, size_t len)
{
	int e;

	e = walk_area(m, w, AREA_OPTIONS, pkt + DHCP_OFF_OPTIONS,
	    len - DHCP_OFF_OPTIONS);
	if (e == 0 && (m->overload & 1))
		e = walk_area(m, w, AREA_FILE, pkt + DHCP_OFF_FILE,
		    DHCP_FILE_LEN);
	if (e == 0 && (m->overload & 2))
		e = walk_area(m, w, AREA_SNAME, pkt + DHCP_OFF_SNAME,
		    DHCP_SNAME_LEN);
	return e;
}

int
dhcp_parse(const void *pkt, size_t len, struct dhcp_msg *m)
{
	const uint8_t *p = pkt;
	struct pxe_buf b;
	struct walk w;
	size_t used = 0;
	unsigned i;
	int e;

	memset(m, 0, offsetof(struct dhcp_msg, scratch));
	m->why[0] = '\0';
	if (len < DHCP_FIXED_LEN)
		return bad(m, "%zu bytes, shorter than a BOOTP header", len);
	pxe_buf_init_ro(&b, pkt, len);
	m->op = pxe_buf_get_u8(&b);
	m->htype = pxe_buf_get_u8(&b);
	m->hlen = pxe_buf_get_u8(&b);
	m->hops = pxe_buf_get_u8(&b);
	m->xid = pxe_buf_get_be32(&b);
	m->secs = pxe_buf_get_be16(&b);
	m->flags = pxe_buf_get_be16(&b);
	pxe_buf_get_bytes(&b, &m->ciaddr, 4);
	pxe_buf_get_bytes(&b, &m->yiaddr, 4);
	pxe_buf_get_bytes(&b, &m->siaddr, 4);
	pxe_buf_get_bytes(&b, &m->giaddr, 4);
	pxe_buf_get_bytes(&b, m->chaddr, DHCP_CHADDR_LEN);
	if (!pxe_buf_ok(&b))
		return bad(m, "truncated header");
	if (m->op != BOOTREQUEST && m->op != BOOTREPLY)
		return bad(m, "op %u is neither request nor reply", m->op);
	if (m->hlen > DHCP_CHADDR_LEN)
		return bad(m, "hardware address length %u is over 16",
		    m->hlen);
	m->sname = pxe_buf_get_ptr(&b, DHCP_SNAME_LEN);
	m->file = pxe_buf_get_ptr(&b, DHCP_FILE_LEN);
	if (pxe_buf_get_be32(&b) != DHCP_COOKIE || !pxe_buf_ok(&b))
		return 0;	/* BOOTP: the vendor area is not ours */
	m->cookie = true;
	memset(&w, 0, sizeof(w));
	w.pass = 1;
	if ((e = walk_all(m, &w, p, len)) < 0)
		return e;
	/* Room in scratch for every option that came in pieces. */
	for (i = 0; i < 256; i++) {
		m->opt[i].len = w.total[i];
		if (w.count[i] <= 1)
			continue;
		if (used + w.total[i] > sizeof(m->scratch))
			return bad(m, "long options over %zu bytes",
			    sizeof(m->scratch));
		m->opt[i].data = m->scratch + used;
		used += w.total[i];
	}
	if (used > 0) {
		/* Pass 2 copies the pieces; the order is pass 1's. */
		w.pass = 2;
		e = walk_all(m, &w, p, len);
	}
	if (m->overload & 1)
		m->file = NULL;
	if (m->overload & 2)
		m->sname = NULL;
	return e;
}

const uint8_t *
dhcp_opt_get(const struct dhcp_msg *m, uint8_t code, size_t *len)
{
	if (m->opt[code].data == NULL)
		return NULL;
	if (len)
		*len = m->opt[code].len;
	return m->opt[code].data;
}

static int
opt_fixed(const struct dhcp_msg *m, uint8_t code, size_t want,
    const uint8_t **p)
{
	size_t len;

	if ((*p = dhcp_opt_get(m, code, &len)) == NULL)
		return -ENOENT;
	return len == want ? 0 : -EBADMSG;
}

int
dhcp_opt_u8(const struct dhcp_msg *m, uint8_t code, uint8_t *v)
{
	const uint8_t *p;
	int e = opt_fixed(m, code, 1, &p);

	if (e == 0)
		*v = p[0];
	return e;
}

int
dhcp_opt_u16(const struct dhcp_msg *m, uint8_t code, uint16_t *v)
{
	const uint8_t *p;
	int e = opt_fixed(m, code, 2, &p);

	if (e == 0)
		*v = (uint16_t)(p[0] << 8 | p[1]);
	return e;
}

int
dhcp_opt_u32(const struct dhcp_msg *m, uint8_t code, uint32_t *v)
{
	const uint8_t *p;
	int e = opt_fixed(m, code, 4, &p);

	if (e == 0)
		*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3];
	return e;
}

int
dhcp_opt_ip(const struct dhcp_msg *m, uint8_t code, uint32_t *v)
{
	const uint8_t *p;
	int e = opt_fixed(m, code, 4, &p);

	if (e == 0)
		memcpy(v, p, 4);
	return e;
}

int
dhcp_msg_type(const struct dhcp_msg *m)
{
	uint8_t t;
	int e = dhcp_opt_u8(m, DHCP_OPT_MSGTYPE, &t);

	if (e < 0)
		return e;
	return t >= DHCPDISCOVER && t <= DHCPINFORM ? t : -EBADMSG;
}

static const char *const msgtype_names[] = {
	[DHCPDISCOVER] = "DHCPDISCOVER",
	[DHCPOFFER] = "DHCPOFFER",
	[DHCPREQUEST] = "DHCPREQUEST",
	[DHCPDECLINE] = "DHCPDECLINE",
	[DHCPACK] = "DHCPACK",
	[DHCPNAK] = "DHCPNAK",
	[DHCPRELEASE] = "DHCPRELEASE",
	[DHCPINFORM] = "DHCPINFORM",
};

const char *
dhcp_msgtype_str(int type)
{
	if (type == -ENOENT)
		return "BOOTP";
	if (type >= DHCPDISCOVER && type <= DHCPINFORM)
		return msgtype_names[type];
	return "DHCP?";
}

/* ---- PXE ---- */

static const struct {
	int arch;
	const char *name;	/* for options: --boot efi-x64=... */
	const char *desc;	/* for people: what the machine is */
} arch_names[] = {
	{ 0, "bios", "BIOS" },			/* x86 BIOS */
	{ 6, "efi-ia32", "x86 UEFI" },
	{ 7, "efi-bc", "x64 UEFI" },	/* EFI BC; x64 UEFI firmware sends it */
	{ 9, "efi-x64", "x64 UEFI" },
	{ 10, "efi-arm32", "ARM32 UEFI" },
	{ 11, "efi-arm64", "ARM64 UEFI" },
	{ 15, "efi-ia32-http", "x86 UEFI HTTP" },
	{ 16, "efi-x64-http", "x64 UEFI HTTP" },
	{ 18, "efi-arm32-http", "ARM32 UEFI HTTP" },
	{ 19, "efi-arm64-http", "ARM64 UEFI HTTP" },
	{ 25, "efi-riscv64", "RISC-V 64 UEFI" },
};
#define NARCH (sizeof(arch_names) / sizeof(arch_names[0]))

const char *
dhcp_arch_name(int arch)
{
	size_t i;

	for (i = 0; i < NARCH; i++)
		if (arch_names[i].arch == arch)
			return arch_names[i].name;
	return NULL;
}

const char *
dhcp_arch_desc(int arch)
{
	size_t i;

	for (i = 0; i < NARCH; i++)
		if (arch_names[i].arch == arch)
			return arch_names[i].desc;
	return NULL;
}

int
dhcp_arch_parse(const char *s)
{
	unsigned long v;
	char *end;
	size_t i;

	for (i = 0; i < NARCH; i++)
		if (strcasecmp(s, arch_names[i].name) == 0)
			return arch_names[i].arch;
	if (!isdigit((unsigned char)s[0]))
		return -1;
	v = strtoul(s, &end, 10);
	return *end == '\0' && v <= 65535 ? (int)v : -1;
}

/* Option 60 begins with prefix (case-sensitive, as the specs spell it). */
static bool
vclass_is(const struct dhcp_msg *m, const char *prefix)
{
	size_t len, n = strlen(prefix);
	const uint8_t *p = dhcp_opt_get(m, DHCP_OPT_VCLASS, &len);

	return p != NULL && len >= n && memcmp(p, prefix, n) == 0;
}

bool
dhcp_is_pxeclient(const struct dhcp_msg *m)
{
	return vclass_is(m, "PXEClient");
}

bool
dhcp_is_httpclient(const struct dhcp_msg *m)
{
	return vclass_is(m, "HTTPClient");
}

int
dhcp_client_arch(const struct dhcp_msg *m)
{
	const uint8_t *p;
	size_t len, i, at;
	int v = 0;

	if ((p = dhcp_opt_get(m, DHCP_OPT_ARCH, &len)) != NULL && len >= 2)
		return p[0] << 8 | p[1];
	/* "PXEClient:Arch:00007:UNDI:003016" or "HTTPClient:Arch:00016" */
	if ((p = dhcp_opt_get(m, DHCP_OPT_VCLASS, &len)) == NULL)
		return -1;
	if (vclass_is(m, "PXEClient:Arch:"))
		at = 15;
	else if (vclass_is(m, "HTTPClient:Arch:"))
		at = 16;
	else
		return -1;
	if (len < at + 5)
		return -1;
	for (i = at; i < at + 5; i++) {
		if (!isdigit(p[i]))
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v <= 65535 ? v : -1;
}

bool
dhcp_is_ipxe(const struct dhcp_msg *m)
{
	const uint8_t *p;
	size_t len, i;

	if (dhcp_opt_get(m, DHCP_OPT_IPXE, NULL) != NULL)
		return true;
	if ((p = dhcp_opt_get(m, DHCP_OPT_USERCLASS, &len)) == NULL)
		return false;
	if (len == 4 && memcmp(p, "iPXE", 4) == 0)
		return true;
	/* RFC 3004: a list of (length, data) entries. */
	for (i = 0; i < len && i + 1 + p[i] <= len; i += 1 + p[i])
		if (p[i] == 4 && memcmp(p + i + 1, "iPXE", 4) == 0)
			return true;
	return false;
}

/* ---- replies ---- */

void
dhcp_reply_init(struct dhcp_reply *r, const struct dhcp_msg *req)
{
	memset(r, 0, offsetof(struct dhcp_reply, data));
	r->dlen = 0;
	r->op = BOOTREPLY;
	r->htype = 1;
	r->hlen = 6;
	if (req == NULL)
		return;
	r->htype = req->htype;
	r->hlen = req->hlen;
	r->xid = req->xid;
	r->flags = req->flags;
	r->giaddr = req->giaddr;
	memcpy(r->chaddr, req->chaddr, sizeof(r->chaddr));
}

void
dhcp_reply_del(struct dhcp_reply *r, uint8_t code)
{
	unsigned i;

	for (i = 0; i < r->nopts; i++) {
		if (r->opts[i].code != code)
			continue;
		memmove(&r->opts[i], &r->opts[i + 1],
		    (r->nopts - i - 1) * sizeof(r->opts[0]));
		r->nopts--;
		return;
	}
}

int
dhcp_reply_add(struct dhcp_reply *r, uint8_t code, const void *data,
    size_t len)
{
	struct dhcp_reply_opt *o;

	if (code == DHCP_OPT_PAD || code == DHCP_OPT_END ||
	    code == DHCP_OPT_OVERLOAD)
		return -EINVAL;
	dhcp_reply_del(r, code);
	if (r->nopts == DHCP_REPLY_MAXOPTS || len > sizeof(r->data) - r->dlen)
		return -EMSGSIZE;
	o = &r->opts[r->nopts++];
	o->code = code;
	o->len = (uint16_t)len;
	o->off = (uint16_t)r->dlen;
	if (len > 0)
		memcpy(r->data + r->dlen, data, len);
	r->dlen += len;
	return 0;
}

int
dhcp_reply_add_u8(struct dhcp_reply *r, uint8_t code, uint8_t v)
{
	return dhcp_reply_add(r, code, &v, 1);
}

int
dhcp_reply_add_u32(struct dhcp_reply *r, uint8_t code, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	return dhcp_reply_add(r, code, b, 4);
}

int
dhcp_reply_add_ip(struct dhcp_reply *r, uint8_t code, uint32_t v)
{
	return dhcp_reply_add(r, code, &v, 4);
}

int
dhcp_reply_add_str(struct dhcp_reply *r, uint8_t code, const char *s)
{
	return dhcp_reply_add(r, code, s, strlen(s));
}

/* One piece (<= 255 bytes) of an option, and the area it goes to. */
struct piece {
	uint8_t code, len, area;
	const uint8_t *data;
};

/* The options in build order: 53 and 54 first, then as added. */
static unsigned
order_opts(const struct dhcp_reply *r, unsigned *idx)
{
	unsigned i, n = 0;

	for (i = 0; i < r->nopts; i++)
		if (r->opts[i].code == DHCP_OPT_MSGTYPE)
			idx[n++] = i;
	for (i = 0; i < r->nopts; i++)
		if (r->opts[i].code == DHCP_OPT_SERVERID)
			idx[n++] = i;
	for (i = 0; i < r->nopts; i++)
		if (r->opts[i].code != DHCP_OPT_MSGTYPE &&
		    r->opts[i].code != DHCP_OPT_SERVERID)
			idx[n++] = i;
	return n;
}

/* The bytes the options take in one area, in pieces of <= 255. */
static size_t
opts_size(const struct dhcp_reply *r)
{
	size_t total = 0, n;
	unsigned i;

	for (i = 0; i < r->nopts; i++) {
		n = r->opts[i].len;
		total += n + 2 * (n == 0 ? 1 : (n + 254) / 255);
	}
	return total;
}

/*
 * Cut the options into pieces and give each an area: in build order, as
 * much as fits where we are, the rest in the next area (RFC 3396 lets an
 * option continue in another area).  Count of pieces, or -EMSGSIZE.
 */
static int
layout(const struct dhcp_reply *r, struct piece *pc, size_t max,
    const size_t *room, size_t *used)
{
	unsigned idx[DHCP_REPLY_MAXOPTS], n, i;
	size_t np = 0, left, off, space, chunk;
	int a = AREA_OPTIONS;

	n = order_opts(r, idx);
	for (i = 0; i < n; i++) {
		const struct dhcp_reply_opt *o = &r->opts[idx[i]];

		left = o->len;
		off = o->off;
		do {
			/* A piece needs its 2 header bytes and, unless the
			 * option is empty, at least one byte of value. */
			while (a <= AREA_SNAME && (space = room[a] - used[a],
			    space < 2u + (left > 0)))
				a++;
			if (a > AREA_SNAME || np == max)
				return -EMSGSIZE;
			chunk = left;
			if (chunk > 255)
				chunk = 255;
			if (chunk > space - 2)
				chunk = space - 2;
			pc[np].code = o->code;
			pc[np].len = (uint8_t)chunk;
			pc[np].data = r->data + off;
			pc[np].area = (uint8_t)a;
			used[a] += 2 + chunk;
			off += chunk;
			left -= chunk;
			np++;
		} while (left > 0);
	}
	return (int)np;
}

ssize_t
dhcp_reply_build(const struct dhcp_reply *r, void *out, size_t cap,
    size_t maxlen)
{
	struct piece pc[DHCP_REPLY_MAXOPTS + 64];
	size_t room[3], used[3] = { 0, 0, 0 }, len;
	uint8_t *p = out, *areas[3], overload = 0;
	struct pxe_buf b;
	int np, i;

	if (maxlen == 0)
		maxlen = DHCP_DEFAULT_MAX;
	if (maxlen < DHCP_MIN_PKT)
		maxlen = DHCP_MIN_PKT;
	if (maxlen > cap)
		maxlen = cap;
	if (maxlen < DHCP_MIN_PKT)
		return -EMSGSIZE;
	room[AREA_OPTIONS] = maxlen - DHCP_OFF_OPTIONS - 1;	/* END */
	room[AREA_FILE] = r->file[0] == '\0' ? DHCP_FILE_LEN - 1 : 0;
	room[AREA_SNAME] = r->sname[0] == '\0' ? DHCP_SNAME_LEN - 1 : 0;
	if (opts_size(r) > room[AREA_OPTIONS])
		room[AREA_OPTIONS] -= 3;	/* option 52 */
	np = layout(r, pc, sizeof(pc) / sizeof(pc[0]), room, used);
	if (np < 0)
		return np;
	if (used[AREA_FILE])
		overload |= 1;
	if (used[AREA_SNAME])
		overload |= 2;

	/* The header. */
	len = DHCP_OFF_OPTIONS + used[AREA_OPTIONS] + (overload ? 3 : 0) + 1;
	if (len < DHCP_MIN_PKT)
		len = DHCP_MIN_PKT;
	memset(p, 0, len);
	pxe_buf_init(&b, p, len);
	pxe_buf_put_u8(&b, r->op);
	pxe_buf_put_u8(&b, r->htype);
	pxe_buf_put_u8(&b, r->hlen);
	pxe_buf_put_u8(&b, r->hops);
	pxe_buf_put_be32(&b, r->xid);
	pxe_buf_put_be16(&b, r->secs);
	pxe_buf_put_be16(&b, r->flags);
	pxe_buf_put_bytes(&b, &r->ciaddr, 4);
	pxe_buf_put_bytes(&b, &r->yiaddr, 4);
	pxe_buf_put_bytes(&b, &r->siaddr, 4);
	pxe_buf_put_bytes(&b, &r->giaddr, 4);
	pxe_buf_put_bytes(&b, r->chaddr, DHCP_CHADDR_LEN);
	pxe_buf_put_bytes(&b, r->sname, DHCP_SNAME_LEN);
	pxe_buf_put_bytes(&b, r->file, DHCP_FILE_LEN);
	pxe_buf_put_be32(&b, DHCP_COOKIE);
	if (!pxe_buf_ok(&b))
		return -EMSGSIZE;
	if (!(overload & 2))
		p[DHCP_OFF_SNAME + DHCP_SNAME_LEN - 1] = '\0';
	if (!(overload & 1))
		p[DHCP_OFF_FILE + DHCP_FILE_LEN - 1] = '\0';

	/* The options, area by area; each area ends with END. */
	areas[AREA_OPTIONS] = p + DHCP_OFF_OPTIONS;
	areas[AREA_FILE] = p + DHCP_OFF_FILE;
	areas[AREA_SNAME] = p + DHCP_OFF_SNAME;
	memset(used, 0, sizeof(used));
	if (overload & 1)
		memset(areas[AREA_FILE], 0, DHCP_FILE_LEN);
	if (overload & 2)
		memset(areas[AREA_SNAME], 0, DHCP_SNAME_LEN);
	for (i = 0; i < np; i++) {
		uint8_t *q = areas[pc[i].area] + used[pc[i].area];

		q[0] = pc[i].code;
		q[1] = pc[i].len;
		memcpy(q + 2, pc[i].data, pc[i].len);
		used[pc[i].area] += 2u + pc[i].len;
		/* Overload goes right after the message type. */
		if (i == 0 && overload) {
			q = areas[AREA_OPTIONS] + used[AREA_OPTIONS];
			q[0] = DHCP_OPT_OVERLOAD;
			q[1] = 1;
			q[2] = overload;
			used[AREA_OPTIONS] += 3;
		}
	}
	areas[AREA_OPTIONS][used[AREA_OPTIONS]] = DHCP_OPT_END;
	if (overload & 1)
		areas[AREA_FILE][used[AREA_FILE]] = DHCP_OPT_END;
	if (overload & 2)
		areas[AREA_SNAME][used[AREA_SNAME]] = DHCP_OPT_END;
	return (ssize_t)len;
}
