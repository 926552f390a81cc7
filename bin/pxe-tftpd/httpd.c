/*
 * httpd.c: the TFTP root over HTTP/1.1 (--http), in the same event loop.
 * One struct hconn per TCP connection reads a request head into a fixed
 * buffer, parses it with libpxe's http (which refuses what is malformed,
 * too long or too large), opens the file through the same fsroot as TFTP,
 * and answers with a head from memory and the body with sendfile: the
 * whole file, one range, or several as multipart/byteranges.  A response
 * is a list of segments (bytes in memory, or a span of the file) written
 * as the socket takes them, a bounded amount per turn so that one fast
 * client does not starve the others.  Pipelined requests wait in the
 * buffer and are answered in order.  Timers close connections that stay
 * idle, send a head too slowly, or stop reading; at the connection cap the
 * longest-idle connection makes room for a new one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <time.h>
#include <unistd.h>

#include "libpxe/http.h"
#include "libpxe/log.h"
#include "libpxe/opts.h"
#include "tftpd.h"

#define HEAD_MAX	16384		/* request head: past it, 431 */
#define LINE_MAX_	8192		/* request line: past it, 414 */
#define FIELDS_MAX	100		/* header fields: past it, 431 */
#define MAX_RANGES	16		/* more: the whole file */
#define OUT_HEAD	1024		/* response head */
#define OUT_CAP		(OUT_HEAD + MAX_RANGES * 160 + 64)
#define TURN_BYTES	(4u << 20)	/* written per connection per turn */
#define CORK_MIN	(256u << 10)	/* a body this large is sent corked */
#define SEND_CHUNK	(2u << 20)	/* bytes per sendfile call */
#define TURN_REQUESTS	32		/* pipelined requests per turn */
#define LINGER_MS	2000		/* draining input before a close */
#define WARN_PER_SEC	5

enum hc_state {
	HC_READ,	/* waiting for (the rest of) a request head */
	HC_SEND,	/* writing a response */
	HC_LINGER,	/* answered and shut down; draining input */
};

/* A piece of a response: bytes in memory, or a span of the file. */
struct seg {
	const char *mem;	/* NULL: the file */
	uint64_t off;		/* into mem or the file */
	uint64_t len;
};

struct hconn {
	struct hconn *prev, *next;
	struct tftpd *d;
	struct pxe_io io;
	struct pxe_timer timer;
	enum hc_state state;
	bool dead;
	bool keep_alive;	/* after the response being sent */
	bool more;		/* pipelined requests left for the next turn */
	bool http10;		/* the request was HTTP/1.0 */
	bool corked;		/* TCP_CORK is on for a large body */
	uint32_t ev;		/* events asked of the loop */
	uint64_t last_ms;	/* last progress either way */
	char peer[PXE_ADDRSTRLEN];
	/* the response */
	int fd;			/* the file, or -1 */
	struct seg segs[2 * MAX_RANGES + 2];
	unsigned nseg, cur;
	int status;
	bool head_only;
	uint64_t body, sent;	/* body bytes planned, all bytes written */
	uint64_t start_ns;
	char what[48];		/* ", range 0-99" for the log */
	char path[PXE_FSROOT_MAXNAME + 512];
	size_t in_len;
	char in[HEAD_MAX];
	char out[OUT_CAP];
};

static const struct http_limits limits = { HEAD_MAX, LINE_MAX_, FIELDS_MAX };

static void on_io(struct pxe_loop *loop, struct pxe_io *io, uint32_t ev);

/* ---- logging and counting ---- */

static void
count(struct tftpd *d, int status)
{
	int i = http_status_index(status);

	if (i >= 0)
		d->h.c.status[i]++;
}

/* A warning about a client's bytes, at most WARN_PER_SEC a second. */
static void __attribute__((format(printf, 2, 3)))
warn_limited(struct tftpd *d, const char *fmt, ...)
{
	uint64_t now = pxe_loop_now(d->loop);
	char msg[256];
	va_list ap;

	if (now - d->h.warn_at >= 1000) {
		if (d->h.warn_n > WARN_PER_SEC)
			log_warn("%u more bad HTTP requests",
			    d->h.warn_n - WARN_PER_SEC);
		d->h.warn_at = now;
		d->h.warn_n = 0;
	}
	if (d->h.warn_n++ >= WARN_PER_SEC)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warn("%s", msg);
}

void
httpd_log_counters(const struct tftpd *d)
{
	const struct httpd *h = &d->h;
	char st[HTTP_NSTATUS * 28] = "";
	size_t o = 0;
	unsigned i;

	if (h->nls == 0)
		return;
	for (i = 0; i < HTTP_NSTATUS; i++)
		if (h->c.status[i] && o < sizeof(st))
			o += (size_t)snprintf(st + o, sizeof(st) - o, " %d %llu",
			    http_status_at(i),
			    (unsigned long long)h->c.status[i]);
	log_info("counters: HTTP connections %llu (active %u, peak %u, refused "
	    "%llu, idle ones closed for new %llu, timeouts %llu), requests "
	    "%llu, responses:%s, bytes sent %llu",
	    (unsigned long long)h->c.connections, h->nconns, h->peak,
	    (unsigned long long)h->c.refused, (unsigned long long)h->c.evicted,
	    (unsigned long long)h->c.timeouts,
	    (unsigned long long)h->c.requests, o ? st : " none",
	    (unsigned long long)h->c.bytes_sent);
}

/* ---- connections ---- */

static void
set_events(struct hconn *c, uint32_t ev)
{
	if (c->ev != ev && pxe_loop_mod(c->d->loop, &c->io, ev) == 0)
		c->ev = ev;
}

static void
end_file(struct hconn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

static void
hconn_close(struct hconn *c, const char *why)
{
	struct httpd *h = &c->d->h;

	if (c->dead)
		return;
	c->dead = true;
	if (c->state == HC_SEND && c->status < 300 && !c->head_only)
		log_info("failed sending %s to %s over HTTP: %s after %llu of "
		    "%llu bytes", c->path, c->peer, why ? why : "closed",
		    (unsigned long long)(c->sent), (unsigned long long)c->body);
	else if (why)
		log_debug("HTTP connection %s closed: %s", c->peer, why);
	end_file(c);
	pxe_timer_cancel(c->d->loop, &c->timer);
	pxe_loop_del(c->d->loop, &c->io);
	close(c->io.fd);
	if (c->prev)
		c->prev->next = c->next;
	else
		h->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	h->nconns--;
	/* Freed after this loop turn: epoll may still hold events for it. */
	c->next = h->graveyard;
	h->graveyard = c;
	pxe_timer_arm(c->d->loop, &h->reap, 0);
}

static void
free_graveyard(struct httpd *h)
{
	struct hconn *c;

	while ((c = h->graveyard) != NULL) {
		h->graveyard = c->next;
		free(c);
	}
}

static void
reap(struct pxe_loop *loop, struct pxe_timer *t)
{
	(void)loop;
	free_graveyard(t->arg);
}

static uint64_t
timeout_ms(const struct hconn *c)
{
	return (uint64_t)c->d->cfg.http_timeout * 1000;
}

/* Answered for the last time: stop sending, drain what the client still
 * sends for a moment (closing with unread input would reset the
 * connection and could destroy the answer in flight), then close. */
static void
linger(struct hconn *c)
{
	end_file(c);
	c->state = HC_LINGER;
	shutdown(c->io.fd, SHUT_WR);
	set_events(c, EPOLLIN);
	pxe_timer_arm(c->d->loop, &c->timer, LINGER_MS);
}

static void
on_timer(struct pxe_loop *loop, struct pxe_timer *t)
{
	static const char timeout[] = "HTTP/1.1 408 Request Timeout\r\n"
	    "Content-Length: 0\r\nConnection: close\r\n\r\n";
	struct hconn *c = t->arg;
	uint64_t now = pxe_loop_now(loop), at;

	switch (c->state) {
	case HC_LINGER:
		hconn_close(c, NULL);
		return;
	case HC_SEND:
		at = c->last_ms + timeout_ms(c);
		if (now < at) {
			pxe_timer_arm(loop, t, at - now);
			return;
		}
		c->d->h.c.timeouts++;
		/* Reset rather than close: the kernel would otherwise keep
		 * what is queued for a reader that may never come back. */
		setsockopt(c->io.fd, SOL_SOCKET, SO_LINGER,
		    &(struct linger){ 1, 0 }, sizeof(struct linger));
		hconn_close(c, "the client stopped reading");
		return;
	case HC_READ:
		if (c->in_len == 0) {
			hconn_close(c, "idle");
			return;
		}
		c->d->h.c.timeouts++;
		count(c->d, 408);
		warn_limited(c->d, "HTTP client %s sent only %zu bytes of a "
		    "request head in %u s: closed (408)", c->peer, c->in_len,
		    c->d->cfg.http_timeout);
		send(c->io.fd, timeout, sizeof(timeout) - 1, MSG_NOSIGNAL |
		    MSG_DONTWAIT);
		linger(c);
		return;
	}
}

/* At the cap: close the connection idle the longest to make room. */
static bool
evict(struct httpd *h)
{
	struct hconn *c, *old = NULL;

	for (c = h->conns; c; c = c->next)
		if (c->state != HC_SEND && (old == NULL ||
		    c->last_ms < old->last_ms))
			old = c;
	if (old == NULL)
		return false;
	h->c.evicted++;
	hconn_close(old, "closed to make room for a new connection");
	return true;
}

static void
refuse_conn(struct tftpd *d, int fd)
{
	static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\n"
	    "Content-Length: 0\r\nConnection: close\r\nRetry-After: 5\r\n\r\n";

	d->h.c.refused++;
	count(d, 503);
	send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	close(fd);
	warn_limited(d, "refused an HTTP connection: %u busy ones "
	    "(--http-max-connections)", d->h.nconns);
}

static void
on_accept(struct pxe_loop *loop, struct pxe_io *io, uint32_t ev)
{
	struct listener *l = io->arg;
	struct tftpd *d = l->d;
	struct httpd *h = &d->h;
	struct sockaddr_storage ss;
	socklen_t sl;
	struct hconn *c;
	int fd, on = 1, budget = 64;

	(void)ev;
	while (budget-- > 0) {
		sl = sizeof(ss);
		fd = accept4(io->fd, (struct sockaddr *)&ss, &sl,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				warn_limited(d, "HTTP accept: %s",
				    strerror(errno));
			return;
		}
		if (h->nconns >= d->cfg.http_max_conns && !evict(h)) {
			refuse_conn(d, fd);
			continue;
		}
		if ((c = calloc(1, sizeof(*c))) == NULL) {
			close(fd);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
		c->d = d;
		c->fd = -1;
		c->io = (struct pxe_io){ fd, on_io, c };
		c->ev = EPOLLIN;
		c->last_ms = pxe_loop_now(loop);
		pxe_net_ntop((struct sockaddr *)&ss, c->peer, sizeof(c->peer));
		if (pxe_loop_add(loop, &c->io, EPOLLIN) < 0) {
			close(fd);
			free(c);
			continue;
		}
		pxe_timer_init(&c->timer, on_timer, c);
		pxe_timer_arm(loop, &c->timer, timeout_ms(c));
		c->next = h->conns;
		if (h->conns)
			h->conns->prev = c;
		h->conns = c;
		if (++h->nconns > h->peak)
			h->peak = h->nconns;
		h->c.connections++;
	}
}

/* ---- responses ---- */

static void
add_seg(struct hconn *c, const char *mem, uint64_t off, uint64_t len)
{
	c->segs[c->nseg++] = (struct seg){ mem, off, len };
}

/*
 * The status line and the fields every response has, into c->out; the
 * caller's extra fields (each ending in CR LF) go before the blank line.
 * Returns the head's length.
 */
static size_t
head(struct hconn *c, int status, uint64_t clen, const char *extra)
{
	char date[HTTP_DATE_LEN + 1];
	int n;

	http_format_date((int64_t)time(NULL), date);
	n = snprintf(c->out, OUT_HEAD, "HTTP/1.1 %d %s\r\nServer: pxe-tftpd\r\n"
	    "Date: %s\r\nContent-Length: %llu\r\n%s%s\r\n", status,
	    http_reason(status), date, (unsigned long long)clen, extra,
	    !c->keep_alive ? "Connection: close\r\n" :
	    c->http10 ? "Connection: keep-alive\r\n" : "");
	return n > 0 && n < OUT_HEAD ? (size_t)n : 0;
}

/* Start writing what add_seg queued. */
static void
begin(struct hconn *c, int status)
{
	c->status = status;
	c->state = HC_SEND;
	c->cur = 0;
	c->sent = 0;
	c->last_ms = pxe_loop_now(c->d->loop);
	c->start_ns = pxe_now_ns();
	count(c->d, status);
	/* No EPOLLOUT yet: write_out tries at once and asks for it only
	 * when the socket is full (most answers fit: two syscalls saved). */
}

/* A response with a short text body (errors, 304 with none). */
static void
answer(struct hconn *c, int status, const char *extra, bool head_only)
{
	char *body = c->out + OUT_HEAD, fields[512];
	size_t hl, bl = 0;

	if (status != 304)
		bl = (size_t)snprintf(body, OUT_CAP - OUT_HEAD, "%d %s\n",
		    status, http_reason(status));
	snprintf(fields, sizeof(fields), "%s%s", bl ?
	    "Content-Type: text/plain\r\n" : "", extra);
	hl = head(c, status, bl, fields);
	c->nseg = 0;
	c->head_only = head_only;
	c->body = head_only ? 0 : bl;
	add_seg(c, c->out, 0, hl);
	if (!head_only && bl)
		add_seg(c, body, 0, bl);
	begin(c, status);
}

/* A refused request head: answer, and close after it. */
static void
bad_request(struct hconn *c, int status, const char *why)
{
	char esc[80];

	pxe_log_escape(esc, sizeof(esc), c->in, c->in_len < 60 ? c->in_len :
	    60);
	warn_limited(c->d, "bad HTTP request from %s: %d %s (%s), starting "
	    "\"%s\"", c->peer, status, http_reason(status), why, esc);
	c->keep_alive = false;
	c->in_len = 0;
	answer(c, status, "", false);
}

/* The file's fields: Last-Modified, Accept-Ranges, and its type if not
 * NULL. */
static void
file_fields(char *buf, size_t cap, const char *type, int64_t mtime)
{
	char date[HTTP_DATE_LEN + 1];

	http_format_date(mtime, date);
	snprintf(buf, cap, "Last-Modified: %s\r\nAccept-Ranges: bytes\r\n"
	    "%s%s%s", date, type ? "Content-Type: " : "", type ? type : "",
	    type ? "\r\n" : "");
}

/* Several ranges: one multipart/byteranges body.  false (nothing queued)
 * if the part headers would not fit in c->out. */
static bool
multipart(struct hconn *c, const struct http_range *r, unsigned n,
    uint64_t size, const char *type, int64_t mtime)
{
	char *p = c->out + OUT_HEAD, extra[512], bnd[32];
	size_t left = OUT_CAP - OUT_HEAD, hl;
	uint64_t total = 0;
	unsigned i;
	int k;

	snprintf(bnd, sizeof(bnd), "pxekit-%08llx",
	    (unsigned long long)++c->d->h.boundary_seq);
	c->nseg = 1;		/* the head goes first, made last */
	for (i = 0; i < n; i++) {
		k = snprintf(p, left, "%s--%s\r\nContent-Type: %s\r\n"
		    "Content-Range: bytes %llu-%llu/%llu\r\n\r\n",
		    i ? "\r\n" : "", bnd, type, (unsigned long long)r[i].first,
		    (unsigned long long)r[i].last, (unsigned long long)size);
		if (k < 0 || (size_t)k >= left)
			return false;
		add_seg(c, p, 0, (uint64_t)k);
		add_seg(c, NULL, r[i].first, r[i].last - r[i].first + 1);
		total += (uint64_t)k + r[i].last - r[i].first + 1;
		p += k;
		left -= (size_t)k;
	}
	k = snprintf(p, left, "\r\n--%s--\r\n", bnd);
	if (k < 0 || (size_t)k >= left)
		return false;
	add_seg(c, p, 0, (uint64_t)k);
	total += (uint64_t)k;
	/* The type of the parts is theirs; the message's is multipart. */
	file_fields(extra, sizeof(extra) - 96, NULL, mtime);
	snprintf(extra + strlen(extra), 96, "Content-Type: multipart/"
	    "byteranges; boundary=%s\r\n", bnd);
	hl = head(c, 206, total, extra);
	c->segs[0] = (struct seg){ c->out, 0, hl };
	c->body = total;
	snprintf(c->what, sizeof(c->what), ", %u ranges", n);
	return true;
}

/* Range and If-Range against the file: the response's shape. */
static void
ranged(struct hconn *c, const struct http_request *req, uint64_t size,
    int64_t mtime, const char *type)
{
	struct http_range r[MAX_RANGES];
	char fields[256], extra[512];
	unsigned n = 0;
	int64_t t;
	size_t hl;
	int k = -EINVAL;

	file_fields(fields, sizeof(fields), type, mtime);
	if (req->range.p != NULL && (req->if_range.p == NULL ||
	    (http_parse_date(req->if_range.p, req->if_range.len, &t) == 0 &&
	    t == mtime)))
		k = http_parse_range(req->range.p, req->range.len, size, r,
		    MAX_RANGES, &n);
	c->what[0] = '\0';
	c->nseg = 0;
	if (k == -ERANGE) {
		end_file(c);
		snprintf(extra, sizeof(extra), "Content-Range: bytes */%llu\r\n",
		    (unsigned long long)size);
		answer(c, 416, extra, c->head_only);
		return;
	}
	if (k == 0 && n > 1 && multipart(c, r, n, size, type, mtime)) {
		if (c->head_only)
			c->nseg = 1;
		begin(c, 206);
		return;
	}
	if (k == 0 && n > 1) {
		k = -E2BIG;	/* the whole file, then */
		c->nseg = 0;
	}
	if (k == 0) {
		snprintf(extra, sizeof(extra), "Content-Range: bytes "
		    "%llu-%llu/%llu\r\n%s", (unsigned long long)r[0].first,
		    (unsigned long long)r[0].last, (unsigned long long)size,
		    fields);
		c->body = r[0].last - r[0].first + 1;
		hl = head(c, 206, c->body, extra);
		add_seg(c, c->out, 0, hl);
		if (!c->head_only)
			add_seg(c, NULL, r[0].first, c->body);
		snprintf(c->what, sizeof(c->what), ", range %llu-%llu",
		    (unsigned long long)r[0].first,
		    (unsigned long long)r[0].last);
		begin(c, 206);
		return;
	}
	c->body = size;
	hl = head(c, 200, size, fields);
	add_seg(c, c->out, 0, hl);
	if (!c->head_only && size > 0)
		add_seg(c, NULL, 0, size);
	begin(c, 200);
}

/* fsroot's refusal as a status, logged like TFTP's. */
static void
not_served(struct hconn *c, int err, const char *name, size_t len)
{
	char esc[160];

	pxe_log_escape(esc, sizeof(esc), name, len);
	switch (err) {
	case -ENOENT:
	case -ENOTDIR:
		log_info("file %s not found for %s over HTTP", c->path,
		    c->peer);
		answer(c, 404, "", c->head_only);
		return;
	case -ENAMETOOLONG:
		log_info("refused \"%s\" from %s over HTTP: name too long",
		    esc, c->peer);
		answer(c, 414, "", c->head_only);
		return;
	case -EACCES:
	case -EPERM:
		log_info("refused \"%s\" from %s over HTTP: outside the root "
		    "or not a readable regular file", esc, c->peer);
		answer(c, 403, "", c->head_only);
		return;
	default:
		log_warn("cannot open %s for %s over HTTP: %s", c->path,
		    c->peer, strerror(-err));
		answer(c, 500, "", c->head_only);
	}
}

/* True when the name is only separators (the root itself). */
static bool
is_root(const char *name)
{
	return name[strspn(name, "/\\")] == '\0';
}

/* A parsed request: decide and start the response. */
static void
serve(struct hconn *c, const struct http_request *req)
{
	struct tftpd *d = c->d;
	char name[PXE_FSROOT_MAXNAME + 1], resolved[PXE_FSROOT_MAXNAME + 1];
	char esc[PXE_FSROOT_MAXNAME + 64];
	struct stat st;
	size_t nlen;
	int64_t t;
	int fd, r;

	d->h.c.requests++;
	c->keep_alive = req->keep_alive;
	c->http10 = req->version == 10;
	c->head_only = req->method == HTTP_HEAD;
	if (req->method == HTTP_OTHER) {
		pxe_log_escape(esc, sizeof(esc), req->method_str.p,
		    req->method_str.len);
		log_info("refused method %s from %s over HTTP (405)", esc,
		    c->peer);
		answer(c, 405, "Allow: GET, HEAD\r\n", false);
		return;
	}
	r = http_target_path(req->target.p, req->target.len, name,
	    sizeof(name), &nlen);
	if (r < 0) {
		pxe_log_escape(esc, sizeof(esc), req->target.p,
		    req->target.len);
		warn_limited(d, "bad HTTP request from %s: %s target \"%s\"",
		    c->peer, r == -ENAMETOOLONG ? "too long a" : "malformed",
		    esc);
		answer(c, r == -ENAMETOOLONG ? 414 : 400, "", c->head_only);
		return;
	}
	pxe_log_escape(esc, sizeof(esc), name, nlen);
	snprintf(c->path, sizeof(c->path), "%s/%s", d->root.path,
	    esc + strspn(esc, "/"));
	if (is_root(name)) {
		log_info("file %s not found for %s over HTTP (no index)",
		    c->path, c->peer);
		answer(c, 404, "", c->head_only);
		return;
	}
	/* open_node rather than open_read: it hands back the stat it made,
	 * and keeps O_NONBLOCK (harmless for sendfile from a file), two
	 * syscalls fewer per request.  Directories are refused here. */
	fd = pxe_fsroot_open_node(&d->root, name, nlen, resolved,
	    sizeof(resolved), &st);
	if (fd >= 0 && !S_ISREG(st.st_mode)) {
		close(fd);
		fd = -EACCES;
	}
	if (fd < 0) {
		not_served(c, fd, name, nlen);
		return;
	}
	pxe_log_escape(esc, sizeof(esc), resolved, strlen(resolved));
	snprintf(c->path, sizeof(c->path), "%s/%s", d->root.path, esc);
	c->fd = fd;
	if (req->if_modified_since.p != NULL &&
	    http_parse_date(req->if_modified_since.p,
	    req->if_modified_since.len, &t) == 0 && st.st_mtime <= t) {
		char fields[256];

		end_file(c);
		file_fields(fields, sizeof(fields), NULL, st.st_mtime);
		answer(c, 304, fields, true);
		return;
	}
	ranged(c, req, (uint64_t)st.st_size, st.st_mtime,
	    http_content_type(resolved, strlen(resolved)));
}

/* The response is out: log it; wait for the next request or close. */
static void
finish(struct hconn *c)
{
	struct tftpd *d = c->d;
	double secs = (double)(pxe_now_ns() - c->start_ns) / 1e9;

	end_file(c);
	if ((c->status == 200 || c->status == 206) && !c->head_only)
		log_info("sent %s to %s over HTTP (%llu bytes in %.3f s, "
		    "%.1f MB/s%s)", c->path, c->peer,
		    (unsigned long long)c->body, secs,
		    secs > 0 ? (double)c->body / secs / 1e6 : 0, c->what);
	else if (c->status < 400)
		log_debug("answered %s to %s over HTTP: %d%s", c->path,
		    c->peer, c->status, c->head_only ? " (HEAD)" : "");
	if (!c->keep_alive) {
		linger(c);
		return;
	}
	c->state = HC_READ;
	pxe_timer_arm(d->loop, &c->timer, timeout_ms(c));
}

/*
 * Write segments until done, the socket is full or the turn is over.
 * 1 when the response is out, 0 when it waits for the socket, -1 when
 * the connection was closed.
 */
static int
write_out(struct hconn *c)
{
	uint64_t turn = 0, left, want;
	struct seg *s;
	ssize_t n;
	off_t off;
	int flags;

	while (c->cur < c->nseg) {
		s = &c->segs[c->cur];
		if (s->len == 0) {
			c->cur++;
			continue;
		}
		if (turn >= TURN_BYTES) {
			set_events(c, EPOLLOUT);
			return 0;
		}
		left = s->len;
		if (s->mem) {
			/* Tell TCP more follows, so the head and the start of
			 * the body leave in one segment. */
			flags = MSG_NOSIGNAL | (c->cur + 1 < c->nseg ?
			    MSG_MORE : 0);
			want = left;
			n = send(c->io.fd, s->mem + s->off, left, flags);
		} else {
			/* A large body leaves in full segments only, the
			 * tail of each call waiting for the next one
			 * (nginx's tcp_nopush); the end uncorks. */
			if (!c->corked && left >= CORK_MIN) {
				int on = 1;

				setsockopt(c->io.fd, IPPROTO_TCP, TCP_CORK,
				    &on, sizeof(on));
				c->corked = true;
			}
			/* At most SEND_CHUNK a call, as nginx does: one call
			 * that fills the socket for as long as the reader
			 * drains it was slower and costlier in
			 * scripts/bench/http (one client, 1 GiB). */
			off = (off_t)s->off;
			want = left > SEND_CHUNK ? SEND_CHUNK : left;
			n = sendfile(c->io.fd, c->fd, &off, want);
			if (n == 0) {
				c->d->c.ioerrors++;
				hconn_close(c, "the file shrank while being "
				    "sent");
				return -1;
			}
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			set_events(c, EPOLLOUT);
			return 0;
		}
		if (n < 0) {
			hconn_close(c, strerror(errno));
			return -1;
		}
		s->off += (uint64_t)n;
		s->len -= (uint64_t)n;
		c->sent += (uint64_t)n;
		turn += (uint64_t)n;
		c->d->h.c.bytes_sent += (uint64_t)n;
		c->last_ms = pxe_loop_now(c->d->loop);
		if ((uint64_t)n < want && s->len > 0) {
			/* Short: the socket is full.  Wait to be told it
			 * has room rather than ask again for an EAGAIN (one
			 * system call saved per wake-up; level-triggered
			 * epoll says so if room came in the meantime). */
			set_events(c, EPOLLOUT);
			return 0;
		}
	}
	if (c->corked) {
		int off0 = 0;

		setsockopt(c->io.fd, IPPROTO_TCP, TCP_CORK, &off0,
		    sizeof(off0));
		c->corked = false;
	}
	return 1;
}

/*
 * Answer the complete requests waiting in the buffer, a few per turn.
 * Each response is written at once; one that does not fit in the socket
 * stops the parsing until it is out.
 */
static void
next_requests(struct hconn *c)
{
	struct http_request req;
	unsigned turn = 0;
	int r;

	while (c->state == HC_READ) {
		if (turn++ == TURN_REQUESTS) {
			/* Come back next turn: writable means "go on". */
			c->more = true;
			set_events(c, EPOLLOUT);
			return;
		}
		c->more = false;
		r = http_parse_request(c->in, c->in_len, &limits, &req);
		if (r == -EAGAIN) {
			set_events(c, EPOLLIN);
			return;
		}
		if (r < 0) {
			bad_request(c, req.status, req.why);
		} else {
			serve(c, &req);
			/* The strings of req point into c->in; the response
			 * no longer needs them. */
			memmove(c->in, c->in + req.head_len,
			    c->in_len - req.head_len);
			c->in_len -= req.head_len;
		}
		if ((r = write_out(c)) <= 0)
			return;
		finish(c);
	}
}

/* Input while a head is awaited. */
static void
read_in(struct hconn *c)
{
	ssize_t n;

	if (c->in_len == sizeof(c->in)) {
		next_requests(c);
		return;
	}
	n = recv(c->io.fd, c->in + c->in_len, sizeof(c->in) - c->in_len, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		hconn_close(c, n == 0 ? NULL : strerror(errno));
		return;
	}
	if (c->in_len == 0) {
		/* The head must be complete within the timeout from its
		 * first byte, however slowly it trickles (slowloris). */
		pxe_timer_arm(c->d->loop, &c->timer, timeout_ms(c));
	}
	c->in_len += (size_t)n;
	c->last_ms = pxe_loop_now(c->d->loop);
	next_requests(c);
}

/* Lingering: read and drop until the client closes or time is up. */
static void
drain(struct hconn *c)
{
	char buf[4096];
	ssize_t n;
	int budget = 16;

	while (budget-- > 0) {
		n = recv(c->io.fd, buf, sizeof(buf), 0);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			hconn_close(c, NULL);
			return;
		}
	}
}

static void
on_io(struct pxe_loop *loop, struct pxe_io *io, uint32_t ev)
{
	struct hconn *c = io->arg;

	(void)loop;
	if (c->dead)
		return;
	if (ev & EPOLLERR) {
		hconn_close(c, "connection error");
		return;
	}
	switch (c->state) {
	case HC_SEND:
		if (ev & (EPOLLOUT | EPOLLHUP) && write_out(c) == 1) {
			finish(c);
			next_requests(c);
		}
		return;
	case HC_READ:
		if (ev & EPOLLOUT && c->more)
			next_requests(c);
		else if (ev & (EPOLLIN | EPOLLHUP))
			read_in(c);
		return;
	case HC_LINGER:
		drain(c);
		return;
	}
}

/* ---- listening ---- */

/*
 * Split "[ADDR:]PORT" ("8080", "10.0.0.1:8080", "[::1]:8080") into addr
 * (NULL when not given, else copied into abuf) and port.  0 or -EINVAL.
 */
int
httpd_parse_spec(const char *spec, char *abuf, size_t acap,
    const char **addr, uint16_t *port)
{
	const char *colon = strrchr(spec, ':'), *p = spec;
	uint64_t v;
	size_t al;

	*addr = NULL;
	if (colon != NULL) {
		p = colon + 1;
		al = (size_t)(colon - spec);
		if (spec[0] == '[' && al >= 2 && spec[al - 1] == ']') {
			spec++;
			al -= 2;
		} else if (memchr(spec, ':', al) != NULL) {
			return -EINVAL;	/* IPv6 needs the brackets */
		}
		if (al == 0 || al >= acap)
			return -EINVAL;
		memcpy(abuf, spec, al);
		abuf[al] = '\0';
		*addr = abuf;
	}
	if (pxe_parse_u64(p, 1, 65535, &v) < 0)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

/* Where listen_one opens a socket. */
struct on_port {
	struct tftpd *d;
	uint16_t port;
};

static int
listen_one(void *arg, const char *addr, bool quiet)
{
	struct tftpd *d = ((struct on_port *)arg)->d;
	uint16_t port = ((struct on_port *)arg)->port;
	struct httpd *h = &d->h;
	struct listener *l = &h->ls[h->nls];
	struct sockaddr_storage ss;
	char a[PXE_ADDRSTRLEN];
	socklen_t len;
	int fd, r;

	if (pxe_net_parse_addr(addr, port, &ss, &len) < 0) {
		fprintf(stderr, "pxe-tftpd: --http: '%s' is not an IPv4 or "
		    "IPv6 address\n", addr);
		return -2;
	}
	if ((fd = pxe_net_tcp_listen((struct sockaddr *)&ss, len, 511)) < 0) {
		if (!quiet)
			log_err("cannot listen for HTTP on %s port %u: %s", addr,
			    port, strerror(-fd));
		return fd;
	}
	l->io = (struct pxe_io){ fd, on_accept, l };
	l->d = d;
	l->ifname = NULL;
	pxe_net_ntop((struct sockaddr *)&ss, a, sizeof(a));
	snprintf(l->where, sizeof(l->where), "%s", a);
	if ((r = pxe_loop_add(d->loop, &l->io, EPOLLIN)) < 0) {
		close(fd);
		return r;
	}
	h->nls++;
	log_info("listening on %s port %u (HTTP)", a, port);
	return 0;
}

int
httpd_listen(struct tftpd *d)
{
	char abuf[PXE_ADDRSTRLEN];
	struct on_port on = { d, 0 };
	const char *addr;

	pxe_timer_init(&d->h.reap, reap, &d->h);
	if (d->cfg.http == NULL)
		return 0;
	if (httpd_parse_spec(d->cfg.http, abuf, sizeof(abuf), &addr,
	    &on.port) < 0)
		return -2;	/* checked when the option was read */
	if (addr != NULL)
		return listen_one(&on, addr, false);
	return pxe_daemon_listen_each(&d->cfg.dopt, listen_one, &on);
}

void
httpd_shutdown(struct tftpd *d)
{
	unsigned i;

	while (d->h.conns)
		hconn_close(d->h.conns, NULL);
	free_graveyard(&d->h);
	for (i = 0; i < d->h.nls; i++)
		close(d->h.ls[i].io.fd);
	d->h.nls = 0;
}
