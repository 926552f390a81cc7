/*
 * pipe.c: the one named pipe IPC$ offers, srvsvc, so that "net view",
 * Explorer and "smbclient -L" can list the shares.  A client writes a
 * DCE/RPC PDU (WRITE, or FSCTL_PIPE_TRANSCEIVE) and reads the answer
 * (READ, or the IOCTL's output); libpxe's dcerpc does the encoding.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libpxe/dcerpc.h"
#include "libpxe/log.h"
#include "libpxe/utf16.h"
#include "smbd.h"

#define PIPE_OUT_MAX	(64 * 1024)

bool
pipe_name_ok(const char *path)
{
	return pxe_utf8_caseeq(path, strlen(path), "srvsvc", 6);
}

/* The NetrShareEnum answer: every share, and IPC$. */
static ssize_t
share_enum(struct smbd *d, const struct dcerpc_request *q, uint8_t *out,
    size_t cap)
{
	struct srvsvc_share sh[SMBD_MAX_SHARES + 1];
	size_t i, n = 0;
	int level = srvsvc_share_enum_level(q->stub, q->stub_len);

	if (level < 0)
		return -EBADMSG;
	for (i = 0; i < d->nshares; i++) {
		sh[n].name = d->shares[i].name;
		sh[n].type = d->shares[i].ipc ? SRVSVC_STYPE_IPC_HIDDEN :
		    SRVSVC_STYPE_DISKTREE;
		sh[n].remark = d->shares[i].ipc ? "IPC Service" :
		    "read-only";
		n++;
	}
	return srvsvc_build_share_enum(out, cap, level, sh, n);
}

/* Queue a PDU for the client to read. */
static int
pipe_queue(struct open *o, const uint8_t *p, size_t n)
{
	uint8_t *q;

	if (o->pipe_len - o->pipe_off + n > PIPE_OUT_MAX)
		return -ENOSPC;
	if (o->pipe_off > 0) {
		memmove(o->pipe_out, o->pipe_out + o->pipe_off,
		    o->pipe_len - o->pipe_off);
		o->pipe_len -= o->pipe_off;
		o->pipe_off = 0;
	}
	if ((q = realloc(o->pipe_out, o->pipe_len + n)) == NULL)
		return -ENOMEM;
	memcpy(q + o->pipe_len, p, n);
	o->pipe_out = q;
	o->pipe_len += n;
	return 0;
}

int
pipe_write(struct conn *c, struct open *o, const uint8_t *p, size_t n)
{
	struct dcerpc_request q;
	struct dcerpc_bind bd;
	struct dcerpc_hdr h;
	uint8_t stub[8192], out[8192 + 64];
	ssize_t len, sl;
	unsigned i;

	if (dcerpc_parse_hdr(p, n, &h) < 0)
		return -EBADMSG;
	switch (h.ptype) {
	case DCERPC_BIND:
	case DCERPC_ALTER_CONTEXT:
		if (dcerpc_parse_bind(p, n, &bd) < 0)
			return -EBADMSG;
		len = dcerpc_build_bind_ack(out, sizeof(out), h.call_id, &bd,
		    h.ptype == DCERPC_ALTER_CONTEXT);
		if (bd.srvsvc) {
			o->pipe_bound = true;
			for (i = 0; i < bd.nctx; i++)
				if (bd.ctx[i].result == 0)
					o->pipe_ctx = bd.ctx[i].id;
		}
		break;
	case DCERPC_REQUEST:
		if (dcerpc_parse_request(p, n, &q) < 0)
			return -EBADMSG;
		if (!o->pipe_bound || q.ctx_id != o->pipe_ctx) {
			len = dcerpc_build_fault(out, sizeof(out), h.call_id,
			    q.ctx_id, DCERPC_NCA_S_UNKNOWN_IF);
			break;
		}
		if (q.opnum != SRVSVC_OPNUM_SHARE_ENUM_ALL) {
			len = dcerpc_build_fault(out, sizeof(out), h.call_id,
			    q.ctx_id, DCERPC_NCA_S_OP_RNG_ERROR);
			break;
		}
		if ((sl = share_enum(c->d, &q, stub, sizeof(stub))) < 0) {
			len = dcerpc_build_fault(out, sizeof(out), h.call_id,
			    q.ctx_id, DCERPC_NCA_S_PROTO_ERROR);
			break;
		}
		len = dcerpc_build_response(out, sizeof(out), h.call_id,
		    q.ctx_id, stub, (size_t)sl);
		log_debug("%s: share list sent", c->peer);
		break;
	default:
		len = dcerpc_build_fault(out, sizeof(out), h.call_id, 0,
		    DCERPC_NCA_S_PROTO_ERROR);
		break;
	}
	if (len < 0)
		return (int)len;
	return pipe_queue(o, out, (size_t)len);
}

size_t
pipe_read(struct open *o, uint8_t *buf, size_t max, bool *more)
{
	size_t n = o->pipe_len - o->pipe_off;

	if (n > max)
		n = max;
	memcpy(buf, o->pipe_out + o->pipe_off, n);
	o->pipe_off += n;
	*more = o->pipe_off < o->pipe_len;
	if (!*more) {
		free(o->pipe_out);
		o->pipe_out = NULL;
		o->pipe_len = o->pipe_off = 0;
	}
	return n;
}

/*
 * Put up to max bytes of o's queued answer into r's response at data_off
 * (hdr bytes of response body before it); the length, or -1 with no room.
 */
static ssize_t
answer(struct req *r, struct open *o, size_t hdr, size_t data_off,
    size_t max, bool *more)
{
	if (req_reserve(r, hdr + max) < 0)
		return -1;
	return (ssize_t)pipe_read(o, r->b.data + data_off, max, more);
}

uint32_t
pipe_smb_read(struct req *r, struct open *o, const struct smb2_read_req *q)
{
	ssize_t n;
	bool more;

	if (o->pipe_len == o->pipe_off)
		return STATUS_PIPE_EMPTY;
	if (q->length > r->c->max_read)
		return STATUS_INVALID_PARAMETER;
	if ((n = answer(r, o, 16, SMB2_READ_DATA_OFF, q->length, &more)) < 0)
		return STATUS_INSUFFICIENT_RESOURCES;
	smb2_put_read_resp(&r->b, (uint32_t)n);
	r->b.off = SMB2_READ_DATA_OFF + (size_t)n;
	r->body_done = true;
	return more ? STATUS_BUFFER_OVERFLOW : 0;
}

uint32_t
pipe_transceive(struct req *r, struct open *o, const struct smb2_ioctl_req *q)
{
	size_t max = q->max_output;
	ssize_t n;
	bool more;

	if (pipe_write(r->c, o, q->input, q->input_len) < 0)
		return STATUS_INVALID_PARAMETER;
	if (max > r->c->max_transact)
		max = r->c->max_transact;
	if ((n = answer(r, o, 48, SMB2_IOCTL_DATA_OFF, max, &more)) < 0)
		return STATUS_INSUFFICIENT_RESOURCES;
	smb2_put_ioctl_resp(&r->b, q->ctl_code, &q->fid, (uint32_t)n);
	r->b.off = SMB2_IOCTL_DATA_OFF + (size_t)n;
	r->body_done = true;
	return more ? STATUS_BUFFER_OVERFLOW : 0;
}
