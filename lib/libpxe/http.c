/*
 * http: HTTP/1.1 request heads, targets, ranges and dates; see http.h.
 * Everything here reads through explicit lengths: a request head is never
 * NUL-terminated, and every string handed back points into it.
 */
#include <errno.h>
#include <string.h>

#include "http.h"

/* ---- characters ---- */

static bool
is_tchar(unsigned char c)
{
	/* RFC 9110 5.6.2: token characters. */
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || (c != 0 && strchr("!#$%&'*+-.^_`|~",
	    c) != NULL);
}

static bool
is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Case-insensitive compare of len bytes of s with the NUL-ended word. */
static bool
word_eq(const char *s, size_t len, const char *word)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (word[i] == '\0' || lower((unsigned char)s[i]) != word[i])
			return false;
	return word[len] == '\0';
}

static bool
digits(const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return false;
	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* ---- request head ---- */

static int
refuse(struct http_request *req, int status, const char *why)
{
	req->status = status;
	req->why = why;
	return -EPROTO;
}

/*
 * The line that starts at off: its content ends at *end (a CR before the
 * LF is not part of it), the next line starts at *next.  false when no LF
 * has arrived yet.
 */
static bool
line_at(const char *buf, size_t len, size_t off, size_t *end, size_t *next)
{
	const char *lf = memchr(buf + off, '\n', len - off);

	if (lf == NULL)
		return false;
	*next = (size_t)(lf - buf) + 1;
	*end = (size_t)(lf - buf);
	if (*end > off && buf[*end - 1] == '\r')
		(*end)--;
	return true;
}

static const struct {
	const char *name;
	enum http_method method;
} methods[] = {
	{ "GET", HTTP_GET },
	{ "HEAD", HTTP_HEAD },
};

/* "GET /x HTTP/1.1", exactly one space between the three parts. */
static int
request_line(const char *s, size_t len, struct http_request *req)
{
	const char *sp1, *sp2, *v;
	size_t i, vlen;

	if ((sp1 = memchr(s, ' ', len)) == NULL)
		return refuse(req, 400, "no request target (HTTP/0.9?)");
	req->method_str = (struct http_str){ s, (size_t)(sp1 - s) };
	if (req->method_str.len == 0)
		return refuse(req, 400, "empty method");
	for (i = 0; i < req->method_str.len; i++)
		if (!is_tchar((unsigned char)s[i]))
			return refuse(req, 400, "bad character in the method");
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strlen(methods[i].name) == req->method_str.len &&
		    memcmp(methods[i].name, s, req->method_str.len) == 0)
			req->method = methods[i].method;
	sp2 = memchr(sp1 + 1, ' ', len - (size_t)(sp1 + 1 - s));
	if (sp2 == NULL)
		return refuse(req, 400, "no HTTP version (HTTP/0.9?)");
	req->target = (struct http_str){ sp1 + 1, (size_t)(sp2 - sp1 - 1) };
	if (req->target.len == 0)
		return refuse(req, 400, "empty request target");
	for (i = 0; i < req->target.len; i++)
		if (is_ctl((unsigned char)req->target.p[i]))
			return refuse(req, 400,
			    "control character in the request target");
	v = sp2 + 1;
	vlen = len - (size_t)(v - s);
	if (vlen != 8 || memcmp(v, "HTTP/", 5) != 0 || v[6] != '.' ||
	    v[5] < '0' || v[5] > '9' || v[7] < '0' || v[7] > '9')
		return refuse(req, 400, "malformed HTTP version");
	if (v[5] != '1')
		return refuse(req, 505, "not HTTP/1.x");
	req->version = v[7] == '0' ? 10 : 11;
	return 0;
}

/* Field handlers: the value is trimmed; 0 or refuse(). */
typedef int (*field_fn)(struct http_request *req, const char *v, size_t len);

static int
f_host(struct http_request *req, const char *v, size_t len)
{
	if (req->host.p != NULL)
		return refuse(req, 400, "more than one Host field");
	req->host = (struct http_str){ v, len };
	return 0;
}

static int
f_range(struct http_request *req, const char *v, size_t len)
{
	/* Two Range fields: neither is trusted, the whole file is sent. */
	req->range = req->range.p == NULL ? (struct http_str){ v, len } :
	    (struct http_str){ "", 0 };
	return 0;
}

static int
f_ims(struct http_request *req, const char *v, size_t len)
{
	req->if_modified_since = (struct http_str){ v, len };
	return 0;
}

static int
f_if_range(struct http_request *req, const char *v, size_t len)
{
	req->if_range = (struct http_str){ v, len };
	return 0;
}

/* Connection: a list of tokens; "close" and "keep-alive" matter. */
static int
f_connection(struct http_request *req, const char *v, size_t len)
{
	size_t i = 0, j;

	while (i < len) {
		while (i < len && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		for (j = i; j < len && v[j] != ',' && v[j] != ' ' &&
		    v[j] != '\t'; j++)
			;
		if (word_eq(v + i, j - i, "close"))
			req->keep_alive = false;
		else if (word_eq(v + i, j - i, "keep-alive") &&
		    req->version == 10)
			req->keep_alive = true;
		i = j;
	}
	return 0;
}

/* GET and HEAD carry no body; one we cannot skip safely is refused. */
static int
f_content_length(struct http_request *req, const char *v, size_t len)
{
	if (!digits(v, len))
		return refuse(req, 400, "malformed Content-Length");
	while (len > 1 && *v == '0') {
		v++;
		len--;
	}
	if (len != 1 || *v != '0')
		return refuse(req, 400, "a request body (not accepted here)");
	return 0;
}

static int
f_transfer_encoding(struct http_request *req, const char *v, size_t len)
{
	(void)v;
	(void)len;
	return refuse(req, 400, "a request body (not accepted here)");
}

static const struct {
	const char *name;	/* lower case */
	field_fn fn;
} fields[] = {
	{ "host", f_host },
	{ "range", f_range },
	{ "if-modified-since", f_ims },
	{ "if-range", f_if_range },
	{ "connection", f_connection },
	{ "content-length", f_content_length },
	{ "transfer-encoding", f_transfer_encoding },
};

/* One "Name: value" line (no CR LF). */
static int
field_line(const char *s, size_t len, struct http_request *req)
{
	const char *colon = memchr(s, ':', len), *v, *e;
	size_t nlen, i;

	if (len > 0 && (s[0] == ' ' || s[0] == '\t'))
		return refuse(req, 400, "obsolete line folding");
	if (colon == NULL)
		return refuse(req, 400, "a header line without a colon");
	nlen = (size_t)(colon - s);
	if (nlen == 0)
		return refuse(req, 400, "an empty header name");
	for (i = 0; i < nlen; i++)
		if (!is_tchar((unsigned char)s[i]))
			return refuse(req, 400, "bad character in a header "
			    "name (or space before the colon)");
	v = colon + 1;
	e = s + len;
	for (i = 0; v + i < e; i++)
		if (is_ctl((unsigned char)v[i]) && v[i] != '\t')
			return refuse(req, 400,
			    "control character in a header value");
	while (v < e && (*v == ' ' || *v == '\t'))
		v++;
	while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (word_eq(s, nlen, fields[i].name))
			return fields[i].fn(req, v, (size_t)(e - v));
	return 0;
}

int
http_parse_request(const char *buf, size_t len,
    const struct http_limits *lim, struct http_request *req)
{
	size_t off = 0, end, next;
	int r;

	memset(req, 0, sizeof(*req));
	while (off < len && off < lim->max_head &&
	    (buf[off] == '\r' || buf[off] == '\n'))
		off++;
	if (!line_at(buf, len, off, &end, &next)) {
		if (len - off > lim->max_line)
			return refuse(req, 414, "request line too long");
		if (len >= lim->max_head)
			return refuse(req, 431, "request head too large");
		return -EAGAIN;
	}
	if (end - off > lim->max_line)
		return refuse(req, 414, "request line too long");
	if ((r = request_line(buf + off, end - off, req)) < 0)
		return r;
	req->keep_alive = req->version == 11;
	for (;;) {
		off = next;
		if (!line_at(buf, len, off, &end, &next)) {
			if (len >= lim->max_head)
				return refuse(req, 431,
				    "request head too large");
			return -EAGAIN;
		}
		if (next > lim->max_head)
			return refuse(req, 431, "request head too large");
		if (end == off)
			break;
		if (req->nfields == lim->max_fields)
			return refuse(req, 431, "too many header fields");
		req->nfields++;
		if ((r = field_line(buf + off, end - off, req)) < 0)
			return r;
	}
	if (req->version == 11 && req->host.p == NULL)
		return refuse(req, 400, "no Host field in an HTTP/1.1 request");
	req->head_len = next;
	return 0;
}

/* ---- targets ---- */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Length of the valid UTF-8 sequence at s (n bytes left), or 0 when it is
 * not one: overlong forms, surrogates and code points past U+10FFFF are
 * refused (RFC 3629).
 */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t k, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		k = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		k = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		k = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n < k)
		return 0;
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((k == 3 && cp < 0x800) || (k == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return k;
}

/* Where the path of target starts and ends; -EINVAL if it has none. */
static int
path_of(const char *t, size_t len, size_t *start, size_t *end)
{
	static const char *const schemes[] = { "http://", "https://" };
	size_t i, k, s = 0, sl;

	if (len > 0 && t[0] == '/') {
		s = 0;
	} else {
		for (k = 0; k < sizeof(schemes) / sizeof(schemes[0]); k++) {
			sl = strlen(schemes[k]);
			if (len >= sl && word_eq(t, sl, schemes[k]))
				break;
		}
		if (k == sizeof(schemes) / sizeof(schemes[0]))
			return -EINVAL;
		/* The authority ends at the path, query or fragment. */
		for (s = sl; s < len && t[s] != '/' && t[s] != '?' &&
		    t[s] != '#'; s++)
			;
		if (s == sl)
			return -EINVAL;
	}
	for (i = s; i < len && t[i] != '?' && t[i] != '#'; i++)
		;
	*start = s;
	*end = i;
	return 0;
}

int
http_target_path(const char *target, size_t len, char *out, size_t cap,
    size_t *outlen)
{
	size_t s, e, i, o = 0, k;
	int hi, lo;
	unsigned char c;

	if (cap == 0 || path_of(target, len, &s, &e) < 0)
		return -EINVAL;
	for (i = s; i < e; i++) {
		c = (unsigned char)target[i];
		if (c == '%') {
			if (e - i < 3 ||
			    (hi = hexval((unsigned char)target[i + 1])) < 0 ||
			    (lo = hexval((unsigned char)target[i + 2])) < 0)
				return -EINVAL;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		}
		if (is_ctl(c))
			return -EINVAL;
		if (o + 1 >= cap)
			return -ENAMETOOLONG;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	for (i = 0; i < o; i += k)
		if ((k = utf8_seq((const unsigned char *)out + i, o - i)) == 0)
			return -EINVAL;
	if (outlen)
		*outlen = o;
	return 0;
}

/* ---- ranges ---- */

/* A decimal number; saturates at UINT64_MAX (past any file's end). */
static uint64_t
number(const char *s, size_t len)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		if (v > (UINT64_MAX - 9) / 10)
			return UINT64_MAX;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	return v;
}

/*
 * One range-spec ("a-b", "a-", "-n") against size: 1 satisfiable (*out
 * set), 0 unsatisfiable, -EINVAL malformed.
 */
static int
range_spec(const char *s, size_t len, uint64_t size, struct http_range *out)
{
	const char *dash = memchr(s, '-', len);
	size_t alen, blen;
	uint64_t a, b;

	if (dash == NULL)
		return -EINVAL;
	alen = (size_t)(dash - s);
	blen = len - alen - 1;
	if ((alen && !digits(s, alen)) || (blen && !digits(dash + 1, blen)) ||
	    (alen == 0 && blen == 0))
		return -EINVAL;
	b = number(dash + 1, blen);
	if (alen == 0) {		/* suffix: the last b bytes */
		if (b == 0 || size == 0)
			return 0;
		out->first = size > b ? size - b : 0;
		out->last = size - 1;
		return 1;
	}
	a = number(s, alen);
	if (blen && b < a)
		return -EINVAL;
	if (a >= size)
		return 0;
	out->first = a;
	out->last = blen && b < size - 1 ? b : size - 1;
	return 1;
}

int
http_parse_range(const char *v, size_t len, uint64_t size,
    struct http_range *r, unsigned max, unsigned *n)
{
	size_t i = 6, j, e;
	unsigned got = 0, specs = 0, a, b;
	struct http_range one;
	int k;

	*n = 0;
	if (len < 6 || !word_eq(v, 6, "bytes="))
		return -EINVAL;
	while (i < len) {
		for (j = i; j < len && v[j] != ','; j++)
			;
		e = j;
		while (i < e && (v[i] == ' ' || v[i] == '\t'))
			i++;
		while (e > i && (v[e - 1] == ' ' || v[e - 1] == '\t'))
			e--;
		if (e > i) {
			if ((k = range_spec(v + i, e - i, size, &one)) < 0)
				return -EINVAL;
			specs++;
			if (k == 1) {
				if (got == max)
					return -E2BIG;
				r[got++] = one;
			}
		}
		i = j + 1;
	}
	if (specs == 0)
		return -EINVAL;
	if (got == 0)
		return -ERANGE;
	for (a = 0; a < got; a++)
		for (b = a + 1; b < got; b++)
			if (r[a].first <= r[b].last && r[b].first <= r[a].last)
				return -E2BIG;
	*n = got;
	return 0;
}

/* ---- dates ---- */

static const char wdays[7][4] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
};
static const char *const long_wdays[7] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
	"Saturday",
};
static const char months[12][4] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
	"Nov", "Dec",
};

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* A fixed-width decimal field of n digits; -1 if not digits. */
static int
fixnum(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int
month_of(const char *s)
{
	int i;

	for (i = 0; i < 12; i++)
		if (memcmp(s, months[i], 3) == 0)
			return i + 1;
	return -1;
}

/* "HH:MM:SS" into seconds of the day, or -1. */
static int
clock_of(const char *s)
{
	int h = fixnum(s, 2), m = fixnum(s + 3, 2), sec = fixnum(s + 6, 2);

	if (s[2] != ':' || s[5] != ':' || h < 0 || h > 23 || m < 0 ||
	    m > 59 || sec < 0 || sec > 60)
		return -1;
	return h * 3600 + m * 60 + sec;
}

static int
date_of(int64_t y, int mon, int d, int secs, int64_t *t)
{
	if (mon < 1 || d < 1 || d > 31 || secs < 0 || y < 1970)
		return -EINVAL;
	*t = days_from_civil(y, (unsigned)mon, (unsigned)d) * 86400 + secs;
	return 0;
}

int
http_parse_date(const char *s, size_t len, int64_t *t)
{
	const char *c = memchr(s, ',', len);
	size_t i, wl;
	int y;

	if (len == 29 && c == s + 3 && s[4] == ' ' && s[7] == ' ' &&
	    s[11] == ' ' && s[16] == ' ' && memcmp(s + 25, " GMT", 4) == 0)
		/* IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT */
		return date_of(fixnum(s + 12, 4), month_of(s + 8),
		    fixnum(s + 5, 2), clock_of(s + 17), t);
	if (c != NULL) {
		/* RFC 850: Sunday, 06-Nov-94 08:49:37 GMT */
		wl = (size_t)(c - s);
		for (i = 0; i < 7; i++)
			if (wl == strlen(long_wdays[i]) &&
			    memcmp(s, long_wdays[i], wl) == 0)
				break;
		if (i == 7 || len - wl - 1 != 23)
			return -EINVAL;
		s = c + 1;
		if (s[0] != ' ' || s[3] != '-' || s[7] != '-' || s[10] != ' ' ||
		    memcmp(s + 19, " GMT", 4) != 0 || (y = fixnum(s + 8, 2)) < 0)
			return -EINVAL;
		/* Two-digit years: 70-99 are 19xx, the rest 20xx. */
		return date_of(y < 70 ? 2000 + y : 1900 + y, month_of(s + 4),
		    fixnum(s + 1, 2), clock_of(s + 11), t);
	}
	/* asctime: Sun Nov  6 08:49:37 1994 */
	if (len != 24 || s[3] != ' ' || s[7] != ' ' || s[10] != ' ' ||
	    s[19] != ' ')
		return -EINVAL;
	for (i = 0; i < 7; i++)
		if (memcmp(s, wdays[i], 3) == 0)
			break;
	if (i == 7)
		return -EINVAL;
	return date_of(fixnum(s + 20, 4), month_of(s + 4),
	    s[8] == ' ' ? fixnum(s + 9, 1) : fixnum(s + 8, 2), clock_of(s + 11),
	    t);
}

void
http_format_date(int64_t t, char *buf)
{
	int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
	int64_t secs = t - days * 86400, z, era, y;
	unsigned doe, yoe, doy, mp, d, m;

	/* The inverse of days_from_civil. */
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	if (y < 0 || y > 9999) {
		/* Out of what the format holds: the epoch, harmlessly old. */
		memcpy(buf, "Thu, 01 Jan 1970 00:00:00 GMT", HTTP_DATE_LEN + 1);
		return;
	}
	memcpy(buf, wdays[((days % 7) + 11) % 7], 3);
	buf[3] = ',';
	buf[4] = ' ';
	buf[5] = (char)('0' + d / 10);
	buf[6] = (char)('0' + d % 10);
	buf[7] = ' ';
	memcpy(buf + 8, months[m - 1], 3);
	buf[11] = ' ';
	buf[12] = (char)('0' + y / 1000);
	buf[13] = (char)('0' + y / 100 % 10);
	buf[14] = (char)('0' + y / 10 % 10);
	buf[15] = (char)('0' + y % 10);
	buf[16] = ' ';
	buf[17] = (char)('0' + secs / 36000);
	buf[18] = (char)('0' + secs / 3600 % 10);
	buf[19] = ':';
	buf[20] = (char)('0' + secs % 3600 / 600);
	buf[21] = (char)('0' + secs % 3600 / 60 % 10);
	buf[22] = ':';
	buf[23] = (char)('0' + secs % 60 / 10);
	buf[24] = (char)('0' + secs % 10);
	memcpy(buf + 25, " GMT", 5);
}

/* ---- tables ---- */

static const struct {
	int status;
	const char *reason;
} reasons[] = {
	{ 200, "OK" },
	{ 206, "Partial Content" },
	{ 304, "Not Modified" },
	{ 400, "Bad Request" },
	{ 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 408, "Request Timeout" },
	{ 414, "URI Too Long" },
	{ 416, "Range Not Satisfiable" },
	{ 431, "Request Header Fields Too Large" },
	{ 500, "Internal Server Error" },
	{ 503, "Service Unavailable" },
	{ 505, "HTTP Version Not Supported" },
};

_Static_assert(sizeof(reasons) / sizeof(reasons[0]) == HTTP_NSTATUS,
    "HTTP_NSTATUS counts the reasons table");

int
http_status_index(int status)
{
	int i;

	for (i = 0; i < HTTP_NSTATUS; i++)
		if (reasons[i].status == status)
			return i;
	return -1;
}

int
http_status_at(unsigned i)
{
	return i < HTTP_NSTATUS ? reasons[i].status : 0;
}

const char *
http_reason(int status)
{
	int i = http_status_index(status);

	return i < 0 ? "" : reasons[i].reason;
}

static const struct {
	const char *ext;	/* lower case, with the dot */
	const char *type;
} types[] = {
	{ ".iso", "application/x-iso9660-image" },
	{ ".efi", "application/efi" },
	{ ".ipxe", "text/plain" },
	{ ".cfg", "text/plain" },
	{ ".txt", "text/plain" },
	{ ".html", "text/html" },
	{ ".htm", "text/html" },
};

const char *
http_content_type(const char *name, size_t len)
{
	size_t i, el;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		el = strlen(types[i].ext);
		if (len > el && word_eq(name + len - el, el, types[i].ext))
			return types[i].type;
	}
	return "application/octet-stream";
}
