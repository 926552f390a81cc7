/*
 * xfer.c: one TFTP transfer, read or write, on its own connected UDP socket
 * (its own ephemeral port, answering from the address the request was sent
 * to).  Reads keep a cache of whole packets ("slots": 4-byte header then
 * blksize bytes of data) filled by one preadv per many blocks and sent with
 * sendmmsg a window at a time; blocks are numbered 1..nblocks internally in
 * 64 bits and mapped to the 16-bit wire number (rolling over to 0, or to 1
 * with "rollover=1") only when sent or received, so files of any size
 * transfer.  Duplicate ACKs are ignored (no Sorcerer's Apprentice); an ACK
 * inside the window rewinds to it (RFC 7440); a timeout resends from the
 * last acknowledged block.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "libpxe/log.h"
#include "libpxe/pxelinux.h"
#include "tftpd.h"

#define SLOT_BUDGET	(64 * 1024)	/* read-ahead bytes per transfer */
#define SLOT_MAX_BYTES	(1024 * 1024)	/* most a window may hold at once */
#define SEND_BATCH	64		/* packets per sendmmsg */
#define NA_CHECKPOINTS	16		/* netascii positions kept per transfer */

enum xfer_state {
	XS_OACK,	/* RRQ: OACK sent, waiting for ACK 0 */
	XS_SEND,	/* RRQ: sending data */
	XS_RECV,	/* WRQ: receiving data */
	XS_DALLY,	/* WRQ: complete, re-ACKing a repeated last DATA */
	XS_DONE,	/* finished; freed by the next timer run */
};

struct xfer {
	struct xfer *next, *prev;
	struct tftpd *d;
	struct pxe_io io;
	struct pxe_timer timer;
	enum xfer_state state;
	bool write;
	enum tftp_mode mode;
	struct sockaddr_storage peer;
	socklen_t peerlen;
	char peerstr[PXE_ADDRSTRLEN];
	char path[PXE_FSROOT_MAXNAME + 512];	/* for logs: root/name */
	struct tftp_neg neg;
	unsigned blksize;
	unsigned window;
	uint64_t timeout_ms;
	unsigned tries;		/* retransmissions since the last progress */
	bool heard;		/* the client answered at least once */
	uint64_t heard_ms;	/* loop time it last did (or the request) */
	uint64_t req_hash;	/* xfer_hash of the request */
	uint64_t t0_ns;
	unsigned retransmits;

	/* read side */
	int fd;
	uint64_t size;
	uint64_t nblocks;	/* blocks in the transfer, last one short */
	uint64_t acked;		/* highest block acknowledged in order */
	uint64_t sent;		/* highest block sent */
	uint8_t *slots;		/* nslots packets of 4 + blksize bytes */
	size_t nslots;
	uint64_t slot_first;	/* block held by slot 0 */
	size_t slot_count;	/* slots holding valid blocks */
	/* netascii: converted as it is sent.  A checkpoint is where a
	 * cache fill started (block k begins at out = (k - 1) * blksize);
	 * a resend restarts from the nearest one before it. */
	struct na_pos {
		uint64_t src;	/* next byte of the file */
		uint64_t out;	/* bytes of netascii produced before it */
		int pend;	/* second byte of a pair still owed, or -1 */
	} na_ck[NA_CHECKPOINTS];
	unsigned na_nck;
	bool na_eof;		/* size and nblocks are known */

	/* write side */
	struct pxe_fsroot_tmp tmp;
	bool have_tmp;
	uint64_t received;	/* highest block received in order */
	uint64_t acked_at;	/* block of the last ACK sent */
	bool cr_pending;	/* netascii: a CR ended the last block */
	uint8_t ackpkt[8];
	size_t acklen;
	uint8_t oack[512];
	size_t oacklen;
};

static void on_packet(struct pxe_loop *loop, struct pxe_io *io,
    uint32_t events);
static void on_timer(struct pxe_loop *loop, struct pxe_timer *t);

/* The 16-bit wire number of internal block k. */
static uint16_t
wire_block(const struct xfer *xf, uint64_t k)
{
	if (xf->neg.rollover == 1 && k > 0)
		return (uint16_t)((k - 1) % 65535 + 1);
	return (uint16_t)k;
}

/*
 * The internal block number at or after base whose wire number is w:
 * base + the distance from wire(base) forward to w.
 */
static uint64_t
block_from_wire(const struct xfer *xf, uint64_t base, uint16_t w)
{
	uint16_t wb = wire_block(xf, base);

	if (xf->neg.rollover == 1 && base > 0) {
		if (w == 0)
			return UINT64_MAX;
		return base + (uint64_t)((w + 65535 - wb) % 65535);
	}
	return base + (uint16_t)(w - wb);
}

static double
elapsed_s(const struct xfer *xf)
{
	return (double)(pxe_now_ns() - xf->t0_ns) / 1e9;
}

/* Send a whole packet on the transfer's socket; failures are logged. */
static void
send_pkt(struct xfer *xf, const void *p, size_t n)
{
	if (send(xf->io.fd, p, n, 0) < 0 && errno != EAGAIN &&
	    errno != ECONNREFUSED)
		log_debug("send to %s: %s", xf->peerstr, strerror(errno));
}

/* Send ERROR code with the standard message (never a server path). */
static void
send_error(struct xfer *xf, uint16_t code, const char *msg)
{
	uint8_t pkt[128];
	ssize_t n = tftp_build_error(pkt, sizeof(pkt), code,
	    msg ? msg : tftp_errcode_str(code));

	if (n > 0)
		send_pkt(xf, pkt, (size_t)n);
}

/*
 * Arm the retransmission timer.  Each unanswered retransmission doubles the
 * wait, up to 8 s (or the first timeout if that is longer): RFC 1123
 * 4.2.3.2's exponential backoff.  It keeps a congested link from being
 * flooded, and gives clients that re-ACK only on their own timer (atftp
 * re-sends an ACK once per duplicate block, then waits 5 s) time to answer.
 * A timeout the client negotiated (RFC 2349) is used as asked.
 */
static void
arm(struct xfer *xf)
{
	uint64_t ms = xf->timeout_ms, cap = 8000;

	if (!xf->neg.timeout) {
		if (cap < ms)
			cap = ms;
		ms <<= xf->tries < 8 ? xf->tries : 8;
		if (ms > cap)
			ms = cap;
	}
	pxe_timer_arm(xf->d->loop, &xf->timer, ms);
}

/* Release everything xf holds; the struct itself goes in free_later. */
static void
release(struct xfer *xf)
{
	struct tftpd *d = xf->d;

	pxe_timer_cancel(d->loop, &xf->timer);
	if (xf->io.fd >= 0) {
		pxe_loop_del(d->loop, &xf->io);
		close(xf->io.fd);
		xf->io.fd = -1;
	}
	if (xf->fd >= 0)
		close(xf->fd);
	xf->fd = -1;
	if (xf->have_tmp)
		pxe_fsroot_abort(&xf->tmp);
	xf->have_tmp = false;
	free(xf->slots);
	xf->slots = NULL;
}

/* Timer callback of a finished transfer: unlink and free it. */
static void
free_now(struct pxe_loop *loop, struct pxe_timer *t)
{
	struct xfer *xf = t->arg;
	struct tftpd *d = xf->d;

	if (xf->prev)
		xf->prev->next = xf->next;
	else
		d->xfers = xf->next;
	if (xf->next)
		xf->next->prev = xf->prev;
	d->nxfers--;
	free(xf);
}

/*
 * End xf: release its socket and file now, free the struct from a timer
 * (after the current batch of events, which may still name it).
 */
static void
finish(struct xfer *xf)
{
	release(xf);
	xf->state = XS_DONE;
	xf->timer.fn = free_now;
	pxe_timer_arm(xf->d->loop, &xf->timer, 0);
}

/* Bytes of xf the client has: acknowledged (read) or received (write). */
static uint64_t
bytes_done(const struct xfer *xf)
{
	uint64_t b = xf->acked * xf->blksize;

	if (xf->write)
		return xf->size;
	return b < xf->size ? b : xf->size;
}

void
xfer_in_flight(const struct tftpd *d, uint64_t *sent, uint64_t *received)
{
	const struct xfer *xf;

	*sent = *received = 0;
	for (xf = d->xfers; xf; xf = xf->next)
		if (xf->state != XS_DONE)
			*(xf->write ? received : sent) += bytes_done(xf);
}

static void
fail(struct xfer *xf, const char *why)
{
	char far[96];

	xf->d->c.failed++;
	/* What the client acknowledged did cross the wire. */
	*(xf->write ? &xf->d->c.bytes_received : &xf->d->c.bytes_sent) +=
	    bytes_done(xf);
	if (xf->write)
		snprintf(far, sizeof(far), " after %llu bytes",
		    (unsigned long long)bytes_done(xf));
	else
		snprintf(far, sizeof(far), " after %llu of %llu bytes (%.0f%%)",
		    (unsigned long long)bytes_done(xf),
		    (unsigned long long)xf->size, xf->size ? 100.0 *
		    (double)bytes_done(xf) / (double)xf->size : 0.0);
	log_warn("failed %s %s %s %s%s: %s", xf->write ? "receiving" :
	    "sending", xf->path, xf->write ? "from" : "to", xf->peerstr,
	    far, why);
	finish(xf);
}

void
xfer_abort(struct xfer *xf, const char *why)
{
	if (xf->state != XS_DONE)
		fail(xf, why);
}

void
xfer_shutdown(struct tftpd *d)
{
	struct xfer *xf;

	while ((xf = d->xfers) != NULL) {
		xfer_abort(xf, "server stopping");
		pxe_timer_cancel(d->loop, &xf->timer);
		free_now(d->loop, &xf->timer);
	}
}

struct xfer *
xfer_find(struct tftpd *d, const struct sockaddr *peer)
{
	struct xfer *xf;

	for (xf = d->xfers; xf; xf = xf->next)
		if (xf->state != XS_DONE &&
		    pxe_net_same((struct sockaddr *)&xf->peer, peer))
			return xf;
	return NULL;
}

uint64_t
xfer_hash(const void *pkt, size_t len)
{
	const uint8_t *p = pkt;
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

bool
xfer_repeat(const struct xfer *xf, uint64_t hash)
{
	uint64_t quiet = pxe_loop_now(xf->d->loop) - xf->heard_ms;
	uint64_t interval = xf->timeout_ms > 1000 ? xf->timeout_ms : 1000;

	if (hash != xf->req_hash)
		return false;
	return !xf->heard || quiet < interval;
}

/* The completion line: size, time, rate and the negotiated shape. */
static void
log_done(struct xfer *xf, const char *verb, const char *dir, uint64_t bytes)
{
	double s = elapsed_s(xf);
	char extra[64] = "";

	if (xf->neg.msftwindow)
		snprintf(extra, sizeof(extra), ", msftwindow");
	if (xf->retransmits)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
		    ", %u retransmits", xf->retransmits);
	log_info("%s %s %s %s (%llu bytes in %.2f s, %.1f MB/s, blksize %u, "
	    "windowsize %u%s)", verb, xf->path, dir, xf->peerstr,
	    (unsigned long long)bytes, s, s > 0 ? (double)bytes / s / 1e6 : 0,
	    xf->blksize, xf->window, extra);
}

/* ---- reading: netascii conversion ---- */

static size_t slot_size(const struct xfer *xf);

/*
 * Produce up to want bytes of the file's netascii form (LF -> CR LF,
 * CR -> CR NUL) from *p on, advancing *p.  Reads no more of the file than
 * it converts, so nothing is held between calls but *p.  The number of
 * bytes (fewer than want only at the end of the file), or -errno.
 */
static ssize_t
na_read(struct xfer *xf, struct na_pos *p, uint8_t *dst, size_t want)
{
	uint8_t in[4096];
	size_t o = 0, i;
	ssize_t n;

	while (o < want) {
		if (p->pend >= 0) {
			dst[o++] = (uint8_t)p->pend;
			p->pend = -1;
			p->out++;
			continue;
		}
		n = pread(xf->fd, in, want - o < sizeof(in) ? want - o :
		    sizeof(in), (off_t)p->src);
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		for (i = 0; i < (size_t)n && o < want; i++) {
			if (in[i] == '\n' || in[i] == '\r') {
				dst[o++] = '\r';
				p->pend = in[i] == '\n' ? '\n' : '\0';
			} else {
				dst[o++] = in[i];
			}
			p->out++;
			p->src++;
			if (p->pend >= 0 && o < want) {
				dst[o++] = (uint8_t)p->pend;
				p->pend = -1;
				p->out++;
			}
		}
	}
	return (ssize_t)o;
}

/*
 * The position where netascii output offset out begins: from the nearest
 * checkpoint at or before it, converting (and dropping) what lies between.
 * 0, -ESTALE if the file ends before (it shrank), or -errno.
 */
static int
na_seek(struct xfer *xf, uint64_t out, struct na_pos *p)
{
	uint8_t skip[4096];
	uint64_t left;
	unsigned i;
	ssize_t n;

	*p = (struct na_pos){ 0, 0, -1 };
	for (i = 0; i < xf->na_nck; i++)
		if (xf->na_ck[i].out <= out && xf->na_ck[i].out >= p->out)
			*p = xf->na_ck[i];
	while ((left = out - p->out) > 0) {
		n = na_read(xf, p, skip, left < sizeof(skip) ? (size_t)left :
		    sizeof(skip));
		if (n < 0)
			return (int)n;
		if (n == 0)
			return -ESTALE;
	}
	return 0;
}

/* Keep p as a checkpoint; drop those no resend can need any more (before
 * the last one at or below the first unacknowledged block), else the
 * oldest. */
static void
na_keep(struct xfer *xf, const struct na_pos *p)
{
	uint64_t low = xf->acked * xf->blksize, floor = 0;
	unsigned i, o = 0;

	for (i = 0; i < xf->na_nck; i++) {
		if (xf->na_ck[i].out == p->out)
			return;
		if (xf->na_ck[i].out <= low && xf->na_ck[i].out > floor)
			floor = xf->na_ck[i].out;
	}
	for (i = 0; i < xf->na_nck; i++)
		if (xf->na_ck[i].out >= floor)
			xf->na_ck[o++] = xf->na_ck[i];
	if (o == NA_CHECKPOINTS) {
		memmove(&xf->na_ck[0], &xf->na_ck[1], (o - 1) *
		    sizeof(xf->na_ck[0]));
		o--;
	}
	xf->na_ck[o++] = *p;
	xf->na_nck = o;
}

/*
 * Fill n slots from block first with netascii.  A short block is the last:
 * it fixes size and nblocks.  The number of blocks filled, or -errno.
 */
static ssize_t
na_fill(struct xfer *xf, uint64_t first, size_t n)
{
	struct na_pos p;
	uint64_t end;
	size_t i;
	ssize_t got;
	int r;

	if ((r = na_seek(xf, (first - 1) * xf->blksize, &p)) < 0)
		return r;
	na_keep(xf, &p);
	for (i = 0; i < n; i++) {
		got = na_read(xf, &p, xf->slots + i * slot_size(xf) +
		    TFTP_HDR_LEN, xf->blksize);
		if (got < 0)
			return got;
		if ((size_t)got < xf->blksize) {
			end = p.out;
			if (xf->na_eof && end != xf->size)
				return -ESTALE;	/* the file changed */
			xf->size = end;
			xf->nblocks = end / xf->blksize + 1;
			xf->na_eof = true;
			return (ssize_t)i + 1;
		}
	}
	return (ssize_t)n;
}

/* ---- reading: the slot cache and sending ---- */

static size_t
slot_size(const struct xfer *xf)
{
	return TFTP_HDR_LEN + xf->blksize;
}

/* Bytes of data in block k (the last one is short, maybe empty). */
static size_t
block_len(const struct xfer *xf, uint64_t k)
{
	uint64_t off = (k - 1) * xf->blksize;

	if (off >= xf->size)
		return 0;
	return xf->size - off < xf->blksize ? (size_t)(xf->size - off) :
	    xf->blksize;
}

/* Allocate the slot cache: a window, or SLOT_BUDGET bytes of read-ahead. */
static int
alloc_slots(struct xfer *xf)
{
	size_t n = SLOT_BUDGET / slot_size(xf);

	if (n < xf->window)
		n = xf->window;
	if (n * slot_size(xf) > SLOT_MAX_BYTES)
		n = SLOT_MAX_BYTES / slot_size(xf);
	if (n < 1)
		n = 1;
	if (n > xf->nblocks)
		n = (size_t)xf->nblocks;
	xf->slots = malloc(n * slot_size(xf));
	if (xf->slots == NULL)
		return -ENOMEM;
	xf->nslots = n;
	xf->slot_count = 0;
	return 0;
}

/* Fill the cache with blocks first.. (one preadv, or netascii). */
static int
fill(struct xfer *xf, uint64_t first)
{
	struct iovec iov[1024];
	size_t n = xf->nslots, i, want = 0, len;
	uint64_t off = (first - 1) * xf->blksize;
	ssize_t got;

	if (n > xf->nblocks - first + 1)
		n = (size_t)(xf->nblocks - first + 1);
	if (n > 1024)
		n = 1024;
	if (xf->mode == TFTP_MODE_NETASCII) {
		if ((got = na_fill(xf, first, n)) < 0)
			return (int)got;
		xf->slot_first = first;
		xf->slot_count = (size_t)got;
		return 0;
	}
	for (i = 0; i < n; i++) {
		len = block_len(xf, first + i);
		iov[i].iov_base = xf->slots + i * slot_size(xf) + TFTP_HDR_LEN;
		iov[i].iov_len = len;
		want += len;
	}
	if (want > 0) {
		got = preadv(xf->fd, iov, (int)n, (off_t)off);
		if (got < 0)
			return -errno;
		if ((size_t)got != want)
			return -ESTALE;	/* the file shrank under us */
	}
	xf->slot_first = first;
	xf->slot_count = n;
	return 0;
}

/* Send blocks from..to (inclusive) with sendmmsg, refilling as needed. */
static int
send_blocks(struct xfer *xf, uint64_t from, uint64_t to)
{
	struct mmsghdr mm[SEND_BATCH];
	struct iovec iov[SEND_BATCH];
	uint64_t k;
	unsigned nb = 0;
	uint8_t *slot;
	int r;

	for (k = from; k <= to && k <= xf->nblocks; k++) {
		if (k < xf->slot_first || k >= xf->slot_first + xf->slot_count) {
			if (nb > 0)
				sendmmsg(xf->io.fd, mm, nb, 0);
			nb = 0;
			if ((r = fill(xf, k)) < 0)
				return r;
			if (k > xf->nblocks)	/* netascii found its end */
				break;
		}
		slot = xf->slots + (size_t)(k - xf->slot_first) * slot_size(xf);
		slot[0] = 0;
		slot[1] = TFTP_DATA;
		slot[2] = (uint8_t)(wire_block(xf, k) >> 8);
		slot[3] = (uint8_t)wire_block(xf, k);
		iov[nb].iov_base = slot;
		iov[nb].iov_len = TFTP_HDR_LEN + block_len(xf, k);
		memset(&mm[nb], 0, sizeof(mm[nb]));
		mm[nb].msg_hdr.msg_iov = &iov[nb];
		mm[nb].msg_hdr.msg_iovlen = 1;
		if (++nb == SEND_BATCH) {
			sendmmsg(xf->io.fd, mm, nb, 0);
			nb = 0;
		}
	}
	if (nb > 0)
		sendmmsg(xf->io.fd, mm, nb, 0);
	return 0;
}

/* Send the window that starts after the last acknowledged block. */
static void
send_window(struct xfer *xf)
{
	uint64_t from = xf->acked + 1, to = xf->acked + xf->window;
	int r;

	if (to > xf->nblocks)
		to = xf->nblocks;
	if ((r = send_blocks(xf, from, to)) < 0) {
		xf->d->c.ioerrors++;
		send_error(xf, TFTP_EUNDEF, r == -ESTALE ?
		    "File changed while being sent" : "Read error");
		fail(xf, r == -ESTALE ? "the file shrank while being sent" :
		    strerror(-r));
		return;
	}
	if (to > xf->nblocks)	/* netascii learns its end as it goes */
		to = xf->nblocks;
	if (to > xf->sent)
		xf->sent = to;
	arm(xf);
}

/* The last block is acknowledged. */
static void
read_ack_done(struct xfer *xf)
{
	xf->d->c.ok++;
	xf->d->c.bytes_sent += xf->size;
	log_done(xf, "sent", "to", xf->size);
	finish(xf);
}

/* An ACK arrived for a read transfer. */
static void
read_ack(struct xfer *xf, uint16_t w, int next_window)
{
	uint64_t k;

	if (xf->state == XS_OACK) {
		if (w != 0) {
			xf->d->c.dropped++;
			return;
		}
		xf->state = XS_SEND;
		k = 0;
	} else {
		k = block_from_wire(xf, xf->acked, w);
		if (k == xf->acked || k > xf->sent) {
			/* A duplicate or stale ACK: never resend on it. */
			return;
		}
		xf->acked = k;
	}
	xf->tries = 0;
	if (xf->neg.msftwindow && next_window > 0)
		xf->window = (unsigned)next_window <
		    xf->d->cfg.max_windowsize ? (unsigned)next_window :
		    xf->d->cfg.max_windowsize;
	if (xf->acked >= xf->nblocks)
		read_ack_done(xf);
	else
		send_window(xf);
}

/* ---- writing ---- */

/* Write data to the temporary file, converting netascii if asked. */
static int
write_data(struct xfer *xf, const uint8_t *p, size_t n)
{
	uint8_t out[TFTP_BLKSIZE_MAX + 2];
	size_t o = 0, i;
	ssize_t w;

	if (xf->mode != TFTP_MODE_NETASCII) {
		memcpy(out, p, n);
		o = n;
	} else {
		for (i = 0; i < n; i++) {
			if (xf->cr_pending) {
				xf->cr_pending = false;
				if (p[i] == '\n') {
					out[o++] = '\n';
					continue;
				}
				out[o++] = '\r';
				if (p[i] == '\0')
					continue;
			}
			if (p[i] == '\r')
				xf->cr_pending = true;
			else
				out[o++] = p[i];
		}
	}
	for (i = 0; i < o; i += (size_t)w) {
		w = write(xf->tmp.fd, out + i, o - i);
		if (w < 0 && errno == EINTR)
			w = 0;
		else if (w <= 0)
			return w < 0 ? -errno : -EIO;
	}
	xf->size += o;
	return 0;
}

static void
send_ack(struct xfer *xf, uint64_t k)
{
	ssize_t n = tftp_build_ack(xf->ackpkt, sizeof(xf->ackpkt),
	    wire_block(xf, k));

	xf->acklen = n > 0 ? (size_t)n : 0;
	xf->acked_at = k;
	send_pkt(xf, xf->ackpkt, xf->acklen);
}

/* The last block is in: move the file into place and say so. */
static void
write_complete(struct xfer *xf)
{
	int r;

	if (xf->cr_pending) {
		xf->cr_pending = false;
		if (write(xf->tmp.fd, "\r", 1) != 1) {
			send_error(xf, TFTP_ENOSPACE, NULL);
			fail(xf, strerror(errno));
			return;
		}
	}
	r = pxe_fsroot_commit(&xf->tmp, xf->d->cfg.overwrite);
	xf->have_tmp = false;
	if (r < 0) {
		xf->d->c.ioerrors++;
		send_error(xf, r == -EEXIST ? TFTP_EEXISTS : TFTP_EACCESS,
		    NULL);
		fail(xf, strerror(-r));
		return;
	}
	send_ack(xf, xf->received);
	xf->d->c.ok++;
	xf->d->c.bytes_received += xf->size;
	log_done(xf, "received", "from", xf->size);
	xf->state = XS_DALLY;
	pxe_timer_arm(xf->d->loop, &xf->timer, xf->timeout_ms * 2);
}

/* A DATA packet arrived for a write transfer. */
static void
write_data_pkt(struct xfer *xf, uint16_t w, const uint8_t *p, size_t n)
{
	uint64_t k = block_from_wire(xf, xf->received, w);
	int r;

	if (n > xf->blksize) {
		xf->d->c.dropped++;
		return;
	}
	if (xf->state == XS_DALLY) {
		if (k == xf->received)
			send_pkt(xf, xf->ackpkt, xf->acklen);
		return;
	}
	if (k != xf->received + 1) {
		/* Old or out of order: say where we are (RFC 7440 rewind). */
		if (k != xf->received || xf->window == 1 || k == 0)
			send_ack(xf, xf->received);
		return;
	}
	if ((r = write_data(xf, p, n)) < 0) {
		xf->d->c.ioerrors++;
		send_error(xf, r == -ENOSPC || r == -EDQUOT ? TFTP_ENOSPACE :
		    TFTP_EACCESS, NULL);
		fail(xf, strerror(-r));
		return;
	}
	xf->received = k;
	xf->tries = 0;
	if (n < xf->blksize) {
		write_complete(xf);
		return;
	}
	if (xf->received - xf->acked_at >= xf->window)
		send_ack(xf, xf->received);
	arm(xf);
}

/* ---- events ---- */

/* The client sent ERROR: a tsize probe, an option refusal, or an abort. */
static void
client_error(struct xfer *xf, const uint8_t *pkt, size_t len)
{
	uint16_t code = 0;
	const char *msg = "";
	size_t mlen = 0;
	char esc[128];

	tftp_parse_error(pkt, len, &code, &msg, &mlen);
	pxe_log_escape(esc, sizeof(esc), msg, mlen);
	/*
	 * PXE firmware asks tsize and aborts after the OACK to learn the size:
	 * BIOS ROMs with error 0 "TFTP Aborted", UEFI (EDK2) with error 8
	 * "User aborted the transfer".  Neither is a failure.
	 */
	if (!xf->write && xf->state == XS_OACK && xf->neg.tsize) {
		xf->d->c.probes++;
		log_info("tsize probe for %s from %s (client aborted after "
		    "OACK, as PXE firmware does)", xf->path, xf->peerstr);
		finish(xf);
		return;
	}
	xf->d->c.client_errors++;
	if (code == TFTP_EOPTNEG)
		log_info("%s refused the options for %s: error 8 \"%s\"",
		    xf->peerstr, xf->path, esc);
	else
		log_info("error %u \"%s\" received from %s", code, esc,
		    xf->peerstr);
	xf->d->c.failed++;
	finish(xf);
}

/* Handle one datagram on the transfer's socket. */
static void
handle(struct xfer *xf, const uint8_t *pkt, size_t len)
{
	int op = tftp_opcode_of(pkt, len), next = -1;
	uint16_t w;
	const uint8_t *data;
	size_t dlen;

	if (op == TFTP_ERROR) {
		client_error(xf, pkt, len);
		return;
	}
	xf->heard = true;
	xf->heard_ms = pxe_loop_now(xf->d->loop);
	if (!xf->write && op == TFTP_ACK &&
	    tftp_parse_ack(pkt, len, &w, &next) == 0) {
		read_ack(xf, w, next);
	} else if (xf->write && op == TFTP_DATA &&
	    tftp_parse_data(pkt, len, &w, &data, &dlen) == 0) {
		write_data_pkt(xf, w, data, dlen);
	} else {
		xf->d->c.dropped++;
		log_debug("unexpected %s from %s during %s", tftp_opcode_str(op),
		    xf->peerstr, xf->path);
	}
}

/*
 * The transfer's socket is readable.  One datagram per wakeup: in
 * lock-step that saves the recv that would only say EAGAIN, and epoll
 * (level-triggered) reports the socket again while more are queued.
 */
static void
on_packet(struct pxe_loop *loop, struct pxe_io *io, uint32_t events)
{
	struct xfer *xf = io->arg;
	ssize_t n;

	n = pxe_net_recv(io->fd, xf->d->pkt, sizeof(xf->d->pkt) - 1, NULL);
	if (n == -ECONNREFUSED) {
		/* ICMP port unreachable: the client is gone. */
		if (!xf->write && xf->sent == xf->nblocks &&
		    xf->state == XS_SEND) {
			/* It had the last block: its final ACK was lost. */
			xf->acked = xf->nblocks;
			log_info("final ACK from %s lost; it closed its port",
			    xf->peerstr);
			read_ack_done(xf);
			return;
		}
		fail(xf, "the client's port is closed (ICMP port unreachable)");
		return;
	}
	if (n < 0)
		return;
	if ((size_t)n > sizeof(xf->d->pkt) - 1) {
		xf->d->c.dropped++;
		return;
	}
	handle(xf, xf->d->pkt, (size_t)n);
}

static void
on_timer(struct pxe_loop *loop, struct pxe_timer *t)
{
	struct xfer *xf = t->arg;
	char why[64];

	if (xf->state == XS_DALLY) {
		finish(xf);
		return;
	}
	if (++xf->tries > xf->d->cfg.retries) {
		xf->d->c.timeouts++;
		snprintf(why, sizeof(why), "client stopped answering "
		    "(%u retries)", xf->d->cfg.retries);
		fail(xf, why);
		return;
	}
	xf->retransmits++;
	xf->d->c.retransmits++;
	if (xf->state == XS_OACK || (xf->write && xf->received == 0 &&
	    xf->oacklen > 0))
		send_pkt(xf, xf->oack, xf->oacklen);
	else if (xf->write)
		send_pkt(xf, xf->ackpkt, xf->acklen);
	else
		send_window(xf);
	arm(xf);
}

/* ---- starting ---- */

/* Map an fsroot error to what the client gets and what the log says. */
static void
refuse(struct tftpd *d, struct xfer *xf, int err, const char *name,
    size_t nlen)
{
	enum pxelinux_step step;
	char esc[160];

	pxe_log_escape(esc, sizeof(esc), name, nlen);
	switch (err) {
	case -ENOENT:
		d->c.notfound++;
		send_error(xf, TFTP_ENOTFOUND, NULL);
		step = pxelinux_classify(esc, NULL);
		if (step != PXELINUX_NOT_CONFIG)
			log_info("file %s not found for %s (pxelinux's config "
			    "search, %s step: normal)", xf->path, xf->peerstr,
			    pxelinux_step_name(step));
		else
			log_info("file %s not found for %s", xf->path,
			    xf->peerstr);
		return;
	case -EEXIST:
		d->c.exists++;
		send_error(xf, TFTP_EEXISTS, NULL);
		log_info("refused write of %s from %s: file exists "
		    "(--overwrite allows it)", xf->path, xf->peerstr);
		return;
	case -ENAMETOOLONG:
		d->c.access++;
		send_error(xf, TFTP_EACCESS, NULL);
		log_info("refused \"%s\" from %s: name too long", esc,
		    xf->peerstr);
		return;
	case -EACCES:
	case -EPERM:
		d->c.access++;
		send_error(xf, TFTP_EACCESS, NULL);
		log_info("refused \"%s\" from %s: outside the TFTP root or not "
		    "a readable regular file", esc, xf->peerstr);
		return;
	default:
		d->c.ioerrors++;
		send_error(xf, TFTP_EACCESS, NULL);
		log_warn("cannot open %s for %s: %s", xf->path, xf->peerstr,
		    strerror(-err));
	}
}

/* Open the file of an RRQ and lay out the blocks. */
static int
open_read(struct xfer *xf, const struct tftp_request *req, char *resolved,
    size_t rcap)
{
	int fd;

	fd = pxe_fsroot_open_read(&xf->d->root, req->filename,
	    req->filename_len, resolved, rcap, &xf->size);
	if (fd < 0)
		return fd;
	xf->fd = fd;
	/* netascii is converted as it is sent (as tftp-hpa and dnsmasq do):
	 * its size is known at the end only, so no tsize for it. */
	if (xf->mode == TFTP_MODE_NETASCII)
		xf->size = TFTP_SIZE_UNKNOWN;
	return 0;
}

/* Negotiate, bound by the path MTU and the configuration. */
static void
negotiate(struct xfer *xf, const struct xfer_request *xr)
{
	struct tftp_limits lim;
	struct tftpd_config *cfg = &xf->d->cfg;

	lim.max_blksize = cfg->max_blksize < xr->mtu_blksize ?
	    cfg->max_blksize : xr->mtu_blksize;
	lim.max_windowsize = cfg->max_windowsize;
	lim.msftwindow = cfg->msftwindow;
	tftp_negotiate(xr->req, &lim, xf->write ? 0 : xf->size, &xf->neg);
	xf->blksize = xf->neg.blksize;
	xf->window = xf->neg.windowsize;
	xf->timeout_ms = xf->neg.timeout ? xf->neg.timeout * 1000ull :
	    cfg->retransmit_ms;
}

/* The start line: a long transfer is not silent until it ends. */
static void
log_start(const struct xfer *xf)
{
	char size[40] = "";

	if (!xf->write)
		snprintf(size, sizeof(size), "%llu bytes, ",
		    (unsigned long long)xf->size);
	log_info("%s %s %s %s (%sblksize %u, windowsize %u%s%s%s)",
	    xf->write ? "receiving" : "sending", xf->path, xf->write ?
	    "from" : "to", xf->peerstr, size, xf->blksize, xf->window,
	    xf->neg.tsize ? ", tsize" : "", xf->neg.msftwindow ?
	    ", msftwindow" : "", xf->mode == TFTP_MODE_NETASCII ?
	    ", netascii" : "");
}

/* Log the request with its options at verbose level. */
static void
log_request(struct xfer *xf, const struct tftp_request *req)
{
	char opts[512], esc[64], name[160];
	size_t o = 0;
	unsigned i;

	if (pxe_log_get_level() < PXE_LOG_DEBUG)
		return;
	opts[0] = '\0';
	for (i = 0; i < req->nopts && o < sizeof(opts) - 64; i++) {
		pxe_log_escape(esc, sizeof(esc), req->opts[i].name,
		    strlen(req->opts[i].name));
		o += (size_t)snprintf(opts + o, sizeof(opts) - o, " %s=", esc);
		pxe_log_escape(esc, sizeof(esc), req->opts[i].value,
		    strlen(req->opts[i].value));
		o += (size_t)snprintf(opts + o, sizeof(opts) - o, "%s", esc);
	}
	pxe_log_escape(name, sizeof(name), req->filename, req->filename_len);
	log_debug("%s \"%s\" from %s (%s%s)", tftp_opcode_str(req->opcode),
	    name, xf->peerstr, tftp_mode_str(req->mode), opts);
}

/* A new transfer with its own socket, linked into d; NULL on failure. */
static struct xfer *
xfer_new(struct tftpd *d, const struct xfer_request *xr)
{
	struct xfer *xf = calloc(1, sizeof(*xf));
	const struct pxe_pktinfo *pi = xr->pi;
	int fd;

	if (xf == NULL)
		return NULL;
	fd = pxe_net_udp_connect(pi->locallen ? (struct sockaddr *)&pi->local :
	    NULL, pi->locallen, (struct sockaddr *)&pi->peer, pi->peerlen,
	    xr->ifname);
	if (fd == -EADDRNOTAVAIL || fd == -EINVAL)	/* e.g. broadcast */
		fd = pxe_net_udp_connect(NULL, 0, (struct sockaddr *)&pi->peer,
		    pi->peerlen, xr->ifname);
	if (fd < 0) {
		log_warn("cannot open a socket for %s: %s", xr->peer,
		    strerror(-fd));
		free(xf);
		return NULL;
	}
	xf->d = d;
	xf->fd = -1;
	xf->io.fd = fd;
	xf->io.fn = on_packet;
	xf->io.arg = xf;
	pxe_timer_init(&xf->timer, on_timer, xf);
	memcpy(&xf->peer, &pi->peer, pi->peerlen);
	xf->peerlen = pi->peerlen;
	snprintf(xf->peerstr, sizeof(xf->peerstr), "%s", xr->peer);
	xf->write = xr->req->opcode == TFTP_WRQ;
	xf->mode = xr->req->mode;
	xf->t0_ns = pxe_now_ns();
	xf->heard_ms = pxe_loop_now(d->loop);
	xf->req_hash = xr->hash;
	xf->next = d->xfers;
	if (d->xfers)
		d->xfers->prev = xf;
	d->xfers = xf;
	if (++d->nxfers > d->peak_xfers)
		d->peak_xfers = d->nxfers;
	return xf;
}

/* Send the OACK, or the first DATA / ACK 0 when nothing was negotiated. */
static void
first_packet(struct xfer *xf)
{
	ssize_t n = 0;

	if (xf->neg.noack > 0) {
		n = tftp_build_neg_oack(xf->oack, sizeof(xf->oack), &xf->neg);
		xf->oacklen = n > 0 ? (size_t)n : 0;
	}
	if (xf->oacklen > 0) {
		send_pkt(xf, xf->oack, xf->oacklen);
		xf->state = xf->write ? XS_RECV : XS_OACK;
		arm(xf);
		return;
	}
	if (xf->write) {
		xf->state = XS_RECV;
		send_ack(xf, 0);
		arm(xf);
	} else {
		xf->state = XS_SEND;
		send_window(xf);
	}
}

void
xfer_start(struct tftpd *d, const struct xfer_request *xr)
{
	const struct tftp_request *req = xr->req;
	char resolved[PXE_FSROOT_MAXNAME + 1], esc[PXE_FSROOT_MAXNAME + 1];
	struct xfer *xf;
	int r;

	if ((xf = xfer_new(d, xr)) == NULL)
		return;
	log_request(xf, req);
	/* The log names the file as the admin sees it: root/name. */
	r = pxe_fsroot_normalize(req->filename, req->filename_len, resolved,
	    sizeof(resolved));
	pxe_log_escape(esc, sizeof(esc), resolved, r == 0 ? strlen(resolved) :
	    0);
	snprintf(xf->path, sizeof(xf->path), "%s/%s", d->root.path, esc);
	if (r == 0) {
		if (xf->write)
			r = pxe_fsroot_create_tmp(&d->root, req->filename,
			    req->filename_len, d->cfg.overwrite, &xf->tmp);
		else
			r = open_read(xf, req, resolved, sizeof(resolved));
	}
	if (r < 0) {
		refuse(d, xf, r, req->filename, req->filename_len);
		finish(xf);
		return;
	}
	if (xf->write) {
		xf->have_tmp = true;
	} else {
		pxe_log_escape(esc, sizeof(esc), resolved, strlen(resolved));
		snprintf(xf->path, sizeof(xf->path), "%s/%s", d->root.path,
		    esc);
	}
	d->c.started++;
	negotiate(xf, xr);
	log_start(xf);
	if (!xf->write) {
		xf->nblocks = xf->size == TFTP_SIZE_UNKNOWN ? UINT64_MAX :
		    xf->size / xf->blksize + 1;
		if (alloc_slots(xf) < 0 || pxe_loop_add(d->loop, &xf->io,
		    EPOLLIN) < 0) {
			send_error(xf, TFTP_EUNDEF, "Server out of memory");
			fail(xf, "out of memory");
			return;
		}
	} else if (pxe_loop_add(d->loop, &xf->io, EPOLLIN) < 0) {
		fail(xf, "out of memory");
		return;
	}
	first_packet(xf);
}
