/* spnego: NegTokenInit/NegTokenResp around NTLMSSP; see spnego.h. */
#include <errno.h>
#include <string.h>

#include "buf.h"
#include "spnego.h"

/* 1.3.6.1.5.5.2 and 1.3.6.1.4.1.311.2.2.10, DER contents of the OIDs. */
static const uint8_t oid_spnego[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02 };
static const uint8_t oid_ntlmssp[] = {
	0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a,
};
static const uint8_t ntlmssp_sig[8] = { 'N', 'T', 'L', 'M', 'S', 'S', 'P', 0 };

/* One DER element: tag, contents. */
struct der {
	uint8_t tag;
	const uint8_t *val;
	size_t len;
	const uint8_t *start;	/* the element's first byte (its tag) */
	size_t total;		/* tag, length and contents */
};

/* Read the element at b's cursor.  0 or -EBADMSG. */
static int
der_get(struct pxe_buf *b, struct der *d)
{
	size_t n, i, len;
	uint8_t l;

	d->start = pxe_buf_cur(b);
	d->tag = pxe_buf_get_u8(b);
	if ((d->tag & 0x1f) == 0x1f)
		return -EBADMSG;	/* high tag numbers: never here */
	l = pxe_buf_get_u8(b);
	if (l < 0x80) {
		len = l;
	} else {
		n = l & 0x7f;
		if (n == 0 || n > 4)
			return -EBADMSG;	/* indefinite or absurd */
		for (len = 0, i = 0; i < n; i++)
			len = len << 8 | pxe_buf_get_u8(b);
	}
	if (!pxe_buf_ok(b) || len > pxe_buf_left(b))
		return -EBADMSG;
	d->len = len;
	d->val = pxe_buf_get_ptr(b, len);
	d->total = (size_t)(pxe_buf_cur(b) - d->start);
	return pxe_buf_ok(b) ? 0 : -EBADMSG;
}

/* Read an element that must have tag; 0 or -EBADMSG. */
static int
der_expect(struct pxe_buf *b, uint8_t tag, struct der *d)
{
	if (der_get(b, d) < 0 || d->tag != tag)
		return -EBADMSG;
	return 0;
}

static bool
is_oid(const struct der *d, const uint8_t *oid, size_t n)
{
	return d->tag == 0x06 && d->len == n && memcmp(d->val, oid, n) == 0;
}

/* The MechTypeList: note whether NTLMSSP is there and first. */
static int
parse_mech_types(const struct der *seq, struct spnego_token *t)
{
	struct pxe_buf b;
	struct der oid;
	bool first = true;

	if (seq->tag != 0x30)
		return -EBADMSG;
	t->mech_types = seq->start;
	t->mech_types_len = seq->total;
	pxe_buf_init_ro(&b, seq->val, seq->len);
	while (pxe_buf_left(&b) > 0) {
		if (der_expect(&b, 0x06, &oid) < 0)
			return -EBADMSG;
		if (is_oid(&oid, oid_ntlmssp, sizeof(oid_ntlmssp))) {
			t->ntlm_offered = true;
			t->ntlm_first = t->ntlm_first || first;
		}
		first = false;
	}
	return 0;
}

/* The element of type tag inside an explicit tag ctx.  0 or -EBADMSG. */
static int
explicit(const struct der *ctx, uint8_t tag, struct der *out)
{
	struct pxe_buf b;

	pxe_buf_init_ro(&b, ctx->val, ctx->len);
	return der_expect(&b, tag, out) < 0 ? -EBADMSG : 0;
}

/* An OCTET STRING inside an explicit tag. */
static int
octets(const struct der *ctx, const uint8_t **p, size_t *n)
{
	struct der os;

	if (explicit(ctx, 0x04, &os) < 0)
		return -EBADMSG;
	*p = os.val;
	*n = os.len;
	return 0;
}

/*
 * The next field of a token's SEQUENCE from b into f, taking the fields
 * both tokens have into t: [2] the mechanism's token and [3] the
 * mechListMIC.  1 when f is another, for the caller; 0 when taken; or
 * -EBADMSG.  An init's [3] may be a server's negHints instead: with lax,
 * one that is no OCTET STRING is left out, not refused.
 */
static int
next_field(struct pxe_buf *b, struct der *f, struct spnego_token *t,
    bool lax)
{
	if (der_get(b, f) < 0)
		return -EBADMSG;
	if (f->tag == 0xa2)
		return octets(f, &t->token, &t->token_len) < 0 ? -EBADMSG : 0;
	if (f->tag != 0xa3)
		return 1;
	if (octets(f, &t->mic, &t->mic_len) < 0) {
		if (!lax)
			return -EBADMSG;
		t->mic = NULL;
	}
	return 0;
}

/* The fields of the SEQUENCE in outer, for der_get to read from *b. */
static int
seq_fields(const struct der *outer, struct pxe_buf *b)
{
	struct der seq;

	if (explicit(outer, 0x30, &seq) < 0)
		return -EBADMSG;
	pxe_buf_init_ro(b, seq.val, seq.len);
	return 0;
}

/* NegTokenInit ::= SEQUENCE { [0] mechTypes, [1] reqFlags, [2] mechToken,
 * [3] mechListMIC } */
static int
parse_init(const struct der *outer, struct spnego_token *t)
{
	struct pxe_buf b, ib;
	struct der f, inner;
	int r;

	if (seq_fields(outer, &b) < 0)
		return -EBADMSG;
	while (pxe_buf_left(&b) > 0) {
		if ((r = next_field(&b, &f, t, true)) < 0)
			return r;
		if (r == 0 || f.tag != 0xa0)
			continue;	/* taken; reqFlags and anything newer */
		pxe_buf_init_ro(&ib, f.val, f.len);
		if (der_get(&ib, &inner) < 0 || parse_mech_types(&inner, t) < 0)
			return -EBADMSG;
	}
	return t->mech_types ? 0 : -EBADMSG;
}

/* NegTokenResp ::= SEQUENCE { [0] negState, [1] supportedMech,
 * [2] responseToken, [3] mechListMIC } */
static int
parse_resp(const struct der *outer, struct spnego_token *t)
{
	struct pxe_buf b;
	struct der f, e;
	int r;

	/* The mechanism was chosen before; a supportedMech may restate it. */
	t->ntlm_offered = t->ntlm_first = true;
	if (seq_fields(outer, &b) < 0)
		return -EBADMSG;
	while (pxe_buf_left(&b) > 0) {
		if ((r = next_field(&b, &f, t, false)) < 0)
			return r;
		switch (r ? f.tag : 0) {
		case 0xa0:
			if (explicit(&f, 0x0a, &e) < 0 || e.len != 1)
				return -EBADMSG;
			t->neg_state = e.val[0];
			break;
		case 0xa1:
			if (explicit(&f, 0x06, &e) < 0)
				return -EBADMSG;
			t->ntlm_offered = is_oid(&e, oid_ntlmssp,
			    sizeof(oid_ntlmssp));
			t->ntlm_first = t->ntlm_offered;
			break;
		default:
			break;
		}
	}
	return 0;
}

int
spnego_parse(const uint8_t *blob, size_t len, struct spnego_token *t)
{
	struct pxe_buf b;
	struct der app, oid, tok;

	memset(t, 0, sizeof(*t));
	t->neg_state = -1;
	/* An empty blob (SESSION_SETUP with no buffer: blob may be NULL,
	 * and NULL + 0 is already undefined for the cursor) is no token. */
	if (blob == NULL || len == 0)
		return -EBADMSG;
	if (len >= sizeof(ntlmssp_sig) &&
	    memcmp(blob, ntlmssp_sig, sizeof(ntlmssp_sig)) == 0) {
		t->kind = SPNEGO_RAW_NTLMSSP;
		t->token = blob;
		t->token_len = len;
		t->ntlm_offered = t->ntlm_first = true;
		return 0;
	}
	pxe_buf_init_ro(&b, blob, len);
	if (der_get(&b, &app) < 0)
		return -EBADMSG;
	if (app.tag == 0xa1) {
		t->kind = SPNEGO_RESP;
		return parse_resp(&app, t);
	}
	if (app.tag != 0x60)
		return -EBADMSG;
	pxe_buf_init_ro(&b, app.val, app.len);
	if (der_get(&b, &oid) < 0 ||
	    !is_oid(&oid, oid_spnego, sizeof(oid_spnego)) ||
	    der_expect(&b, 0xa0, &tok) < 0)
		return -EBADMSG;
	t->kind = SPNEGO_INIT;
	return parse_init(&tok, t);
}

/* Bytes a DER header for contents of length n takes. */
static size_t
hdr_size(size_t n)
{
	return n < 0x80 ? 2 : n < 0x100 ? 3 : n < 0x10000 ? 4 : 5;
}

static void
put_hdr(struct pxe_buf *b, uint8_t tag, size_t n)
{
	pxe_buf_put_u8(b, tag);
	if (n < 0x80) {
		pxe_buf_put_u8(b, (uint8_t)n);
	} else if (n < 0x100) {
		pxe_buf_put_u8(b, 0x81);
		pxe_buf_put_u8(b, (uint8_t)n);
	} else if (n < 0x10000) {
		pxe_buf_put_u8(b, 0x82);
		pxe_buf_put_be16(b, (uint16_t)n);
	} else {
		pxe_buf_put_u8(b, 0x83);
		pxe_buf_put_u8(b, (uint8_t)(n >> 16));
		pxe_buf_put_be16(b, (uint16_t)n);
	}
}

/* Size of [tag] { inner-tag n-bytes }. */
static size_t
wrapped(size_t n)
{
	return hdr_size(hdr_size(n) + n) + hdr_size(n) + n;
}

ssize_t
spnego_build_hints(uint8_t *out, size_t cap)
{
	struct pxe_buf b;
	size_t oid = hdr_size(sizeof(oid_ntlmssp)) + sizeof(oid_ntlmssp);
	size_t types = wrapped(oid);	/* [0] SEQUENCE OF { OID } */
	size_t init = hdr_size(types) + types;	/* SEQUENCE { [0] } */
	size_t tok = hdr_size(init) + init;	/* [0] NegTokenInit */
	size_t app = hdr_size(sizeof(oid_spnego)) + sizeof(oid_spnego) + tok;

	pxe_buf_init(&b, out, cap);
	put_hdr(&b, 0x60, app);
	put_hdr(&b, 0x06, sizeof(oid_spnego));
	pxe_buf_put_bytes(&b, oid_spnego, sizeof(oid_spnego));
	put_hdr(&b, 0xa0, init);
	put_hdr(&b, 0x30, types);
	put_hdr(&b, 0xa0, hdr_size(oid) + oid);
	put_hdr(&b, 0x30, oid);
	put_hdr(&b, 0x06, sizeof(oid_ntlmssp));
	pxe_buf_put_bytes(&b, oid_ntlmssp, sizeof(oid_ntlmssp));
	return pxe_buf_ok(&b) ? (ssize_t)b.off : -ENOSPC;
}

ssize_t
spnego_build_resp(uint8_t *out, size_t cap, int state, bool with_mech,
    const uint8_t *token, size_t tlen, const uint8_t *mic, size_t miclen)
{
	struct pxe_buf b;
	size_t oid = hdr_size(sizeof(oid_ntlmssp)) + sizeof(oid_ntlmssp);
	size_t seq = wrapped(1);

	if (with_mech)
		seq += hdr_size(oid) + oid;
	if (token)
		seq += wrapped(tlen);
	if (mic)
		seq += wrapped(miclen);
	pxe_buf_init(&b, out, cap);
	put_hdr(&b, 0xa1, hdr_size(seq) + seq);
	put_hdr(&b, 0x30, seq);
	put_hdr(&b, 0xa0, 3);
	put_hdr(&b, 0x0a, 1);
	pxe_buf_put_u8(&b, (uint8_t)state);
	if (with_mech) {
		put_hdr(&b, 0xa1, oid);
		put_hdr(&b, 0x06, sizeof(oid_ntlmssp));
		pxe_buf_put_bytes(&b, oid_ntlmssp, sizeof(oid_ntlmssp));
	}
	if (token) {
		put_hdr(&b, 0xa2, hdr_size(tlen) + tlen);
		put_hdr(&b, 0x04, tlen);
		pxe_buf_put_bytes(&b, token, tlen);
	}
	if (mic) {
		put_hdr(&b, 0xa3, hdr_size(miclen) + miclen);
		put_hdr(&b, 0x04, miclen);
		pxe_buf_put_bytes(&b, mic, miclen);
	}
	return pxe_buf_ok(&b) ? (ssize_t)b.off : -ENOSPC;
}
