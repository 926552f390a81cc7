/*
 * xfer.h: struct xfer, shared by the three parts of a transfer: xfer.c
 * (lifecycle, events, starting), xfer_read.c (an RRQ: netascii, the slot
 * cache, sending windows) and xfer_write.c (a WRQ: receiving into a
 * temporary file).  Private to pxe-tftpd's xfer*.c; tftpd.h has the rest.
 */
#ifndef TFTPD_XFER_H
#define TFTPD_XFER_H

#include "tftpd.h"

#define SLOT_BUDGET	(64 * 1024)	/* read-ahead bytes per transfer */
#define SLOT_MAX_BYTES	(1024 * 1024)	/* most a window may hold at once */
#define SEND_BATCH	64		/* packets per sendmmsg */
#define NA_CHECKPOINTS	16		/* netascii positions kept a transfer */

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

	uint8_t oack[512];	/* the OACK, sent again until answered */
	size_t oacklen;
	struct xfer_rd {	/* an RRQ: xfer_read.c */
		int fd;
		uint64_t size;
		/* blocks in the transfer, last one short */
		uint64_t nblocks;
		/* highest block acknowledged in order */
		uint64_t acked;
		uint64_t sent;		/* highest block sent */
		/* nslots packets of 4 + blksize bytes */
		uint8_t *slots;
		size_t nslots;
		uint64_t slot_first;	/* block held by slot 0 */
		size_t slot_count;	/* slots holding valid blocks */
		/* netascii: converted as it is sent.  A checkpoint is where
		 * a cache fill started (block k begins at out = (k - 1) *
		 * blksize); a resend restarts from the nearest one before
		 * it. */
		struct na_pos {
			uint64_t src;	/* next byte of the file */
			/* bytes of netascii produced before it */
			uint64_t out;
			/* second byte of a pair still owed, or -1 */
			int pend;
		} na_ck[NA_CHECKPOINTS];
		unsigned na_nck;
		bool na_eof;		/* size and nblocks are known */
	} rd;
	struct xfer_wr {	/* a WRQ: xfer_write.c */
		struct pxe_fsroot_tmp tmp;
		bool have_tmp;
		uint64_t received;	/* highest block received in order */
		uint64_t acked_at;	/* block of the last ACK sent */
		/* netascii: a CR ended the last block */
		bool cr_pending;
		uint8_t ackpkt[8];
		size_t acklen;
	} wr;
};

/* xfer.c: the lifecycle both sides use. */
uint16_t wire_block(const struct xfer *xf, uint64_t k);
uint64_t block_from_wire(const struct xfer *xf, uint64_t base, uint16_t w);
void send_pkt(struct xfer *xf, const void *p, size_t n);
void send_error(struct xfer *xf, uint16_t code, const char *msg);
void arm(struct xfer *xf);
void finish(struct xfer *xf);
void fail(struct xfer *xf, const char *why);
void log_done(struct xfer *xf, const char *verb, const char *dir,
    uint64_t bytes);

/* xfer_read.c */
int alloc_slots(struct xfer *xf);
void send_window(struct xfer *xf);
void read_ack(struct xfer *xf, uint16_t w, int next_window);
void read_ack_done(struct xfer *xf);

/* xfer_write.c */
void send_ack(struct xfer *xf, uint64_t k);
void write_data_pkt(struct xfer *xf, uint16_t w, const uint8_t *p,
    size_t n);

#endif
