/*
 * Unit tests for lib/libpxe/smb2 (and smb2info): the header, the message
 * validator against a table of good and broken messages, compound chains,
 * each request decoder, the response encoders' layouts, the information
 * classes, wildcards and the SMB1 NEGOTIATE.  The NEGOTIATE request is
 * the real one from Microsoft's published 3.1.1 exchange.
 */
#include <ctype.h>
#include <errno.h>
#include <time.h>

#include "../tap.h"
#include "smb2_vectors.h"
#include "libpxe/smb2.h"
#include "libpxe/utf16.h"

/* A message under construction: header, then body fields by offset. */
struct msg {
	uint8_t b[1024];
	size_t len;
};

static void
put16(uint8_t *p, size_t at, uint16_t v)
{
	p[at] = (uint8_t)v;
	p[at + 1] = (uint8_t)(v >> 8);
}

static void
put32(uint8_t *p, size_t at, uint32_t v)
{
	put16(p, at, (uint16_t)v);
	put16(p, at + 2, (uint16_t)(v >> 16));
}

static void
put64(uint8_t *p, size_t at, uint64_t v)
{
	put32(p, at, (uint32_t)v);
	put32(p, at + 4, (uint32_t)(v >> 32));
}

static uint32_t
get32(const uint8_t *p, size_t at)
{
	return (uint32_t)p[at] | (uint32_t)p[at + 1] << 8 |
	    (uint32_t)p[at + 2] << 16 | (uint32_t)p[at + 3] << 24;
}

/* A request of cmd with a body of body_len bytes, StructureSize size. */
static void
mk(struct msg *m, uint16_t cmd, uint16_t size, size_t body_len)
{
	memset(m, 0, sizeof(*m));
	memcpy(m->b, "\xfeSMB", 4);
	put16(m->b, 4, 64);
	put16(m->b, 12, cmd);
	put64(m->b, 24, 7);		/* MessageId */
	put32(m->b, 40, 5);		/* TreeId */
	put64(m->b, 44, 0x1122334455667788ull);
	put16(m->b, 64, size);
	m->len = 64 + body_len;
}

static void
test_header(void)
{
	struct smb2_hdr h, g;
	uint8_t buf[64];
	struct pxe_buf b;

	memset(&h, 0, sizeof(h));
	h.credit_charge = 3;
	h.status = STATUS_BUFFER_OVERFLOW;
	h.command = SMB2_READ;
	h.credits = 17;
	h.flags = SMB2_FLAGS_SERVER_TO_REDIR | SMB2_FLAGS_SIGNED;
	h.next = 0;
	h.message_id = 0x0102030405060708ull;
	h.tree_id = 9;
	h.session_id = 0xaabbccddeeff0011ull;
	memset(h.signature, 0x5a, 16);
	pxe_buf_init(&b, buf, sizeof(buf));
	smb2_put_hdr(&b, &h);
	tap_ok(pxe_buf_ok(&b) && b.off == 64, "a header is 64 bytes");
	tap_is(smb2_parse_hdr(buf, 64, &g), 0, "and parses back");
	tap_ok(g.credit_charge == 3 && g.status == h.status &&
	    g.command == SMB2_READ && g.credits == 17 && g.flags == h.flags &&
	    g.message_id == h.message_id && g.tree_id == 9 &&
	    g.session_id == h.session_id && memcmp(g.signature, h.signature,
	    16) == 0, "every field");
	h.flags |= SMB2_FLAGS_ASYNC_COMMAND;
	h.async_id = 0x77;
	b.off = 0;
	smb2_put_hdr(&b, &h);
	tap_ok(smb2_parse_hdr(buf, 64, &g) == 0 && g.async_id == 0x77 &&
	    g.tree_id == 0, "an async header carries AsyncId");
	tap_is(smb2_parse_hdr(buf, 63, &g), -EPROTO, "63 bytes are short");
	buf[0] = 0xff;
	tap_is(smb2_parse_hdr(buf, 64, &g), -EPROTO, "not \\xfeSMB");
	tap_str(smb2_cmd_name(SMB2_QUERY_DIRECTORY), "QUERY_DIRECTORY",
	    "command names");
	tap_str(smb2_cmd_name(99), "?", "an unknown command");
}

/* The validator's table: message, expected return and status. */
static void
test_check(void)
{
	struct smb2_msg v;
	struct msg m;

	mk(&m, SMB2_ECHO, 4, 4);
	tap_ok(smb2_check_message(m.b, m.len, true, &v) == 0 && v.error == 0 &&
	    v.len == 68 && v.body_len == 4 && v.charge == 1, "ECHO is fine");
	mk(&m, SMB2_ECHO, 5, 4);
	tap_ok(smb2_check_message(m.b, m.len, true, &v) == 0 &&
	    v.error == STATUS_INVALID_PARAMETER, "a wrong StructureSize is "
	    "INVALID_PARAMETER");
	mk(&m, 19, 4, 4);
	tap_ok(smb2_check_message(m.b, m.len, true, &v) == 0 &&
	    v.error == STATUS_INVALID_PARAMETER, "an unknown command too");
	mk(&m, SMB2_CLOSE, 24, 20);
	tap_ok(smb2_check_message(m.b, m.len, true, &v) == 0 &&
	    v.error == STATUS_INVALID_PARAMETER, "a body shorter than its "
	    "fixed part");
	mk(&m, SMB2_ECHO, 4, 4);
	tap_is(smb2_check_message(m.b, 40, true, &v), -EPROTO,
	    "a frame shorter than a header is dropped");
	m.b[4] = 65;
	tap_is(smb2_check_message(m.b, m.len, true, &v), -EPROTO,
	    "a header StructureSize other than 64 is dropped");

	/* TREE_CONNECT path inside and outside the message. */
	mk(&m, SMB2_TREE_CONNECT, 9, 8 + 10);
	put16(m.b, 68, 72);
	put16(m.b, 70, 10);
	tap_ok(smb2_check_message(m.b, m.len, true, &v) == 0 && v.error == 0,
	    "a path inside the message");
	put16(m.b, 70, 12);
	tap_ok(smb2_check_message(m.b, m.len, true, &v) == 0 &&
	    v.error == STATUS_INVALID_PARAMETER, "two bytes past the end");
	put16(m.b, 70, 10);
	put16(m.b, 68, 70);
	tap_ok(smb2_check_message(m.b, m.len, true, &v) == 0 &&
	    v.error == STATUS_INVALID_PARAMETER, "an offset inside the fixed "
	    "part");
	put16(m.b, 68, 0xffff);
	put16(m.b, 70, 0xffff);
	tap_ok(smb2_check_message(m.b, m.len, true, &v) == 0 &&
	    v.error == STATUS_INVALID_PARAMETER, "offset and length 0xffff");
	put16(m.b, 70, 0);
	tap_ok(smb2_check_message(m.b, m.len, true, &v) == 0 && v.error == 0,
	    "length 0 needs no valid offset");

	/* IOCTL with a 32-bit offset near the top. */
	mk(&m, SMB2_IOCTL, 57, 56 + 8);
	put32(m.b, 64 + 24, 0xfffffff8);
	put32(m.b, 64 + 28, 16);
	tap_ok(smb2_check_message(m.b, m.len, true, &v) == 0 &&
	    v.error == STATUS_INVALID_PARAMETER, "a 32-bit offset that would "
	    "wrap");

	/* Credit charge: a 200 KiB READ needs 4 credits. */
	mk(&m, SMB2_READ, 49, 49);
	put32(m.b, 64 + 4, 200 * 1024);
	put16(m.b, 6, 4);
	tap_ok(smb2_check_message(m.b, m.len, true, &v) == 0 &&
	    v.error == 0 && v.charge == 4, "READ of 200 KiB charging 4");
	put16(m.b, 6, 3);
	tap_ok(smb2_check_message(m.b, m.len, true, &v) == 0 &&
	    v.error == STATUS_INVALID_PARAMETER, "charging 3 is too little");
	tap_ok(smb2_check_message(m.b, m.len, false, &v) == 0 && v.error == 0,
	    "unless charges are not checked (2.0.2)");

	/* LOCK: the count must fit. */
	mk(&m, SMB2_LOCK, 48, 48);
	put16(m.b, 66, 1);
	tap_ok(smb2_check_message(m.b, m.len, true, &v) == 0 && v.error == 0,
	    "LOCK with one element");
	put16(m.b, 66, 2);
	tap_ok(smb2_check_message(m.b, m.len, true, &v) == 0 &&
	    v.error == STATUS_INVALID_PARAMETER, "LOCK claiming two");

	/* OPLOCK_BREAK has two sizes. */
	mk(&m, SMB2_OPLOCK_BREAK, 36, 36);
	tap_ok(smb2_check_message(m.b, m.len, true, &v) == 0 && v.error == 0,
	    "lease break acknowledgement size 36");
}

static void
test_compound(void)
{
	uint8_t f[512];
	struct smb2_msg v;
	struct msg m;

	memset(f, 0, sizeof(f));
	mk(&m, SMB2_ECHO, 4, 4);
	put32(m.b, 20, 72);	/* NextCommand: 68 rounded up to 72 */
	memcpy(f, m.b, 68);
	mk(&m, SMB2_ECHO, 4, 4);
	memcpy(f + 72, m.b, 68);
	tap_ok(smb2_check_message(f, 140, true, &v) == 0 && v.len == 72 &&
	    v.h.next == 72, "the first of two: 72 bytes with its padding");
	tap_ok(smb2_check_message(f + 72, 68, true, &v) == 0 && v.len == 68,
	    "the last runs to the end");
	put32(f, 20, 68);
	tap_is(smb2_check_message(f, 140, true, &v), -EPROTO,
	    "an unaligned NextCommand is dropped");
	put32(f, 20, 144);
	tap_is(smb2_check_message(f, 140, true, &v), -EPROTO,
	    "a NextCommand past the frame is dropped");
	put32(f, 20, 8);
	tap_is(smb2_check_message(f, 140, true, &v), -EPROTO,
	    "a NextCommand inside the header is dropped");
}

static void
test_negotiate(void)
{
	struct smb2_negotiate_req r;
	struct smb2_msg v;
	uint8_t *p;
	size_t n;

	p = unhex(negreq_hex, &n);
	tap_ok(smb2_check_message(p, n, false, &v) == 0 && v.error == 0,
	    "Windows' NEGOTIATE validates");
	tap_is(smb2_parse_negotiate(&v, &r), 0, "and decodes");
	tap_ok(r.dialect_count == 5 && r.dialects[0] == 0x0202 &&
	    r.dialects[4] == 0x0311, "five dialects, 2.0.2 to 3.1.1");
	tap_ok(r.has_preauth && r.preauth_sha512 && r.has_encryption &&
	    !r.has_signing, "PREAUTH (SHA-512) and ENCRYPTION contexts");
	tap_is(r.security_mode, 0, "this client neither enables nor "
	    "requires signing (its second channel does)");
	/* The same with the preauth context's hash count zeroed. */
	p[0x70 + 8] = 0;
	tap_is(smb2_parse_negotiate(&v, &r), STATUS_INVALID_PARAMETER,
	    "a PREAUTH context with no hash");
	p[0x70 + 8] = 1;
	/* Context offset pointing outside. */
	put32(p, 64 + 28, 0x2000);
	tap_is(smb2_parse_negotiate(&v, &r), STATUS_INVALID_PARAMETER,
	    "a context offset outside the message");
	put32(p, 64 + 28, 0x70);
	put16(p, 64 + 32, 9);	/* nine contexts, two present */
	tap_is(smb2_parse_negotiate(&v, &r), STATUS_INVALID_PARAMETER,
	    "more contexts than bytes");
	free(p);
}

/* A CREATE with name and two contexts, as a client builds it. */
static size_t
mk_create(struct msg *m, const char *name, bool ctx)
{
	uint8_t u[200];
	ssize_t nl = pxe_utf8_to_utf16(name, strlen(name), u, sizeof(u));
	size_t at = 64 + 56, c;

	mk(m, SMB2_CREATE, 57, 56);
	put32(m->b, 64 + 24, 0x00120089);
	put32(m->b, 64 + 36, FILE_OPEN);
	put16(m->b, 64 + 44, (uint16_t)at);
	put16(m->b, 64 + 46, (uint16_t)nl);
	memcpy(m->b + at, u, (size_t)nl);
	at += (size_t)nl;
	if (ctx) {
		at = (at + 7) & ~(size_t)7;
		c = at;
		/* MxAc, no data; then QFid, no data. */
		put32(m->b, c, 24);
		put16(m->b, c + 4, 16);
		put16(m->b, c + 6, 4);
		memcpy(m->b + c + 16, "MxAc", 4);
		put16(m->b, c + 24 + 4, 16);
		put16(m->b, c + 24 + 6, 4);
		memcpy(m->b + c + 24 + 16, "QFid", 4);
		put32(m->b, 64 + 48, (uint32_t)c);
		put32(m->b, 64 + 52, 48);
		at = c + 48;
	}
	m->len = at;
	return at;
}

static void
test_requests(void)
{
	struct smb2_create_req c;
	struct smb2_read_req rd;
	struct smb2_query_dir_req qd;
	struct smb2_query_info_req qi;
	struct smb2_fid fid;
	struct smb2_msg v;
	struct msg m;

	mk_create(&m, "sources\\install.wim", true);
	tap_ok(smb2_check_message(m.b, m.len, true, &v) == 0 && v.error == 0 &&
	    smb2_parse_create(&v, &c) == 0, "CREATE with contexts decodes");
	tap_ok(c.name_len == 38 && c.disposition == FILE_OPEN &&
	    c.desired_access == 0x00120089, "name and fields");
	tap_ok(c.nctx == 2 && strcmp(c.ctx[0].tag, "MxAc") == 0 &&
	    strcmp(c.ctx[1].tag, "QFid") == 0, "contexts MxAc and QFid");
	put32(m.b, 120 + 40, 0);	/* second context's Next (none) ok */
	put32(m.b, m.len - 48, 20);	/* first context's Next unaligned */
	tap_ok(smb2_check_message(m.b, m.len, true, &v) == 0 &&
	    smb2_parse_create(&v, &c) == STATUS_INVALID_PARAMETER,
	    "an unaligned context Next");
	put32(m.b, m.len - 48, 24);
	put16(m.b, m.len - 48 + 6, 40);	/* name past its context */
	tap_ok(smb2_parse_create(&v, &c) == STATUS_INVALID_PARAMETER,
	    "a context name past the context");
	mk_create(&m, "", false);
	tap_ok(smb2_check_message(m.b, m.len, true, &v) == 0 &&
	    smb2_parse_create(&v, &c) == 0 && c.name_len == 0 && c.nctx == 0,
	    "an empty name is the share root");

	mk(&m, SMB2_READ, 49, 49);
	put32(m.b, 64 + 4, 65536);
	put64(m.b, 64 + 8, 1u << 20);
	put64(m.b, 64 + 16, 0x42);
	put64(m.b, 64 + 24, 0x42);
	put32(m.b, 64 + 32, 1);
	tap_ok(smb2_check_message(m.b, m.len, true, &v) == 0 &&
	    smb2_parse_read(&v, &rd) == 0 && rd.length == 65536 &&
	    rd.offset == 1u << 20 && rd.fid.persistent == 0x42 &&
	    rd.minimum == 1, "READ decodes");
	tap_ok(smb2_parse_fid(&v, &fid) == 0 && fid.volatile_ == 0x42,
	    "its FileId alone");

	mk(&m, SMB2_QUERY_DIRECTORY, 33, 32 + 2);
	m.b[66] = FileIdBothDirectoryInformation;
	m.b[67] = SMB2_RESTART_SCANS;
	put16(m.b, 64 + 24, 96);
	put16(m.b, 64 + 26, 2);
	m.b[96] = '*';
	put32(m.b, 64 + 28, 65536);
	tap_ok(smb2_check_message(m.b, m.len, true, &v) == 0 &&
	    smb2_parse_query_dir(&v, &qd) == 0 && qd.pattern_len == 2 &&
	    qd.pattern[0] == '*' && qd.output_len == 65536 &&
	    qd.flags == SMB2_RESTART_SCANS, "QUERY_DIRECTORY decodes");
	put16(m.b, 64 + 26, 1);
	tap_ok(smb2_check_message(m.b, m.len, true, &v) == 0 &&
	    smb2_parse_query_dir(&v, &qd) == STATUS_INVALID_PARAMETER,
	    "an odd pattern length");

	mk(&m, SMB2_QUERY_INFO, 41, 40);
	m.b[66] = SMB2_0_INFO_FILE;
	m.b[67] = FileAllInformation;
	put32(m.b, 64 + 4, 4096);
	tap_ok(smb2_check_message(m.b, m.len, true, &v) == 0 &&
	    smb2_parse_query_info(&v, &qi) == 0 && qi.info_class ==
	    FileAllInformation && qi.output_len == 4096 && qi.input == NULL,
	    "QUERY_INFO decodes");
}

static void
test_responses(void)
{
	struct smb2_negotiate_resp n;
	struct smb2_create_resp c;
	struct smb2_file_info fi;
	uint8_t buf[1024], blob[4] = { 1, 2, 3, 4 };
	struct pxe_buf b;

	memset(&n, 0, sizeof(n));
	n.dialect = SMB2_DIALECT_311;
	n.blob = blob;
	n.blob_len = 4;
	n.sign_alg = 2;
	pxe_buf_init(&b, buf, sizeof(buf));
	b.off = 64;
	smb2_put_negotiate_resp(&b, &n);
	tap_ok(pxe_buf_ok(&b) && buf[64] == 65 && buf[68] == 0x11 &&
	    buf[69] == 3, "NEGOTIATE response: size 65, dialect 3.1.1");
	tap_ok(buf[64 + 56] == 128 && buf[64 + 58] == 4 &&
	    memcmp(buf + 128, blob, 4) == 0, "security blob at 128");
	tap_ok(buf[64 + 6] == 2 && get32(buf, 64 + 60) == 136,
	    "two contexts at 136, 8-aligned after the blob");
	tap_ok(buf[136] == 1 && buf[138] == 38 && buf[136 + 8] == 1 &&
	    buf[136 + 10] == 32 && buf[136 + 12] == 1,
	    "PREAUTH: one algorithm (SHA-512), 32-byte salt");
	tap_ok(buf[184] == 8 && buf[186] == 4 && buf[192] == 1 &&
	    buf[194] == 2 && b.off == 196, "SIGNING_CAPABILITIES: AES-GMAC");
	n.dialect = SMB2_DIALECT_300;
	b.off = 64;
	smb2_put_negotiate_resp(&b, &n);
	tap_ok(buf[64 + 6] == 0 && get32(buf, 64 + 60) == 0 && b.off == 132,
	    "3.0: no contexts");

	memset(&fi, 0, sizeof(fi));
	fi.eof = 12345;
	fi.attrs = FILE_ATTRIBUTE_ARCHIVE;
	fi.file_id = 77;
	memset(&c, 0, sizeof(c));
	c.fi = &fi;
	c.action = FILE_OPENED;
	c.fid.persistent = c.fid.volatile_ = 0x99;
	c.mxac = c.qfid = true;
	c.maximal_access = SMB2_READONLY_ACCESS;
	b.off = 64;
	smb2_put_create_resp(&b, &c);
	tap_ok(buf[64] == 89 && get32(buf, 64 + 48) == 12345 &&
	    buf[64 + 64] == 0x99, "CREATE response: size 89, EOF, FileId");
	tap_ok(get32(buf, 64 + 80) == 152 && get32(buf, 64 + 84) == 32 + 56,
	    "two contexts at 152");
	tap_ok(get32(buf, 152) == 32 && memcmp(buf + 152 + 16, "MxAc", 4) == 0 &&
	    get32(buf, 152 + 28) == SMB2_READONLY_ACCESS,
	    "MxAc: status 0, maximal access read-only");
	tap_ok(get32(buf, 184) == 0 && memcmp(buf + 184 + 16, "QFid", 4) == 0 &&
	    buf[184 + 24] == 77, "QFid: the file id");

	/* With a v2 lease as well: three contexts, RqLs last. */
	{
		uint8_t rq[52];
		struct smb2_lease l;

		memset(rq, 0, sizeof(rq));
		memset(rq, 0xab, 16);
		put32(rq, 16, SMB2_LEASE_READ_CACHING |
		    SMB2_LEASE_HANDLE_CACHING | SMB2_LEASE_WRITE_CACHING);
		memset(rq + 32, 0xcd, 16);
		put16(rq, 48, 7);
		tap_ok(smb2_parse_lease(rq, 52, &l) == 0 && l.version == 2 &&
		    l.state == 7 && l.epoch == 7 && l.parent_key[0] == 0xcd,
		    "a v2 lease request decodes");
		tap_ok(smb2_parse_lease(rq, 32, &l) == 0 && l.version == 1,
		    "a v1 lease request is 32 bytes");
		tap_is(smb2_parse_lease(rq, 40, &l), -EBADMSG,
		    "40 bytes is neither");
		smb2_parse_lease(rq, 52, &c.lease);
		c.lease.state = SMB2_LEASE_READ_CACHING;
		c.lease.epoch = 1;
		b.off = 64;
		smb2_put_create_resp(&b, &c);
		tap_ok(get32(buf, 64 + 80) == 152 &&
		    get32(buf, 64 + 84) == 32 + 56 + 76 &&
		    get32(buf, 184) == 56 && get32(buf, 240) == 0,
		    "three contexts linked, the lease last");
		tap_ok(memcmp(buf + 240 + 16, "RqLs", 4) == 0 &&
		    get32(buf, 240 + 12) == 52 && buf[264] == 0xab &&
		    get32(buf, 264 + 16) == SMB2_LEASE_READ_CACHING &&
		    buf[264 + 48] == 1, "RqLs: key, state R, epoch 1");
	}
}

static void
test_info(void)
{
	struct smb2_file_info fi;
	struct smb2_fs_info fs;
	uint8_t buf[2048];
	struct pxe_buf b;
	size_t fixed;

	memset(&fi, 0, sizeof(fi));
	fi.eof = 100;
	fi.alloc = 4096;
	fi.attrs = FILE_ATTRIBUTE_ARCHIVE;
	fi.name = "\\dir\\caf\xc3\xa9";
	fi.name_len = strlen(fi.name);
	pxe_buf_init(&b, buf, sizeof(buf));
	tap_ok(smb2_put_file_info(&b, FileAllInformation, &fi, &fixed) == 0 &&
	    b.off == 100 + 18 && fixed == 100,
	    "FileAllInformation: 100 bytes and the UTF-16 name");
	tap_ok(get32(buf, 96) == 18 && buf[100] == '\\',
	    "its FileNameLength and name");
	b.off = 0;
	tap_ok(smb2_put_file_info(&b, FileNetworkOpenInformation, &fi,
	    &fixed) == 0 && b.off == 56 && fixed == 56, "NetworkOpen: 56");
	b.off = 0;
	tap_ok(smb2_put_file_info(&b, FileStreamInformation, &fi, &fixed) == 0 &&
	    b.off == 24 + 14 && buf[24] == ':', "Stream: ::$DATA for a file");
	fi.dir = true;
	b.off = 0;
	tap_ok(smb2_put_file_info(&b, FileStreamInformation, &fi, NULL) == 0 &&
	    b.off == 0, "no streams for a directory");
	b.off = 0;
	tap_is(smb2_put_file_info(&b, 99, &fi, NULL), -EINVAL,
	    "an unknown class");
	pxe_buf_init(&b, buf, 50);
	tap_is(smb2_put_file_info(&b, FileAllInformation, &fi, NULL), -ENOSPC,
	    "a short buffer");

	memset(&fs, 0, sizeof(fs));
	fs.label = "install";
	fs.fs_name = "NTFS";
	fs.bytes_per_sector = 512;
	pxe_buf_init(&b, buf, sizeof(buf));
	tap_ok(smb2_put_fs_info(&b, FileFsAttributeInformation, &fs,
	    &fixed) == 0 && b.off == 12 + 8 && (get32(buf, 0) & 0x80000),
	    "FsAttribute: NTFS, a read-only volume");
	b.off = 0;
	tap_ok(smb2_put_fs_info(&b, FileFsVolumeInformation, &fs, &fixed) ==
	    0 && b.off == 18 + 14 && fixed == 24, "FsVolume with its label");
	b.off = 0;
	tap_ok(smb2_put_fs_info(&b, FileFsSectorSizeInformation, &fs,
	    &fixed) == 0 && b.off == 28, "FsSectorSize: 28 bytes");

	fi.name = "x.txt";
	fi.name_len = 5;
	b.off = 0;
	tap_ok(smb2_put_dirent(&b, FileIdBothDirectoryInformation, &fi) == 0 &&
	    b.off == 104 + 10 && get32(buf, 60) == 10,
	    "FileIdBothDirectory entry: 104 bytes and the name");
	b.off = 0;
	tap_ok(smb2_put_dirent(&b, FileNamesInformation, &fi) == 0 &&
	    b.off == 12 + 10, "FileNames entry");
	b.off = 0;
	tap_ok(smb2_put_dirent(&b, FileIdFullDirectoryInformation, &fi) == 0 &&
	    b.off == 80 + 10, "FileIdFullDirectory entry");
	b.off = 0;
	tap_ok(smb2_put_dirent(&b, FileIdExtdDirectoryInformation, &fi) == 0 &&
	    b.off == 88 + 10 && buf[72] == 0, "FileIdExtdDirectory entry: a "
	    "128-bit id");
	b.off = 0;
	tap_ok(smb2_put_dirent(&b, FileIdExtdBothDirectoryInformation,
	    &fi) == 0 && b.off == 114 + 10, "FileIdExtdBothDirectory entry");
	b.off = 0;
	tap_ok(smb2_put_file_info(&b, FileIdInformation, &fi, &fixed) == 0 &&
	    b.off == 24 && fixed == 24, "FileIdInformation: 24 bytes");
	tap_ok(!smb2_dir_class_ok(FileAllInformation) &&
	    smb2_dir_class_ok(FileBothDirectoryInformation),
	    "directory classes");
	b.off = 0;
	tap_ok(smb2_put_security(&b, 7, false) == 0 && buf[0] == 1 &&
	    get32(buf, 4) == 20 && get32(buf, 16) == 52,
	    "a security descriptor: owner at 20, DACL at 52");
	tap_is(smb2_filetime(0, 0), 116444736000000000ll,
	    "the Unix epoch as FILETIME");
}

static void
test_wildcards(void)
{
	static const struct {
		const char *pat, *name;
		bool match;
	} t[] = {
		{ "*", "anything", true },
		{ "*.wim", "INSTALL.WIM", true },
		{ "*.wim", "install.esd", false },
		{ "?", "a", true },
		{ "?", "ab", false },
		{ "setup.exe", "SETUP.EXE", true },
		{ "set*", "setup.exe", true },
		{ "*a*b*c*", "xaybzc", true },
		{ "*a*b*c*", "xaybz", false },
		{ "<\"*", "readme.txt", true },		/* DOS *.* */
		{ "<\"*", "readme", true },
		{ "<.txt", "a.b.txt", true },
		{ "<", "noext", true },
		{ "<", "has.ext", false },
		{ "file>>>", "file", true },		/* DOS file??? */
		{ "file>>>", "file12", true },
		{ "file>>>", "file1234", false },
		{ "a\"", "a", true },			/* DOS a. */
		{ "a\"", "a.", true },
		{ "caf\xc3\xa9*", "CAF\xc3\x89-latte", true },
		{ "**********************************x", "aaaaaaaaaaaaaaaay",
		  false },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		tap_is(smb2_wildcard_match(t[i].pat, strlen(t[i].pat),
		    t[i].name, strlen(t[i].name)), t[i].match, "'%s' %s '%s'",
		    t[i].pat, t[i].match ? "matches" : "does not match",
		    t[i].name);
	tap_ok(smb2_has_wildcard("a<b", 3) && !smb2_has_wildcard("abc", 3),
	    "wildcard detection");
}

/*
 * The matcher as it was (P x N^2 for '<'), kept as the oracle for the
 * linear one: ASCII only, pattern from i matches name from j.
 */
static bool
ref_match(const char *p, size_t i, const char *n, size_t j)
{
	size_t N = strlen(n), k, dot = N;

	for (k = N; k > 0; k--)
		if (n[k - 1] == '.') {
			dot = k - 1;
			break;
		}
	if (p[i] == '\0')
		return j == N;
	switch (p[i]) {
	case '*':
		for (k = j; k <= N; k++)
			if (ref_match(p, i + 1, n, k))
				return true;
		return false;
	case '?':
		return j < N && ref_match(p, i + 1, n, j + 1);
	case '>':
		return ref_match(p, i + 1, n, j == N || n[j] == '.' ? j : j + 1);
	case '"':
		return (j < N && n[j] == '.' && ref_match(p, i + 1, n, j + 1)) ||
		    (j == N && ref_match(p, i + 1, n, j));
	case '<':
		for (k = j; k <= N; k++) {
			if (ref_match(p, i + 1, n, k))
				return true;
			if (k == dot)
				break;
		}
		return dot < N && dot >= j && ref_match(p, i + 1, n, dot + 1);
	default:
		return j < N && toupper((unsigned char)p[i]) ==
		    toupper((unsigned char)n[j]) && ref_match(p, i + 1, n, j + 1);
	}
}

/* Random patterns and names: the linear matcher agrees with the oracle;
 * and the pattern that took seconds is quick. */
static void
test_wildcard_oracle(void)
{
	static const char pa[] = "ab.*?<>\"A", na[] = "ab.AB";
	char p[9], n[9], big[501], name[256];
	unsigned seed = 16, i, k, bad = 0, lp, ln;
	struct timespec t0, t1;
	double ms;

	for (i = 0; i < 20000; i++) {
		lp = (seed = seed * 1103515245 + 12345) >> 16 & 7;
		ln = (seed = seed * 1103515245 + 12345) >> 16 & 7;
		for (k = 0; k < lp; k++)
			p[k] = pa[((seed = seed * 1103515245 + 12345) >> 16) %
			    (sizeof(pa) - 1)];
		p[lp] = '\0';
		for (k = 0; k < ln; k++)
			n[k] = na[((seed = seed * 1103515245 + 12345) >> 16) %
			    (sizeof(na) - 1)];
		n[ln] = '\0';
		if (smb2_wildcard_match(p, lp, n, ln) != ref_match(p, 0, n, 0)) {
			if (bad++ < 5)
				printf("# '%s' vs '%s': %d\n", p, n,
				    smb2_wildcard_match(p, lp, n, ln));
		}
	}
	tap_is(bad, 0, "the linear matcher agrees with the oracle on 20000 "
	    "random pairs");
	memset(big, '<', 500);
	big[500] = '\0';
	memset(name, 'n', 200);
	name[200] = '\0';
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 200; i++)
		smb2_wildcard_match(big, 500, name, 200);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	printf("# 500 x '<' against 200 names of 200: %.1f ms\n", ms);
	tap_ok(ms < 1000, "a 500-character '<' pattern over 200 names is "
	    "quick");
}

/* An SMB1 NEGOTIATE offering the first n of d[]; its length. */
static size_t
mk_smb1(uint8_t *p, const char *const *d, size_t n)
{
	size_t at = 35, i, l;

	memset(p, 0, 128);
	memcpy(p, "\xffSMB\x72", 5);
	for (i = 0; i < n; i++) {
		p[at++] = 2;
		l = strlen(d[i]) + 1;
		memcpy(p + at, d[i], l);
		at += l;
	}
	put16(p, 33, (uint16_t)(at - 35));
	return at;
}

static void
test_smb1(void)
{
	static const char *const d[] = { "PC NETWORK PROGRAM 1.0",
	    "NT LM 0.12", "SMB 2.002", "SMB 2.???" };
	uint8_t p[128];
	size_t n;

	n = mk_smb1(p, d, 4);
	tap_is(smb1_negotiate_dialect(p, n), SMB2_DIALECT_WILDCARD,
	    "SMB1 NEGOTIATE offering SMB 2.??? gets 0x02FF");
	n = mk_smb1(p, d, 3);
	tap_is(smb1_negotiate_dialect(p, n), SMB2_DIALECT_202,
	    "offering SMB 2.002 as the best gets 0x0202");
	n = mk_smb1(p, d, 2);
	tap_is(smb1_negotiate_dialect(p, n), -EPROTONOSUPPORT,
	    "SMB1 dialects only: not supported");
	put16(p, 33, 200);
	tap_is(smb1_negotiate_dialect(p, n), -EBADMSG,
	    "ByteCount past the end");
	n = mk_smb1(p, d, 4);
	p[n - 1] = 'x';
	tap_is(smb1_negotiate_dialect(p, n), -EBADMSG,
	    "a dialect string without its NUL");
	p[4] = 0x73;
	tap_is(smb1_negotiate_dialect(p, n), -EBADMSG, "not a NEGOTIATE");
}

int
main(void)
{
	test_header();
	test_check();
	test_compound();
	test_negotiate();
	test_requests();
	test_responses();
	test_info();
	test_wildcards();
	test_wildcard_oracle();
	test_smb1();
	return tap_done();
}
