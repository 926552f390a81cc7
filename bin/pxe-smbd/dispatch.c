/*
 * dispatch.c: every received frame comes through here.  Each message of a
 * (possibly compounded) frame is validated by smb2_check_message before
 * anything else reads it; then credits, session, signature and tree are
 * checked in that order, and the command table calls the handler, which
 * may trust what was checked.  Responses are appended to one output
 * chunk, 8-byte aligned and linked when compounded, and signed each on its
 * own once the frame is complete.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libpxe/log.h"
#include "smbd.h"

enum need {
	NEED_NOTHING = 0,
	NEED_SESSION = 1,
	NEED_TREE = 3,		/* a tree implies a session */
};

/* Count a reply status as an error (access denied and the logon's
 * "more processing" are answers, not errors). */
static void
count_status(struct smbd *d, uint32_t st)
{
	if (st >= 0xc0000000u && st != STATUS_ACCESS_DENIED &&
	    st != STATUS_MORE_PROCESSING_REQUIRED)
		d->c.errors++;
}

struct handler {
	uint32_t (*fn)(struct req *r);
	enum need need;
};

/* The command table: one row per SMB2 command. */
static const struct handler handlers[SMB2_NCMDS] = {
	[SMB2_NEGOTIATE] = { smb_negotiate, NEED_NOTHING },
	[SMB2_SESSION_SETUP] = { smb_session_setup, NEED_NOTHING },
	[SMB2_LOGOFF] = { smb_logoff, NEED_SESSION },
	[SMB2_TREE_CONNECT] = { smb_tree_connect, NEED_SESSION },
	[SMB2_TREE_DISCONNECT] = { smb_tree_disconnect, NEED_TREE },
	[SMB2_CREATE] = { smb_create, NEED_TREE },
	[SMB2_CLOSE] = { smb_close, NEED_TREE },
	[SMB2_FLUSH] = { smb_denied, NEED_TREE },
	[SMB2_READ] = { smb_read, NEED_TREE },
	[SMB2_WRITE] = { smb_write, NEED_TREE },
	[SMB2_LOCK] = { smb_lock, NEED_TREE },
	[SMB2_IOCTL] = { smb_ioctl, NEED_TREE },
	[SMB2_CANCEL] = { NULL, NEED_NOTHING },
	[SMB2_ECHO] = { smb_echo, NEED_NOTHING },
	[SMB2_QUERY_DIRECTORY] = { smb_query_dir, NEED_TREE },
	[SMB2_CHANGE_NOTIFY] = { smb_change_notify, NEED_TREE },
	[SMB2_QUERY_INFO] = { smb_query_info, NEED_TREE },
	[SMB2_SET_INFO] = { smb_denied, NEED_TREE },
	[SMB2_OPLOCK_BREAK] = { smb_denied, NEED_TREE },
};

/* A response of the frame, signed (or hashed) once the frame is built. */
struct resp {
	size_t at, len;
	struct smb2_signer *signer;	/* NULL: not signed */
	uint8_t *preauth;		/* hash it into this, or NULL */
};

/* What related messages inherit from the ones before them. */
struct chain {
	uint64_t session_id;
	uint32_t tree_id;
	struct smb2_fid fid;
	uint32_t create_status;
	bool have_fid;
	bool first;
	bool broken;		/* the chain began with a related message */
	size_t frame_end;	/* where in ob this frame's bodies must stop */
	bool exhausted;		/* the frame is full: the rest fail */
};

#define RESP_RESERVE	(64 * 1024)
/*
 * A frame's length is 24 bits (MS-SMB2 2.1): a compound's responses must
 * all fit in 16 MiB - 1.  Bodies stop short of that by room for an error
 * response to every message a frame may still hold, so a chain that runs
 * out ends with STATUS_INSUFFICIENT_RESOURCES answers, in step.
 */
#define FRAME_MAX	0xffffffu
#define ERROR_RESP_MAX	(SMB2_HDR_LEN + 16 + 8)	/* error body, padding */
#define FRAME_BUDGET	(FRAME_MAX - SMBD_MAX_COMPOUND * ERROR_RESP_MAX)

/* The buffer for r's response: what ob holds, cut at r's limit. */
static size_t
resp_cap(const struct req *r)
{
	size_t cap = r->ob->cap - r->at;

	return cap < r->limit ? cap : r->limit;
}

int
req_reserve(struct req *r, size_t n)
{
	size_t off = r->b.off;
	int err = r->b.err;

	if (n > r->limit || off > r->limit - n) {
		r->over_budget = true;
		return -EMSGSIZE;
	}
	if (conn_out_reserve(r->ob, off + n) < 0)
		return -ENOMEM;
	pxe_buf_init(&r->b, r->ob->data + r->at, resp_cap(r));
	r->b.off = off;
	r->b.err = err;
	return 0;
}

/* Check a signed (or unsigned) request against its session.  0 or a
 * status. */
static uint32_t
check_signature(struct req *r)
{
	struct session *s = r->sess;

	if (s == NULL || !s->signer.valid)
		return 0;
	if (r->m->h.flags & SMB2_FLAGS_SIGNED) {
		if (!smb2_verify(&s->signer, r->m->data, r->m->len)) {
			log_warn("bad signature from %s on %s", r->c->peer,
			    smb2_cmd_name(r->m->h.command));
			r->no_sign = true;
			return STATUS_ACCESS_DENIED;
		}
		return 0;
	}
	if (s->signing_required && r->m->h.command != SMB2_ECHO) {
		r->no_sign = true;
		return STATUS_ACCESS_DENIED;
	}
	return 0;
}

/* Session, signature and tree, as the command needs them. */
static uint32_t
check_context(struct req *r, const struct handler *h, struct chain *ch)
{
	const struct smb2_hdr *hd = &r->m->h;
	uint64_t sid = hd->session_id;
	uint32_t tid = hd->tree_id, st;

	if ((hd->flags & SMB2_FLAGS_RELATED_OPERATIONS) && !ch->first) {
		sid = ch->session_id;
		tid = ch->tree_id;
	}
	ch->session_id = sid;
	ch->tree_id = tid;
	if (h->need == NEED_NOTHING)
		return 0;
	r->sess = session_find(r->c, sid);
	if (r->sess == NULL || r->sess->state != SESS_VALID) {
		r->sess = NULL;
		return STATUS_USER_SESSION_DELETED;
	}
	if ((st = check_signature(r)) != 0)
		return st;
	if (h->need == NEED_TREE &&
	    (r->tree = tree_find(r->sess, tid)) == NULL)
		return STATUS_NETWORK_NAME_DELETED;
	return 0;
}

/* Write the response header at the start of r's buffer. */
static void
put_header(struct req *r, uint32_t status, uint16_t credits,
    const struct chain *ch)
{
	const struct smb2_hdr *q = &r->m->h;
	struct smb2_hdr h;
	struct pxe_buf hb;

	memset(&h, 0, sizeof(h));
	h.credit_charge = q->credit_charge;
	h.status = status;
	h.command = q->command;
	h.credits = credits;
	h.flags = SMB2_FLAGS_SERVER_TO_REDIR |
	    (q->flags & SMB2_FLAGS_RELATED_OPERATIONS);
	if (r->async_id) {
		h.flags |= SMB2_FLAGS_ASYNC_COMMAND;
		h.async_id = r->async_id;
	}
	h.message_id = q->message_id;
	h.tree_id = r->tree ? r->tree->id : ch->tree_id;
	h.session_id = r->sess ? r->sess->id : ch->session_id;
	pxe_buf_init(&hb, r->b.data, SMB2_HDR_LEN);
	smb2_put_hdr(&hb, &h);
}

/* The error body, with the 4-byte size BUFFER_TOO_SMALL carries. */
static void
put_error(struct req *r)
{
	r->b.off = SMB2_HDR_LEN;
	if (r->has_error_data) {
		pxe_buf_put_le16(&r->b, 9);
		pxe_buf_put_le16(&r->b, 0);
		pxe_buf_put_le32(&r->b, 4);
		pxe_buf_put_le32(&r->b, r->error_data);
		return;
	}
	smb2_put_error_resp(&r->b);
}

/* Statuses that come with a real body, not the ERROR one. */
static bool
status_has_body(uint32_t st)
{
	return st == STATUS_SUCCESS || st == STATUS_BUFFER_OVERFLOW ||
	    st == STATUS_MORE_PROCESSING_REQUIRED ||
	    st == STATUS_NOTIFY_ENUM_DIR;
}

/* A CANCEL: the pending request it names ends with STATUS_CANCELLED. */
static void
cancel(struct conn *c, const struct smb2_msg *m)
{
	struct pending *p;

	for (p = c->pending; p; p = p->next) {
		if ((m->h.flags & SMB2_FLAGS_ASYNC_COMMAND) ?
		    p->async_id == m->h.async_id :
		    p->message_id == m->h.message_id) {
			pending_finish(c, p, STATUS_CANCELLED);
			return;
		}
	}
}

void
pending_finish(struct conn *c, struct pending *p, uint32_t status)
{
	struct pending **pp;
	struct outbuf *ob;
	struct smb2_hdr h;
	struct pxe_buf b;
	size_t len;

	for (pp = &c->pending; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	}
	c->npending--;
	if ((ob = conn_out_new(c, 4 + SMB2_HDR_LEN + 16)) != NULL) {
		memset(&h, 0, sizeof(h));
		h.status = status;
		h.credit_charge = p->credit_charge;
		h.command = SMB2_CHANGE_NOTIFY;
		h.flags = SMB2_FLAGS_SERVER_TO_REDIR |
		    SMB2_FLAGS_ASYNC_COMMAND;
		h.message_id = p->message_id;
		h.async_id = p->async_id;
		h.session_id = p->sess->id;
		pxe_buf_init(&b, ob->data + 4, ob->cap - 4);
		smb2_put_hdr(&b, &h);
		if (status == STATUS_NOTIFY_CLEANUP)
			smb2_put_query_resp(&b, 0);	/* nothing changed */
		else
			smb2_put_error_resp(&b);
		len = b.off;
		if (p->sess->signer.valid &&
		    (p->sign || p->sess->signing_required))
			smb2_sign(&p->sess->signer, ob->data + 4, len);
		ob->data[0] = 0;
		ob->data[1] = (uint8_t)(len >> 16);
		ob->data[2] = (uint8_t)(len >> 8);
		ob->data[3] = (uint8_t)len;
		ob->len = 4 + len;
	}
	free(p);
}

void
pending_drop(struct conn *c, struct session *s, struct open *o)
{
	struct pending *p, *next;

	for (p = c->pending; p; p = next) {
		next = p->next;
		if (p->sess == s && (o == NULL || p->open == o))
			pending_finish(c, p, STATUS_NOTIFY_CLEANUP);
	}
}

void
pending_free_all(struct conn *c)
{
	struct pending *p;

	while ((p = c->pending) != NULL) {
		c->pending = p->next;
		free(p);
	}
	c->npending = 0;
}

/* Answer one validated message into ob.  0 or -EPROTO. */
static int
process(struct conn *c, const struct smb2_msg *m, struct outbuf *ob,
    struct chain *ch, struct resp *rs)
{
	const struct handler *h = NULL;
	struct req r;
	uint32_t st;
	uint16_t charge, grant;

	memset(&r, 0, sizeof(r));
	r.c = c;
	r.m = m;
	r.ob = ob;
	r.at = ob->len;
	r.rel_fid = ch->fid;
	r.rel_status = ch->create_status;
	r.rel_set = ch->have_fid && !ch->first &&
	    (m->h.flags & SMB2_FLAGS_RELATED_OPERATIONS);
	c->d->c.messages++;
	if (m->h.command == SMB2_CANCEL) {
		cancel(c, m);
		return 0;	/* CANCEL itself is never answered */
	}
	if (!c->negotiated && m->h.command != SMB2_NEGOTIATE)
		return -EPROTO;
	charge = c->dialect >= SMB2_DIALECT_210 && m->h.credit_charge ?
	    m->h.credit_charge : 1;
	if (!conn_take_ids(c, m->h.message_id, charge)) {
		log_warn("%s: message id %llu (charge %u) outside the credit "
		    "window %llu+%u (%u credits)", c->peer,
		    (unsigned long long)m->h.message_id, charge,
		    (unsigned long long)c->seq_low, c->seq_range, c->credits);
		return -EPROTO;
	}
	if (conn_out_reserve(ob, RESP_RESERVE) < 0)
		return -EPROTO;
	r.limit = ch->frame_end > r.at ? ch->frame_end - r.at : 0;
	pxe_buf_init(&r.b, ob->data + r.at, resp_cap(&r));
	r.b.off = SMB2_HDR_LEN;
	if (ch->exhausted) {
		st = STATUS_INSUFFICIENT_RESOURCES;
	} else if (m->error != 0) {
		st = m->error;
		ch->session_id = m->h.session_id;
		ch->tree_id = m->h.tree_id;
		/* Signed like any other answer on the session. */
		r.sess = session_find(c, m->h.session_id);
		if (r.sess && r.sess->state != SESS_VALID)
			r.sess = NULL;
		if (check_signature(&r) != 0)
			st = STATUS_ACCESS_DENIED;
	} else if (m->h.flags & SMB2_FLAGS_ASYNC_COMMAND) {
		st = STATUS_INVALID_PARAMETER;
	} else if (m->h.flags & SMB2_FLAGS_RELATED_OPERATIONS &&
	    (ch->first || ch->broken)) {
		/* A related message needs one before it to relate to. */
		ch->broken = true;
		st = STATUS_INVALID_PARAMETER;
	} else {
		ch->broken = false;
		h = &handlers[m->h.command];
		st = check_context(&r, h, ch);
		if (st == 0)
			st = h->fn(&r);
	}
	if (st == (uint32_t)-EPROTO)
		return -EPROTO;
	/* The frame is full: this and the rest of the chain fail. */
	if (r.over_budget || (!pxe_buf_ok(&r.b) && resp_cap(&r) == r.limit))
		ch->exhausted = true;
	/* An error answer always has room (RESP_RESERVE, FRAME_BUDGET). */
	r.b.len = ob->cap - r.at;
	if (!r.body_done || !status_has_body(st))
		put_error(&r);
	if (!pxe_buf_ok(&r.b)) {
		/* A handler overran what it reserved: answer plainly. */
		r.b.err = 0;
		st = STATUS_INSUFFICIENT_RESOURCES;
		put_error(&r);
	}
	grant = conn_grant(c, m->h.credits, charge);
	put_header(&r, st, grant, ch);
	if (r.tree != NULL)
		ch->tree_id = r.tree->id;
	ob->len = r.at + r.b.off;
	count_status(c->d, st);
	if (m->h.command == SMB2_CREATE) {
		ch->create_status = st;
		ch->have_fid = st == 0;
		if (st == 0)
			ch->fid = r.new_fid;
	}
	rs->at = r.at;
	rs->len = r.b.off;
	rs->preauth = r.preauth;
	rs->signer = NULL;
	if (r.async_id)
		return 0;	/* interim responses are not signed */
	if (r.sess && r.sess->signer.valid && !r.no_sign &&
	    (r.sign || (m->h.flags & SMB2_FLAGS_SIGNED) ||
	    r.sess->signing_required))
		rs->signer = &r.sess->signer;
	return 0;
}

/* Link compounded responses, hash and sign each, frame the whole. */
static void
finish(struct outbuf *ob, size_t start, struct resp *rs, size_t n)
{
	size_t i, flen = ob->len - start - 4;
	uint8_t *p;

	for (i = 0; i < n; i++) {
		p = ob->data + rs[i].at;
		if (rs[i].preauth)
			smb2_preauth_update(rs[i].preauth, p, rs[i].len);
		if (rs[i].signer)
			smb2_sign(rs[i].signer, p, rs[i].len);
	}
	ob->data[start] = 0;
	ob->data[start + 1] = (uint8_t)(flen >> 16);
	ob->data[start + 2] = (uint8_t)(flen >> 8);
	ob->data[start + 3] = (uint8_t)flen;
}

/* Pad the response before the next compounded one and link it. */
static void
link_prev(struct outbuf *ob, struct resp *prev)
{
	uint8_t *p = ob->data + prev->at;
	size_t pad = (8 - prev->len % 8) % 8;

	memset(ob->data + ob->len, 0, pad);
	ob->len += pad;
	prev->len += pad;
	p[20] = (uint8_t)prev->len;
	p[21] = (uint8_t)(prev->len >> 8);
	p[22] = (uint8_t)(prev->len >> 16);
	p[23] = (uint8_t)(prev->len >> 24);
}

/* An SMB1 NEGOTIATE: answered in SMB2 if it offers SMB2. */
static int
smb1_negotiate(struct conn *c, const uint8_t *frame, size_t len)
{
	struct smb2_msg m;
	uint8_t fake[SMB2_HDR_LEN + 36 + 2];
	struct pxe_buf b;
	int d = smb1_negotiate_dialect(frame, len);

	if (d < 0 || c->negotiated || c->wildcard) {
		log_info("%s: SMB1 only (or SMB1 after negotiating): "
		    "refused", c->peer);
		return -EPROTO;
	}
	/*
	 * Build the SMB2 NEGOTIATE this stands for (message 0, one dialect)
	 * and answer it like any other, through the same handler.
	 */
	memset(fake, 0, sizeof(fake));
	pxe_buf_init(&b, fake, sizeof(fake));
	pxe_buf_put_le32(&b, SMB2_MAGIC);
	pxe_buf_put_le16(&b, SMB2_HDR_LEN);
	b.off = SMB2_HDR_LEN;
	pxe_buf_put_le16(&b, 36);
	pxe_buf_put_le16(&b, 1);
	b.off = SMB2_HDR_LEN + 36;
	pxe_buf_put_le16(&b, (uint16_t)d);
	if (smb2_check_message(fake, sizeof(fake), false, &m) < 0)
		return -EPROTO;
	return dispatch_frame(c, fake, sizeof(fake));
}

int
dispatch_frame(struct conn *c, const uint8_t *frame, size_t len)
{
	struct resp rs[SMBD_MAX_COMPOUND];
	struct chain ch;
	struct smb2_msg m;
	struct outbuf *ob;
	struct session *s;
	size_t off = 0, n = 0, start;
	int r = 0;

	if (len >= 4 && frame[0] == 0xff && memcmp(frame + 1, "SMB", 3) == 0)
		return smb1_negotiate(c, frame, len);
	if (len < 4 || frame[0] != 0xfe || memcmp(frame + 1, "SMB", 3) != 0)
		return -EPROTO;	/* encrypted, compressed or garbage */
	if ((ob = c->out_tail) == NULL || ob->sent > 0 ||
	    ob->cap - ob->len < 4 + SMB2_HDR_LEN)
		ob = conn_out_new(c, RESP_RESERVE + 4);
	if (ob == NULL)
		return -EPROTO;
	start = ob->len;
	ob->len += 4;
	memset(&ch, 0, sizeof(ch));
	ch.first = true;
	ch.frame_end = start + 4 + FRAME_BUDGET;
	for (;;) {
		if (n == SMBD_MAX_COMPOUND ||
		    smb2_check_message(frame + off, len - off,
		    c->dialect >= SMB2_DIALECT_210, &m) < 0) {
			r = -EPROTO;
			break;
		}
		if (n > 0)
			link_prev(ob, &rs[n - 1]);
		rs[n].at = ob->len;
		rs[n].len = 0;
		if ((r = process(c, &m, ob, &ch, &rs[n])) < 0)
			break;
		if (rs[n].len > 0 || m.h.command != SMB2_CANCEL)
			n++;
		ch.first = false;
		if (m.h.next == 0)
			break;
		off += m.len;
	}
	if (n == 0)
		ob->len = start;	/* nothing to say (a lone CANCEL); an
					 * empty chunk is dropped when written */
	else
		finish(ob, start, rs, n);
	while ((s = c->dead_sessions) != NULL) {
		c->dead_sessions = s->next;
		session_free(s);
	}
	return r;
}
