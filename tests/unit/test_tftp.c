/*
 * Unit tests for lib/libpxe/tftp: parsers and builders against byte
 * vectors, and option negotiation against tables of requests.
 */
#include <errno.h>
#include <stdlib.h>

#include "../tap.h"
#include "libpxe/tftp.h"

#define V(...) { __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })

/* Requests: bytes and the expected result of tftp_parse_request. */
static const struct {
	const char *what;
	uint8_t pkt[96];
	size_t len;
	int ret;
	unsigned nopts;
	size_t tail;		/* bytes of a malformed tail ignored */
} requests[] = {
	{ "plain RRQ", V(0, 1, 'a', 0, 'o', 'c', 't', 'e', 't', 0), 0, 0, 0 },
	{ "WRQ netascii, mode in capitals",
	  V(0, 2, 'f', 0, 'N', 'E', 'T', 'A', 'S', 'C', 'I', 'I', 0), 0, 0, 0 },
	{ "RRQ with two options",
	  V(0, 1, 'f', 0, 'o', 'c', 't', 'e', 't', 0, 'b', 'l', 'k', 's', 'i',
	    'z', 'e', 0, '1', '4', '6', '8', 0, 't', 's', 'i', 'z', 'e', 0, '0',
	    0), 0, 2, 0 },
	{ "NUL padding after options is tolerated",
	  V(0, 1, 'f', 0, 'o', 'c', 't', 'e', 't', 0, 't', 's', 'i', 'z', 'e',
	    0, '0', 0, 0, 0, 0), 0, 1, 0 },
	{ "empty option value is kept",
	  V(0, 1, 'f', 0, 'o', 'c', 't', 'e', 't', 0, 'x', 0, 0), 0, 1, 0 },
	{ "one byte", V(0), -EBADMSG, 0, 0 },
	{ "empty", V(), -EBADMSG, 0, 0 },
	{ "opcode only", V(0, 1), -EBADMSG, 0, 0 },
	{ "DATA is not a request", V(0, 3, 0, 1, 'x'), -EPROTO, 0, 0 },
	{ "opcode 9", V(0, 9, 'a', 0, 'o', 'c', 't', 'e', 't', 0), -EPROTO, 0,
	  0 },
	{ "empty filename", V(0, 1, 0, 'o', 'c', 't', 'e', 't', 0), -EBADMSG,
	  0, 0 },
	{ "filename without NUL", V(0, 1, 'a', 'b'), -EBADMSG, 0, 0 },
	{ "mode without NUL", V(0, 1, 'a', 0, 'o', 'c', 't'), -EBADMSG, 0, 0 },
	{ "unknown mode", V(0, 1, 'a', 0, 'b', 'i', 'n', 0), -EINVAL, 0, 0 },
	/* A malformed tail ends the options; the complete pairs are kept. */
	{ "option without value: served, tail ignored",
	  V(0, 1, 'a', 0, 'o', 'c', 't', 'e', 't', 0, 't', 's', 'i', 'z', 'e',
	    0), 0, 0, 6 },
	{ "option value without NUL: served, tail ignored",
	  V(0, 1, 'a', 0, 'o', 'c', 't', 'e', 't', 0, 't', 0, '5'), 0, 0, 3 },
	{ "garbage after options: served, tail ignored",
	  V(0, 1, 'a', 0, 'o', 'c', 't', 'e', 't', 0, 0, 'x'), 0, 0, 2 },
	{ "complete pair kept before a junk tail",
	  V(0, 1, 'f', 0, 'o', 'c', 't', 'e', 't', 0, 't', 's', 'i', 'z', 'e',
	    0, '0', 0, 0xff, 0xfe), 0, 1, 2 },
	{ "junk after NUL padding is a tail",
	  V(0, 1, 'f', 0, 'o', 'c', 't', 'e', 't', 0, 't', 's', 'i', 'z', 'e',
	    0, '0', 0, 0, 0, 'j'), 0, 1, 3 },
};

static void
test_requests(void)
{
	struct tftp_request req;
	size_t i;
	int r;

	for (i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
		r = tftp_parse_request(requests[i].pkt, requests[i].len, &req);
		tap_is(r, requests[i].ret, "parse_request: %s", requests[i].what);
		if (r == 0) {
			tap_is(req.nopts, requests[i].nopts, "  %s: options",
			    requests[i].what);
			tap_is(req.tail_len, requests[i].tail, "  %s: tail",
			    requests[i].what);
		}
	}

	static const uint8_t rrq[] = { 0, 1, 'p', 'x', 'e', 'l', 'i', 'n',
	    'u', 'x', '.', '0', 0, 'o', 'c', 't', 'e', 't', 0, 'B', 'L', 'K',
	    'S', 'I', 'Z', 'E', 0, '1', '4', '5', '6', 0 };
	r = tftp_parse_request(rrq, sizeof(rrq), &req);
	tap_is(r, 0, "pxelinux RRQ parses");
	tap_is(req.opcode, TFTP_RRQ, "  opcode");
	tap_str(req.filename, "pxelinux.0", "  filename");
	tap_is(req.filename_len, 10, "  filename length");
	tap_is(req.mode, TFTP_MODE_OCTET, "  mode");
	tap_str(req.opts[0].name, "BLKSIZE", "  option name as sent");
	tap_str(req.opts[0].value, "1456", "  option value");
}

static void
test_many_options(void)
{
	uint8_t pkt[512];
	struct tftp_opt opts[20];
	struct tftp_request req;
	char names[20][8];
	ssize_t n;
	unsigned i;

	for (i = 0; i < 20; i++) {
		snprintf(names[i], sizeof(names[i]), "x%u", i);
		opts[i].name = names[i];
		opts[i].value = "1";
	}
	n = tftp_build_request(pkt, sizeof(pkt), TFTP_RRQ, "f", "octet", opts,
	    20);
	tap_ok(n > 0, "build_request with 20 options");
	tap_is(tftp_parse_request(pkt, (size_t)n, &req), 0, "  parses");
	tap_is(req.nopts, TFTP_MAX_OPTS, "  keeps TFTP_MAX_OPTS");
	tap_is(req.opts_dropped, 20 - TFTP_MAX_OPTS, "  counts the rest");
	tap_is(tftp_build_request(pkt, 10, TFTP_RRQ, "f", "octet", opts, 20),
	    -EMSGSIZE, "build_request too small: -EMSGSIZE");
}

static void
test_small_packets(void)
{
	static const uint8_t ack[] = { 0, 4, 0x12, 0x34 };
	static const uint8_t mack[] = { 0, 4, 0xff, 0xff, 48 };
	static const uint8_t longack[] = { 0, 4, 0, 1, 2, 3 };
	static const uint8_t data[] = { 0, 3, 0, 7, 'h', 'i' };
	static const uint8_t err[] = { 0, 5, 0, 1, 'n', 'o', 0 };
	static const uint8_t errnonul[] = { 0, 5, 0, 8, 'n', 'o' };
	static const uint8_t oack[] = { 0, 6, 'b', 'l', 'k', 's', 'i', 'z',
	    'e', 0, '5', '1', '2', 0 };
	struct tftp_opt opts[4];
	const uint8_t *dp;
	const char *msg;
	uint16_t blk, code;
	size_t dl, ml;
	unsigned n;
	int next;

	tap_is(tftp_opcode_of(ack, 4), TFTP_ACK, "opcode_of ACK");
	tap_is(tftp_opcode_of(ack, 1), -EBADMSG, "opcode_of one byte");
	tap_is(tftp_opcode_of((const uint8_t[]){ 0, 7 }, 2), -EBADMSG,
	    "opcode_of 7");
	tap_is(tftp_opcode_of((const uint8_t[]){ 1, 1 }, 2), -EBADMSG,
	    "opcode_of 257");

	tap_is(tftp_parse_ack(ack, sizeof(ack), &blk, &next), 0, "ACK");
	tap_is(blk, 0x1234, "  block");
	tap_is(next, -1, "  plain ACK has no next window");
	tap_is(tftp_parse_ack(mack, sizeof(mack), &blk, &next), 0,
	    "Microsoft 5-byte ACK");
	tap_is(blk, 65535, "  block");
	tap_is(next, 48, "  next window");
	tap_is(tftp_parse_ack(longack, sizeof(longack), &blk, &next),
	    -EBADMSG, "6-byte ACK refused");
	tap_is(tftp_parse_ack(ack, 3, &blk, &next), -EBADMSG, "short ACK");
	tap_is(tftp_parse_ack(data, sizeof(data), &blk, &next), -EBADMSG,
	    "DATA is not an ACK");

	tap_is(tftp_parse_data(data, sizeof(data), &blk, &dp, &dl), 0, "DATA");
	tap_is(blk, 7, "  block");
	tap_is(dl, 2, "  length");
	tap_mem(dp, "hi", 2, "  payload");
	tap_is(tftp_parse_data(data, 4, &blk, &dp, &dl), 0, "empty DATA");
	tap_is(dl, 0, "  length 0");
	tap_is(tftp_parse_data(data, 3, &blk, &dp, &dl), -EBADMSG,
	    "short DATA");

	tap_is(tftp_parse_error(err, sizeof(err), &code, &msg, &ml), 0,
	    "ERROR");
	tap_is(code, 1, "  code");
	tap_is(ml, 2, "  message length");
	tap_is(tftp_parse_error(errnonul, sizeof(errnonul), &code, &msg, &ml),
	    0, "ERROR without NUL");
	tap_is(ml, 2, "  message length");
	tap_is(tftp_parse_error(err, 4, &code, &msg, &ml), 0,
	    "ERROR with no message");
	tap_is(ml, 0, "  empty message");
	tap_is(tftp_parse_error(err, 3, &code, &msg, &ml), -EBADMSG,
	    "short ERROR");

	tap_is(tftp_parse_oack(oack, sizeof(oack), opts, 4, &n), 0, "OACK");
	tap_is(n, 1, "  one option");
	tap_str(opts[0].value, "512", "  value");
	tap_is(tftp_parse_oack(oack, sizeof(oack) - 1, opts, 4, &n), -EBADMSG,
	    "OACK without final NUL");
	tap_is(tftp_parse_oack(ack, sizeof(ack), opts, 4, &n), -EBADMSG,
	    "ACK is not an OACK");
}

static void
test_builders(void)
{
	uint8_t pkt[64];
	static const uint8_t want_ack[] = { 0, 4, 1, 2 };
	static const uint8_t want_hdr[] = { 0, 3, 0xff, 0xfe };
	static const uint8_t want_err[] = { 0, 5, 0, 1, 'F', 'i', 'l', 'e',
	    ' ', 'n', 'o', 't', ' ', 'f', 'o', 'u', 'n', 'd', 0 };
	static const uint8_t want_oack[] = { 0, 6, 'a', 0, '1', 0 };
	static const struct tftp_opt o = { "a", "1" };

	tap_is(tftp_build_ack(pkt, sizeof(pkt), 0x0102), 4, "build_ack");
	tap_mem(pkt, want_ack, 4, "  bytes");
	tap_is(tftp_build_ack(pkt, 3, 1), -EMSGSIZE, "build_ack too small");
	tap_is(tftp_build_data_hdr(pkt, sizeof(pkt), 0xfffe), 4,
	    "build_data_hdr");
	tap_mem(pkt, want_hdr, 4, "  bytes");
	tap_is(tftp_build_error(pkt, sizeof(pkt), 1, NULL), sizeof(want_err),
	    "build_error with the standard message");
	tap_mem(pkt, want_err, sizeof(want_err), "  bytes");
	tap_is(tftp_build_error(pkt, 10, 1, NULL), -EMSGSIZE,
	    "build_error too small");
	tap_is(tftp_build_oack(pkt, sizeof(pkt), &o, 1), sizeof(want_oack),
	    "build_oack");
	tap_mem(pkt, want_oack, sizeof(want_oack), "  bytes");
	tap_str(tftp_errcode_str(8), "Option negotiation failed",
	    "errcode_str 8");
	tap_str(tftp_errcode_str(99), "Unknown error code", "errcode_str 99");
	tap_str(tftp_opcode_str(TFTP_OACK), "OACK", "opcode_str OACK");
	tap_str(tftp_opcode_str(0), "op?", "opcode_str 0");
	tap_str(tftp_mode_str(TFTP_MODE_NETASCII), "netascii", "mode_str");
}

/*
 * Negotiation cases: the options a client sends (name=value pairs separated
 * by spaces), the limits, and the OACK expected (same notation, "" for
 * none) with the resulting blksize and windowsize.
 */
static const struct {
	const char *what;
	enum tftp_opcode op;
	const char *opts;
	unsigned max_blksize, max_windowsize;
	bool msft;
	const char *oack;
	unsigned blksize, windowsize;
} negs[] = {
	{ "no options", TFTP_RRQ, "", 65464, 64, true, "", 512, 1 },
	{ "pxelinux", TFTP_RRQ, "tsize=0 blksize=1456", 65464, 64, true,
	  "tsize=1000 blksize=1456", 1456, 1 },
	{ "names are case-insensitive, echoed lowercase", TFTP_RRQ,
	  "BlkSize=1024 TSIZE=0", 65464, 64, true,
	  "blksize=1024 tsize=1000", 1024, 1 },
	{ "blksize above the limit is lowered", TFTP_RRQ, "blksize=70000",
	  1468, 64, true, "blksize=1468", 1468, 1 },
	{ "blksize limit above 65464 is 65464", TFTP_RRQ, "blksize=99999",
	  100000, 64, true, "blksize=65464", 65464, 1 },
	{ "blksize 8 is the minimum", TFTP_RRQ, "blksize=8", 65464, 64, true,
	  "blksize=8", 8, 1 },
	{ "blksize 7 is ignored", TFTP_RRQ, "blksize=7", 65464, 64, true, "",
	  512, 1 },
	{ "blksize 0 is ignored", TFTP_RRQ, "blksize=0", 65464, 64, true, "",
	  512, 1 },
	{ "blksize with a sign is ignored", TFTP_RRQ, "blksize=+512", 65464,
	  64, true, "", 512, 1 },
	{ "blksize with leading zeros", TFTP_RRQ, "blksize=01024", 65464, 64,
	  true, "blksize=1024", 1024, 1 },
	{ "blksize overflowing 64 bits is ignored", TFTP_RRQ,
	  "blksize=99999999999999999999", 65464, 64, true, "", 512, 1 },
	{ "first duplicate wins", TFTP_RRQ, "blksize=1024 blksize=2048",
	  65464, 64, true, "blksize=1024", 1024, 1 },
	{ "unknown options are ignored", TFTP_RRQ, "foo=1 blksize=1024 bar=2",
	  65464, 64, true, "blksize=1024", 1024, 1 },
	{ "windowsize granted", TFTP_RRQ, "windowsize=16", 65464, 64, true,
	  "windowsize=16", 512, 16 },
	{ "windowsize lowered to the limit", TFTP_RRQ, "windowsize=1000",
	  65464, 64, true, "windowsize=64", 512, 64 },
	{ "windowsize 0 ignored", TFTP_RRQ, "windowsize=0", 65464, 64, true,
	  "", 512, 1 },
	{ "windowsize 65536 ignored", TFTP_RRQ, "windowsize=65536", 65464, 64,
	  true, "", 512, 1 },
	{ "timeout 1..255", TFTP_RRQ, "timeout=255", 65464, 64, true,
	  "timeout=255", 512, 1 },
	{ "timeout 0 ignored", TFTP_RRQ, "timeout=0", 65464, 64, true, "",
	  512, 1 },
	{ "timeout 256 ignored", TFTP_RRQ, "timeout=256", 65464, 64, true,
	  "", 512, 1 },
	{ "tsize on a WRQ is echoed", TFTP_WRQ, "tsize=12345", 65464, 64, true,
	  "tsize=12345", 512, 1 },
	{ "tsize not a number ignored", TFTP_RRQ, "tsize=x", 65464, 64, true,
	  "", 512, 1 },
	{ "rollover 0", TFTP_RRQ, "rollover=0", 65464, 64, true, "rollover=0",
	  512, 1 },
	{ "rollover 2 ignored", TFTP_RRQ, "rollover=2", 65464, 64, true, "",
	  512, 1 },
	{ "msftwindow granted", TFTP_RRQ, "blksize=1456 msftwindow=31416",
	  65464, 64, true, "blksize=1456 msftwindow=27182", 1456, 1 },
	{ "msftwindow refused when disabled", TFTP_RRQ, "msftwindow=31416",
	  65464, 64, false, "", 512, 1 },
	{ "msftwindow with another value ignored", TFTP_RRQ, "msftwindow=1",
	  65464, 64, true, "", 512, 1 },
	{ "WDS-style request", TFTP_RRQ,
	  "blksize=1456 windowsize=4 tsize=0 msftwindow=31416", 65464, 8, true,
	  "blksize=1456 windowsize=4 tsize=1000 msftwindow=27182", 1456, 4 },
};

/* Split "a=1 b=2" into opts (pointing into buf). */
static unsigned
split_opts(const char *s, char *buf, size_t cap, struct tftp_opt *opts)
{
	unsigned n = 0;
	char *p, *save = NULL, *eq;

	snprintf(buf, cap, "%s", s);
	for (p = strtok_r(buf, " ", &save); p; p = strtok_r(NULL, " ", &save)) {
		eq = strchr(p, '=');
		*eq = '\0';
		opts[n].name = p;
		opts[n].value = eq + 1;
		n++;
	}
	return n;
}

static void
test_negotiate(void)
{
	struct tftp_limits lim;
	struct tftp_request req;
	struct tftp_neg neg;
	char buf[256], got[256], oackbuf[512];
	uint8_t pkt[512];
	size_t i, o;
	unsigned j, n;
	ssize_t len;

	for (i = 0; i < sizeof(negs) / sizeof(negs[0]); i++) {
		memset(&req, 0, sizeof(req));
		req.opcode = negs[i].op;
		req.filename = "f";
		req.nopts = split_opts(negs[i].opts, buf, sizeof(buf),
		    req.opts);
		lim.max_blksize = negs[i].max_blksize;
		lim.max_windowsize = negs[i].max_windowsize;
		lim.msftwindow = negs[i].msft;
		tap_is(tftp_negotiate(&req, &lim, 1000, &neg), 0,
		    "negotiate: %s", negs[i].what);
		got[0] = '\0';
		for (j = 0, o = 0; j < neg.noack; j++)
			o += (size_t)snprintf(got + o, sizeof(got) - o,
			    "%s%s=%s", j ? " " : "", neg.oack[j].name,
			    neg.oack[j].value);
		tap_str(got, negs[i].oack, "  OACK");
		tap_is(neg.blksize, negs[i].blksize, "  blksize");
		tap_is(neg.windowsize, negs[i].windowsize, "  windowsize");
		len = tftp_build_neg_oack(pkt, sizeof(pkt), &neg);
		tap_ok(len >= 2, "  OACK builds");
		/* And it parses back to the same options. */
		struct tftp_opt back[TFTP_MAX_OPTS];
		tap_is(tftp_parse_oack(pkt, (size_t)len, back, TFTP_MAX_OPTS,
		    &n), 0, "  OACK parses back");
		oackbuf[0] = '\0';
		for (j = 0, o = 0; j < n; j++)
			o += (size_t)snprintf(oackbuf + o, sizeof(oackbuf) - o,
			    "%s%s=%s", j ? " " : "", back[j].name,
			    back[j].value);
		tap_str(oackbuf, negs[i].oack, "  same options");
	}
}

static void
test_neg_flags(void)
{
	struct tftp_limits lim = { 65464, 64, true };
	struct tftp_request req;
	struct tftp_neg neg;
	char buf[128];

	memset(&req, 0, sizeof(req));
	req.opcode = TFTP_RRQ;
	req.nopts = split_opts("tsize=0 msftwindow=31416 timeout=3 rollover=1",
	    buf, sizeof(buf), req.opts);
	tftp_negotiate(&req, &lim, 316000000000ULL, &neg);
	tap_ok(neg.tsize, "tsize flag set");
	tap_is(neg.tsize_value, 316000000000ULL, "tsize value is the size");
	tap_str(neg.oack[0].value, "316000000000", "large tsize echoed");
	tap_ok(neg.msftwindow, "msftwindow flag set");
	tap_is(neg.timeout, 3, "timeout");
	tap_is(neg.rollover, 1, "rollover");
	/* netascii: the size is known at the end only; no tsize then. */
	tftp_negotiate(&req, &lim, TFTP_SIZE_UNKNOWN, &neg);
	tap_ok(!neg.tsize, "tsize not granted for an unknown size");
	tap_str(neg.oack[0].name, "msftwindow", "  the other options are");
}

int
main(void)
{
	test_requests();
	test_many_options();
	test_small_packets();
	test_builders();
	test_negotiate();
	test_neg_flags();
	return tap_done();
}
