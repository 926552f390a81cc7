/*
 * xfer_write.c: the write side of a transfer (a WRQ).  DATA in order goes
 * to a temporary file (netascii converted back), each block acknowledged;
 * the last one renames it into place.  See xfer.c for the rest.
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
			if (xf->wr.cr_pending) {
				xf->wr.cr_pending = false;
				if (p[i] == '\n') {
					out[o++] = '\n';
					continue;
				}
				out[o++] = '\r';
				if (p[i] == '\0')
					continue;
			}
			if (p[i] == '\r')
				xf->wr.cr_pending = true;
			else
				out[o++] = p[i];
		}
	}
	for (i = 0; i < o; i += (size_t)w) {
		w = write(xf->wr.tmp.fd, out + i, o - i);
		if (w < 0 && errno == EINTR)
			w = 0;
		else if (w <= 0)
			return w < 0 ? -errno : -EIO;
	}
	xf->rd.size += o;
	return 0;
}

void
send_ack(struct xfer *xf, uint64_t k)
{
	ssize_t n = tftp_build_ack(xf->wr.ackpkt, sizeof(xf->wr.ackpkt),
	    wire_block(xf, k));

	xf->wr.acklen = n > 0 ? (size_t)n : 0;
	xf->wr.acked_at = k;
	send_pkt(xf, xf->wr.ackpkt, xf->wr.acklen);
}

/* The last block is in: move the file into place and say so. */
static void
write_complete(struct xfer *xf)
{
	int r;

	if (xf->wr.cr_pending) {
		xf->wr.cr_pending = false;
		if (write(xf->wr.tmp.fd, "\r", 1) != 1) {
			send_error(xf, TFTP_ENOSPACE, NULL);
			fail(xf, strerror(errno));
			return;
		}
	}
	r = pxe_fsroot_commit(&xf->wr.tmp, xf->d->cfg.overwrite);
	xf->wr.have_tmp = false;
	if (r < 0) {
		xf->d->c.ioerrors++;
		send_error(xf, r == -EEXIST ? TFTP_EEXISTS : TFTP_EACCESS,
		    NULL);
		fail(xf, strerror(-r));
		return;
	}
	send_ack(xf, xf->wr.received);
	xf->d->c.ok++;
	xf->d->c.bytes_received += xf->rd.size;
	log_done(xf, "received", "from", xf->rd.size);
	xf->state = XS_DALLY;
	pxe_timer_arm(xf->d->loop, &xf->timer, xf->timeout_ms * 2);
}

/* A DATA packet arrived for a write transfer. */
void
write_data_pkt(struct xfer *xf, uint16_t w, const uint8_t *p, size_t n)
{
	uint64_t k = block_from_wire(xf, xf->wr.received, w);
	int r;

	if (n > xf->blksize) {
		xf->d->c.dropped++;
		return;
	}
	if (xf->state == XS_DALLY) {
		if (k == xf->wr.received)
			send_pkt(xf, xf->wr.ackpkt, xf->wr.acklen);
		return;
	}
	if (k != xf->wr.received + 1) {
		/* Old or out of order: say where we are (RFC 7440 rewind). */
		if (k != xf->wr.received || xf->window == 1 || k == 0)
			send_ack(xf, xf->wr.received);
		return;
	}
	if ((r = write_data(xf, p, n)) < 0) {
		xf->d->c.ioerrors++;
		send_error(xf, r == -ENOSPC || r == -EDQUOT ? TFTP_ENOSPACE :
		    TFTP_EACCESS, NULL);
		fail(xf, strerror(-r));
		return;
	}
	xf->wr.received = k;
	xf->tries = 0;
	if (n < xf->blksize) {
		write_complete(xf);
		return;
	}
	if (xf->wr.received - xf->wr.acked_at >= xf->window)
		send_ack(xf, xf->wr.received);
	arm(xf);
}
