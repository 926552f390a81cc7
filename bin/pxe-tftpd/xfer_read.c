/*
 * xfer_read.c: the read side of a transfer (an RRQ).  Netascii is
 * converted as it is sent, from checkpoints; whole packets are cached in
 * slots filled by one preadv per many blocks and sent with sendmmsg a
 * window at a time; ACKs move the window.  See xfer.c for the rest.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "libpxe/log.h"
#include "xfer.h"

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
		n = pread(xf->rd.fd, in, want - o < sizeof(in) ? want - o :
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
	for (i = 0; i < xf->rd.na_nck; i++)
		if (xf->rd.na_ck[i].out <= out && xf->rd.na_ck[i].out >= p->out)
			*p = xf->rd.na_ck[i];
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
	uint64_t low = xf->rd.acked * xf->blksize, floor = 0;
	unsigned i, o = 0;

	for (i = 0; i < xf->rd.na_nck; i++) {
		if (xf->rd.na_ck[i].out == p->out)
			return;
		if (xf->rd.na_ck[i].out <= low && xf->rd.na_ck[i].out > floor)
			floor = xf->rd.na_ck[i].out;
	}
	for (i = 0; i < xf->rd.na_nck; i++)
		if (xf->rd.na_ck[i].out >= floor)
			xf->rd.na_ck[o++] = xf->rd.na_ck[i];
	if (o == NA_CHECKPOINTS) {
		memmove(&xf->rd.na_ck[0], &xf->rd.na_ck[1], (o - 1) *
		    sizeof(xf->rd.na_ck[0]));
		o--;
	}
	xf->rd.na_ck[o++] = *p;
	xf->rd.na_nck = o;
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
		got = na_read(xf, &p, xf->rd.slots + i * slot_size(xf) +
		    TFTP_HDR_LEN, xf->blksize);
		if (got < 0)
			return got;
		if ((size_t)got < xf->blksize) {
			end = p.out;
			if (xf->rd.na_eof && end != xf->rd.size)
				return -ESTALE;	/* the file changed */
			xf->rd.size = end;
			xf->rd.nblocks = end / xf->blksize + 1;
			xf->rd.na_eof = true;
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

	if (off >= xf->rd.size)
		return 0;
	return xf->rd.size - off < xf->blksize ? (size_t)(xf->rd.size - off) :
	    xf->blksize;
}

/* Allocate the slot cache: a window, or SLOT_BUDGET bytes of read-ahead. */
int
alloc_slots(struct xfer *xf)
{
	size_t n = SLOT_BUDGET / slot_size(xf);

	if (n < xf->window)
		n = xf->window;
	if (n * slot_size(xf) > SLOT_MAX_BYTES)
		n = SLOT_MAX_BYTES / slot_size(xf);
	if (n < 1)
		n = 1;
	if (n > xf->rd.nblocks)
		n = (size_t)xf->rd.nblocks;
	xf->rd.slots = malloc(n * slot_size(xf));
	if (xf->rd.slots == NULL)
		return -ENOMEM;
	xf->rd.nslots = n;
	xf->rd.slot_count = 0;
	return 0;
}

/* Fill the cache with blocks first.. (one preadv, or netascii). */
static int
fill(struct xfer *xf, uint64_t first)
{
	struct iovec iov[1024];
	size_t n = xf->rd.nslots, i, want = 0, len;
	uint64_t off = (first - 1) * xf->blksize;
	ssize_t got;

	if (n > xf->rd.nblocks - first + 1)
		n = (size_t)(xf->rd.nblocks - first + 1);
	if (n > 1024)
		n = 1024;
	if (xf->mode == TFTP_MODE_NETASCII) {
		if ((got = na_fill(xf, first, n)) < 0)
			return (int)got;
		xf->rd.slot_first = first;
		xf->rd.slot_count = (size_t)got;
		return 0;
	}
	for (i = 0; i < n; i++) {
		len = block_len(xf, first + i);
		iov[i].iov_base = xf->rd.slots + i * slot_size(xf) +
		    TFTP_HDR_LEN;
		iov[i].iov_len = len;
		want += len;
	}
	if (want > 0) {
		got = preadv(xf->rd.fd, iov, (int)n, (off_t)off);
		if (got < 0)
			return -errno;
		if ((size_t)got != want)
			return -ESTALE;	/* the file shrank under us */
	}
	xf->rd.slot_first = first;
	xf->rd.slot_count = n;
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

	for (k = from; k <= to && k <= xf->rd.nblocks; k++) {
		if (k < xf->rd.slot_first ||
		    k >= xf->rd.slot_first + xf->rd.slot_count) {
			if (nb > 0)
				sendmmsg(xf->io.fd, mm, nb, 0);
			nb = 0;
			if ((r = fill(xf, k)) < 0)
				return r;
			if (k > xf->rd.nblocks)	/* netascii found its end */
				break;
		}
		slot = xf->rd.slots + (size_t)(k - xf->rd.slot_first) *
		    slot_size(xf);
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
void
send_window(struct xfer *xf)
{
	uint64_t from = xf->rd.acked + 1, to = xf->rd.acked + xf->window;
	int r;

	if (to > xf->rd.nblocks)
		to = xf->rd.nblocks;
	if ((r = send_blocks(xf, from, to)) < 0) {
		xf->d->c.ioerrors++;
		send_error(xf, TFTP_EUNDEF, r == -ESTALE ?
		    "File changed while being sent" : "Read error");
		fail(xf, r == -ESTALE ? "the file shrank while being sent" :
		    strerror(-r));
		return;
	}
	if (to > xf->rd.nblocks)	/* netascii learns its end as it goes */
		to = xf->rd.nblocks;
	if (to > xf->rd.sent)
		xf->rd.sent = to;
	arm(xf);
}

/* The last block is acknowledged. */
void
read_ack_done(struct xfer *xf)
{
	xf->d->c.ok++;
	xf->d->c.bytes_sent += xf->rd.size;
	log_done(xf, "sent", "to", xf->rd.size);
	finish(xf);
}

/* An ACK arrived for a read transfer. */
void
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
		k = block_from_wire(xf, xf->rd.acked, w);
		if (k == xf->rd.acked || k > xf->rd.sent) {
			/* A duplicate or stale ACK: never resend on it. */
			return;
		}
		xf->rd.acked = k;
	}
	xf->tries = 0;
	if (xf->neg.msftwindow && next_window > 0)
		xf->window = (unsigned)next_window <
		    xf->d->cfg.max_windowsize ? (unsigned)next_window :
		    xf->d->cfg.max_windowsize;
	if (xf->rd.acked >= xf->rd.nblocks)
		read_ack_done(xf);
	else
		send_window(xf);
}
