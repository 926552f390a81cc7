/*
 * smb2resp: the responses pxe-smbd sends, laid out through the cursor
 * (NEGOTIATE with its contexts, SESSION_SETUP, TREE_CONNECT, CREATE with
 * its contexts, and the lease context a CREATE asks with and is answered
 * with, CLOSE, READ, QUERY_*, IOCTL and the error body).  Part of the
 * smb2 module; declared in smb2.h.
 */
#include <errno.h>
#include <string.h>

#include "smb2.h"

/* ---- responses ---- */

/* Pad b's cursor (a message-relative offset) to a multiple of 8. */
static void
pad8(struct pxe_buf *b)
{
	while (b->off % 8 != 0 && pxe_buf_ok(b))
		pxe_buf_put_u8(b, 0);
}

void
smb2_put_negotiate_resp(struct pxe_buf *b, const struct smb2_negotiate_resp *r)
{
	size_t ctx_at_field, count = 0, ctx_off;
	size_t blob_off = SMB2_HDR_LEN + 64;

	pxe_buf_put_le16(b, 65);
	pxe_buf_put_le16(b, r->security_mode);
	pxe_buf_put_le16(b, r->dialect);
	pxe_buf_put_le16(b, 0);		/* NegotiateContextCount, below */
	pxe_buf_put_bytes(b, r->guid, 16);
	pxe_buf_put_le32(b, r->capabilities);
	pxe_buf_put_le32(b, r->max_transact);
	pxe_buf_put_le32(b, r->max_read);
	pxe_buf_put_le32(b, r->max_write);
	pxe_buf_put_le64(b, r->system_time);
	pxe_buf_put_le64(b, 0);		/* ServerStartTime */
	pxe_buf_put_le16(b, (uint16_t)blob_off);
	pxe_buf_put_le16(b, (uint16_t)r->blob_len);
	ctx_at_field = b->off;
	pxe_buf_put_le32(b, 0);		/* NegotiateContextOffset, below */
	pxe_buf_put_bytes(b, r->blob, r->blob_len);
	if (r->blob_len == 0)
		pxe_buf_put_u8(b, 0);	/* the odd StructureSize byte */
	if (r->dialect != SMB2_DIALECT_311)
		return;
	pad8(b);
	ctx_off = b->off;
	pxe_buf_put_le16(b, SMB2_PREAUTH_INTEGRITY_CAPABILITIES);
	pxe_buf_put_le16(b, 38);
	pxe_buf_put_le32(b, 0);
	pxe_buf_put_le16(b, 1);		/* HashAlgorithmCount */
	pxe_buf_put_le16(b, 32);	/* SaltLength */
	pxe_buf_put_le16(b, SMB2_PREAUTH_SHA512);
	pxe_buf_put_bytes(b, r->salt, 32);
	count++;
	if (r->sign_alg >= 0) {
		pad8(b);
		pxe_buf_put_le16(b, SMB2_SIGNING_CAPABILITIES);
		pxe_buf_put_le16(b, 4);
		pxe_buf_put_le32(b, 0);
		pxe_buf_put_le16(b, 1);
		pxe_buf_put_le16(b, (uint16_t)r->sign_alg);
		count++;
	}
	if (!pxe_buf_ok(b))
		return;
	/* Patch the count (body + 6) and the offset. */
	b->data[SMB2_HDR_LEN + 6] = (uint8_t)count;
	b->data[SMB2_HDR_LEN + 7] = 0;
	b->data[ctx_at_field] = (uint8_t)ctx_off;
	b->data[ctx_at_field + 1] = (uint8_t)(ctx_off >> 8);
	b->data[ctx_at_field + 2] = 0;
	b->data[ctx_at_field + 3] = 0;
}

void
smb2_put_session_setup_resp(struct pxe_buf *b, uint16_t flags,
    const uint8_t *blob, size_t blob_len)
{
	pxe_buf_put_le16(b, 9);
	pxe_buf_put_le16(b, flags);
	pxe_buf_put_le16(b, blob_len ? SMB2_HDR_LEN + 8 : 0);
	pxe_buf_put_le16(b, (uint16_t)blob_len);
	if (blob_len)
		pxe_buf_put_bytes(b, blob, blob_len);
	else
		pxe_buf_put_u8(b, 0);
}

void
smb2_put_tree_connect_resp(struct pxe_buf *b, uint8_t share_type,
    uint32_t share_flags, uint32_t capabilities, uint32_t access)
{
	pxe_buf_put_le16(b, 16);
	pxe_buf_put_u8(b, share_type);
	pxe_buf_put_u8(b, 0);
	pxe_buf_put_le32(b, share_flags);
	pxe_buf_put_le32(b, capabilities);
	pxe_buf_put_le32(b, access);
}

void
smb2_put_empty_resp(struct pxe_buf *b)
{
	pxe_buf_put_le16(b, 4);
	pxe_buf_put_le16(b, 0);
}

void
smb2_put_error_resp(struct pxe_buf *b)
{
	pxe_buf_put_le16(b, 9);
	pxe_buf_put_u8(b, 0);		/* ErrorContextCount */
	pxe_buf_put_u8(b, 0);
	pxe_buf_put_le32(b, 0);		/* ByteCount */
	pxe_buf_put_u8(b, 0);		/* ErrorData: one byte even if empty */
}

/* The times, sizes and attributes CREATE and CLOSE share. */
static void
put_times_sizes(struct pxe_buf *b, const struct smb2_file_info *fi)
{
	pxe_buf_put_le64(b, fi->creation);
	pxe_buf_put_le64(b, fi->access);
	pxe_buf_put_le64(b, fi->write);
	pxe_buf_put_le64(b, fi->change);
	pxe_buf_put_le64(b, fi->alloc);
	pxe_buf_put_le64(b, fi->eof);
	pxe_buf_put_le32(b, fi->attrs);
}

/* One create context answer: name (4 bytes) and data. */
static void
put_create_ctx(struct pxe_buf *b, const char *tag, const uint8_t *data,
    size_t n, bool last)
{
	size_t total = smb2_align8(24 + n);

	pxe_buf_put_le32(b, last ? 0 : (uint32_t)total);
	pxe_buf_put_le16(b, 16);	/* NameOffset */
	pxe_buf_put_le16(b, 4);
	pxe_buf_put_le16(b, 0);
	pxe_buf_put_le16(b, 24);	/* DataOffset */
	pxe_buf_put_le32(b, (uint32_t)n);
	pxe_buf_put_bytes(b, tag, 4);
	pxe_buf_put_le32(b, 0);		/* pad the name to 8 */
	pxe_buf_put_bytes(b, data, n);
	if (!last)
		pad8(b);
}

int
smb2_parse_lease(const uint8_t *p, size_t len, struct smb2_lease *l)
{
	struct pxe_buf b;

	memset(l, 0, sizeof(*l));
	if (len != 32 && len != 52)
		return -EBADMSG;
	pxe_buf_init_ro(&b, p, len);
	pxe_buf_get_bytes(&b, l->key, 16);
	l->state = pxe_buf_get_le32(&b);
	l->flags = pxe_buf_get_le32(&b);
	pxe_buf_get_le64(&b);		/* LeaseDuration */
	l->version = 1;
	if (len == 52) {
		pxe_buf_get_bytes(&b, l->parent_key, 16);
		l->epoch = pxe_buf_get_le16(&b);
		l->version = 2;
	}
	return pxe_buf_ok(&b) ? 0 : -EBADMSG;
}

/* The RqLs answer: the key, the state granted, v2's parent and epoch. */
static size_t
lease_data(const struct smb2_lease *l, uint8_t out[52])
{
	struct pxe_buf q;

	pxe_buf_init(&q, out, 52);
	pxe_buf_put_bytes(&q, l->key, 16);
	pxe_buf_put_le32(&q, l->state);
	pxe_buf_put_le32(&q, l->version == 2 ? l->flags : 0);
	pxe_buf_put_le64(&q, 0);
	if (l->version == 2) {
		pxe_buf_put_bytes(&q, l->parent_key, 16);
		pxe_buf_put_le16(&q, l->epoch);
		pxe_buf_put_le16(&q, 0);
	}
	return q.off;
}

void
smb2_put_create_resp(struct pxe_buf *b, const struct smb2_create_resp *r)
{
	struct {
		const char *tag;
		uint8_t data[52];
		size_t len;
	} ctx[3];
	size_t n = 0, i, ctx_field, ctx_off;
	struct pxe_buf q;

	pxe_buf_put_le16(b, 89);
	pxe_buf_put_u8(b, r->oplock);
	pxe_buf_put_u8(b, 0);
	pxe_buf_put_le32(b, r->action);
	put_times_sizes(b, r->fi);
	pxe_buf_put_le32(b, 0);
	pxe_buf_put_le64(b, r->fid.persistent);
	pxe_buf_put_le64(b, r->fid.volatile_);
	ctx_field = b->off;
	pxe_buf_put_le32(b, 0);
	pxe_buf_put_le32(b, 0);
	if (r->mxac) {
		ctx[n].tag = "MxAc";
		pxe_buf_init(&q, ctx[n].data, sizeof(ctx[n].data));
		pxe_buf_put_le32(&q, 0);	/* QueryStatus */
		pxe_buf_put_le32(&q, r->maximal_access);
		ctx[n++].len = q.off;
	}
	if (r->qfid) {
		ctx[n].tag = "QFid";
		pxe_buf_init(&q, ctx[n].data, sizeof(ctx[n].data));
		pxe_buf_put_le64(&q, r->fi->file_id);
		pxe_buf_put_le64(&q, r->fi->volume_id);
		pxe_buf_put_le64(&q, 0);
		pxe_buf_put_le64(&q, 0);
		ctx[n++].len = q.off;
	}
	if (r->lease.version) {
		ctx[n].tag = "RqLs";
		ctx[n].len = lease_data(&r->lease, ctx[n].data);
		n++;
	}
	if (n == 0) {
		pxe_buf_put_u8(b, 0);
		return;
	}
	ctx_off = b->off;
	for (i = 0; i < n; i++)
		put_create_ctx(b, ctx[i].tag, ctx[i].data, ctx[i].len,
		    i + 1 == n);
	if (!pxe_buf_ok(b))
		return;
	b->data[ctx_field] = (uint8_t)ctx_off;
	b->data[ctx_field + 1] = (uint8_t)(ctx_off >> 8);
	b->data[ctx_field + 4] = (uint8_t)(b->off - ctx_off);
	b->data[ctx_field + 5] = (uint8_t)((b->off - ctx_off) >> 8);
}

void
smb2_put_close_resp(struct pxe_buf *b, uint16_t flags,
    const struct smb2_file_info *fi)
{
	static const struct smb2_file_info zero;

	pxe_buf_put_le16(b, 60);
	pxe_buf_put_le16(b, fi ? flags : 0);
	pxe_buf_put_le32(b, 0);
	put_times_sizes(b, fi ? fi : &zero);
}

void
smb2_put_read_resp(struct pxe_buf *b, uint32_t data_len)
{
	pxe_buf_put_le16(b, 17);
	pxe_buf_put_u8(b, SMB2_READ_DATA_OFF);
	pxe_buf_put_u8(b, 0);
	pxe_buf_put_le32(b, data_len);
	pxe_buf_put_le32(b, 0);		/* DataRemaining */
	pxe_buf_put_le32(b, 0);
	if (data_len == 0)
		pxe_buf_put_u8(b, 0);
}

void
smb2_put_query_resp(struct pxe_buf *b, uint32_t out_len)
{
	pxe_buf_put_le16(b, 9);
	pxe_buf_put_le16(b, SMB2_QUERY_DATA_OFF);
	pxe_buf_put_le32(b, out_len);
	if (out_len == 0)
		pxe_buf_put_u8(b, 0);
}

void
smb2_put_ioctl_resp(struct pxe_buf *b, uint32_t ctl_code,
    const struct smb2_fid *fid, uint32_t out_len)
{
	pxe_buf_put_le16(b, 49);
	pxe_buf_put_le16(b, 0);
	pxe_buf_put_le32(b, ctl_code);
	pxe_buf_put_le64(b, fid->persistent);
	pxe_buf_put_le64(b, fid->volatile_);
	pxe_buf_put_le32(b, SMB2_IOCTL_DATA_OFF);	/* InputOffset */
	pxe_buf_put_le32(b, 0);				/* InputCount */
	pxe_buf_put_le32(b, out_len ? SMB2_IOCTL_DATA_OFF : 0);
	pxe_buf_put_le32(b, out_len);
	pxe_buf_put_le32(b, 0);
	pxe_buf_put_le32(b, 0);
}

void
smb2_put_validate_negotiate(struct pxe_buf *b, uint32_t capabilities,
    const uint8_t guid[16], uint16_t security_mode, uint16_t dialect)
{
	pxe_buf_put_le32(b, capabilities);
	pxe_buf_put_bytes(b, guid, 16);
	pxe_buf_put_le16(b, security_mode);
	pxe_buf_put_le16(b, dialect);
}
