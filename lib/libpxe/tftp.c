/*
 * tftp: TFTP wire code (RFC 1350, 2347, 2348, 2349, 7440 and Microsoft's
 * variable window).  Pure functions: bytes in, structs out.  See tftp.h.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "libpxe/buf.h"
#include "libpxe/tftp.h"

int
tftp_opcode_of(const void *pkt, size_t len)
{
	const uint8_t *p = pkt;
	int op;

	if (len < 2)
		return -EBADMSG;
	op = p[0] << 8 | p[1];
	if (op < TFTP_RRQ || op > TFTP_OACK)
		return -EBADMSG;
	return op;
}

/* True when the rest of b is empty or only NUL bytes (client padding). */
static bool
only_padding(const struct pxe_buf *b)
{
	const uint8_t *p = pxe_buf_cur(b);
	size_t i, n = pxe_buf_left(b);

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/*
 * Read "name\0value\0" pairs until the end of b into opts (up to max; the
 * rest are counted in *dropped).  A trailing run of NUL bytes is padding.
 * Reading stops at the first pair that is not complete (an empty name, a
 * name or value without its NUL): *tail gets the bytes from there to the
 * end, and the complete pairs before it are kept.
 */
static void
parse_opts(struct pxe_buf *b, struct tftp_opt *opts, unsigned max,
    unsigned *n, unsigned *dropped, size_t *tail)
{
	const char *name, *value;
	size_t nlen, start;

	*n = 0;
	*dropped = 0;
	*tail = 0;
	while (pxe_buf_left(b) > 0) {
		if (only_padding(b))
			return;
		start = b->off;
		name = pxe_buf_get_cstr(b, &nlen);
		value = name != NULL && nlen > 0 ?
		    pxe_buf_get_cstr(b, NULL) : NULL;
		if (value == NULL) {
			*tail = b->len - start;
			return;
		}
		if (*n < max) {
			opts[*n].name = name;
			opts[*n].value = value;
			(*n)++;
		} else {
			(*dropped)++;
		}
	}
}

static const struct {
	const char *name;
	enum tftp_mode mode;
} modes[] = {
	{ "netascii", TFTP_MODE_NETASCII },
	{ "octet", TFTP_MODE_OCTET },
	{ "mail", TFTP_MODE_MAIL },
};

int
tftp_parse_request(const void *pkt, size_t len, struct tftp_request *req)
{
	struct pxe_buf b;
	uint16_t op;
	size_t i;

	memset(req, 0, sizeof(*req));
	pxe_buf_init_ro(&b, pkt, len);
	op = pxe_buf_get_be16(&b);
	if (!pxe_buf_ok(&b))
		return -EBADMSG;
	if (op != TFTP_RRQ && op != TFTP_WRQ)
		return -EPROTO;
	req->opcode = op;
	req->filename = pxe_buf_get_cstr(&b, &req->filename_len);
	if (req->filename == NULL || req->filename_len == 0)
		return -EBADMSG;
	req->mode_str = pxe_buf_get_cstr(&b, NULL);
	if (req->mode_str == NULL)
		return -EBADMSG;
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcasecmp(req->mode_str, modes[i].name) == 0)
			break;
	if (i == sizeof(modes) / sizeof(modes[0]))
		return -EINVAL;
	req->mode = modes[i].mode;
	parse_opts(&b, req->opts, TFTP_MAX_OPTS, &req->nopts,
	    &req->opts_dropped, &req->tail_len);
	return 0;
}

int
tftp_parse_ack(const void *pkt, size_t len, uint16_t *block,
    int *next_window)
{
	struct pxe_buf b;

	pxe_buf_init_ro(&b, pkt, len);
	if (pxe_buf_get_be16(&b) != TFTP_ACK)
		return -EBADMSG;
	*block = pxe_buf_get_be16(&b);
	if (!pxe_buf_ok(&b))
		return -EBADMSG;
	switch (pxe_buf_left(&b)) {
	case 0:
		*next_window = -1;
		return 0;
	case 1:
		*next_window = pxe_buf_get_u8(&b);
		return 0;
	default:
		return -EBADMSG;
	}
}

int
tftp_parse_data(const void *pkt, size_t len, uint16_t *block,
    const uint8_t **data, size_t *datalen)
{
	struct pxe_buf b;

	pxe_buf_init_ro(&b, pkt, len);
	if (pxe_buf_get_be16(&b) != TFTP_DATA)
		return -EBADMSG;
	*block = pxe_buf_get_be16(&b);
	if (!pxe_buf_ok(&b))
		return -EBADMSG;
	*datalen = pxe_buf_left(&b);
	*data = pxe_buf_cur(&b);
	return 0;
}

int
tftp_parse_error(const void *pkt, size_t len, uint16_t *code,
    const char **msg, size_t *msglen)
{
	struct pxe_buf b;

	pxe_buf_init_ro(&b, pkt, len);
	if (pxe_buf_get_be16(&b) != TFTP_ERROR)
		return -EBADMSG;
	*code = pxe_buf_get_be16(&b);
	if (!pxe_buf_ok(&b))
		return -EBADMSG;
	*msg = (const char *)pxe_buf_cur(&b);
	*msglen = strnlen(*msg, pxe_buf_left(&b));
	return 0;
}

int
tftp_parse_oack(const void *pkt, size_t len, struct tftp_opt *opts,
    unsigned max, unsigned *n)
{
	struct pxe_buf b;
	unsigned dropped;
	size_t tail;

	pxe_buf_init_ro(&b, pkt, len);
	if (pxe_buf_get_be16(&b) != TFTP_OACK || !pxe_buf_ok(&b))
		return -EBADMSG;
	parse_opts(&b, opts, max, n, &dropped, &tail);
	return tail > 0 ? -EBADMSG : 0;
}

static ssize_t
finish(const struct pxe_buf *b)
{
	return b->err ? b->err : (ssize_t)b->off;
}

static void
put_opts(struct pxe_buf *b, const struct tftp_opt *opts, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		pxe_buf_put_cstr(b, opts[i].name);
		pxe_buf_put_cstr(b, opts[i].value);
	}
}

ssize_t
tftp_build_request(void *out, size_t cap, enum tftp_opcode op,
    const char *filename, const char *mode, const struct tftp_opt *opts,
    unsigned nopts)
{
	struct pxe_buf b;

	pxe_buf_init(&b, out, cap);
	pxe_buf_put_be16(&b, op);
	pxe_buf_put_cstr(&b, filename);
	pxe_buf_put_cstr(&b, mode);
	put_opts(&b, opts, nopts);
	return finish(&b);
}

ssize_t
tftp_build_ack(void *out, size_t cap, uint16_t block)
{
	struct pxe_buf b;

	pxe_buf_init(&b, out, cap);
	pxe_buf_put_be16(&b, TFTP_ACK);
	pxe_buf_put_be16(&b, block);
	return finish(&b);
}

ssize_t
tftp_build_data_hdr(void *out, size_t cap, uint16_t block)
{
	struct pxe_buf b;

	pxe_buf_init(&b, out, cap);
	pxe_buf_put_be16(&b, TFTP_DATA);
	pxe_buf_put_be16(&b, block);
	return finish(&b);
}

ssize_t
tftp_build_error(void *out, size_t cap, uint16_t code, const char *msg)
{
	struct pxe_buf b;

	pxe_buf_init(&b, out, cap);
	pxe_buf_put_be16(&b, TFTP_ERROR);
	pxe_buf_put_be16(&b, code);
	pxe_buf_put_cstr(&b, msg ? msg : tftp_errcode_str(code));
	return finish(&b);
}

ssize_t
tftp_build_oack(void *out, size_t cap, const struct tftp_opt *opts,
    unsigned nopts)
{
	struct pxe_buf b;

	pxe_buf_init(&b, out, cap);
	pxe_buf_put_be16(&b, TFTP_OACK);
	put_opts(&b, opts, nopts);
	return finish(&b);
}

static const char *const errcode_strs[] = {
	[TFTP_EUNDEF] = "Undefined error",
	[TFTP_ENOTFOUND] = "File not found",
	[TFTP_EACCESS] = "Access violation",
	[TFTP_ENOSPACE] = "Disk full or allocation exceeded",
	[TFTP_EBADOP] = "Illegal TFTP operation",
	[TFTP_EBADID] = "Unknown transfer ID",
	[TFTP_EEXISTS] = "File already exists",
	[TFTP_ENOUSER] = "No such user",
	[TFTP_EOPTNEG] = "Option negotiation failed",
};

const char *
tftp_errcode_str(uint16_t code)
{
	if (code < sizeof(errcode_strs) / sizeof(errcode_strs[0]))
		return errcode_strs[code];
	return "Unknown error code";
}

static const char *const opcode_strs[] = {
	[TFTP_RRQ] = "RRQ",
	[TFTP_WRQ] = "WRQ",
	[TFTP_DATA] = "DATA",
	[TFTP_ACK] = "ACK",
	[TFTP_ERROR] = "ERROR",
	[TFTP_OACK] = "OACK",
};

const char *
tftp_opcode_str(int op)
{
	if (op >= TFTP_RRQ && op <= TFTP_OACK)
		return opcode_strs[op];
	return "op?";
}

const char *
tftp_mode_str(enum tftp_mode mode)
{
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (modes[i].mode == mode)
			return modes[i].name;
	return "mode?";
}

/*
 * Negotiation.  Each known option has a handler that gets the client's
 * value and either grants it (filling neg and the value echoed in the OACK,
 * and returning 1) or ignores it (0).
 */

/* Decimal digits only, no sign or space, fits 64 bits.  0 or -1. */
static int
parse_number(const char *s, uint64_t *v)
{
	uint64_t x = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (x > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -1;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*v = x;
	return 0;
}

struct neg_ctx {
	const struct tftp_request *req;
	const struct tftp_limits *lim;
	uint64_t file_size;
	struct tftp_neg *neg;
};

static int
opt_blksize(struct neg_ctx *c, const char *v, char *out, size_t cap)
{
	uint64_t x, max = c->lim->max_blksize;

	if (parse_number(v, &x) < 0 || x < TFTP_BLKSIZE_MIN)
		return 0;
	if (max > TFTP_BLKSIZE_MAX)
		max = TFTP_BLKSIZE_MAX;
	if (max < TFTP_BLKSIZE_MIN)
		max = TFTP_BLKSIZE_MIN;
	if (x > max)
		x = max;
	c->neg->blksize = (unsigned)x;
	snprintf(out, cap, "%u", c->neg->blksize);
	return 1;
}

static int
opt_windowsize(struct neg_ctx *c, const char *v, char *out, size_t cap)
{
	uint64_t x, max = c->lim->max_windowsize;

	if (parse_number(v, &x) < 0 || x < 1 || x > TFTP_WINDOWSIZE_MAX)
		return 0;
	if (max < 1)
		max = 1;
	if (x > max)
		x = max;
	c->neg->windowsize = (unsigned)x;
	snprintf(out, cap, "%u", c->neg->windowsize);
	return 1;
}

static int
opt_timeout(struct neg_ctx *c, const char *v, char *out, size_t cap)
{
	uint64_t x;

	if (parse_number(v, &x) < 0 || x < TFTP_TIMEOUT_MIN ||
	    x > TFTP_TIMEOUT_MAX)
		return 0;
	c->neg->timeout = (unsigned)x;
	snprintf(out, cap, "%u", c->neg->timeout);
	return 1;
}

static int
opt_tsize(struct neg_ctx *c, const char *v, char *out, size_t cap)
{
	uint64_t x;

	if (parse_number(v, &x) < 0 || (c->req->opcode == TFTP_RRQ &&
	    c->file_size == TFTP_SIZE_UNKNOWN))
		return 0;
	c->neg->tsize = true;
	c->neg->tsize_value = c->req->opcode == TFTP_RRQ ? c->file_size : x;
	snprintf(out, cap, "%llu", (unsigned long long)c->neg->tsize_value);
	return 1;
}

static int
opt_rollover(struct neg_ctx *c, const char *v, char *out, size_t cap)
{
	if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
		return 0;
	c->neg->rollover = (unsigned)(v[0] - '0');
	snprintf(out, cap, "%s", v);
	return 1;
}

static int
opt_msftwindow(struct neg_ctx *c, const char *v, char *out, size_t cap)
{
	uint64_t x;

	if (!c->lim->msftwindow || parse_number(v, &x) < 0 ||
	    x != TFTP_MSFT_ASK)
		return 0;
	c->neg->msftwindow = true;
	snprintf(out, cap, "%u", TFTP_MSFT_GRANT);
	return 1;
}

static const struct {
	const char *name;
	int (*handler)(struct neg_ctx *, const char *, char *, size_t);
} opt_table[] = {
	{ "blksize", opt_blksize },
	{ "tsize", opt_tsize },
	{ "timeout", opt_timeout },
	{ "windowsize", opt_windowsize },
	{ "rollover", opt_rollover },
	{ "msftwindow", opt_msftwindow },
};
#define NOPT_TABLE (sizeof(opt_table) / sizeof(opt_table[0]))

int
tftp_negotiate(const struct tftp_request *req,
    const struct tftp_limits *lim, uint64_t file_size, struct tftp_neg *neg)
{
	struct neg_ctx c = { req, lim, file_size, neg };
	bool seen[NOPT_TABLE] = { false };
	struct tftp_granted *g;
	unsigned i;
	size_t k, j;

	memset(neg, 0, sizeof(*neg));
	neg->blksize = TFTP_BLKSIZE_DEFAULT;
	neg->windowsize = 1;
	for (i = 0; i < req->nopts; i++) {
		for (k = 0; k < NOPT_TABLE; k++)
			if (strcasecmp(req->opts[i].name, opt_table[k].name) ==
			    0)
				break;
		if (k == NOPT_TABLE || seen[k])
			continue;	/* unknown, or a later duplicate */
		seen[k] = true;
		g = &neg->oack[neg->noack];
		if (!opt_table[k].handler(&c, req->opts[i].value, g->value,
		    sizeof(g->value)))
			continue;
		for (j = 0; opt_table[k].name[j] != '\0'; j++)
			g->name[j] = opt_table[k].name[j];
		g->name[j] = '\0';
		neg->noack++;
	}
	return 0;
}

ssize_t
tftp_build_neg_oack(void *out, size_t cap, const struct tftp_neg *neg)
{
	struct pxe_buf b;
	unsigned i;

	pxe_buf_init(&b, out, cap);
	pxe_buf_put_be16(&b, TFTP_OACK);
	for (i = 0; i < neg->noack; i++) {
		pxe_buf_put_cstr(&b, neg->oack[i].name);
		pxe_buf_put_cstr(&b, neg->oack[i].value);
	}
	return finish(&b);
}
