/*
 * http: the HTTP/1.1 wire code pxe-tftpd's file server needs, with no I/O.
 * http_parse_request() reads a request head (request line and header
 * fields, RFC 9112) from the bytes received so far and either asks for
 * more, or decodes it into a struct whose strings point into those bytes,
 * or names the status to refuse it with (400, 414, 431, 505); limits on
 * the head's size and field count are the caller's.  The other functions
 * turn a request target into a file name (percent-decoding, absolute form,
 * no NUL, valid UTF-8 only), a Range header into byte ranges of a file of
 * known size (RFC 9110 section 14), and HTTP dates to and from time_t.
 */
#ifndef PXE_HTTP_H
#define PXE_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum http_method {
	HTTP_OTHER = 0,		/* a valid method we do not serve: 405 */
	HTTP_GET,
	HTTP_HEAD,
};

/* A piece of the received bytes (not NUL-terminated). */
struct http_str {
	const char *p;
	size_t len;
};

struct http_limits {
	size_t max_head;	/* request line + fields + blank line */
	size_t max_line;	/* the request line alone: past it, 414 */
	unsigned max_fields;	/* header fields: past it, 431 */
};

struct http_request {
	enum http_method method;
	struct http_str method_str;
	struct http_str target;		/* as sent (origin or absolute form) */
	unsigned version;		/* 10 or 11 */
	struct http_str host;		/* .p NULL when absent */
	struct http_str range;
	struct http_str if_modified_since;
	struct http_str if_range;
	bool keep_alive;		/* the connection may serve another */
	unsigned nfields;
	size_t head_len;		/* bytes the head took, blank line included */
	int status;			/* when refused: the status to answer */
	const char *why;		/* when refused: for the log */
};

/*
 * Parse the request head at the start of buf (len bytes received so far).
 * 0: complete, req filled, the head is req->head_len bytes.  -EAGAIN: not
 * complete yet and within the limits (empty lines before the request line
 * are skipped, RFC 9112 2.2).  -EPROTO: refused; req->status is 400
 * (syntax, a missing or repeated Host in HTTP/1.1, a body, obsolete line
 * folding), 414 (request line too long), 431 (head too large or too many
 * fields) or 505 (not HTTP/1.x), and req->why says why.  After a refusal
 * the connection cannot be read further: answer and close.
 */
int http_parse_request(const char *buf, size_t len,
    const struct http_limits *lim, struct http_request *req);

/*
 * The file name a request target names: the path of an origin-form
 * ("/a/b?q") or absolute-form ("http://host/a/b") target, percent-decoded,
 * query and fragment dropped, into out (NUL-terminated; *outlen gets its
 * length).  0; -EINVAL for a malformed target, a bad %-escape, a NUL, a
 * control character or bytes that are not valid UTF-8 (overlong forms
 * such as %c0%ae included); -ENAMETOOLONG when it does not fit in cap.
 * "..", backslashes and case are left to fsroot, which sees the decoded
 * bytes (so %2e%2e and ..%2f are refused there like "..").
 */
int http_target_path(const char *target, size_t len, char *out, size_t cap,
    size_t *outlen);

/* One byte range, first and last byte included. */
struct http_range {
	uint64_t first;
	uint64_t last;
};

/*
 * Resolve a Range header value against a file of size bytes into at most
 * max ranges, in the order asked, into r (*n of them).  0: satisfiable
 * ranges (unsatisfiable ones among satisfiable ones are dropped, RFC 9110
 * 14.1.1); -ERANGE: none is satisfiable (answer 416); -EINVAL: malformed
 * or not "bytes=" (ignore the header, send the whole file); -E2BIG: more
 * than max ranges, or ranges that overlap (send the whole file).
 */
int http_parse_range(const char *v, size_t len, uint64_t size,
    struct http_range *r, unsigned max, unsigned *n);

/*
 * An HTTP date (IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT", or the
 * obsolete RFC 850 and asctime forms) to seconds since the epoch.  0 or
 * -EINVAL.
 */
int http_parse_date(const char *s, size_t len, int64_t *t);

/* t as an IMF-fixdate into buf (at least HTTP_DATE_LEN + 1 bytes). */
#define HTTP_DATE_LEN	29
void http_format_date(int64_t t, char *buf);

/* The reason phrase of a status code ("Not Found"), "" when unknown. */
const char *http_reason(int status);

/*
 * The status codes http_reason knows, numbered 0 .. HTTP_NSTATUS - 1 (for
 * a server's counters): the number of status, or -1; the status of i.
 */
#define HTTP_NSTATUS	14
int http_status_index(int status);
int http_status_at(unsigned i);

/* A MIME type for a file name, by its extension. */
const char *http_content_type(const char *name, size_t len);

#endif
