/*
 * server.c: requests on the listening sockets.  Every datagram on port 69 is
 * validated here once (size, opcode, request syntax, mode, writes allowed,
 * transfer limit, a repeated request from a client already being served)
 * before xfer.c turns it into a transfer.  Malformed datagrams are counted
 * and logged at a bounded rate; the server never stops for them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "libpxe/log.h"
#include "tftpd.h"

void
tftpd_drop(struct tftpd *d, const char *peer, const char *why)
{
	d->c.dropped++;
	pxe_log_drop(&d->droplog, pxe_loop_now(d->loop), "from %s: %s", peer,
	    why);
}

void
tftpd_log_counters(void *arg)
{
	struct tftpd *d = arg;
	const struct tftpd_counters *c = &d->c;
	uint64_t fs, fr;

	pxe_log_drop_flush(&d->droplog);
	/* Bytes count as they are acknowledged, not when a transfer ends. */
	xfer_in_flight(d, &fs, &fr);
	log_info("counters: transfers %llu (ok %llu, failed %llu, tsize probes "
	    "%llu, active %u, peak %u), bytes sent %llu, received %llu (in "
	    "flight: sent %llu, received %llu), errors: "
	    "notfound %llu access %llu exists %llu badreq %llu busy %llu "
	    "timeout %llu client %llu io %llu, retransmits %llu, repeated "
	    "requests %llu, dropped %llu",
	    (unsigned long long)c->started, (unsigned long long)c->ok,
	    (unsigned long long)c->failed, (unsigned long long)c->probes,
	    d->nxfers, d->peak_xfers, (unsigned long long)(c->bytes_sent + fs),
	    (unsigned long long)(c->bytes_received + fr),
	    (unsigned long long)fs, (unsigned long long)fr,
	    (unsigned long long)c->notfound, (unsigned long long)c->access,
	    (unsigned long long)c->exists, (unsigned long long)c->badreq,
	    (unsigned long long)c->busy, (unsigned long long)c->timeouts,
	    (unsigned long long)c->client_errors,
	    (unsigned long long)c->ioerrors,
	    (unsigned long long)c->retransmits,
	    (unsigned long long)c->repeats, (unsigned long long)c->dropped);
	httpd_log_counters(d);
}

/* Answer a refused request straight from the listening socket. */
static void
reply_error(struct listener *l, const struct pxe_pktinfo *pi, uint16_t code,
    const char *msg)
{
	uint8_t pkt[128];
	ssize_t n = tftp_build_error(pkt, sizeof(pkt), code, msg);

	if (n > 0)
		sendto(l->io.fd, pkt, (size_t)n, MSG_DONTWAIT,
		    (const struct sockaddr *)&pi->peer, pi->peerlen);
}

/* The largest blksize the interface's MTU carries without fragments. */
static unsigned
mtu_blksize(const struct pxe_pktinfo *pi)
{
	int mtu = pi->ifindex > 0 ? pxe_net_if_mtu(pi->ifindex) : -1;
	int hdr = (pi->peer.ss_family == AF_INET6 ? 40 : 20) + 8 +
	    TFTP_HDR_LEN;

	if (mtu <= hdr + TFTP_BLKSIZE_MIN)
		return TFTP_BLKSIZE_MAX;
	return (unsigned)(mtu - hdr) < TFTP_BLKSIZE_MAX ?
	    (unsigned)(mtu - hdr) : TFTP_BLKSIZE_MAX;
}

/* Validate one request datagram and start its transfer. */
static void
request(struct tftpd *d, struct listener *l, const uint8_t *pkt, size_t len,
    const struct pxe_pktinfo *pi)
{
	struct tftp_request req;
	struct xfer_request xr;
	struct xfer *old;
	char peer[PXE_ADDRSTRLEN];
	int op, r;

	pxe_net_ntop((const struct sockaddr *)&pi->peer, peer, sizeof(peer));
	op = tftp_opcode_of(pkt, len);
	if (op != TFTP_RRQ && op != TFTP_WRQ) {
		tftpd_drop(d, peer, op < 0 ? "not TFTP" :
		    "not a request on the server port");
		return;
	}
	r = tftp_parse_request(pkt, len, &req);
	if (r == -EINVAL || (r == 0 && req.mode == TFTP_MODE_MAIL)) {
		d->c.badreq++;
		reply_error(l, pi, TFTP_EBADOP, "Unsupported transfer mode");
		tftpd_drop(d, peer, "unsupported transfer mode (ERROR 4 sent)");
		return;
	}
	if (r < 0) {
		d->c.badreq++;
		reply_error(l, pi, TFTP_EBADOP, "Malformed request");
		tftpd_drop(d, peer, "malformed request (ERROR 4 sent)");
		return;
	}
	if (req.tail_len > 0) {
		/* Firmware pads requests with junk: serve the options that
		 * are complete, as OpenBSD's tftpd and iPXE do. */
		d->c.dropped++;
		log_warn("request from %s: %zu bytes after the last complete "
		    "option ignored", peer, req.tail_len);
	}
	if (op == TFTP_WRQ && !d->cfg.write) {
		d->c.access++;
		reply_error(l, pi, TFTP_EACCESS, "Access violation");
		log_info("refused write request from %s: writes are disabled "
		    "(--write enables them)", peer);
		return;
	}
	old = xfer_find(d, (const struct sockaddr *)&pi->peer);
	if (old && xfer_repeat(old, xfer_hash(pkt, len))) {
		/* A copy of the request that started old (the client sent it
		 * again, or the network duplicated it): our answer is on its
		 * way.  Starting over would abandon a live transfer. */
		d->c.repeats++;
		log_debug("repeated request from %s ignored", peer);
		return;
	}
	if (old)
		xfer_abort(old, "the client started a new request");
	if (d->nxfers >= d->cfg.max_transfers) {
		d->c.busy++;
		reply_error(l, pi, TFTP_EUNDEF, "Server busy, try later");
		log_warn("refused request from %s: %u transfers already "
		    "running (--max-transfers)", peer, d->nxfers);
		return;
	}
	xr.req = &req;
	xr.pi = pi;
	xr.peer = peer;
	xr.ifname = l->ifname;
	xr.mtu_blksize = mtu_blksize(pi);
	xr.hash = xfer_hash(pkt, len);
	xfer_start(d, &xr);
}

void
tftpd_on_request(struct pxe_loop *loop, struct pxe_io *io, uint32_t events)
{
	struct listener *l = io->arg;
	struct tftpd *d = l->d;
	struct pxe_pktinfo pi;
	char peer[PXE_ADDRSTRLEN];
	ssize_t n;
	int budget = 64;

	while (budget-- > 0) {
		n = pxe_net_recv(io->fd, d->pkt, sizeof(d->pkt) - 1, &pi);
		if (n == -EAGAIN)
			return;
		if (n < 0) {
			if (n != -ECONNREFUSED)
				log_debug("receive on %s: %s", l->where,
				    strerror((int)-n));
			continue;
		}
		if ((size_t)n > sizeof(d->pkt) - 1) {
			pxe_net_ntop((struct sockaddr *)&pi.peer, peer,
			    sizeof(peer));
			tftpd_drop(d, peer, "oversized datagram");
			continue;
		}
		request(d, l, d->pkt, (size_t)n, &pi);
	}
}
