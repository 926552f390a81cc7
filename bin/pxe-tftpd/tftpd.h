/*
 * pxe-tftpd's own state: the server context (configuration, listening
 * sockets, counters, the list of transfers) and one struct xfer per
 * transfer.  main.c parses options and sets the server up; server.c takes
 * requests on the listening sockets and turns them into transfers; xfer.c
 * runs each transfer's state machine on its own connected socket; httpd.c
 * serves the same root over HTTP (--http) in the same loop.
 */
#ifndef PXE_TFTPD_H
#define PXE_TFTPD_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "libpxe/daemon.h"
#include "libpxe/opts.h"
#include "libpxe/fsroot.h"
#include "libpxe/http.h"
#include "libpxe/log.h"
#include "libpxe/loop.h"
#include "libpxe/net.h"
#include "libpxe/tftp.h"

#define TFTPD_MAX_LISTEN	PXE_LISTEN_MAX
#define TFTPD_MAX_IFACES	16
#define TFTPD_LISTEN_RCVBUF	(4 << 20)	/* bytes; the kernel doubles it */

struct tftpd_config {
	const char *root;
	const char *iface[TFTPD_MAX_IFACES];
	unsigned niface;
	bool write;
	bool overwrite;
	unsigned max_blksize;
	unsigned max_windowsize;
	bool msftwindow;
	unsigned retransmit_ms;
	unsigned retries;
	unsigned max_transfers;
	/* --user, --pid-file, --log, -v, -q, --test */
	struct pxe_daemon_opts dopt;
	const char *http;	/* --http [ADDR:]PORT, or NULL: no HTTP */
	unsigned http_max_conns;
	unsigned http_timeout;	/* seconds: idle, slow head, stalled reader */
};

/* What SIGUSR1 and the exit report. */
struct tftpd_counters {
	uint64_t started;	/* transfers accepted */
	uint64_t ok;		/* completed */
	uint64_t failed;	/* gave up or aborted by the client */
	uint64_t probes;	/* tsize probes (aborted on purpose) */
	uint64_t bytes_sent;
	uint64_t bytes_received;
	uint64_t notfound;	/* ERROR 1 sent */
	uint64_t access;	/* ERROR 2 sent (refused names, writes off) */
	uint64_t exists;	/* ERROR 6 sent */
	uint64_t badreq;	/* malformed requests answered with ERROR 4 */
	uint64_t busy;		/* refused: --max-transfers reached */
	uint64_t repeats;	/* copies of a live transfer's request */
	uint64_t timeouts;	/* transfers the client stopped answering */
	uint64_t client_errors;	/* ERROR packets received from clients */
	uint64_t ioerrors;	/* local read/write failures */
	uint64_t retransmits;
	uint64_t dropped;	/* malformed or unexpected datagrams */
};

struct tftpd;

/* A listening socket (one per address and interface). */
struct listener {
	struct pxe_io io;
	struct tftpd *d;
	char where[PXE_ADDRSTRLEN + IF_NAMESIZE + 8];
	const char *ifname;	/* bound to this interface, or NULL */
};

struct xfer;
struct hconn;

/* What SIGUSR1 and the exit report about HTTP. */
struct httpd_counters {
	uint64_t connections;	/* accepted */
	uint64_t refused;	/* at the cap with none idle: 503 */
	uint64_t evicted;	/* idle ones closed to make room */
	uint64_t timeouts;	/* slow heads (408) and stalled readers */
	uint64_t requests;	/* heads parsed */
	uint64_t bytes_sent;
	uint64_t status[HTTP_NSTATUS];	/* responses, by http_status_index */
};

/* The HTTP side of the server (httpd.c). */
struct httpd {
	struct listener ls[TFTPD_MAX_LISTEN + 2];
	unsigned nls;
	struct hconn *conns;	/* doubly linked list of connections */
	unsigned nconns;
	unsigned peak;
	struct hconn *graveyard;	/* closed, freed after the loop turn */
	struct pxe_timer reap;
	struct httpd_counters c;
	uint64_t warn_at;	/* rate limit for warnings about clients */
	unsigned warn_n;
	uint64_t boundary_seq;	/* multipart boundaries */
};

struct tftpd {
	struct tftpd_config cfg;
	struct pxe_loop *loop;
	struct pxe_fsroot root;
	struct listener ls[TFTPD_MAX_LISTEN * (TFTPD_MAX_IFACES + 1) + 2];
	unsigned nls;
	struct xfer *xfers;	/* doubly linked list of live transfers */
	unsigned nxfers;
	unsigned peak_xfers;	/* most transfers active at once */
	struct tftpd_counters c;
	struct pxe_droplog droplog;	/* rate limit for "dropped" lines */
	uint8_t pkt[TFTP_MAX_PKT + 1];	/* receive buffer, one thread */
	struct pxe_daemon dm;		/* pid file, --user, signals */
	struct pxe_opts_mem optmem;	/* values read from -C files */
	struct httpd h;
};

/* server.c */
void tftpd_on_request(struct pxe_loop *loop, struct pxe_io *io,
    uint32_t events);
/* The counters, one line (arg: the struct tftpd; also SIGUSR1's hook). */
void tftpd_log_counters(void *arg);
/* Log a dropped datagram (rate limited) and count it. */
void tftpd_drop(struct tftpd *d, const char *peer, const char *why);

/* What server.c hands to xfer.c to start a transfer. */
struct xfer_request {
	const struct tftp_request *req;
	const struct pxe_pktinfo *pi;
	const char *peer;		/* address text */
	const char *ifname;		/* listener's interface, or NULL */
	unsigned mtu_blksize;		/* blksize the path MTU allows */
	uint64_t hash;			/* of the request's bytes */
};

/* xfer.c */
/*
 * Start a transfer for a parsed request: open (or create) the file, answer
 * with OACK, DATA 1 or ACK 0, or with an ERROR when refused.  Counts and
 * logs what happened.  The transfer then lives on its own socket and frees
 * itself when done.
 */
void xfer_start(struct tftpd *d, const struct xfer_request *xr);
/* The live transfer from peer, or NULL. */
struct xfer *xfer_find(struct tftpd *d, const struct sockaddr *peer);
/*
 * Is a request with this hash, from xf's peer, a copy of the one that
 * started xf (sent twice, or duplicated and delayed on the way)?  True when
 * it has the same bytes and the client has not been silent for a whole
 * retransmit interval since it last spoke; otherwise it is a restart.
 */
bool xfer_repeat(const struct xfer *xf, uint64_t hash);
/* FNV-1a over a request's bytes, for xfer_repeat. */
uint64_t xfer_hash(const void *pkt, size_t len);
/* End xf now (server stopping, or its client restarted): no packet sent. */
void xfer_abort(struct xfer *xf, const char *why);
/* Bytes the live transfers have moved so far, each way (SIGUSR1). */
void xfer_in_flight(const struct tftpd *d, uint64_t *sent,
    uint64_t *received);
/* Abort and free every transfer (the server is stopping). */
void xfer_shutdown(struct tftpd *d);

/* httpd.c */
/*
 * Split --http's "[ADDR:]PORT" ("8080", "10.0.0.1:8080", "[::1]:8080"):
 * *addr is NULL when no address is given, else copied into abuf.  0 or
 * -EINVAL.
 */
int httpd_parse_spec(const char *spec, char *abuf, size_t acap,
    const char **addr, uint16_t *port);
/* Listen for HTTP as --http says (nothing without it).  0, -2 for a bad
 * address, or -errno (logged). */
int httpd_listen(struct tftpd *d);
/* Close every connection and listener. */
void httpd_shutdown(struct tftpd *d);
void httpd_log_counters(const struct tftpd *d);

#endif
