/*
 * dhcp: DHCPv4/BOOTP wire code: decoding with long options and overload,
 * reply layout, and the shared option table.  See dhcp.h.
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

/* Walk one area of options.  0 or -EBADMSG. */
static int
walk_area(struct dhcp_msg *m, struct walk *w, int area, const uint8_t *p,
    size_t len)
{
	size_t i = 0, olen;
	uint8_t code;
	int e;

	while (i < len) {
		code = p[i];
		if (code == DHCP_OPT_PAD) {
			i++;
			continue;
		}
		if (code == DHCP_OPT_END)
			return 0;
		if (i + 1 >= len)
			return bad(m, "option %u in %s has no length", code,
			    area_names[area]);
		olen = p[i + 1];
		if (i + 2 + olen > len)
			return bad(m, "option %u runs past the end of %s", code,
			    area_names[area]);
		if ((e = take(m, w, area, code, p + i + 2, (uint8_t)olen)) < 0)
			return e;
		i += 2 + olen;
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
	m->sname = p + DHCP_OFF_SNAME;
	m->file = p + DHCP_OFF_FILE;
	if (len < DHCP_OFF_OPTIONS || ((uint32_t)p[236] << 24 |
	    (uint32_t)p[237] << 16 | (uint32_t)p[238] << 8 | p[239]) !=
	    DHCP_COOKIE)
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

int
dhcp_opt_code(const char *name)
{
	unsigned long v;
	char *end;
	size_t i;

	for (i = 0; i < NOPT_TABLE; i++)
		if (strcasecmp(name, opt_table[i].name) == 0)
			return opt_table[i].code;
	if (strncasecmp(name, "option-", 7) == 0)
		name += 7;
	if (!isdigit((unsigned char)name[0]))
		return -1;
	v = strtoul(name, &end, 10);
	if (*end != '\0' || v < 1 || v > 254)
		return -1;
	return (int)v;
}

static enum dhcp_fmt
fmt_of(uint8_t code)
{
	const struct dhcp_optdef *d = dhcp_opt_by_code(code);

	return d ? d->fmt : DHCP_FMT_BYTES;
}

/* ---- text to value ---- */

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
text_hex(const char *s, uint8_t *out, size_t cap, const char **why)
{
	size_t n = 0;
	int hi, lo;

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
		hi = isdigit((unsigned char)s[0]) ? s[0] - '0' :
		    (tolower((unsigned char)s[0]) - 'a' + 10);
		lo = isdigit((unsigned char)s[1]) ? s[1] - '0' :
		    (tolower((unsigned char)s[1]) - 'a' + 10);
		if (n == cap)
			return -EMSGSIZE;
		out[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	return (int)n;
}

/* Encode one list element of format f.  Bytes written, or -errno. */
static int
text_elem(enum dhcp_fmt f, const char *s, uint8_t *out, size_t cap,
    const char **why)
{
	struct in_addr a;
	long long v;
	int arch, n;

	switch (f) {
	case DHCP_FMT_IP:
	case DHCP_FMT_IPS:
		if (inet_pton(AF_INET, s, &a) != 1) {
			*why = "is not an IPv4 address";
			return -EINVAL;
		}
		if (cap < 4)
			return -EMSGSIZE;
		memcpy(out, &a, 4);
		return 4;
	case DHCP_FMT_U8:
	case DHCP_FMT_U8S:
	case DHCP_FMT_DOTTED:
		if (text_num(s, 0, 255, &v) < 0) {
			*why = "is not a number from 0 to 255";
			return -EINVAL;
		}
		if (cap < 1)
			return -EMSGSIZE;
		out[0] = (uint8_t)v;
		return 1;
	case DHCP_FMT_U16:
	case DHCP_FMT_U16S:
	case DHCP_FMT_ARCHS:
		if (f == DHCP_FMT_ARCHS) {
			if ((arch = dhcp_arch_parse(s)) < 0) {
				*why = "is not an architecture (a number, or "
				    "bios, efi-ia32, efi-bc, efi-x64, "
				    "efi-arm32, efi-arm64)";
				return -EINVAL;
			}
			v = arch;
		} else if (text_num(s, 0, 65535, &v) < 0) {
			*why = "is not a number from 0 to 65535";
			return -EINVAL;
		}
		if (cap < 2)
			return -EMSGSIZE;
		out[0] = (uint8_t)(v >> 8);
		out[1] = (uint8_t)v;
		return 2;
	case DHCP_FMT_U32:
	case DHCP_FMT_S32:
		if ((f == DHCP_FMT_U32 && text_num(s, 0, 4294967295LL, &v) < 0) ||
		    (f == DHCP_FMT_S32 && text_num(s, -2147483648LL,
		    2147483647LL, &v) < 0)) {
			*why = f == DHCP_FMT_U32 ? "is not a number from 0 to "
			    "4294967295" : "is not a signed 32-bit number";
			return -EINVAL;
		}
		if (cap < 4)
			return -EMSGSIZE;
		out[0] = (uint8_t)((uint64_t)v >> 24);
		out[1] = (uint8_t)((uint64_t)v >> 16);
		out[2] = (uint8_t)((uint64_t)v >> 8);
		out[3] = (uint8_t)v;
		return 4;
	case DHCP_FMT_BOOL:
		if (cap < 1)
			return -EMSGSIZE;
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
		return 1;
	case DHCP_FMT_MSGTYPE:
		for (n = DHCPDISCOVER; n <= DHCPINFORM; n++)
			if (!strcasecmp(s, msgtype_names[n]) ||
			    !strcasecmp(s, msgtype_names[n] + 4))
				break;
		if (n > DHCPINFORM) {
			if (text_num(s, 1, 255, &v) < 0) {
				*why = "is not a message type";
				return -EINVAL;
			}
			n = (int)v;
		}
		if (cap < 1)
			return -EMSGSIZE;
		out[0] = (uint8_t)n;
		return 1;
	default:
		*why = "has no text form";
		return -EINVAL;
	}
}

/* A UUID "8-4-4-4-12" as type 0 plus 16 bytes (option 97). */
static int
text_uuid(const char *s, uint8_t *out, size_t cap, const char **why)
{
	uint8_t raw[40];
	int n;

	if (cap < 17)
		return -EMSGSIZE;
	n = text_hex(s, raw, sizeof(raw), why);
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

int
dhcp_opt_from_text(uint8_t code, const char *text, uint8_t *out, size_t cap,
    const char **why)
{
	enum dhcp_fmt f = fmt_of(code);
	char buf[1024], *el, *save = NULL;
	const char *sep = f == DHCP_FMT_DOTTED ? "." : ",";
	size_t n = 0, len = strlen(text);
	int r;

	*why = "";
	switch (f) {
	case DHCP_FMT_STR:
		if (len > cap)
			return -EMSGSIZE;
		memcpy(out, text, len);
		return (int)len;
	case DHCP_FMT_BYTES:
		return text_hex(text, out, cap, why);
	case DHCP_FMT_UUID:
		return text_uuid(text, out, cap, why);
	case DHCP_FMT_IPS:
	case DHCP_FMT_U8S:
	case DHCP_FMT_U16S:
	case DHCP_FMT_ARCHS:
	case DHCP_FMT_DOTTED:
		if (len >= sizeof(buf))
			return -EMSGSIZE;
		memcpy(buf, text, len + 1);
		for (el = strtok_r(buf, sep, &save); el != NULL;
		    el = strtok_r(NULL, sep, &save)) {
			while (*el == ' ')
				el++;
			if ((r = text_elem(f, el, out + n, cap - n, why)) < 0)
				return r;
			n += (size_t)r;
		}
		if (n == 0) {
			*why = "is empty";
			return -EINVAL;
		}
		return (int)n;
	default:
		return text_elem(f, text, out, cap, why);
	}
}

/* ---- value to text ---- */

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

static void
put_hex(struct out *o, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		put(o, "%s%02x", i ? ":" : "", p[i]);
}

static void
put_str(struct out *o, const uint8_t *p, size_t n)
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

/* The length a value of format f must have: 0 any, else a divisor. */
static bool
len_fits(enum dhcp_fmt f, size_t n)
{
	switch (f) {
	case DHCP_FMT_IP:
	case DHCP_FMT_U32:
	case DHCP_FMT_S32:
		return n == 4;
	case DHCP_FMT_IPS:
		return n > 0 && n % 4 == 0;
	case DHCP_FMT_U8:
	case DHCP_FMT_BOOL:
	case DHCP_FMT_MSGTYPE:
		return n == 1;
	case DHCP_FMT_U16:
		return n == 2;
	case DHCP_FMT_U16S:
	case DHCP_FMT_ARCHS:
		return n > 0 && n % 2 == 0;
	case DHCP_FMT_U8S:
	case DHCP_FMT_DOTTED:
		return n > 0;
	case DHCP_FMT_UUID:
		return n == 17;
	default:
		return true;
	}
}

size_t
dhcp_opt_to_text(uint8_t code, const uint8_t *d, size_t n, char *buf,
    size_t cap)
{
	struct out o = { buf, cap, 0 };
	enum dhcp_fmt f = fmt_of(code);
	const char *name;
	size_t i;

	if (cap == 0)
		return 0;
	buf[0] = '\0';
	if (!len_fits(f, n))
		f = DHCP_FMT_BYTES;
	switch (f) {
	case DHCP_FMT_IP:
	case DHCP_FMT_IPS:
		for (i = 0; i < n; i += 4)
			put(&o, "%s%u.%u.%u.%u", i ? "," : "", d[i], d[i + 1],
			    d[i + 2], d[i + 3]);
		break;
	case DHCP_FMT_U8:
		put(&o, "%u", d[0]);
		break;
	case DHCP_FMT_BOOL:
		put(&o, "%u", d[0] ? 1 : 0);
		break;
	case DHCP_FMT_U16:
		put(&o, "%u", d[0] << 8 | d[1]);
		break;
	case DHCP_FMT_U32:
		put(&o, "%lu", (unsigned long)((uint32_t)d[0] << 24 |
		    (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3]));
		break;
	case DHCP_FMT_S32:
		put(&o, "%ld", (long)(int32_t)((uint32_t)d[0] << 24 |
		    (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3]));
		break;
	case DHCP_FMT_STR:
		put_str(&o, d, n);
		break;
	case DHCP_FMT_U8S:
	case DHCP_FMT_DOTTED:
		for (i = 0; i < n; i++)
			put(&o, "%s%u", i ? (f == DHCP_FMT_DOTTED ? "." :
			    ",") : "", d[i]);
		break;
	case DHCP_FMT_U16S:
	case DHCP_FMT_ARCHS:
		for (i = 0; i < n; i += 2) {
			int v = d[i] << 8 | d[i + 1];

			name = f == DHCP_FMT_ARCHS ? dhcp_arch_name(v) : NULL;
			if (name)
				put(&o, "%s%d (%s)", i ? "," : "", v, name);
			else
				put(&o, "%s%d", i ? "," : "", v);
		}
		break;
	case DHCP_FMT_MSGTYPE:
		if (d[0] >= DHCPDISCOVER && d[0] <= DHCPINFORM)
			put(&o, "%s", msgtype_names[d[0]]);
		else
			put(&o, "%u", d[0]);
		break;
	case DHCP_FMT_UUID:
		if (d[0] != 0) {
			put_hex(&o, d, n);
			break;
		}
		for (i = 1; i < 17; i++)
			put(&o, "%s%02x", i == 5 || i == 7 || i == 9 ||
			    i == 11 ? "-" : "", d[i]);
		break;
	default:
		put_hex(&o, d, n);
		break;
	}
	return o.len;
}
