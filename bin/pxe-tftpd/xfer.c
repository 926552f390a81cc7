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
 * last acknowledged block.  This file has the lifecycle, the events and
 * the start; xfer_read.c the read side, xfer_write.c the write side.
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
#include "xfer.h"

static void on_packet(struct pxe_loop *loop, struct pxe_io *io,
    uint32_t events);
static void on_timer(struct pxe_loop *loop, struct pxe_timer *t);

/* The 16-bit wire number of internal block k. */
uint16_t
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
uint64_t
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
void
send_pkt(struct xfer *xf, const void *p, size_t n)
{
	if (send(xf->io.fd, p, n, 0) < 0 && errno != EAGAIN &&
	    errno != ECONNREFUSED)
		log_debug("send to %s: %s", xf->peerstr, strerror(errno));
}

/* Send ERROR code with the standard message (never a server path). */
void
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
void
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
	if (xf->rd.fd >= 0)
		close(xf->rd.fd);
	xf->rd.fd = -1;
	if (xf->wr.have_tmp)
		pxe_fsroot_abort(&xf->wr.tmp);
	xf->wr.have_tmp = false;
	free(xf->rd.slots);
	xf->rd.slots = NULL;
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
void
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
	uint64_t b = xf->rd.acked * xf->blksize;

	if (xf->write)
		return xf->rd.size;
	return b < xf->rd.size ? b : xf->rd.size;
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

void
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
		    (unsigned long long)xf->rd.size, xf->rd.size ? 100.0 *
		    (double)bytes_done(xf) / (double)xf->rd.size : 0.0);
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
void
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
		if (!xf->write && xf->rd.sent == xf->rd.nblocks &&
		    xf->state == XS_SEND) {
			/* It had the last block: its final ACK was lost. */
			xf->rd.acked = xf->rd.nblocks;
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
	if (xf->state == XS_OACK || (xf->write && xf->wr.received == 0 &&
	    xf->oacklen > 0))
		send_pkt(xf, xf->oack, xf->oacklen);
	else if (xf->write)
		send_pkt(xf, xf->wr.ackpkt, xf->wr.acklen);
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
	    req->filename_len, resolved, rcap, &xf->rd.size);
	if (fd < 0)
		return fd;
	xf->rd.fd = fd;
	/* netascii is converted as it is sent (as tftp-hpa and dnsmasq do):
	 * its size is known at the end only, so no tsize for it. */
	if (xf->mode == TFTP_MODE_NETASCII)
		xf->rd.size = TFTP_SIZE_UNKNOWN;
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
	tftp_negotiate(xr->req, &lim, xf->write ? 0 : xf->rd.size, &xf->neg);
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
		    (unsigned long long)xf->rd.size);
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
	xf->rd.fd = -1;
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
			    req->filename_len, d->cfg.overwrite, &xf->wr.tmp);
		else
			r = open_read(xf, req, resolved, sizeof(resolved));
	}
	if (r < 0) {
		refuse(d, xf, r, req->filename, req->filename_len);
		finish(xf);
		return;
	}
	if (xf->write) {
		xf->wr.have_tmp = true;
	} else {
		pxe_log_escape(esc, sizeof(esc), resolved, strlen(resolved));
		snprintf(xf->path, sizeof(xf->path), "%s/%s", d->root.path,
		    esc);
	}
	d->c.started++;
	negotiate(xf, xr);
	log_start(xf);
	if (!xf->write) {
		xf->rd.nblocks = xf->rd.size == TFTP_SIZE_UNKNOWN ? UINT64_MAX :
		    xf->rd.size / xf->blksize + 1;
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
