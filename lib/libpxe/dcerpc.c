/* dcerpc: bind, request, response, fault and srvsvc NetrShareEnum; see
 * dcerpc.h. */
#include <errno.h>
#include <string.h>

#include "buf.h"
#include "dcerpc.h"
#include "utf16.h"

/* Syntax identifiers as they appear on the wire (UUID little-endian). */
static const uint8_t srvsvc_uuid[16] = {
	0xc8, 0x4f, 0x32, 0x4b, 0x70, 0x16, 0xd3, 0x01,
	0x12, 0x78, 0x5a, 0x47, 0xbf, 0x6e, 0xe1, 0x88,
};
static const uint8_t ndr_uuid[16] = {
	0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11,
	0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60,
};
/* Bind-time feature negotiation: 6cb71c2c-9812-4540-FFFF-000000000000. */
static const uint8_t btfn_prefix[8] = {
	0x2c, 0x1c, 0xb7, 0x6c, 0x12, 0x98, 0x40, 0x45,
};

int
dcerpc_parse_hdr(const uint8_t *p, size_t len, struct dcerpc_hdr *h)
{
	struct pxe_buf b;
	uint8_t vers, minor, drep;

	pxe_buf_init_ro(&b, p, len);
	vers = pxe_buf_get_u8(&b);
	minor = pxe_buf_get_u8(&b);
	h->ptype = pxe_buf_get_u8(&b);
	h->flags = pxe_buf_get_u8(&b);
	drep = pxe_buf_get_u8(&b);
	pxe_buf_get_bytes(&b, NULL, 3);
	h->frag_len = pxe_buf_get_le16(&b);
	h->auth_len = pxe_buf_get_le16(&b);
	h->call_id = pxe_buf_get_le32(&b);
	if (!pxe_buf_ok(&b) || h->frag_len < DCERPC_HDR_LEN ||
	    h->frag_len > len)
		return -EBADMSG;
	if (vers != 5 || minor != 0 || (drep & 0xf0) != 0x10)
		return -EPROTONOSUPPORT;	/* only little-endian ASCII */
	return 0;
}

int
dcerpc_parse_bind(const uint8_t *p, size_t len, struct dcerpc_bind *bd)
{
	struct dcerpc_hdr h;
	struct pxe_buf b;
	uint8_t n, ntx, i, k, abs[20], tx[20];
	struct dcerpc_ctx *c;
	bool ndr;

	memset(bd, 0, sizeof(*bd));
	if (dcerpc_parse_hdr(p, len, &h) < 0)
		return -EBADMSG;
	pxe_buf_init_ro(&b, p, h.frag_len);
	b.off = DCERPC_HDR_LEN;
	bd->max_xmit = pxe_buf_get_le16(&b);
	bd->max_recv = pxe_buf_get_le16(&b);
	bd->assoc_group = pxe_buf_get_le32(&b);
	n = pxe_buf_get_u8(&b);
	pxe_buf_get_bytes(&b, NULL, 3);
	if (n == 0 || n > DCERPC_MAX_CTX)
		return -EBADMSG;
	for (i = 0; i < n; i++) {
		c = &bd->ctx[bd->nctx++];
		c->id = pxe_buf_get_le16(&b);
		ntx = pxe_buf_get_u8(&b);
		pxe_buf_get_u8(&b);
		pxe_buf_get_bytes(&b, abs, 20);
		ndr = false;
		for (k = 0; k < ntx; k++) {
			pxe_buf_get_bytes(&b, tx, 20);
			if (memcmp(tx, ndr_uuid, 16) == 0 && tx[16] == 2)
				ndr = true;
		}
		if (!pxe_buf_ok(&b) || ntx == 0)
			return -EBADMSG;
		if (memcmp(abs, srvsvc_uuid, 16) == 0 && abs[16] == 3 &&
		    abs[17] == 0 && ndr && !bd->srvsvc) {
			c->result = 0;
			bd->srvsvc = true;
		} else if (memcmp(tx, btfn_prefix, 8) == 0) {
			c->result = 3;	/* negotiate_ack: no features */
			c->reason = 0;
		} else {
			c->result = 2;	/* provider rejection */
			c->reason = memcmp(abs, srvsvc_uuid, 16) == 0 ? 2 : 1;
		}
	}
	return 0;
}

static void
put_hdr(struct pxe_buf *b, uint8_t ptype, uint32_t call_id)
{
	pxe_buf_put_u8(b, 5);
	pxe_buf_put_u8(b, 0);
	pxe_buf_put_u8(b, ptype);
	pxe_buf_put_u8(b, DCERPC_PFC_FIRST_FRAG | DCERPC_PFC_LAST_FRAG);
	pxe_buf_put_u8(b, 0x10);	/* little-endian, ASCII, IEEE */
	pxe_buf_put_bytes(b, "\0\0\0", 3);
	pxe_buf_put_le16(b, 0);		/* frag_length, patched */
	pxe_buf_put_le16(b, 0);
	pxe_buf_put_le32(b, call_id);
}

/* Patch frag_length and return the PDU's length, or -ENOSPC. */
static ssize_t
finish(struct pxe_buf *b)
{
	if (!pxe_buf_ok(b) || b->off > 0xffff)
		return -ENOSPC;
	b->data[8] = (uint8_t)b->off;
	b->data[9] = (uint8_t)(b->off >> 8);
	return (ssize_t)b->off;
}

static void
align4(struct pxe_buf *b)
{
	while (b->off % 4 != 0 && pxe_buf_ok(b))
		pxe_buf_put_u8(b, 0);
}

ssize_t
dcerpc_build_bind_ack(uint8_t *out, size_t cap, uint32_t call_id,
    const struct dcerpc_bind *bd, bool alter)
{
	static const char port[] = "\\PIPE\\srvsvc";
	static const uint8_t zero[20];
	struct pxe_buf b;
	unsigned i;

	pxe_buf_init(&b, out, cap);
	put_hdr(&b, alter ? DCERPC_ALTER_CONTEXT_RESP : DCERPC_BIND_ACK,
	    call_id);
	pxe_buf_put_le16(&b, 4280);
	pxe_buf_put_le16(&b, 4280);
	pxe_buf_put_le32(&b, bd->assoc_group ? bd->assoc_group : 0x53f0);
	if (alter) {
		pxe_buf_put_le16(&b, 0);
	} else {
		pxe_buf_put_le16(&b, sizeof(port));
		pxe_buf_put_bytes(&b, port, sizeof(port));
	}
	align4(&b);
	pxe_buf_put_u8(&b, (uint8_t)bd->nctx);
	pxe_buf_put_bytes(&b, "\0\0\0", 3);
	for (i = 0; i < bd->nctx; i++) {
		pxe_buf_put_le16(&b, bd->ctx[i].result);
		pxe_buf_put_le16(&b, bd->ctx[i].reason);
		if (bd->ctx[i].result == 0) {
			pxe_buf_put_bytes(&b, ndr_uuid, 16);
			pxe_buf_put_le32(&b, 2);
		} else {
			pxe_buf_put_bytes(&b, zero, 20);
		}
	}
	return finish(&b);
}

int
dcerpc_parse_request(const uint8_t *p, size_t len, struct dcerpc_request *r)
{
	struct dcerpc_hdr h;
	struct pxe_buf b;
	size_t body, trailer;

	memset(r, 0, sizeof(*r));
	if (dcerpc_parse_hdr(p, len, &h) < 0 || h.ptype != DCERPC_REQUEST ||
	    (h.flags & (DCERPC_PFC_FIRST_FRAG | DCERPC_PFC_LAST_FRAG)) !=
	    (DCERPC_PFC_FIRST_FRAG | DCERPC_PFC_LAST_FRAG))
		return -EBADMSG;
	pxe_buf_init_ro(&b, p, h.frag_len);
	b.off = DCERPC_HDR_LEN;
	pxe_buf_get_le32(&b);		/* alloc_hint */
	r->ctx_id = pxe_buf_get_le16(&b);
	r->opnum = pxe_buf_get_le16(&b);
	if (h.flags & 0x80)		/* PFC_OBJECT_UUID */
		pxe_buf_get_bytes(&b, NULL, 16);
	trailer = h.auth_len ? (size_t)h.auth_len + 8 : 0;
	if (!pxe_buf_ok(&b) || trailer > pxe_buf_left(&b))
		return -EBADMSG;
	body = pxe_buf_left(&b) - trailer;
	r->stub = pxe_buf_get_ptr(&b, body);
	r->stub_len = body;
	return pxe_buf_ok(&b) ? 0 : -EBADMSG;
}

ssize_t
dcerpc_build_response(uint8_t *out, size_t cap, uint32_t call_id,
    uint16_t ctx_id, const uint8_t *stub, size_t stub_len)
{
	struct pxe_buf b;

	pxe_buf_init(&b, out, cap);
	put_hdr(&b, DCERPC_RESPONSE, call_id);
	pxe_buf_put_le32(&b, (uint32_t)stub_len);
	pxe_buf_put_le16(&b, ctx_id);
	pxe_buf_put_u8(&b, 0);
	pxe_buf_put_u8(&b, 0);
	pxe_buf_put_bytes(&b, stub, stub_len);
	return finish(&b);
}

ssize_t
dcerpc_build_fault(uint8_t *out, size_t cap, uint32_t call_id,
    uint16_t ctx_id, uint32_t status)
{
	struct pxe_buf b;

	pxe_buf_init(&b, out, cap);
	put_hdr(&b, DCERPC_FAULT, call_id);
	pxe_buf_put_le32(&b, 0);
	pxe_buf_put_le16(&b, ctx_id);
	pxe_buf_put_u8(&b, 0);
	pxe_buf_put_u8(&b, 0);
	pxe_buf_put_le32(&b, status);
	pxe_buf_put_le32(&b, 0);
	return finish(&b);
}

/* Skip an NDR unique pointer to a conformant varying UTF-16 string. */
static void
skip_unique_string(struct pxe_buf *b)
{
	uint32_t actual;

	if (pxe_buf_get_le32(b) == 0)
		return;
	pxe_buf_get_le32(b);		/* max_count */
	pxe_buf_get_le32(b);		/* offset */
	actual = pxe_buf_get_le32(b);
	if (actual > 0x10000) {
		b->err = -EMSGSIZE;
		return;
	}
	pxe_buf_get_bytes(b, NULL, (size_t)actual * 2);
	while (b->off % 4 != 0 && pxe_buf_ok(b))
		pxe_buf_get_u8(b);
}

int
srvsvc_share_enum_level(const uint8_t *stub, size_t len)
{
	struct pxe_buf b;
	uint32_t level, sw;

	pxe_buf_init_ro(&b, stub, len);
	skip_unique_string(&b);
	level = pxe_buf_get_le32(&b);
	sw = pxe_buf_get_le32(&b);
	if (!pxe_buf_ok(&b) || level != sw || level > 0xffff)
		return -EBADMSG;
	return (int)level;
}

/* An NDR conformant varying string with its NUL, padded to 4. */
static int
put_string(struct pxe_buf *b, const char *s)
{
	ssize_t n = pxe_utf8_to_utf16(s, strlen(s), NULL, 0);
	uint8_t *p;

	if (n < 0)
		return -EILSEQ;
	pxe_buf_put_le32(b, (uint32_t)n / 2 + 1);
	pxe_buf_put_le32(b, 0);
	pxe_buf_put_le32(b, (uint32_t)n / 2 + 1);
	if ((p = (uint8_t *)pxe_buf_get_ptr(b, (size_t)n)) == NULL)
		return -ENOSPC;
	pxe_utf8_to_utf16(s, strlen(s), p, (size_t)n);
	pxe_buf_put_le16(b, 0);
	align4(b);
	return 0;
}

ssize_t
srvsvc_build_share_enum(uint8_t *out, size_t cap, int level,
    const struct srvsvc_share *shares, size_t n)
{
	struct pxe_buf b;
	uint32_t ref = 0x00020000;
	size_t i;
	bool ok = level == 0 || level == 1;
	int e;

	pxe_buf_init(&b, out, cap);
	pxe_buf_put_le32(&b, (uint32_t)level);
	pxe_buf_put_le32(&b, (uint32_t)level);	/* union discriminant */
	if (!ok) {
		pxe_buf_put_le32(&b, 0);	/* no container */
		pxe_buf_put_le32(&b, 0);	/* TotalEntries */
		pxe_buf_put_le32(&b, 0);	/* no ResumeHandle */
		pxe_buf_put_le32(&b, WERR_INVALID_LEVEL);
		return pxe_buf_ok(&b) ? (ssize_t)b.off : -ENOSPC;
	}
	pxe_buf_put_le32(&b, ref);		/* the container */
	ref += 4;
	pxe_buf_put_le32(&b, (uint32_t)n);	/* EntriesRead */
	pxe_buf_put_le32(&b, n ? ref : 0);	/* its array */
	ref += 4;
	if (n) {
		pxe_buf_put_le32(&b, (uint32_t)n);	/* conformance */
		for (i = 0; i < n; i++) {
			pxe_buf_put_le32(&b, ref);	/* netname */
			ref += 4;
			if (level == 1) {
				pxe_buf_put_le32(&b, shares[i].type);
				pxe_buf_put_le32(&b, ref);	/* remark */
				ref += 4;
			}
		}
		for (i = 0; i < n; i++) {
			if ((e = put_string(&b, shares[i].name)) < 0 ||
			    (level == 1 && (e = put_string(&b,
			    shares[i].remark ? shares[i].remark : "")) < 0))
				return e;
		}
	}
	pxe_buf_put_le32(&b, (uint32_t)n);	/* TotalEntries */
	pxe_buf_put_le32(&b, ref);		/* ResumeHandle */
	pxe_buf_put_le32(&b, 0);
	pxe_buf_put_le32(&b, WERR_OK);
	return pxe_buf_ok(&b) ? (ssize_t)b.off : -ENOSPC;
}
