/*
 * tftp: TFTP wire code with no I/O.  Parses and builds RRQ, WRQ, DATA, ACK,
 * ERROR and OACK packets (RFC 1350, 2347) and negotiates the options a server
 * grants: blksize (RFC 2348), tsize and timeout (RFC 2349), windowsize
 * (RFC 7440), rollover, and Microsoft's variable window (msftwindow, as
 * Windows' bootmgr and WDS use it: the client asks msftwindow=31416, the
 * server grants msftwindow=27182, and every later ACK carries one extra byte
 * with the size of the next window).  Decoders point into the packet and copy
 * nothing; all reads go through struct pxe_buf.  pxe-tftpd, pxe-sniff, the
 * unit tests and the fuzzer all call these same functions.
 */
#ifndef PXE_TFTP_H
#define PXE_TFTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum tftp_opcode {
	TFTP_RRQ = 1,
	TFTP_WRQ = 2,
	TFTP_DATA = 3,
	TFTP_ACK = 4,
	TFTP_ERROR = 5,
	TFTP_OACK = 6,
};

enum tftp_errcode {
	TFTP_EUNDEF = 0,	/* not defined, see message */
	TFTP_ENOTFOUND = 1,	/* file not found */
	TFTP_EACCESS = 2,	/* access violation */
	TFTP_ENOSPACE = 3,	/* disk full or allocation exceeded */
	TFTP_EBADOP = 4,	/* illegal TFTP operation */
	TFTP_EBADID = 5,	/* unknown transfer ID */
	TFTP_EEXISTS = 6,	/* file already exists */
	TFTP_ENOUSER = 7,	/* no such user */
	TFTP_EOPTNEG = 8,	/* option negotiation refused (RFC 2347) */
};

enum tftp_mode {
	TFTP_MODE_NETASCII = 0,
	TFTP_MODE_OCTET = 1,
	TFTP_MODE_MAIL = 2,	/* obsolete; parsed so it can be refused */
};

#define TFTP_PORT		69
#define TFTP_HDR_LEN		4	/* opcode + block number */
#define TFTP_BLKSIZE_DEFAULT	512
#define TFTP_BLKSIZE_MIN	8	/* RFC 2348 */
#define TFTP_BLKSIZE_MAX	65464	/* RFC 2348 */
#define TFTP_WINDOWSIZE_MAX	65535	/* RFC 7440 */
#define TFTP_TIMEOUT_MIN	1	/* RFC 2349, seconds */
#define TFTP_TIMEOUT_MAX	255
#define TFTP_MSFT_ASK		31416	/* msftwindow value a client sends */
#define TFTP_MSFT_GRANT		27182	/* msftwindow value a server grants */
#define TFTP_MAX_OPTS		16	/* options kept from one request */
#define TFTP_MAX_PKT		(TFTP_HDR_LEN + TFTP_BLKSIZE_MAX)

/* One option as it appears on the wire; both strings point into the packet. */
struct tftp_opt {
	const char *name;
	const char *value;
};

/* A decoded RRQ or WRQ.  Strings point into the packet buffer. */
struct tftp_request {
	enum tftp_opcode opcode;	/* TFTP_RRQ or TFTP_WRQ */
	const char *filename;		/* NUL-terminated, as sent */
	size_t filename_len;
	const char *mode_str;		/* as sent, e.g. "octet" */
	enum tftp_mode mode;
	struct tftp_opt opts[TFTP_MAX_OPTS];	/* in packet order */
	unsigned nopts;
	unsigned opts_dropped;		/* options past TFTP_MAX_OPTS */
	size_t tail_len;		/* bytes of a malformed tail, ignored */
};

/*
 * The opcode of a packet: a value of enum tftp_opcode, or -EBADMSG when the
 * packet is shorter than two bytes or the opcode is not 1..6.
 */
int tftp_opcode_of(const void *pkt, size_t len);

/*
 * Parse an RRQ or WRQ.  0 on success; -EBADMSG when malformed (short, empty
 * filename, filename or mode without NUL); -EPROTO when the opcode is not
 * RRQ/WRQ; -EINVAL when the mode is not netascii, octet or mail
 * (case-insensitive).  After the mode, the complete "name\0value\0" pairs
 * are kept; a run of NUL bytes after them is padding (some clients pad),
 * and anything else (an empty name, a name without a value, a value
 * without its NUL: firmware such as Apple's OpenFirmware sends such tails)
 * ends the options there and is counted in tail_len, as OpenBSD's tftpd
 * and iPXE do, instead of refusing the request.
 */
int tftp_parse_request(const void *pkt, size_t len, struct tftp_request *req);

/*
 * Parse an ACK.  *block gets the block number.  *next_window gets the byte
 * that follows the block number in a Microsoft variable-window ACK, or -1 if
 * the packet is a plain 4-byte ACK.  0, or -EBADMSG.
 */
int tftp_parse_ack(const void *pkt, size_t len, uint16_t *block,
    int *next_window);

/* Parse a DATA packet: block number and payload (pointing into pkt). */
int tftp_parse_data(const void *pkt, size_t len, uint16_t *block,
    const uint8_t **data, size_t *datalen);

/*
 * Parse an ERROR packet.  *msg points into pkt; a message without its NUL is
 * accepted (some clients omit it) and then *msglen says how long it is.
 */
int tftp_parse_error(const void *pkt, size_t len, uint16_t *code,
    const char **msg, size_t *msglen);

/* Parse an OACK into opts (up to max); *n gets the count.  0 or -EBADMSG. */
int tftp_parse_oack(const void *pkt, size_t len, struct tftp_opt *opts,
    unsigned max, unsigned *n);

/*
 * Builders write a whole packet into out (capacity cap) and return its
 * length, or -EMSGSIZE if it does not fit.
 */
ssize_t tftp_build_request(void *out, size_t cap, enum tftp_opcode op,
    const char *filename, const char *mode, const struct tftp_opt *opts,
    unsigned nopts);
ssize_t tftp_build_ack(void *out, size_t cap, uint16_t block);
/* The 4-byte DATA header; the caller puts the payload after it. */
ssize_t tftp_build_data_hdr(void *out, size_t cap, uint16_t block);
ssize_t tftp_build_error(void *out, size_t cap, uint16_t code,
    const char *msg);
ssize_t tftp_build_oack(void *out, size_t cap, const struct tftp_opt *opts,
    unsigned nopts);

/* The standard message for an error code ("File not found", ...). */
const char *tftp_errcode_str(uint16_t code);
/* "RRQ", "WRQ", "DATA", "ACK", "ERROR", "OACK", or "op?" */
const char *tftp_opcode_str(int op);
const char *tftp_mode_str(enum tftp_mode mode);

/* What the server allows; negotiation never grants more than this. */
struct tftp_limits {
	unsigned max_blksize;		/* also bounded by the path MTU */
	unsigned max_windowsize;
	bool msftwindow;		/* grant Microsoft's variable window */
};

/* One granted option, echoed in the OACK. */
struct tftp_granted {
	char name[16];
	char value[24];
};

/* The result of negotiation: the transfer's parameters and the OACK. */
struct tftp_neg {
	unsigned blksize;	/* TFTP_BLKSIZE_DEFAULT if not negotiated */
	unsigned windowsize;	/* 1 if not negotiated */
	unsigned timeout;	/* seconds; 0 if the client did not ask */
	unsigned rollover;	/* block number after 65535: 0 (default) or 1 */
	bool tsize;		/* tsize was negotiated */
	uint64_t tsize_value;	/* RRQ: file size sent; WRQ: size announced */
	bool msftwindow;	/* Microsoft variable window granted */
	struct tftp_granted oack[TFTP_MAX_OPTS];
	unsigned noack;		/* 0: no OACK, plain RFC 1350 transfer */
};

/* file_size of an RRQ whose size is not known before its end (netascii). */
#define TFTP_SIZE_UNKNOWN	UINT64_MAX

/*
 * Negotiate the options of req against lim.  file_size is the size of the
 * file for an RRQ (reported in tsize; TFTP_SIZE_UNKNOWN: tsize is not
 * granted), ignored for a WRQ (where the client's tsize is taken as the
 * announced size).  Rules:
 *  - option names are case-insensitive; the first of duplicated options wins
 *    and later ones are ignored; unknown options are ignored (RFC 2347);
 *  - blksize: a decimal number >= 8 is granted, lowered to
 *    min(lim->max_blksize, 65464) (a client asking 70000 gets the limit);
 *    values below 8 (0 included) and non-numbers are ignored;
 *  - windowsize: decimal 1..65535, lowered to lim->max_windowsize; 0 or
 *    non-numeric ignored;
 *  - timeout: decimal 1..255 granted exactly as asked; else ignored;
 *  - tsize: RRQ: granted with the file size; WRQ: echoed as sent; a
 *    non-numeric value is ignored;
 *  - rollover: "0" or "1" echoed; else ignored;
 *  - msftwindow: granted as "27182" when lim->msftwindow and the value is
 *    "31416"; else ignored.
 * A number is decimal digits only (no sign, no spaces, leading zeros
 * allowed); one that overflows 64 bits is not a number.
 * The OACK lists granted options in the order the client sent them.
 * Returns 0 (always succeeds for a parsed request).
 */
int tftp_negotiate(const struct tftp_request *req,
    const struct tftp_limits *lim, uint64_t file_size, struct tftp_neg *neg);

/* Build the OACK for neg->oack into out; length or -EMSGSIZE. */
ssize_t tftp_build_neg_oack(void *out, size_t cap, const struct tftp_neg *neg);

#endif
