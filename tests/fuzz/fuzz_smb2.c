/*
 * Fuzz target for lib/libpxe/smb2, spnego and ntlmssp: the input is a
 * received frame.  Every message of its compound chain goes through
 * smb2_check_message and, when valid, the decoder of its command (as
 * pxe-smbd would call it); the session setup blob through spnego_parse and
 * the NTLMSSP decoders; the frame as an SMB1 NEGOTIATE; and its two halves
 * as a wildcard and a name.  Decoded pointers are read to their ends so
 * ASan sees any overrun.  Built as a libFuzzer target with
 * --enable-fuzzing (clang), else linked with replay.c for `make check`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libpxe/dcerpc.h"
#include "libpxe/ntlmssp.h"
#include "libpxe/smb2.h"
#include "libpxe/spnego.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint8_t sink;

/* Touch every byte of [p, p + n): an overrun is ASan's to report. */
static void
touch(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; p && i < n; i++)
		sink ^= p[i];
}

static void
auth_blob(const uint8_t *blob, size_t len)
{
	struct spnego_token t;
	struct ntlmssp_auth a;
	uint32_t flags;

	if (spnego_parse(blob, len, &t) < 0)
		return;
	touch(t.mech_types, t.mech_types_len);
	touch(t.mic, t.mic_len);
	touch(t.token, t.token_len);
	if (t.token == NULL)
		return;
	ntlmssp_parse_negotiate(t.token, t.token_len, &flags);
	if (ntlmssp_parse_authenticate(t.token, t.token_len, &a) == 0) {
		touch(a.lm, a.lm_len);
		touch(a.nt, a.nt_len);
		touch(a.user, a.user_len);
		touch(a.domain, a.domain_len);
		touch(a.workstation, a.workstation_len);
		touch(a.enc_key, a.enc_key_len);
		if (a.mic_off && a.mic_off + 16 > t.token_len)
			abort();
	}
}

/* What a client writes to the srvsvc pipe. */
static void
pipe_pdu(const uint8_t *p, size_t n)
{
	struct dcerpc_bind b;
	struct dcerpc_request q;
	uint8_t out[512];

	if (dcerpc_parse_bind(p, n, &b) == 0)
		dcerpc_build_bind_ack(out, sizeof(out), 1, &b, false);
	if (dcerpc_parse_request(p, n, &q) == 0) {
		touch(q.stub, q.stub_len);
		srvsvc_share_enum_level(q.stub, q.stub_len);
	}
}

/* The decoder pxe-smbd calls for m's command. */
static void
decode(const struct smb2_msg *m)
{
	union {
		struct smb2_negotiate_req neg;
		struct smb2_session_setup_req ss;
		struct smb2_tree_connect_req tc;
		struct smb2_create_req cr;
		struct smb2_close_req cl;
		struct smb2_read_req rd;
		struct smb2_query_dir_req qd;
		struct smb2_query_info_req qi;
		struct smb2_ioctl_req io;
		struct smb2_write_req wr;
		struct smb2_fid fid;
	} u;
	struct smb2_validate_negotiate vn;	/* beside u.io, not in u */
	unsigned i;

	switch (m->h.command) {
	case SMB2_NEGOTIATE:
		smb2_parse_negotiate(m, &u.neg);
		break;
	case SMB2_SESSION_SETUP:
		if (smb2_parse_session_setup(m, &u.ss) == 0) {
			touch(u.ss.blob, u.ss.blob_len);
			auth_blob(u.ss.blob, u.ss.blob_len);
		}
		break;
	case SMB2_TREE_CONNECT:
		if (smb2_parse_tree_connect(m, &u.tc) == 0)
			touch(u.tc.path, u.tc.path_len);
		break;
	case SMB2_CREATE:
		if (smb2_parse_create(m, &u.cr) == 0) {
			touch(u.cr.name, u.cr.name_len);
			for (i = 0; i < u.cr.nctx; i++) {
				touch(u.cr.ctx[i].name, u.cr.ctx[i].name_len);
				touch(u.cr.ctx[i].data, u.cr.ctx[i].data_len);
			}
		}
		break;
	case SMB2_CLOSE:
		smb2_parse_close(m, &u.cl);
		break;
	case SMB2_READ:
		smb2_parse_read(m, &u.rd);
		break;
	case SMB2_QUERY_DIRECTORY:
		if (smb2_parse_query_dir(m, &u.qd) == 0)
			touch(u.qd.pattern, u.qd.pattern_len);
		break;
	case SMB2_QUERY_INFO:
		if (smb2_parse_query_info(m, &u.qi) == 0)
			touch(u.qi.input, u.qi.input_len);
		break;
	case SMB2_IOCTL:
		if (smb2_parse_ioctl(m, &u.io) == 0) {
			touch(u.io.input, u.io.input_len);
			smb2_parse_validate_negotiate(u.io.input,
			    u.io.input_len, &vn);
			pipe_pdu(u.io.input, u.io.input_len);
		}
		break;
	case SMB2_WRITE:
		if (smb2_parse_write(m, &u.wr) == 0) {
			touch(u.wr.data, u.wr.len);
			pipe_pdu(u.wr.data, u.wr.len);
		}
		break;
	default:
		smb2_parse_fid(m, &u.fid);
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smb2_msg m;
	uint8_t *copy;
	size_t off = 0, half;
	int n = 0;

	/* A private copy so that reads past the end are caught by ASan. */
	if ((copy = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	smb1_negotiate_dialect(copy, size);
	auth_blob(copy, size);
	pipe_pdu(copy, size);
	while (off < size && n++ < 64) {
		if (smb2_check_message(copy + off, size - off, true, &m) < 0)
			break;
		if (m.len > size - off || m.body != m.data + SMB2_HDR_LEN)
			abort();
		if (m.error == 0)
			decode(&m);
		if (m.h.next == 0)
			break;
		off += m.len;
	}
	half = size / 2;
	if (size < 512)
		smb2_wildcard_match((const char *)copy, half,
		    (const char *)copy + half, size - half);
	free(copy);
	return 0;
}
