/*
 * smb.c: the last step of a Windows network install, WinPE's
 * "net use Z: \\server\share", followed on TCP port 445 with libpxe's own
 * SMB2 wire code.  Each TCP segment is read on its own (no reassembly):
 * the messages that decide whether "net use" works (NEGOTIATE, the final
 * SESSION_SETUP, TREE_CONNECT) are small and start their segment, which
 * is all the diagnosis needs; a segment that does not start with the
 * 4-byte transport header is the middle of a large READ and is skipped.
 * What is learned goes into the client's struct smb_state for rules.c.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "libpxe/buf.h"
#include "libpxe/log.h"
#include "libpxe/ntlmssp.h"
#include "libpxe/smb2.h"
#include "libpxe/spnego.h"
#include "libpxe/utf16.h"
#include "sniff.h"

#define TCP_SYN		0x02
#define TCP_RST		0x04
#define TCP_ACK		0x10

/* NT status names the rules and events use; else the number. */
const char *
smb_status_name(uint32_t st, char *buf, size_t cap)
{
	static const struct {
		uint32_t st;
		const char *name;
	} names[] = {
		{ 0x00000000u, "STATUS_SUCCESS" },
		{ 0xc000006du, "STATUS_LOGON_FAILURE" },
		{ 0xc000006eu, "STATUS_ACCOUNT_RESTRICTION" },
		{ 0xc0000072u, "STATUS_ACCOUNT_DISABLED" },
		{ 0xc0000022u, "STATUS_ACCESS_DENIED" },
		{ 0xc00000ccu, "STATUS_BAD_NETWORK_NAME" },
		{ 0xc00000bbu, "STATUS_NOT_SUPPORTED" },
		{ 0xc0000203u, "STATUS_USER_SESSION_DELETED" },
		{ 0xc000015bu, "STATUS_LOGON_TYPE_NOT_GRANTED" },
		{ 0xc0000224u, "STATUS_PASSWORD_MUST_CHANGE" },
		{ 0xc0000071u, "STATUS_PASSWORD_EXPIRED" },
		{ 0xc000009au, "STATUS_INSUFFICIENT_RESOURCES" },
		{ 0xc05d0000u, "STATUS_NO_PREAUTH_OVERLAP" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].st == st)
			return names[i].name;
	snprintf(buf, cap, "status 0x%08x", st);
	return buf;
}

static const char *
dialect_name(uint16_t d)
{
	switch (d) {
	case 0x0202: return "2.0.2";
	case 0x0210: return "2.1";
	case 0x0300: return "3.0";
	case 0x0302: return "3.0.2";
	case 0x0311: return "3.1.1";
	case 0x02ff: return "2.??? (wildcard)";
	}
	return "unknown";
}

/* The user name of an NTLMSSP AUTHENTICATE inside a SESSION_SETUP
 * request, as "DOMAIN\user" in out; false when there is none. */
static bool
session_user(const struct smb2_msg *m, char *out, size_t cap)
{
	struct smb2_session_setup_req q;
	struct spnego_token t;
	struct ntlmssp_auth a;
	char user[128], dom[128], both[260];
	const uint8_t *tok;
	size_t toklen;

	if (smb2_parse_session_setup(m, &q) != 0 || q.blob_len == 0 ||
	    spnego_parse(q.blob, q.blob_len, &t) < 0)
		return false;
	tok = t.kind == SPNEGO_RAW_NTLMSSP ? q.blob : t.token;
	toklen = t.kind == SPNEGO_RAW_NTLMSSP ? q.blob_len : t.token_len;
	if (tok == NULL || ntlmssp_msg_type(tok, toklen) != 3 ||
	    ntlmssp_parse_authenticate(tok, toklen, &a) < 0)
		return false;
	if (a.anonymous) {
		snprintf(out, cap, "(anonymous)");
		return true;
	}
	if (pxe_utf16_to_utf8(a.user, a.user_len, user, sizeof(user)) < 0)
		snprintf(user, sizeof(user), "?");
	if (pxe_utf16_to_utf8(a.domain, a.domain_len, dom, sizeof(dom)) < 0)
		dom[0] = '\0';
	snprintf(both, sizeof(both), "%s%s%s", dom, dom[0] ? "\\" : "", user);
	/* Escaped as pxe-smbd logs it. */
	pxe_log_escape_flags(out, cap, both, strlen(both), PXE_ESC_BACKSLASH);
	return true;
}

/* One SMB2 message from the client. */
static void
client_msg(struct sniff *s, struct client *c, const uint8_t *p, size_t len)
{
	struct smb2_tree_connect_req tq;
	struct smb_state *st = &c->smb;
	struct smb2_msg m;
	char path[256];

	if (smb2_check_message(p, len, false, &m) < 0 || m.error != 0)
		return;
	switch (m.h.command) {
	case SMB2_SESSION_SETUP:
		session_user(&m, st->user, sizeof(st->user));
		break;
	case SMB2_TREE_CONNECT:
		if (smb2_parse_tree_connect(&m, &tq) != 0 ||
		    pxe_utf16_to_utf8(tq.path, tq.path_len, path,
		    sizeof(path)) < 0)
			return;
		pxe_log_escape_flags(st->share, sizeof(st->share), path,
		    strlen(path), PXE_ESC_BACKSLASH);
		st->tree_asked++;
		break;
	case SMB2_LOGOFF:
		st->logoffs++;
		break;
	}
	(void)s;
}

/* \\server\IPC$: the share list, not a share. */
static bool
is_ipc(const char *share)
{
	const char *x = strrchr(share, '\\');

	return x != NULL && strcasecmp(x + 1, "IPC$") == 0;
}

/* One SMB2 message from the server. */
static void
server_msg(struct sniff *s, struct client *c, const struct frame *f,
    double t, const uint8_t *p, size_t len)
{
	struct smb_state *st = &c->smb;
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], js[512], sb[32];
	struct smb2_hdr h;
	struct pxe_buf body;
	uint16_t size, mode, flags;

	if (len < 64 || smb2_parse_hdr(p, len, &h) < 0 ||
	    !(h.flags & SMB2_FLAGS_SERVER_TO_REDIR))
		return;
	pxe_buf_init_ro(&body, p + 64, len - 64);
	size = pxe_buf_get_le16(&body);
	sniff_ip(f->src_ip, a);
	sniff_ip(f->dst_ip, b);
	js[0] = '\0';
	switch (h.command) {
	case SMB2_NEGOTIATE:
		mode = pxe_buf_get_le16(&body);
		st->dialect = pxe_buf_get_le16(&body);
		if (h.status != 0 || size != 65 || !pxe_buf_ok(&body)) {
			st->dialect = 0;
			return;
		}
		st->signing_required = (mode &
		    SMB2_NEGOTIATE_SIGNING_REQUIRED) != 0;
		json_str(js, sizeof(js), "dialect", dialect_name(st->dialect));
		json_str(js, sizeof(js), "signing", st->signing_required ?
		    "required" : "enabled");
		out_event(s, c, t, "smb-negotiate", js, "SMB NEGOTIATE %s -> %s: "
		    "dialect %s, signing %s", a, b, dialect_name(st->dialect),
		    st->signing_required ? "required" : "enabled");
		break;
	case SMB2_SESSION_SETUP:
		if (h.status == STATUS_MORE_PROCESSING_REQUIRED)
			return;		/* the NTLM challenge: not the end */
		json_str(js, sizeof(js), "user", st->user);
		if (h.status != 0) {
			st->logon_failures++;
			st->last_logon_status = h.status;
			json_str(js, sizeof(js), "status",
			    smb_status_name(h.status, sb, sizeof(sb)));
			out_event(s, c, t, "smb-session", js, "SMB SESSION_SETUP "
			    "%s -> %s: user '%s' refused: %s", a, b, st->user,
			    smb_status_name(h.status, sb, sizeof(sb)));
			return;
		}
		flags = pxe_buf_get_le16(&body);
		if (!pxe_buf_ok(&body))
			flags = 0;
		if (flags & SMB2_SESSION_FLAG_IS_NULL)
			st->anonymous_sessions++;
		else if (flags & SMB2_SESSION_FLAG_IS_GUEST)
			st->guest_sessions++;
		else
			st->sessions++;
		if (flags & (SMB2_SESSION_FLAG_IS_NULL |
		    SMB2_SESSION_FLAG_IS_GUEST))
			st->tree_asked_at_guest = st->tree_asked;
		json_str(js, sizeof(js), "session", flags &
		    SMB2_SESSION_FLAG_IS_NULL ? "anonymous" : flags &
		    SMB2_SESSION_FLAG_IS_GUEST ? "guest" : "user");
		out_event(s, c, t, "smb-session", js, "SMB SESSION_SETUP %s -> "
		    "%s: user '%s' logged on%s", a, b, st->user,
		    flags & SMB2_SESSION_FLAG_IS_NULL ? " as an anonymous "
		    "(null) session" : flags & SMB2_SESSION_FLAG_IS_GUEST ?
		    " as a GUEST (unsigned)" : "");
		break;
	case SMB2_TREE_CONNECT:
		json_str(js, sizeof(js), "share", st->share);
		json_str(js, sizeof(js), "status",
		    smb_status_name(h.status, sb, sizeof(sb)));
		if (h.status == 0) {
			st->tree_ok++;
			st->tree_signed = (h.flags & SMB2_FLAGS_SIGNED) != 0;
			if (!is_ipc(st->share))
				snprintf(st->share_ok, sizeof(st->share_ok), "%s",
				    st->share);
		} else {
			st->tree_failed++;
			st->tree_status = h.status;
			snprintf(st->share_bad, sizeof(st->share_bad), "%s",
			    st->share);
		}
		if (h.status == 0)
			json_str(js, sizeof(js), "signed", st->tree_signed ?
			    "yes" : "no");
		out_event(s, c, t, "smb-tree", js, "SMB TREE_CONNECT %s -> %s: "
		    "%s %s", a, b, st->share, h.status != 0 ?
		    smb_status_name(h.status, sb, sizeof(sb)) : st->tree_signed ?
		    "connected, signed" : "connected, unsigned");
		break;
	}
}

/* One transport message (after its 4-byte header). */
static void
smb_msg(struct sniff *s, struct client *c, const struct frame *f, double t,
    bool from_client, const uint8_t *p, size_t len)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	struct smb2_hdr h;
	size_t off = 0, n;

	if (len >= 4 && p[0] == 0xff && memcmp(p + 1, "SMB", 3) == 0) {
		/* SMB1: a NEGOTIATE from the client is normal (pxe-smbd
		 * and Windows answer it in SMB2); an answer in SMB1 means
		 * the server speaks nothing newer. */
		if (!from_client && len > 9 && p[4] == 0x72 &&
		    (p[9] & 0x80) && !c->smb.smb1_server) {
			c->smb.smb1_server = true;
			out_event(s, c, t, "smb-negotiate", NULL, "SMB NEGOTIATE "
			    "%s -> %s: answered in SMB1 (NT LM 0.12): the "
			    "server has no SMB2", sniff_ip(f->src_ip, a),
			    sniff_ip(f->dst_ip, b));
		}
		return;
	}
	/* SMB2, possibly compounded: each message NextCommand apart. */
	while (off < len && smb2_parse_hdr(p + off, len - off, &h) == 0) {
		n = h.next != 0 && h.next < len - off ? h.next : len - off;
		if (from_client)
			client_msg(s, c, p + off, n);
		else
			server_msg(s, c, f, t, p + off, n);
		if (h.next < 64 || h.next >= len - off)
			break;
		off += h.next;
	}
}

void
smb_frame(struct sniff *s, struct client *c, const struct frame *f,
    double t, bool from_client)
{
	struct smb_state *st = &c->smb;
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	const uint8_t *p = f->payload;
	size_t left = f->payload_len, n;

	st->seen = true;
	if (from_client) {
		st->server_ip = f->dst_ip;
		if ((f->tcp_flags & (TCP_SYN | TCP_ACK)) == TCP_SYN) {
			/* A new attempt, or the same one sent again. */
			st->syn_retries = st->syn_pending ?
			    st->syn_retries + 1 : 0;
			st->syn_pending = true;
		}
	} else if ((f->tcp_flags & (TCP_SYN | TCP_ACK)) ==
	    (TCP_SYN | TCP_ACK)) {
		st->syn_pending = st->last_refused = false;
		st->established++;
	} else if ((f->tcp_flags & TCP_RST) && st->syn_pending) {
		st->syn_pending = false;
		st->last_refused = true;
		if (st->refused++ == 0)
			out_event(s, c, t, "smb-refused", NULL, "SMB %s -> %s: "
			    "connection to port 445 refused (RST)",
			    sniff_ip(f->dst_ip, a), sniff_ip(f->src_ip, b));
	}
	/* Whole transport messages at the start of the segment. */
	while (left >= 4 + 4 && p[0] == 0) {
		n = (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
		if (n < 4)
			break;
		smb_msg(s, c, f, t, from_client, p + 4,
		    n < left - 4 ? n : left - 4);
		if (n >= left - 4)
			break;
		p += 4 + n;
		left -= 4 + n;
	}
}
