/*
 * conn.c: one TCP connection.  Accepts (within --max-connections), reads
 * the 4-byte transport header and the frame after it into one buffer,
 * hands complete frames to dispatch.c, queues responses and writes them
 * as the socket takes them (reading pauses while much is queued), keeps
 * the credit window, closes idle connections that hold no open files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include "libpxe/log.h"
#include "smbd.h"

#define IN_INITIAL	(64 * 1024)

static void on_io(struct pxe_loop *loop, struct pxe_io *io, uint32_t ev);

static void
set_events(struct conn *c)
{
	uint32_t ev = 0;

	if (c->reading)
		ev |= EPOLLIN;
	if (c->out != NULL)
		ev |= EPOLLOUT;
	pxe_loop_mod(c->d->loop, &c->io, ev);
}

/* True once a session on c has logged on. */
static bool
logged_on(const struct conn *c)
{
	const struct session *s;

	for (s = c->sessions; s; s = s->next)
		if (s->state == SESS_VALID)
			return true;
	return false;
}

/*
 * How long c may stay quiet: --idle-timeout once logged on, a minute
 * before (a connection that never logs on only holds a slot).
 */
static uint64_t
idle_ms(const struct conn *c)
{
	uint64_t ms = (uint64_t)c->d->cfg.idle_timeout * 1000;

	return logged_on(c) || ms < SMBD_PREAUTH_IDLE_MS ? ms :
	    SMBD_PREAUTH_IDLE_MS;
}

/* The largest frame c may send: small until it has logged on. */
static size_t
frame_limit(const struct conn *c)
{
	return logged_on(c) ? SMBD_MAX_FRAME : SMBD_PREAUTH_FRAME;
}

static void
on_idle(struct pxe_loop *loop, struct pxe_timer *t)
{
	struct conn *c = t->arg;

	if (c->nopens > 0) {
		/* Open files: the client is using us, however quietly. */
		pxe_timer_arm(loop, &c->idle, idle_ms(c));
		return;
	}
	conn_close(c, logged_on(c) ? "idle" : "idle before logging on");
}

/*
 * accept() said EMFILE: the connection waiting would make the listener
 * ready for ever (a spinning loop, a log line each turn).  Give up the
 * spare descriptor, take the connection, close it, take the spare back;
 * logged once per 10 s with the count.  0 if one was refused, -1 if not
 * (no spare: the listener stays ready, the next turn tries again).
 */
static int
refuse_no_fd(struct smbd *d, int lfd)
{
	uint64_t now = pxe_loop_now(d->loop);
	int fd;

	if (d->spare_fd < 0 && (d->spare_fd = open("/dev/null", O_RDONLY |
	    O_CLOEXEC)) < 0)
		return -1;
	close(d->spare_fd);
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd >= 0)
		close(fd);
	d->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	d->c.refused++;
	d->emfile_n++;
	if (d->emfile_log_at == 0 || now - d->emfile_log_at >= 10000) {
		log_warn("refused %u connection%s: out of file descriptors "
		    "(limit %llu; raise it with LimitNOFILE= or ulimit -n)",
		    d->emfile_n, d->emfile_n == 1 ? "" : "s", d->fd_limit);
		d->emfile_log_at = now;
		d->emfile_n = 0;
	}
	return 0;
}

void
conn_on_accept(struct pxe_loop *loop, struct pxe_io *io, uint32_t ev)
{
	struct listener *l = io->arg;
	struct smbd *d = l->d;
	struct sockaddr_storage ss;
	socklen_t sl;
	struct conn *c;
	int fd, on = 1, budget = 64;

	while (budget-- > 0) {
		sl = sizeof(ss);
		fd = accept4(io->fd, (struct sockaddr *)&ss, &sl,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE) {
				if (refuse_no_fd(d, io->fd) == 0)
					continue;
				return;
			}
			if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				log_warn("accept: %s", strerror(errno));
			return;
		}
		if (d->nconns >= d->cfg.max_connections) {
			d->c.refused++;
			log_warn("refused a connection: %u already "
			    "(--max-connections)", d->nconns);
			close(fd);
			continue;
		}
		if ((c = calloc(1, sizeof(*c))) == NULL) {
			close(fd);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
		c->d = d;
		c->io.fd = fd;
		c->io.fn = on_io;
		c->io.arg = c;
		c->reading = true;
		c->seq_range = 1;
		c->credits = 1;
		c->max_read = c->max_write = c->max_transact = SMBD_SMALL_MAX;
		pxe_net_ntop((struct sockaddr *)&ss, c->peer, sizeof(c->peer));
		if (pxe_loop_add(d->loop, &c->io, EPOLLIN) < 0) {
			close(fd);
			free(c);
			continue;
		}
		pxe_timer_init(&c->idle, on_idle, c);
		pxe_timer_arm(d->loop, &c->idle, idle_ms(c));
		c->next = d->conns;
		if (d->conns)
			d->conns->prev = c;
		d->conns = c;
		d->nconns++;
		if (d->nconns > d->peak_conns)
			d->peak_conns = d->nconns;
		d->c.connections++;
		log_debug("connection from %s", c->peer);
	}
}

struct outbuf *
conn_out_new(struct conn *c, size_t n)
{
	struct outbuf *ob = calloc(1, sizeof(*ob));

	if (ob == NULL || (ob->data = malloc(n)) == NULL) {
		free(ob);
		return NULL;
	}
	ob->cap = n;
	if (c->out_tail)
		c->out_tail->next = ob;
	else
		c->out = ob;
	c->out_tail = ob;
	return ob;
}

int
conn_out_reserve(struct outbuf *ob, size_t n)
{
	size_t cap = ob->cap;
	uint8_t *p;

	if (n <= ob->cap - ob->len)
		return 0;
	while (cap - ob->len < n)
		cap = cap * 2;
	if ((p = realloc(ob->data, cap)) == NULL)
		return -ENOMEM;
	ob->data = p;
	ob->cap = cap;
	return 0;
}

static void
out_pop(struct conn *c)
{
	struct outbuf *ob = c->out;

	c->out = ob->next;
	if (c->out == NULL)
		c->out_tail = NULL;
	free(ob->data);
	free(ob);
}

/* Write what the socket takes.  0, or -1 when c was closed. */
static int
write_out(struct conn *c)
{
	struct iovec iov[16];
	struct outbuf *ob;
	ssize_t n;
	int k;

	for (;;) {
		/* Chunks with nothing in them (a lone CANCEL's) go first:
		 * writev would return 0 for them and never move on. */
		while (c->out != NULL && c->out->sent == c->out->len)
			out_pop(c);
		if (c->out == NULL)
			break;
		for (k = 0, ob = c->out; ob && k < 16; ob = ob->next) {
			if (ob->len == ob->sent)
				continue;
			iov[k].iov_base = ob->data + ob->sent;
			iov[k++].iov_len = ob->len - ob->sent;
		}
		n = writev(c->io.fd, iov, k);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n < 0) {
			conn_close(c, strerror(errno));
			return -1;
		}
		while (n > 0 && c->out) {
			ob = c->out;
			if ((size_t)n >= ob->len - ob->sent) {
				/* Empty chunks between full ones pass here
				 * too, taking nothing of n. */
				n -= (ssize_t)(ob->len - ob->sent);
				out_pop(c);
			} else {
				ob->sent += (size_t)n;
				n = 0;
			}
		}
	}
	return 0;
}

/* Bytes queued and not yet written. */
static size_t
queued(const struct conn *c)
{
	const struct outbuf *ob;
	size_t n = 0;

	for (ob = c->out; ob; ob = ob->next)
		n += ob->len - ob->sent;
	return n;
}

void
conn_flush(struct conn *c)
{
	if (write_out(c) < 0)
		return;
	c->out_bytes = queued(c);
	c->reading = c->out_bytes < SMBD_OUT_HIGH;
	set_events(c);
}

/* Answer the complete frames at the start of the input buffer, while the
 * output queue is short; 1 if one is left because of the queue. */
static int
some_frames(struct conn *c)
{
	size_t off = 0, flen;
	uint8_t type;
	int more = 0;

	while (!c->dead && c->in_len - off >= 4) {
		if (queued(c) >= SMBD_OUT_HIGH) {
			more = 1;
			break;
		}
		type = c->in[off];
		flen = (size_t)c->in[off + 1] << 16 |
		    (size_t)c->in[off + 2] << 8 | c->in[off + 3];
		if (type == 0x85 && flen == 0) {	/* keepalive */
			off += 4;
			continue;
		}
		if (type != 0x00 || flen > frame_limit(c)) {
			c->d->c.dropped++;
			conn_close(c, type != 0 ? "not a session message" :
			    "frame too large");
			return 0;
		}
		if (c->in_len - off - 4 < flen)
			break;
		if (dispatch_frame(c, c->in + off + 4, flen) < 0) {
			c->d->c.dropped++;
			conn_flush(c);	/* what was answered before goes out */
			conn_close(c, "protocol error");
			return 0;
		}
		off += 4 + flen;
		if (!c->dead)
			pxe_timer_arm(c->d->loop, &c->idle, idle_ms(c));
	}
	if (c->dead)
		return 0;
	if (off > 0) {
		memmove(c->in, c->in + off, c->in_len - off);
		c->in_len -= off;
	}
	return more;
}

/* Handle every complete frame in the input buffer, writing as we go. */
static void
frames(struct conn *c)
{
	int more;

	do {
		more = some_frames(c);
		if (c->dead)
			return;
		conn_flush(c);
		if (c->dead)
			return;
	} while (more && c->reading);
}

/* Read what is waiting.  0, or -1 when c was closed. */
static int
read_in(struct conn *c)
{
	size_t want, cap;
	uint8_t *p;
	ssize_t n;
	int budget = 16;

	while (budget-- > 0) {
		want = 4;
		if (c->in_len >= 4)
			want = 4 + ((size_t)c->in[1] << 16 |
			    (size_t)c->in[2] << 8 | c->in[3]);
		if (want > frame_limit(c) + 4)
			want = frame_limit(c) + 4;
		cap = c->in_cap ? c->in_cap : IN_INITIAL;
		while (cap < want)
			cap *= 2;
		if (cap != c->in_cap) {
			if ((p = realloc(c->in, cap)) == NULL) {
				conn_close(c, "out of memory");
				return -1;
			}
			c->in = p;
			c->in_cap = cap;
		}
		n = read(c->io.fd, c->in + c->in_len, c->in_cap - c->in_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n <= 0) {
			conn_close(c, n == 0 ? NULL : strerror(errno));
			return -1;
		}
		c->in_len += (size_t)n;
		frames(c);
		if (c->dead)
			return -1;
		if (!c->reading)
			return 0;
	}
	return 0;
}

static void
on_io(struct pxe_loop *loop, struct pxe_io *io, uint32_t ev)
{
	struct conn *c = io->arg;

	if (c->dead)
		return;
	if (ev & (EPOLLERR | EPOLLHUP) && !(ev & EPOLLIN)) {
		conn_close(c, NULL);
		return;
	}
	if (ev & EPOLLOUT) {
		if (write_out(c) < 0)
			return;
		conn_flush(c);
		/* Output drained below the mark: take queued frames. */
		if (c->reading && c->in_len >= 4)
			frames(c);
		if (c->dead)
			return;
	}
	if (ev & EPOLLIN && c->reading)
		read_in(c);
}

void
conn_close(struct conn *c, const char *why)
{
	struct smbd *d = c->d;
	struct session *s;

	if (c->dead)
		return;
	c->dead = true;
	if (why)
		log_info("connection %s closed: %s", c->peer, why);
	else
		log_debug("connection %s closed", c->peer);
	pxe_timer_cancel(d->loop, &c->idle);
	pxe_loop_del(d->loop, &c->io);
	close(c->io.fd);
	pending_free_all(c);
	open_free_all(c);
	while ((s = c->sessions) != NULL) {
		c->sessions = s->next;
		session_free(s);
	}
	while ((s = c->dead_sessions) != NULL) {
		c->dead_sessions = s->next;
		session_free(s);
	}
	while (c->out)
		out_pop(c);
	if (c->prev)
		c->prev->next = c->next;
	else
		d->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	d->nconns--;
	/*
	 * The struct and its input buffer live on until the loop has
	 * finished this round: callers up the stack, and events already
	 * returned by epoll, still look at c->dead.
	 */
	c->next = d->graveyard;
	d->graveyard = c;
	pxe_timer_arm(d->loop, &d->reap, 0);
}

void
conn_reap(struct pxe_loop *loop, struct pxe_timer *t)
{
	struct smbd *d = t->arg;
	struct conn *c;

	while ((c = d->graveyard) != NULL) {
		d->graveyard = c->next;
		free(c->in);
		free(c->opens);
		free(c);
	}
}

void
conn_close_all(struct smbd *d)
{
	while (d->conns)
		conn_close(d->conns, NULL);
	conn_reap(d->loop, &d->reap);
}

/* Bit helpers over the ring of used message ids. */
static bool
seq_test(const struct conn *c, uint64_t id)
{
	size_t bit = id % (SMBD_MAX_CREDITS * 2);

	return c->seq_used[bit / 8] & (1u << (bit % 8));
}

static void
seq_set(struct conn *c, uint64_t id, bool on)
{
	size_t bit = id % (SMBD_MAX_CREDITS * 2);

	if (on)
		c->seq_used[bit / 8] |= (uint8_t)(1u << (bit % 8));
	else
		c->seq_used[bit / 8] &= (uint8_t)~(1u << (bit % 8));
}

bool
conn_take_ids(struct conn *c, uint64_t mid, uint16_t charge)
{
	uint64_t i;

	if (charge == 0)
		charge = 1;
	if (mid < c->seq_low || mid - c->seq_low >= c->seq_range ||
	    charge > c->seq_range - (mid - c->seq_low) || charge > c->credits)
		return false;
	for (i = 0; i < charge; i++)
		if (seq_test(c, mid + i))
			return false;
	for (i = 0; i < charge; i++)
		seq_set(c, mid + i, true);
	c->credits -= charge;
	while (c->seq_range > 0 && seq_test(c, c->seq_low)) {
		seq_set(c, c->seq_low, false);
		c->seq_low++;
		c->seq_range--;
	}
	return true;
}

uint16_t
conn_grant(struct conn *c, uint16_t want, uint16_t charge)
{
	uint32_t room = SMBD_MAX_CREDITS - c->credits, g;

	/* Give what the request cost back, and what it asks for more. */
	g = want > charge ? want : charge;
	if (g == 0)
		g = 1;
	if (g > room)
		g = room;
	if (g == 0 && c->credits == 0)
		g = 1;
	/* The window must stay inside the ring of used ids. */
	if (c->seq_range + g > SMBD_MAX_CREDITS * 2 - 1)
		g = SMBD_MAX_CREDITS * 2 - 1 - c->seq_range;
	c->credits += g;
	c->seq_range += g;
	return (uint16_t)g;
}
