/*
 * Unit tests for lib/libpxe/http: request heads, targets, ranges and
 * dates, as tables of vectors.
 */
#include <errno.h>
#include <stdlib.h>

#include "../tap.h"
#include "libpxe/http.h"

static const struct http_limits lim = { 512, 128, 8 };

#define H(s) s, sizeof(s) - 1

/* Request heads: bytes, the return, the status when refused, and facts. */
static const struct {
	const char *what;
	const char *head;
	size_t len;
	int ret;
	int status;		/* for -EPROTO */
	enum http_method method;
	unsigned version;
	bool keep_alive;
} heads[] = {
	{ "GET 1.1", H("GET /a HTTP/1.1\r\nHost: x\r\n\r\n"), 0, 0, HTTP_GET,
	  11, true },
	{ "HEAD 1.0 keeps nothing", H("HEAD /a HTTP/1.0\r\n\r\n"), 0, 0,
	  HTTP_HEAD, 10, false },
	{ "1.0 keep-alive", H("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"),
	  0, 0, HTTP_GET, 10, true },
	{ "1.1 close", H("GET / HTTP/1.1\r\nHost: x\r\nConnection: TE, close\r\n\r\n"),
	  0, 0, HTTP_GET, 11, false },
	{ "bare LF lines", H("GET / HTTP/1.1\nHost: x\n\n"), 0, 0, HTTP_GET,
	  11, true },
	{ "empty lines before the request", H("\r\n\r\nGET / HTTP/1.1\r\nhost:x\r\n\r\n"),
	  0, 0, HTTP_GET, 11, true },
	{ "other method parses", H("POST / HTTP/1.1\r\nHost: x\r\n\r\n"), 0, 0,
	  HTTP_OTHER, 11, true },
	{ "lower-case get is another method", H("get / HTTP/1.1\r\nHost: x\r\n\r\n"),
	  0, 0, HTTP_OTHER, 11, true },
	{ "HTTP/1.2 is read as 1.1", H("GET / HTTP/1.2\r\nHost: x\r\n\r\n"), 0, 0,
	  HTTP_GET, 11, true },
	{ "Content-Length: 0", H("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 000\r\n\r\n"),
	  0, 0, HTTP_GET, 11, true },
	{ "incomplete line", H("GET / HTTP/1.1"), -EAGAIN, 0, 0, 0, 0 },
	{ "incomplete head", H("GET / HTTP/1.1\r\nHost: x\r\n"), -EAGAIN, 0,
	  0, 0, 0 },
	{ "nothing", H(""), -EAGAIN, 0, 0, 0, 0 },
	{ "no Host in 1.1", H("GET / HTTP/1.1\r\n\r\n"), -EPROTO, 400, 0, 0, 0 },
	{ "two Hosts", H("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
	  -EPROTO, 400, 0, 0, 0 },
	{ "HTTP/0.9", H("GET /\r\n\r\n"), -EPROTO, 400, 0, 0, 0 },
	{ "HTTP/2.0", H("GET / HTTP/2.0\r\nHost: x\r\n\r\n"), -EPROTO, 505, 0,
	  0, 0 },
	{ "HTTP/1", H("GET / HTTP/1\r\nHost: x\r\n\r\n"), -EPROTO, 400, 0, 0, 0 },
	{ "two spaces", H("GET  / HTTP/1.1\r\nHost: x\r\n\r\n"), -EPROTO, 400,
	  0, 0, 0 },
	{ "NUL in the target", "GET /a\0b HTTP/1.1\r\nHost: x\r\n\r\n", 32,
	  -EPROTO, 400, 0, 0, 0 },
	{ "NUL in a value", "GET / HTTP/1.1\r\nHost: x\0y\r\n\r\n", 29,
	  -EPROTO, 400, 0, 0, 0 },
	{ "bare CR in a value", H("GET / HTTP/1.1\r\nHost: x\ry\r\n\r\n"),
	  -EPROTO, 400, 0, 0, 0 },
	{ "space before the colon", H("GET / HTTP/1.1\r\nHost : x\r\n\r\n"),
	  -EPROTO, 400, 0, 0, 0 },
	{ "no colon", H("GET / HTTP/1.1\r\nHost x\r\n\r\n"), -EPROTO, 400, 0,
	  0, 0 },
	{ "line folding", H("GET / HTTP/1.1\r\nHost: x\r\n y\r\n\r\n"), -EPROTO,
	  400, 0, 0, 0 },
	{ "a body", H("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n"),
	  -EPROTO, 400, 0, 0, 0 },
	{ "chunked", H("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"),
	  -EPROTO, 400, 0, 0, 0 },
	{ "bad Content-Length", H("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"),
	  -EPROTO, 400, 0, 0, 0 },
	{ "long request line, incomplete",
	  H("GET /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
	  -EPROTO, 414, 0, 0, 0 },
	{ "long request line, complete",
	  H("GET /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    " HTTP/1.1\r\nHost: x\r\n\r\n"), -EPROTO, 414, 0, 0, 0 },
	{ "nine fields",
	  H("GET / HTTP/1.1\r\nHost: x\r\na: 1\r\nb: 1\r\nc: 1\r\nd: 1\r\n"
	    "e: 1\r\nf: 1\r\ng: 1\r\nh: 1\r\n\r\n"), -EPROTO, 431, 0, 0, 0 },
	{ "eight fields", H("GET / HTTP/1.1\r\nHost: x\r\na: 1\r\nb: 1\r\nc: 1\r\n"
	    "d: 1\r\ne: 1\r\nf: 1\r\ng: 1\r\n\r\n"), 0, 0, HTTP_GET, 11, true },
};

static void
test_heads(void)
{
	struct http_request req;
	size_t i;
	int r;

	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		r = http_parse_request(heads[i].head, heads[i].len, &lim, &req);
		tap_is(r, heads[i].ret, "head: %s", heads[i].what);
		if (r == -EPROTO)
			tap_is(req.status, heads[i].status, "  %s: status (%s)",
			    heads[i].what, req.why);
		if (r != 0)
			continue;
		tap_is(req.method, heads[i].method, "  %s: method", heads[i].what);
		tap_is(req.version, heads[i].version, "  %s: version",
		    heads[i].what);
		tap_is(req.keep_alive, heads[i].keep_alive, "  %s: keep-alive",
		    heads[i].what);
		tap_is(req.head_len, heads[i].len, "  %s: head length",
		    heads[i].what);
	}
}

/* A head that is too large: 431 once max_head bytes have no blank line. */
static void
test_big_head(void)
{
	char buf[600];
	struct http_request req;
	size_t i;
	int r;

	memcpy(buf, "GET / HTTP/1.1\r\nHost: x\r\nX: ", 28);
	for (i = 28; i < sizeof(buf); i++)
		buf[i] = 'y';
	r = http_parse_request(buf, 511, &lim, &req);
	tap_is(r, -EAGAIN, "511 bytes of one field: wait");
	r = http_parse_request(buf, 512, &lim, &req);
	tap_ok(r == -EPROTO && req.status == 431, "512 bytes: 431");
	r = http_parse_request(buf, sizeof(buf), &lim, &req);
	tap_ok(r == -EPROTO && req.status == 431, "600 bytes: 431");

	static const char two[] = "GET /a HTTP/1.1\r\nHost: x\r\n"
	    "Range: bytes=0-1\r\nIf-Modified-Since: Sun, 06 Nov 1994 08:49:37 "
	    "GMT\r\n\r\nGET /b HTTP/1.1\r\n";
	r = http_parse_request(two, sizeof(two) - 1, &lim, &req);
	tap_is(r, 0, "pipelined: the first request parses");
	tap_ok(req.target.len == 2 && memcmp(req.target.p, "/a", 2) == 0,
	    "  its target");
	tap_ok(req.range.len == 9 && memcmp(req.range.p, "bytes=0-1", 9) == 0,
	    "  its Range");
	tap_is(req.if_modified_since.len, 29, "  its If-Modified-Since");
	tap_str(two + req.head_len, "GET /b HTTP/1.1\r\n",
	    "  the second starts after head_len");
}

static const struct {
	const char *what;
	const char *target;
	int ret;
	const char *path;
} targets[] = {
	{ "plain", "/boot/bcd", 0, "/boot/bcd" },
	{ "query and fragment dropped", "/a/b?x=1#f", 0, "/a/b" },
	{ "percent-decoding", "/a%20b/%41", 0, "/a b/A" },
	{ "%2e%2e is decoded (fsroot refuses it)", "/%2e%2e/etc", 0, "/../etc" },
	{ "%2f is decoded", "/..%2f..%2fsecret", 0, "/../../secret" },
	{ "backslashes pass (fsroot turns them)", "/%5cboot%5cbcd", 0,
	  "/\\boot\\bcd" },
	{ "absolute form", "http://10.0.0.1:8080/winpe.iso", 0, "/winpe.iso" },
	{ "absolute form, upper-case scheme", "HTTP://h/x", 0, "/x" },
	{ "absolute form, no path", "http://h", 0, "" },
	{ "absolute form, no host", "http:///x", -EINVAL, NULL },
	{ "other scheme", "ftp://h/x", -EINVAL, NULL },
	{ "asterisk", "*", -EINVAL, NULL },
	{ "relative", "a/b", -EINVAL, NULL },
	{ "%00", "/a%00b", -EINVAL, NULL },
	{ "%0a", "/a%0ab", -EINVAL, NULL },
	{ "bad escape", "/a%4", -EINVAL, NULL },
	{ "bad hex", "/a%zz", -EINVAL, NULL },
	{ "overlong dot", "/%c0%ae%c0%ae/x", -EINVAL, NULL },
	{ "overlong slash", "/..%c0%af..", -EINVAL, NULL },
	{ "3-byte overlong", "/%e0%80%ae", -EINVAL, NULL },
	{ "surrogate", "/%ed%a0%80", -EINVAL, NULL },
	{ "lone continuation", "/%80", -EINVAL, NULL },
	{ "cut sequence", "/%c3", -EINVAL, NULL },
	{ "valid UTF-8", "/caf%c3%a9", 0, "/caf\xc3\xa9" },
	{ "too long", "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  -ENAMETOOLONG, NULL },
};

static void
test_targets(void)
{
	char out[64];
	size_t i, n;
	int r;

	for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		r = http_target_path(targets[i].target, strlen(targets[i].target),
		    out, sizeof(out), &n);
		tap_is(r, targets[i].ret, "target: %s", targets[i].what);
		if (r == 0) {
			tap_str(out, targets[i].path, "  %s: path",
			    targets[i].what);
			tap_is(n, strlen(targets[i].path), "  %s: length",
			    targets[i].what);
		}
	}
}

static const struct {
	const char *what;
	const char *v;
	uint64_t size;
	int ret;
	unsigned n;
	struct http_range r[3];
} ranges[] = {
	{ "single", "bytes=0-99", 1000, 0, 1, { { 0, 99 } } },
	{ "unit in capitals", "Bytes=5-5", 1000, 0, 1, { { 5, 5 } } },
	{ "open-ended", "bytes=900-", 1000, 0, 1, { { 900, 999 } } },
	{ "suffix", "bytes=-100", 1000, 0, 1, { { 900, 999 } } },
	{ "suffix longer than the file", "bytes=-5000", 1000, 0, 1,
	  { { 0, 999 } } },
	{ "last past the end", "bytes=990-5000", 1000, 0, 1, { { 990, 999 } } },
	{ "several, with spaces", "bytes=0-0 , -1,10-19", 1000, 0, 3,
	  { { 0, 0 }, { 999, 999 }, { 10, 19 } } },
	{ "empty elements", "bytes=,0-0,,", 1000, 0, 1, { { 0, 0 } } },
	{ "unsatisfiable among others dropped", "bytes=5000-,0-1", 1000, 0, 1,
	  { { 0, 1 } } },
	{ "past 4 GiB", "bytes=6442450000-", 6442450944ULL, 0, 1,
	  { { 6442450000ULL, 6442450943ULL } } },
	{ "huge number saturates", "bytes=0-99999999999999999999999", 10, 0, 1,
	  { { 0, 9 } } },
	{ "first at the end", "bytes=1000-", 1000, -ERANGE, 0, { { 0, 0 } } },
	{ "suffix of zero", "bytes=-0", 1000, -ERANGE, 0, { { 0, 0 } } },
	{ "empty file", "bytes=0-", 0, -ERANGE, 0, { { 0, 0 } } },
	{ "huge first", "bytes=99999999999999999999999-", 10, -ERANGE, 0,
	  { { 0, 0 } } },
	{ "last before first", "bytes=10-5", 1000, -EINVAL, 0, { { 0, 0 } } },
	{ "no dash", "bytes=10", 1000, -EINVAL, 0, { { 0, 0 } } },
	{ "only a dash", "bytes=-", 1000, -EINVAL, 0, { { 0, 0 } } },
	{ "other unit", "items=0-1", 1000, -EINVAL, 0, { { 0, 0 } } },
	{ "no ranges", "bytes=", 1000, -EINVAL, 0, { { 0, 0 } } },
	{ "garbage (an iPXE quirk)", "bytes=0-1x", 1000, -EINVAL, 0,
	  { { 0, 0 } } },
	{ "signs", "bytes=+1-2", 1000, -EINVAL, 0, { { 0, 0 } } },
	{ "too many", "bytes=0-0,2-2,4-4,6-6", 1000, -E2BIG, 0, { { 0, 0 } } },
	{ "overlapping", "bytes=0-10,5-20", 1000, -E2BIG, 0, { { 0, 0 } } },
};

static void
test_ranges(void)
{
	struct http_range r[3];
	unsigned n, k;
	size_t i;
	int ret;

	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		ret = http_parse_range(ranges[i].v, strlen(ranges[i].v),
		    ranges[i].size, r, 3, &n);
		tap_is(ret, ranges[i].ret, "range: %s", ranges[i].what);
		if (ret != 0)
			continue;
		tap_is(n, ranges[i].n, "  %s: count", ranges[i].what);
		for (k = 0; k < n && k < ranges[i].n; k++)
			tap_ok(r[k].first == ranges[i].r[k].first &&
			    r[k].last == ranges[i].r[k].last,
			    "  %s: range %u is %llu-%llu", ranges[i].what, k,
			    (unsigned long long)r[k].first,
			    (unsigned long long)r[k].last);
	}
}

static const struct {
	const char *what;
	const char *s;
	int ret;
	int64_t t;
} dates[] = {
	{ "IMF-fixdate", "Sun, 06 Nov 1994 08:49:37 GMT", 0, 784111777 },
	{ "RFC 850", "Sunday, 06-Nov-94 08:49:37 GMT", 0, 784111777 },
	{ "asctime", "Sun Nov  6 08:49:37 1994", 0, 784111777 },
	{ "the epoch", "Thu, 01 Jan 1970 00:00:00 GMT", 0, 0 },
	{ "past 2038", "Sun, 01 Jan 2130 00:00:00 GMT", 0, 5049129600LL },
	{ "leap day", "Tue, 29 Feb 2000 12:00:00 GMT", 0, 951825600 },
	{ "not GMT", "Sun, 06 Nov 1994 08:49:37 CET", -EINVAL, 0 },
	{ "bad month", "Sun, 06 Foo 1994 08:49:37 GMT", -EINVAL, 0 },
	{ "bad hour", "Sun, 06 Nov 1994 25:49:37 GMT", -EINVAL, 0 },
	{ "garbage", "yesterday", -EINVAL, 0 },
	{ "empty", "", -EINVAL, 0 },
	{ "RFC 850 bad day name", "Sonday, 06-Nov-94 08:49:37 GMT", -EINVAL, 0 },
};

static void
test_dates(void)
{
	char buf[HTTP_DATE_LEN + 1];
	int64_t t;
	size_t i;
	int r;

	for (i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		t = -1;
		r = http_parse_date(dates[i].s, strlen(dates[i].s), &t);
		tap_is(r, dates[i].ret, "date: %s", dates[i].what);
		if (r == 0)
			tap_is(t, dates[i].t, "  %s: time", dates[i].what);
	}
	http_format_date(784111777, buf);
	tap_str(buf, "Sun, 06 Nov 1994 08:49:37 GMT", "format: RFC 9110's example");
	http_format_date(0, buf);
	tap_str(buf, "Thu, 01 Jan 1970 00:00:00 GMT", "format: the epoch");
	http_format_date(5049129600LL, buf);
	tap_str(buf, "Sun, 01 Jan 2130 00:00:00 GMT", "format: past 2038");
	http_format_date(951825600, buf);
	tap_str(buf, "Tue, 29 Feb 2000 12:00:00 GMT", "format: leap day");
	for (t = 0; t < 4000000000LL; t += 12345679) {
		int64_t back;

		http_format_date(t, buf);
		if (http_parse_date(buf, strlen(buf), &back) != 0 || back != t)
			break;
	}
	tap_ok(t >= 4000000000LL, "format and parse agree over 127 years");
}

static void
test_tables(void)
{
	tap_str(http_reason(416), "Range Not Satisfiable", "reason of 416");
	tap_str(http_reason(431), "Request Header Fields Too Large",
	    "reason of 431");
	tap_str(http_reason(299), "", "unknown status");
	tap_is(http_status_at((unsigned)http_status_index(505)), 505,
	    "status index round trip");
	tap_is(http_status_index(299), -1, "no index for an unknown status");
	tap_str(http_content_type("winpe.ISO", 9), "application/x-iso9660-image",
	    "type of an ISO, by extension in any case");
	tap_str(http_content_type("boot.ipxe", 9), "text/plain", "iPXE script");
	tap_str(http_content_type("iso", 3), "application/octet-stream",
	    "a name that is only the extension's letters");
}

int
main(void)
{
	test_heads();
	test_big_head();
	test_targets();
	test_ranges();
	test_dates();
	test_tables();
	return tap_done();
}
