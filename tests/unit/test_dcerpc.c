/*
 * Unit tests for lib/libpxe/dcerpc: a bind as Samba's client sends it
 * (srvsvc with NDR and NDR64, and bind-time feature negotiation), the
 * bind_ack's per-context results, a NetrShareEnum request at level 1 and
 * the response's NDR layout, faults, and malformed PDUs.
 */
#include <errno.h>

#include "../tap.h"
#include "smb2_vectors.h"
#include "libpxe/dcerpc.h"

/* A bind for srvsvc 3.0: ctx 0 NDR, ctx 1 NDR64, ctx 2 feature nego. */
static const char bind_hex[] =
    "05000b0310000000a000000001000000d016d016000000000300000000000100"
    "c84f324b7016d30112785a47bf6ee18803000000045d888aeb1cc9119fe80800"
    "2b10486002000000010001 00c84f324b7016d30112785a47bf6ee18803000000"
    "33057171babe37498319b5dbef9ccc3601000000020001 00c84f324b7016d301"
    "12785a47bf6ee188030000002c1cb76c129840450300000000000000 01000000";

/* NetrShareEnum: \\127.0.0.1, level 1, no container, max -1, no resume. */
static const char request_hex[] =
    "05000003100000005c000000020000004400000000000f00"
    "00000200"				/* ServerName referent */
    "0c000000000000000c000000"		/* max, offset, actual */
    "5c005c003100320037002e0030002e0030002e0031000000"
    "01000000010000000400020000000000 00000000"
    "ffffffff00000000";

/* Hex with spaces allowed. */
static uint8_t *
unhex_sp(const char *s, size_t *n)
{
	char clean[1024];
	size_t i, k = 0;

	for (i = 0; s[i] && k < sizeof(clean) - 1; i++)
		if (s[i] != ' ')
			clean[k++] = s[i];
	clean[k] = '\0';
	return unhex(clean, n);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
test_bind(void)
{
	struct dcerpc_bind b;
	struct dcerpc_hdr h;
	uint8_t *p, out[512];
	size_t n;
	ssize_t len;

	p = unhex_sp(bind_hex, &n);
	tap_ok(dcerpc_parse_hdr(p, n, &h) == 0 && h.ptype == DCERPC_BIND &&
	    h.frag_len == n && h.call_id == 1, "bind header");
	tap_is(dcerpc_parse_bind(p, n, &b), 0, "bind parses");
	tap_ok(b.nctx == 3 && b.srvsvc, "three contexts, srvsvc among them");
	tap_ok(b.ctx[0].result == 0 && b.ctx[1].result == 2 &&
	    b.ctx[2].result == 3, "NDR accepted, NDR64 rejected, features "
	    "acknowledged");
	len = dcerpc_build_bind_ack(out, sizeof(out), 1, &b, false);
	tap_ok(len > 0 && dcerpc_parse_hdr(out, (size_t)len, &h) == 0 &&
	    h.ptype == DCERPC_BIND_ACK && h.frag_len == len,
	    "bind_ack, its own frag_length");
	/* 16 + 8 + 2 + 13 ("\PIPE\srvsvc\0") + pad 1 = 40: results. */
	tap_ok(len == 40 + 4 + 3 * 24 && out[40] == 3 && out[44] == 0 &&
	    out[48] == 0x04 && out[68] == 2 && out[92] == 3,
	    "three results, the first with NDR");
	p[2] = DCERPC_REQUEST;
	p[4] = 0x00;	/* big-endian data representation */
	tap_is(dcerpc_parse_hdr(p, n, &h), -EPROTONOSUPPORT,
	    "big-endian PDUs are not spoken");
	p[4] = 0x10;
	p[8] = 0xff;
	tap_is(dcerpc_parse_hdr(p, n, &h), -EBADMSG,
	    "a frag_length past the data");
	free(p);
}

static void
test_share_enum(void)
{
	static const struct srvsvc_share sh[] = {
		{ "install", SRVSVC_STYPE_DISKTREE, "read-only" },
		{ "IPC$", SRVSVC_STYPE_IPC_HIDDEN, "IPC Service" },
	};
	struct dcerpc_request q;
	uint8_t *p, stub[1024], out[1200];
	size_t n;
	ssize_t sl, len;

	p = unhex_sp(request_hex, &n);
	tap_is(dcerpc_parse_request(p, n, &q), 0, "request parses");
	tap_ok(q.opnum == 15 && q.ctx_id == 0 && q.stub_len == n - 24,
	    "opnum 15, its stub");
	tap_is(srvsvc_share_enum_level(q.stub, q.stub_len), 1, "level 1");
	sl = srvsvc_build_share_enum(stub, sizeof(stub), 1, sh, 2);
	tap_ok(sl > 0, "level 1 response built (%zd bytes)", sl);
	/* level, switch, container ref, count, array ref, max count. */
	tap_ok(get32(stub) == 1 && get32(stub + 4) == 1 &&
	    get32(stub + 12) == 2 && get32(stub + 20) == 2,
	    "level 1, two entries");
	tap_ok(get32(stub + 28) == SRVSVC_STYPE_DISKTREE &&
	    get32(stub + 40) == SRVSVC_STYPE_IPC_HIDDEN, "share types");
	/* First string: "install" (8 chars with its NUL). */
	tap_ok(get32(stub + 48) == 8 && get32(stub + 52) == 0 &&
	    get32(stub + 56) == 8 && stub[60] == 'i' && stub[74] == 0,
	    "netname as a conformant varying string with its NUL");
	tap_ok(get32(stub + sl - 4) == WERR_OK &&
	    get32(stub + sl - 16) == 2, "TotalEntries 2, WERR_OK");
	len = dcerpc_build_response(out, sizeof(out), 2, 0, stub, (size_t)sl);
	tap_ok(len == 24 + sl && out[2] == DCERPC_RESPONSE &&
	    get32(out + 16) == (uint32_t)sl, "response PDU with alloc_hint");
	sl = srvsvc_build_share_enum(stub, sizeof(stub), 2, sh, 2);
	tap_ok(sl == 24 && get32(stub + 20) == WERR_INVALID_LEVEL,
	    "level 2: WERR_INVALID_LEVEL");
	sl = srvsvc_build_share_enum(stub, 40, 1, sh, 2);
	tap_is(sl, -ENOSPC, "too small a buffer");
	len = dcerpc_build_fault(out, sizeof(out), 3, 0,
	    DCERPC_NCA_S_OP_RNG_ERROR);
	tap_ok(len == 32 && out[2] == DCERPC_FAULT &&
	    get32(out + 24) == DCERPC_NCA_S_OP_RNG_ERROR, "fault PDU");
	p[3] = DCERPC_PFC_FIRST_FRAG;	/* a fragment: not taken */
	tap_is(dcerpc_parse_request(p, n, &q), -EBADMSG,
	    "multi-fragment requests are refused");
	free(p);
	tap_is(srvsvc_share_enum_level((const uint8_t *)"\x01\0\0\0", 4),
	    -EBADMSG, "a stub cut short");
}

int
main(void)
{
	test_bind();
	test_share_enum();
	return tap_done();
}
