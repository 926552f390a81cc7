/*
 * smb2: header, the message validator and request decoders; see smb2.h.
 * The responses are in smb2resp.c, information classes and wildcards in
 * smb2info.c.
 */
#include <errno.h>
#include <string.h>

#include "smb2.h"

/* Where a command keeps a variable-length area. */
enum area_kind {
	AREA_NONE = 0,
	AREA_OFF16_LEN16,	/* u16 offset, u16 length */
	AREA_OFF16_LEN32,	/* u16 offset, u32 length */
	AREA_OFF32_LEN32,	/* u32 offset, u32 length */
	AREA_LEN32_OFF16,	/* u32 length, then u16 offset (SET_INFO) */
	AREA_COUNT16,		/* u16 count at count_at, units at a fixed place */
};

struct area {
	uint8_t kind;
	uint8_t at;		/* body offset of the offset (or count) field */
	uint8_t len_at;		/* body offset of the length field */
	uint8_t unit;		/* COUNT16: bytes per unit */
	uint8_t start;		/* COUNT16: body offset of the first unit */
};

/* One row per command: what a request of it must look like. */
struct cmd_layout {
	const char *name;
	uint16_t size;		/* StructureSize */
	uint16_t alt_size;	/* a second valid size (OPLOCK_BREAK), or 0 */
	struct area area[2];
	uint8_t charge_at[2];	/* u32 payload lengths that cost credits */
};

static const struct cmd_layout layouts[SMB2_NCMDS] = {
	[SMB2_NEGOTIATE] = { "NEGOTIATE", 36, 0,
	    { { AREA_COUNT16, 2, 0, 2, 36 } }, { 0, 0 } },
	[SMB2_SESSION_SETUP] = { "SESSION_SETUP", 25, 0,
	    { { AREA_OFF16_LEN16, 12, 14, 0, 0 } }, { 0, 0 } },
	[SMB2_LOGOFF] = { "LOGOFF", 4, 0, { { 0 } }, { 0, 0 } },
	[SMB2_TREE_CONNECT] = { "TREE_CONNECT", 9, 0,
	    { { AREA_OFF16_LEN16, 4, 6, 0, 0 } }, { 0, 0 } },
	[SMB2_TREE_DISCONNECT] = { "TREE_DISCONNECT", 4, 0, { { 0 } },
	    { 0, 0 } },
	[SMB2_CREATE] = { "CREATE", 57, 0,
	    { { AREA_OFF16_LEN16, 44, 46, 0, 0 },
	      { AREA_OFF32_LEN32, 48, 52, 0, 0 } }, { 0, 0 } },
	[SMB2_CLOSE] = { "CLOSE", 24, 0, { { 0 } }, { 0, 0 } },
	[SMB2_FLUSH] = { "FLUSH", 24, 0, { { 0 } }, { 0, 0 } },
	[SMB2_READ] = { "READ", 49, 0,
	    { { AREA_OFF16_LEN16, 44, 46, 0, 0 } }, { 4, 0 } },
	[SMB2_WRITE] = { "WRITE", 49, 0,
	    { { AREA_OFF16_LEN32, 2, 4, 0, 0 },
	      { AREA_OFF16_LEN16, 40, 42, 0, 0 } }, { 4, 0 } },
	[SMB2_LOCK] = { "LOCK", 48, 0,
	    { { AREA_COUNT16, 2, 0, 24, 24 } }, { 0, 0 } },
	[SMB2_IOCTL] = { "IOCTL", 57, 0,
	    { { AREA_OFF32_LEN32, 24, 28, 0, 0 },
	      { AREA_OFF32_LEN32, 36, 40, 0, 0 } }, { 28, 44 } },
	[SMB2_CANCEL] = { "CANCEL", 4, 0, { { 0 } }, { 0, 0 } },
	[SMB2_ECHO] = { "ECHO", 4, 0, { { 0 } }, { 0, 0 } },
	[SMB2_QUERY_DIRECTORY] = { "QUERY_DIRECTORY", 33, 0,
	    { { AREA_OFF16_LEN16, 24, 26, 0, 0 } }, { 28, 0 } },
	[SMB2_CHANGE_NOTIFY] = { "CHANGE_NOTIFY", 32, 0, { { 0 } },
	    { 4, 0 } },
	[SMB2_QUERY_INFO] = { "QUERY_INFO", 41, 0,
	    { { AREA_OFF16_LEN32, 8, 12, 0, 0 } }, { 4, 12 } },
	[SMB2_SET_INFO] = { "SET_INFO", 33, 0,
	    { { AREA_LEN32_OFF16, 8, 4, 0, 0 } }, { 4, 0 } },
	[SMB2_OPLOCK_BREAK] = { "OPLOCK_BREAK", 24, 36, { { 0 } },
	    { 0, 0 } },
};

const char *
smb2_cmd_name(uint16_t cmd)
{
	return cmd < SMB2_NCMDS ? layouts[cmd].name : "?";
}

int
smb2_parse_hdr(const uint8_t *p, size_t len, struct smb2_hdr *h)
{
	struct pxe_buf b;

	pxe_buf_init_ro(&b, p, len);
	if (pxe_buf_get_le32(&b) != SMB2_MAGIC ||
	    pxe_buf_get_le16(&b) != SMB2_HDR_LEN)
		return -EPROTO;
	h->credit_charge = pxe_buf_get_le16(&b);
	h->status = pxe_buf_get_le32(&b);
	h->command = pxe_buf_get_le16(&b);
	h->credits = pxe_buf_get_le16(&b);
	h->flags = pxe_buf_get_le32(&b);
	h->next = pxe_buf_get_le32(&b);
	h->message_id = pxe_buf_get_le64(&b);
	if (h->flags & SMB2_FLAGS_ASYNC_COMMAND) {
		h->async_id = pxe_buf_get_le64(&b);
		h->tree_id = 0;
	} else {
		pxe_buf_get_le32(&b);	/* Reserved (process id) */
		h->tree_id = pxe_buf_get_le32(&b);
		h->async_id = 0;
	}
	h->session_id = pxe_buf_get_le64(&b);
	pxe_buf_get_bytes(&b, h->signature, 16);
	return pxe_buf_ok(&b) ? 0 : -EPROTO;
}

void
smb2_put_hdr(struct pxe_buf *b, const struct smb2_hdr *h)
{
	pxe_buf_put_le32(b, SMB2_MAGIC);
	pxe_buf_put_le16(b, SMB2_HDR_LEN);
	pxe_buf_put_le16(b, h->credit_charge);
	pxe_buf_put_le32(b, h->status);
	pxe_buf_put_le16(b, h->command);
	pxe_buf_put_le16(b, h->credits);
	pxe_buf_put_le32(b, h->flags);
	pxe_buf_put_le32(b, h->next);
	pxe_buf_put_le64(b, h->message_id);
	if (h->flags & SMB2_FLAGS_ASYNC_COMMAND) {
		pxe_buf_put_le64(b, h->async_id);
	} else {
		pxe_buf_put_le32(b, 0xfeff);
		pxe_buf_put_le32(b, h->tree_id);
	}
	pxe_buf_put_le64(b, h->session_id);
	pxe_buf_put_bytes(b, h->signature, 16);
}

/* Little-endian reads at a body offset the caller has bounds-checked. */
static uint16_t
le16_at(const uint8_t *p, size_t at)
{
	return (uint16_t)(p[at] | p[at + 1] << 8);
}

static uint32_t
le32_at(const uint8_t *p, size_t at)
{
	return (uint32_t)p[at] | (uint32_t)p[at + 1] << 8 |
	    (uint32_t)p[at + 2] << 16 | (uint32_t)p[at + 3] << 24;
}

/* The fixed part of a body: StructureSize without the odd "buffer" byte. */
static size_t
fixed_part(uint16_t size)
{
	return size & ~1u;
}

/* Check one variable area of m; 0 or STATUS_INVALID_PARAMETER. */
static uint32_t
check_area(const struct smb2_msg *m, const struct area *a, size_t fixed)
{
	size_t off, len, start = SMB2_HDR_LEN + fixed;

	switch (a->kind) {
	case AREA_NONE:
		return 0;
	case AREA_COUNT16:
		len = (size_t)le16_at(m->body, a->at) * a->unit;
		return a->start + len <= m->body_len ? 0 :
		    STATUS_INVALID_PARAMETER;
	case AREA_OFF16_LEN16:
		off = le16_at(m->body, a->at);
		len = le16_at(m->body, a->len_at);
		break;
	case AREA_OFF16_LEN32:
	case AREA_LEN32_OFF16:
		off = le16_at(m->body, a->at);
		len = le32_at(m->body, a->len_at);
		break;
	default:
		off = le32_at(m->body, a->at);
		len = le32_at(m->body, a->len_at);
		break;
	}
	if (len == 0)
		return 0;
	if (off < start || off > m->len || len > m->len - off)
		return STATUS_INVALID_PARAMETER;
	return 0;
}

/* Credits the payload of m costs: one per 64 KiB, at least one. */
static uint16_t
needed_charge(const struct smb2_msg *m, const struct cmd_layout *l)
{
	uint32_t v, max = 0;
	int i;

	for (i = 0; i < 2; i++) {
		if (l->charge_at[i] == 0)
			continue;
		v = le32_at(m->body, l->charge_at[i]);
		if (v > max)
			max = v;
	}
	return (uint16_t)(max == 0 ? 1 : (max - 1) / 65536 + 1);
}

int
smb2_check_message(const uint8_t *p, size_t left, bool check_charge,
    struct smb2_msg *m)
{
	const struct cmd_layout *l;
	uint16_t size, charge;
	int i;

	memset(m, 0, sizeof(*m));
	if (left < SMB2_HDR_LEN || smb2_parse_hdr(p, left, &m->h) < 0)
		return -EPROTO;
	if (m->h.next != 0) {
		if (m->h.next % 8 != 0 || m->h.next < SMB2_HDR_LEN ||
		    m->h.next > left)
			return -EPROTO;
		m->len = m->h.next;
	} else {
		m->len = left;
	}
	m->data = p;
	m->body = p + SMB2_HDR_LEN;
	m->body_len = m->len - SMB2_HDR_LEN;
	m->charge = 1;
	if (m->h.command >= SMB2_NCMDS) {
		m->error = STATUS_INVALID_PARAMETER;
		return 0;
	}
	l = &layouts[m->h.command];
	if (m->body_len < 2) {
		m->error = STATUS_INVALID_PARAMETER;
		return 0;
	}
	size = le16_at(m->body, 0);
	if ((size != l->size && (l->alt_size == 0 || size != l->alt_size)) ||
	    m->body_len < fixed_part(size)) {
		m->error = STATUS_INVALID_PARAMETER;
		return 0;
	}
	for (i = 0; i < 2; i++) {
		m->error = check_area(m, &l->area[i], fixed_part(size));
		if (m->error != 0)
			return 0;
	}
	m->charge = needed_charge(m, l);
	charge = m->h.credit_charge ? m->h.credit_charge : 1;
	if (check_charge && m->charge > charge)
		m->error = STATUS_INVALID_PARAMETER;
	return 0;
}

/* A cursor over the body of a validated message. */
static void
body_buf(const struct smb2_msg *m, struct pxe_buf *b, size_t at)
{
	pxe_buf_init_ro(b, m->body, m->body_len);
	b->off = at <= m->body_len ? at : m->body_len;
}

static void
get_fid(struct pxe_buf *b, struct smb2_fid *fid)
{
	fid->persistent = pxe_buf_get_le64(b);
	fid->volatile_ = pxe_buf_get_le64(b);
}

/* One negotiate context (type, data) into r.  0 or a status. */
static uint32_t
negotiate_ctx(uint16_t type, const uint8_t *d, size_t n,
    struct smb2_negotiate_req *r)
{
	struct pxe_buf b;
	uint16_t count, i, v;

	pxe_buf_init_ro(&b, d, n);
	switch (type) {
	case SMB2_PREAUTH_INTEGRITY_CAPABILITIES:
		if (r->has_preauth)
			return STATUS_INVALID_PARAMETER;
		r->has_preauth = true;
		count = pxe_buf_get_le16(&b);
		pxe_buf_get_le16(&b);	/* SaltLength */
		if (count == 0)
			return STATUS_INVALID_PARAMETER;
		for (i = 0; i < count; i++)
			if (pxe_buf_get_le16(&b) == SMB2_PREAUTH_SHA512)
				r->preauth_sha512 = true;
		break;
	case SMB2_ENCRYPTION_CAPABILITIES:
		if (r->has_encryption)
			return STATUS_INVALID_PARAMETER;
		r->has_encryption = true;
		break;
	case SMB2_SIGNING_CAPABILITIES:
		if (r->has_signing)
			return STATUS_INVALID_PARAMETER;
		r->has_signing = true;
		count = pxe_buf_get_le16(&b);
		if (count == 0)
			return STATUS_INVALID_PARAMETER;
		for (i = 0; i < count; i++) {
			v = pxe_buf_get_le16(&b);
			if (r->nsign_algs < SMB2_MAX_SIGN_ALGS)
				r->sign_algs[r->nsign_algs++] = v;
		}
		break;
	default:
		return 0;	/* compression, netname, ...: ignored */
	}
	return pxe_buf_ok(&b) ? 0 : STATUS_INVALID_PARAMETER;
}

/* The 3.1.1 negotiate contexts of m. */
static uint32_t
negotiate_contexts(const struct smb2_msg *m, uint32_t off, uint16_t count,
    struct smb2_negotiate_req *r)
{
	struct pxe_buf b;
	uint16_t type, dlen, i;
	const uint8_t *d;
	uint32_t st;

	if (count == 0 || off % 8 != 0 || off < SMB2_HDR_LEN + 36 ||
	    off > m->len)
		return STATUS_INVALID_PARAMETER;
	pxe_buf_init_ro(&b, m->data, m->len);
	b.off = off;
	for (i = 0; i < count; i++) {
		if (i > 0) {
			if (smb2_align8(b.off) > m->len)
				return STATUS_INVALID_PARAMETER;
			b.off = smb2_align8(b.off);
		}
		type = pxe_buf_get_le16(&b);
		dlen = pxe_buf_get_le16(&b);
		pxe_buf_get_le32(&b);
		d = pxe_buf_get_ptr(&b, dlen);
		if (!pxe_buf_ok(&b))
			return STATUS_INVALID_PARAMETER;
		if ((st = negotiate_ctx(type, d, dlen, r)) != 0)
			return st;
	}
	return 0;
}

uint32_t
smb2_parse_negotiate(const struct smb2_msg *m, struct smb2_negotiate_req *r)
{
	struct pxe_buf b;
	uint32_t ctx_off;
	uint16_t ctx_count, i, d;
	bool has311 = false;

	memset(r, 0, sizeof(*r));
	body_buf(m, &b, 2);
	r->dialect_count = pxe_buf_get_le16(&b);
	r->security_mode = pxe_buf_get_le16(&b);
	pxe_buf_get_le16(&b);
	r->capabilities = pxe_buf_get_le32(&b);
	pxe_buf_get_bytes(&b, r->guid, 16);
	ctx_off = pxe_buf_get_le32(&b);
	ctx_count = pxe_buf_get_le16(&b);
	b.off = 36;
	if (r->dialect_count == 0)
		return STATUS_INVALID_PARAMETER;
	for (i = 0; i < r->dialect_count; i++) {
		d = pxe_buf_get_le16(&b);
		if (d == SMB2_DIALECT_311)
			has311 = true;
		if (i < SMB2_MAX_DIALECTS)
			r->dialects[i] = d;
	}
	if (!pxe_buf_ok(&b))
		return STATUS_INVALID_PARAMETER;
	if (!has311)
		return 0;
	return negotiate_contexts(m, ctx_off, ctx_count, r);
}

/* An offset/length area the validator checked: a pointer, or NULL. */
static const uint8_t *
area_ptr(const struct smb2_msg *m, size_t off, size_t len)
{
	if (len == 0 || off > m->len || len > m->len - off)
		return NULL;
	return m->data + off;
}

uint32_t
smb2_parse_session_setup(const struct smb2_msg *m,
    struct smb2_session_setup_req *r)
{
	struct pxe_buf b;
	uint16_t off, len;

	body_buf(m, &b, 2);
	r->flags = pxe_buf_get_u8(&b);
	r->security_mode = pxe_buf_get_u8(&b);
	r->capabilities = pxe_buf_get_le32(&b);
	pxe_buf_get_le32(&b);	/* Channel */
	off = pxe_buf_get_le16(&b);
	len = pxe_buf_get_le16(&b);
	r->previous_session_id = pxe_buf_get_le64(&b);
	r->blob = area_ptr(m, off, len);
	r->blob_len = r->blob ? len : 0;
	return pxe_buf_ok(&b) ? 0 : STATUS_INVALID_PARAMETER;
}

uint32_t
smb2_parse_tree_connect(const struct smb2_msg *m,
    struct smb2_tree_connect_req *r)
{
	struct pxe_buf b;
	uint16_t off, len;

	body_buf(m, &b, 2);
	r->flags = pxe_buf_get_le16(&b);
	off = pxe_buf_get_le16(&b);
	len = pxe_buf_get_le16(&b);
	r->path = area_ptr(m, off, len);
	r->path_len = r->path ? len : 0;
	if (!pxe_buf_ok(&b) || r->path == NULL || len % 2 != 0)
		return STATUS_INVALID_PARAMETER;
	return 0;
}

/* Walk the create contexts in [p, p + n). */
static uint32_t
create_contexts(const uint8_t *p, size_t n, struct smb2_create_req *r)
{
	struct pxe_buf b;
	struct smb2_create_ctx *c;
	uint32_t next, dlen;
	uint16_t noff, nlen, doff;
	size_t at = 0, clen;

	while (at < n) {
		pxe_buf_init_ro(&b, p + at, n - at);
		next = pxe_buf_get_le32(&b);
		noff = pxe_buf_get_le16(&b);
		nlen = pxe_buf_get_le16(&b);
		pxe_buf_get_le16(&b);
		doff = pxe_buf_get_le16(&b);
		dlen = pxe_buf_get_le32(&b);
		if (!pxe_buf_ok(&b) || next % 8 != 0 || next > n - at)
			return STATUS_INVALID_PARAMETER;
		clen = next ? next : n - at;
		if (noff < 16 || nlen == 0 || noff > clen ||
		    nlen > clen - noff)
			return STATUS_INVALID_PARAMETER;
		if (dlen > 0 && (doff < 16 || doff > clen ||
		    dlen > clen - doff))
			return STATUS_INVALID_PARAMETER;
		if (r->nctx == SMB2_MAX_CREATE_CTX)
			return STATUS_INVALID_PARAMETER;
		c = &r->ctx[r->nctx++];
		c->name = p + at + noff;
		c->name_len = nlen;
		c->data = dlen ? p + at + doff : NULL;
		c->data_len = dlen;
		c->tag[0] = '\0';
		if (nlen == 4) {
			memcpy(c->tag, c->name, 4);
			c->tag[4] = '\0';
		}
		if (next == 0)
			break;
		at += next;
	}
	return 0;
}

uint32_t
smb2_parse_create(const struct smb2_msg *m, struct smb2_create_req *r)
{
	struct pxe_buf b;
	uint16_t noff, nlen;
	uint32_t coff, clen;
	const uint8_t *ctx;

	memset(r, 0, sizeof(*r));
	body_buf(m, &b, 3);
	r->oplock = pxe_buf_get_u8(&b);
	r->impersonation = pxe_buf_get_le32(&b);
	b.off = 24;
	r->desired_access = pxe_buf_get_le32(&b);
	r->attributes = pxe_buf_get_le32(&b);
	r->share_access = pxe_buf_get_le32(&b);
	r->disposition = pxe_buf_get_le32(&b);
	r->options = pxe_buf_get_le32(&b);
	noff = pxe_buf_get_le16(&b);
	nlen = pxe_buf_get_le16(&b);
	coff = pxe_buf_get_le32(&b);
	clen = pxe_buf_get_le32(&b);
	if (!pxe_buf_ok(&b) || nlen % 2 != 0)
		return STATUS_INVALID_PARAMETER;
	r->name = area_ptr(m, noff, nlen);
	r->name_len = r->name ? nlen : 0;
	if (clen == 0)
		return 0;
	if (coff % 8 != 0 || (ctx = area_ptr(m, coff, clen)) == NULL)
		return STATUS_INVALID_PARAMETER;
	return create_contexts(ctx, clen, r);
}

uint32_t
smb2_parse_close(const struct smb2_msg *m, struct smb2_close_req *r)
{
	struct pxe_buf b;

	body_buf(m, &b, 2);
	r->flags = pxe_buf_get_le16(&b);
	pxe_buf_get_le32(&b);
	get_fid(&b, &r->fid);
	return pxe_buf_ok(&b) ? 0 : STATUS_INVALID_PARAMETER;
}

uint32_t
smb2_parse_read(const struct smb2_msg *m, struct smb2_read_req *r)
{
	struct pxe_buf b;

	body_buf(m, &b, 2);
	r->padding = pxe_buf_get_u8(&b);
	r->flags = pxe_buf_get_u8(&b);
	r->length = pxe_buf_get_le32(&b);
	r->offset = pxe_buf_get_le64(&b);
	get_fid(&b, &r->fid);
	r->minimum = pxe_buf_get_le32(&b);
	r->channel = pxe_buf_get_le32(&b);
	return pxe_buf_ok(&b) ? 0 : STATUS_INVALID_PARAMETER;
}

uint32_t
smb2_parse_query_dir(const struct smb2_msg *m, struct smb2_query_dir_req *r)
{
	struct pxe_buf b;
	uint16_t off, len;

	body_buf(m, &b, 2);
	r->info_class = pxe_buf_get_u8(&b);
	r->flags = pxe_buf_get_u8(&b);
	r->file_index = pxe_buf_get_le32(&b);
	get_fid(&b, &r->fid);
	off = pxe_buf_get_le16(&b);
	len = pxe_buf_get_le16(&b);
	r->output_len = pxe_buf_get_le32(&b);
	r->pattern = area_ptr(m, off, len);
	r->pattern_len = r->pattern ? len : 0;
	if (!pxe_buf_ok(&b) || len % 2 != 0)
		return STATUS_INVALID_PARAMETER;
	return 0;
}

uint32_t
smb2_parse_query_info(const struct smb2_msg *m,
    struct smb2_query_info_req *r)
{
	struct pxe_buf b;
	uint16_t off;
	uint32_t len;

	body_buf(m, &b, 2);
	r->info_type = pxe_buf_get_u8(&b);
	r->info_class = pxe_buf_get_u8(&b);
	r->output_len = pxe_buf_get_le32(&b);
	off = pxe_buf_get_le16(&b);
	pxe_buf_get_le16(&b);
	len = pxe_buf_get_le32(&b);
	r->additional = pxe_buf_get_le32(&b);
	r->flags = pxe_buf_get_le32(&b);
	get_fid(&b, &r->fid);
	r->input = area_ptr(m, off, len);
	r->input_len = r->input ? len : 0;
	return pxe_buf_ok(&b) ? 0 : STATUS_INVALID_PARAMETER;
}

uint32_t
smb2_parse_ioctl(const struct smb2_msg *m, struct smb2_ioctl_req *r)
{
	struct pxe_buf b;
	uint32_t off, len;

	body_buf(m, &b, 4);
	r->ctl_code = pxe_buf_get_le32(&b);
	get_fid(&b, &r->fid);
	off = pxe_buf_get_le32(&b);
	len = pxe_buf_get_le32(&b);
	r->max_input = pxe_buf_get_le32(&b);
	pxe_buf_get_le32(&b);	/* OutputOffset */
	pxe_buf_get_le32(&b);	/* OutputCount */
	r->max_output = pxe_buf_get_le32(&b);
	r->flags = pxe_buf_get_le32(&b);
	r->input = area_ptr(m, off, len);
	r->input_len = r->input ? len : 0;
	return pxe_buf_ok(&b) ? 0 : STATUS_INVALID_PARAMETER;
}

uint32_t
smb2_parse_write(const struct smb2_msg *m, struct smb2_write_req *r)
{
	struct pxe_buf b;
	uint16_t off;
	uint32_t len;

	body_buf(m, &b, 2);
	off = pxe_buf_get_le16(&b);
	len = pxe_buf_get_le32(&b);
	r->offset = pxe_buf_get_le64(&b);
	get_fid(&b, &r->fid);
	r->data = area_ptr(m, off, len);
	r->len = r->data ? len : 0;
	return pxe_buf_ok(&b) ? 0 : STATUS_INVALID_PARAMETER;
}

void
smb2_put_write_resp(struct pxe_buf *b, uint32_t count)
{
	pxe_buf_put_le16(b, 17);
	pxe_buf_put_le16(b, 0);
	pxe_buf_put_le32(b, count);
	pxe_buf_put_le32(b, 0);		/* Remaining */
	pxe_buf_put_le32(b, 0);		/* WriteChannelInfo */
	pxe_buf_put_u8(b, 0);
}

/* Body offset of the FileId in commands that carry one. */
static const uint8_t fid_at[SMB2_NCMDS] = {
	[SMB2_CLOSE] = 8, [SMB2_FLUSH] = 8, [SMB2_READ] = 16,
	[SMB2_WRITE] = 16, [SMB2_LOCK] = 8, [SMB2_IOCTL] = 8,
	[SMB2_QUERY_DIRECTORY] = 8, [SMB2_CHANGE_NOTIFY] = 8,
	[SMB2_QUERY_INFO] = 24, [SMB2_SET_INFO] = 16,
	[SMB2_OPLOCK_BREAK] = 8,
};

uint32_t
smb2_parse_fid(const struct smb2_msg *m, struct smb2_fid *fid)
{
	struct pxe_buf b;

	if (m->h.command >= SMB2_NCMDS || fid_at[m->h.command] == 0)
		return STATUS_INVALID_PARAMETER;
	body_buf(m, &b, fid_at[m->h.command]);
	get_fid(&b, fid);
	return pxe_buf_ok(&b) ? 0 : STATUS_INVALID_PARAMETER;
}

uint32_t
smb2_parse_validate_negotiate(const uint8_t *p, size_t len,
    struct smb2_validate_negotiate *v)
{
	struct pxe_buf b;
	uint16_t i, d;

	memset(v, 0, sizeof(*v));
	pxe_buf_init_ro(&b, p, len);
	v->capabilities = pxe_buf_get_le32(&b);
	pxe_buf_get_bytes(&b, v->guid, 16);
	v->security_mode = pxe_buf_get_le16(&b);
	v->dialect_count = pxe_buf_get_le16(&b);
	for (i = 0; i < v->dialect_count; i++) {
		d = pxe_buf_get_le16(&b);
		if (i < SMB2_MAX_DIALECTS)
			v->dialects[i] = d;
	}
	if (!pxe_buf_ok(&b) || v->dialect_count == 0)
		return STATUS_INVALID_PARAMETER;
	return 0;
}

int
smb1_negotiate_dialect(const uint8_t *p, size_t len)
{
	struct pxe_buf b;
	const char *d;
	uint16_t count;
	int best = -EPROTONOSUPPORT;

	if (len < 35)
		return -EBADMSG;
	pxe_buf_init_ro(&b, p, len);
	if (pxe_buf_get_le32(&b) != SMB1_MAGIC || pxe_buf_get_u8(&b) != 0x72)
		return -EBADMSG;
	b.off = 32;
	if (pxe_buf_get_u8(&b) != 0)	/* WordCount */
		return -EBADMSG;
	count = pxe_buf_get_le16(&b);
	if (!pxe_buf_ok(&b) || count > pxe_buf_left(&b))
		return -EBADMSG;
	b.len = b.off + count;
	while (pxe_buf_left(&b) > 0) {
		if (pxe_buf_get_u8(&b) != 0x02 ||
		    (d = pxe_buf_get_cstr(&b, NULL)) == NULL)
			return -EBADMSG;
		if (strcmp(d, "SMB 2.???") == 0)
			best = SMB2_DIALECT_WILDCARD;
		else if (strcmp(d, "SMB 2.002") == 0 &&
		    best != SMB2_DIALECT_WILDCARD)
			best = SMB2_DIALECT_202;
	}
	return best;
}
