/*
 * tftpc: a TFTP client for tests, built to do what packaged clients will not
 * do on purpose: send any option (or a filename with a NUL in it), answer
 * an OACK with ERROR 8, acknowledge with Microsoft's 5-byte ACKs, stop
 * acknowledging halfway, or flood a port with garbage.  It prints what it
 * gets in a stable, greppable form, one event per line:
 *
 *   OACK blksize=1468 tsize=1000
 *   ERROR 1 "File not found"
 *   received 1000 bytes in 1 blocks from 10.0.0.1 port 40123, 1 DATA packets
 *   silence after 3 retransmits
 *
 * Exit: 0 transfer complete (or the scripted behaviour ran), 1 the server
 * sent an ERROR or stopped answering, 2 usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include "libpxe/tftp.h"

#define MAXOPTS 32

struct client {
	int fd;
	struct sockaddr_storage server;	/* port 69 (or given) */
	struct sockaddr_storage peer;	/* the transfer's port, once known */
	socklen_t slen;
	bool have_peer;
	int timeout_ms;
	/* request */
	bool write;
	const char *mode;
	char filename[3000];
	size_t filename_len;
	char *optname[MAXOPTS], *optval[MAXOPTS];
	unsigned nopts;
	/* behaviour */
	bool refuse_oack;
	int msft_next;		/* -1: plain ACKs */
	long stop_after;	/* stop acknowledging after this block; -1 */
	unsigned window;	/* ACK every this many blocks */
	unsigned blksize;
	bool rollover1;		/* the server rolls block numbers over to 1 */
	const char *out, *in;
	bool quiet;
	bool dup_acks;		/* send every ACK twice */
	long drop_block;	/* ignore this block the first time; -1 */
	long again_after;	/* send the request again after this block */
};

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: tftpc [OPTIONS] HOST PORT FILE\n"
	    "  -o NAME=VALUE   send this option (repeatable, any order)\n"
	    "  -x HEX          the filename as hex bytes (may hold a NUL)\n"
	    "  -m MODE         transfer mode (default octet)\n"
	    "  -O FILE         save received data to FILE\n"
	    "  -p FILE         upload FILE (WRQ) instead of downloading\n"
	    "  -e              answer the OACK with ERROR 8\n"
	    "  -M N            Microsoft ACKs: 5 bytes, next window N\n"
	    "  -s N            stop acknowledging after block N (0: the OACK)\n"
	    "  -t MS           reply timeout (default 2000)\n"
	    "  -r HEX          send these raw bytes, print the reply, exit\n"
	    "  -g N            send N garbage datagrams, then exit\n"
	    "  -q              do not print DATA lines\n"
	    "  -d              send every ACK twice (Sorcerer's Apprentice)\n"
	    "  -D N            ignore block N the first time it arrives\n"
	    "  -a N            after block N, send the request again (a copy\n"
	    "                  the network delayed), from the same port\n");
	exit(status);
}

static int
unhex(const char *s, char *out, size_t cap, size_t *len)
{
	size_t n = 0;
	unsigned v;

	while (s[0] && s[1]) {
		if (n == cap || sscanf(s, "%2x", &v) != 1)
			return -1;
		out[n++] = (char)v;
		s += 2;
	}
	*len = n;
	return *s ? -1 : 0;
}

static void
resolve(struct client *c, const char *host, const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *ai;
	int e;

	if ((e = getaddrinfo(host, port, &hints, &ai)) != 0) {
		fprintf(stderr, "tftpc: %s: %s\n", host, gai_strerror(e));
		exit(2);
	}
	memcpy(&c->server, ai->ai_addr, ai->ai_addrlen);
	c->slen = ai->ai_addrlen;
	c->fd = socket(ai->ai_family, SOCK_DGRAM, 0);
	freeaddrinfo(ai);
	if (c->fd < 0) {
		perror("tftpc: socket");
		exit(1);
	}
}

static void
send_to(struct client *c, const void *p, size_t n, bool to_peer)
{
	const struct sockaddr_storage *a = to_peer && c->have_peer ?
	    &c->peer : &c->server;

	if (sendto(c->fd, p, n, 0, (const struct sockaddr *)a, c->slen) < 0)
		perror("tftpc: sendto");
}

/* Wait up to ms for a datagram.  Its length, 0 on timeout. */
static ssize_t
recv_pkt(struct client *c, uint8_t *buf, size_t cap, int ms)
{
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	struct pollfd pfd = { c->fd, POLLIN, 0 };
	ssize_t n;

	if (poll(&pfd, 1, ms) <= 0)
		return 0;
	n = recvfrom(c->fd, buf, cap, 0, (struct sockaddr *)&from, &flen);
	if (n < 0)
		return 0;
	if (!c->have_peer) {
		c->peer = from;
		c->have_peer = true;
	}
	return n;
}

/* "ADDR port N" of the transfer's peer, for the summary lines. */
static const char *
peer_str(const struct sockaddr_storage *a)
{
	static char out[INET6_ADDRSTRLEN + 16];
	char host[INET6_ADDRSTRLEN] = "?";
	const void *in = a->ss_family == AF_INET6 ?
	    (const void *)&((const struct sockaddr_in6 *)a)->sin6_addr :
	    (const void *)&((const struct sockaddr_in *)a)->sin_addr;
	uint16_t port = a->ss_family == AF_INET6 ?
	    ((const struct sockaddr_in6 *)a)->sin6_port :
	    ((const struct sockaddr_in *)a)->sin_port;

	inet_ntop(a->ss_family, in, host, sizeof(host));
	snprintf(out, sizeof(out), "%s port %u", host, ntohs(port));
	return out;
}

static void
send_request(struct client *c)
{
	uint8_t pkt[4096];
	size_t n = 0;
	unsigned i;

	pkt[n++] = 0;
	pkt[n++] = c->write ? TFTP_WRQ : TFTP_RRQ;
	memcpy(pkt + n, c->filename, c->filename_len);
	n += c->filename_len;
	pkt[n++] = 0;
	n += (size_t)sprintf((char *)pkt + n, "%s", c->mode) + 1;
	for (i = 0; i < c->nopts; i++) {
		if (n + strlen(c->optname[i]) + strlen(c->optval[i]) + 2 >
		    sizeof(pkt))
			break;
		n += (size_t)sprintf((char *)pkt + n, "%s", c->optname[i]) + 1;
		n += (size_t)sprintf((char *)pkt + n, "%s", c->optval[i]) + 1;
	}
	send_to(c, pkt, n, false);
}

static void
send_ack(struct client *c, uint16_t block)
{
	uint8_t pkt[5] = { 0, TFTP_ACK, (uint8_t)(block >> 8), (uint8_t)block,
	    (uint8_t)c->msft_next };

	send_to(c, pkt, c->msft_next >= 0 ? 5 : 4, true);
	if (c->dup_acks)
		send_to(c, pkt, c->msft_next >= 0 ? 5 : 4, true);
}

static void
print_error(const uint8_t *p, size_t n)
{
	const char *msg;
	uint16_t code;
	size_t ml;

	if (tftp_parse_error(p, n, &code, &msg, &ml) == 0)
		printf("ERROR %u \"%.*s\"\n", code, (int)ml, msg);
	else
		printf("malformed ERROR (%zu bytes)\n", n);
}

/*
 * The server's next datagram into buf: its length; 0 after a silence
 * (the request sent again when unanswered is true, else the caller sends
 * what it last sent); -1 when to give up: six silences in a row
 * ("timeout" printed) or an ERROR (printed).
 */
static ssize_t
next_reply(struct client *c, uint8_t *buf, size_t cap, unsigned *tries,
    bool unanswered)
{
	ssize_t n = recv_pkt(c, buf, cap, c->timeout_ms);

	if (n == 0) {
		if (++*tries > 5) {
			printf("timeout\n");
			return -1;
		}
		if (unanswered)
			send_request(c);
		return 0;
	}
	*tries = 0;
	if (tftp_opcode_of(buf, (size_t)n) == TFTP_ERROR) {
		print_error(buf, (size_t)n);
		return -1;
	}
	return n;
}

/* Print an OACK and take blksize/windowsize from it.  0 or -1. */
static int
take_oack(struct client *c, const uint8_t *p, size_t n)
{
	struct tftp_opt o[TFTP_MAX_OPTS];
	unsigned k, i;

	if (tftp_parse_oack(p, n, o, TFTP_MAX_OPTS, &k) < 0) {
		printf("malformed OACK (%zu bytes)\n", n);
		return -1;
	}
	printf("OACK");
	for (i = 0; i < k; i++) {
		printf(" %s=%s", o[i].name, o[i].value);
		if (strcasecmp(o[i].name, "blksize") == 0)
			c->blksize = (unsigned)atoi(o[i].value);
		if (strcasecmp(o[i].name, "windowsize") == 0)
			c->window = (unsigned)atoi(o[i].value);
		if (strcasecmp(o[i].name, "rollover") == 0)
			c->rollover1 = strcmp(o[i].value, "1") == 0;
		if (strcasecmp(o[i].name, "msftwindow") == 0 &&
		    c->msft_next > 0)
			c->window = (unsigned)c->msft_next;
	}
	printf("\n");
	return 0;
}

/* After we stop acknowledging: count the server's retransmissions. */
static int
go_silent(struct client *c)
{
	uint8_t buf[TFTP_MAX_PKT];
	unsigned re = 0;
	ssize_t n;

	while ((n = recv_pkt(c, buf, sizeof(buf), 3 * c->timeout_ms)) > 0) {
		if (tftp_opcode_of(buf, (size_t)n) == TFTP_ERROR) {
			print_error(buf, (size_t)n);
			break;
		}
		re++;
	}
	printf("silence after %u packets\n", re);
	return 0;
}

/* The block before expect, minding the rollover. */
static uint16_t
prev_block(const struct client *c, uint16_t expect, uint64_t blocks)
{
	if (expect == 1 && c->rollover1 && blocks > 0)
		return 65535;
	return (uint16_t)(expect - 1);
}

static int
download(struct client *c)
{
	uint8_t buf[TFTP_MAX_PKT];
	uint64_t bytes = 0, blocks = 0, pkts = 0;
	uint16_t expect = 1, blk;
	const uint8_t *data;
	unsigned inwin = 0, tries = 0;
	FILE *out = NULL;
	size_t dl;
	ssize_t n;
	int op;

	if (c->out && (out = fopen(c->out, "wb")) == NULL) {
		perror(c->out);
		return 2;
	}
	send_request(c);
	for (;;) {
		n = next_reply(c, buf, sizeof(buf), &tries, blocks == 0 &&
		    !c->have_peer);
		if (n < 0)
			return 1;
		if (n == 0) {
			if (blocks > 0 || c->have_peer)
				send_ack(c, prev_block(c, expect, blocks));
			inwin = 0;
			continue;
		}
		op = tftp_opcode_of(buf, (size_t)n);
		if (op == TFTP_OACK && blocks == 0) {
			if (take_oack(c, buf, (size_t)n) < 0)
				return 1;
			if (c->refuse_oack) {
				n = tftp_build_error(buf, sizeof(buf),
				    TFTP_EOPTNEG, "tsize probe");
				send_to(c, buf, (size_t)n, true);
				printf("sent ERROR 8\n");
				return 0;
			}
			if (c->stop_after == 0)
				return go_silent(c);
			send_ack(c, 0);
			continue;
		}
		if (op != TFTP_DATA ||
		    tftp_parse_data(buf, (size_t)n, &blk, &data, &dl) < 0) {
			printf("unexpected %s\n", tftp_opcode_str(op));
			continue;
		}
		pkts++;
		if (c->drop_block >= 0 && blocks + 1 == (uint64_t)c->drop_block) {
			c->drop_block = -1;	/* lost once */
			continue;
		}
		if (blk != expect) {
			/* Out of order: acknowledge what we have. */
			send_ack(c, prev_block(c, expect, blocks));
			inwin = 0;
			continue;
		}
		if (out)
			fwrite(data, 1, dl, out);
		bytes += dl;
		blocks++;
		if (c->again_after >= 0 && blocks == (uint64_t)c->again_after)
			send_request(c);
		if (++expect == 0 && c->rollover1)
			expect = 1;
		if (!c->quiet)
			printf("DATA %u %zu\n", blk, dl);
		if (c->stop_after > 0 && (long)blocks >= c->stop_after)
			return go_silent(c);
		if (dl < c->blksize || ++inwin >= c->window) {
			send_ack(c, blk);
			inwin = 0;
		}
		if (dl < c->blksize)
			break;
	}
	if (out)
		fclose(out);
	printf("received %llu bytes in %llu blocks from %s, %llu DATA packets\n",
	    (unsigned long long)bytes, (unsigned long long)blocks,
	    peer_str(&c->peer), (unsigned long long)pkts);
	return 0;
}

static int
upload(struct client *c)
{
	uint8_t buf[TFTP_MAX_PKT], pkt[TFTP_MAX_PKT];
	uint16_t blk = 0, ack;
	size_t len = 0;
	unsigned tries = 0;
	bool last = false, started = false;
	FILE *in;
	ssize_t n;
	int next, op;

	if ((in = fopen(c->in, "rb")) == NULL) {
		perror(c->in);
		return 2;
	}
	send_request(c);
	for (;;) {
		if ((n = next_reply(c, buf, sizeof(buf), &tries,
		    !started)) < 0)
			return 1;
		if (n == 0) {
			if (started)
				send_to(c, pkt, len, true);
			continue;
		}
		op = tftp_opcode_of(buf, (size_t)n);
		if (op == TFTP_OACK && !started) {
			if (take_oack(c, buf, (size_t)n) < 0)
				return 1;
			ack = 0;
		} else if (op != TFTP_ACK ||
		    tftp_parse_ack(buf, (size_t)n, &ack, &next) < 0) {
			continue;
		}
		if (ack != blk)
			continue;	/* duplicate */
		started = true;
		if (last)
			break;
		if (c->stop_after >= 0 && blk >= c->stop_after)
			return go_silent(c);
		blk++;
		tftp_build_data_hdr(pkt, sizeof(pkt), blk);
		len = TFTP_HDR_LEN + fread(pkt + TFTP_HDR_LEN, 1, c->blksize,
		    in);
		last = len < TFTP_HDR_LEN + c->blksize;
		send_to(c, pkt, len, true);
	}
	fclose(in);
	printf("sent %u blocks to %s\n", blk, peer_str(&c->peer));
	return 0;
}

/* Send raw bytes and print the reply's opcode and content. */
static int
raw(struct client *c, const char *hex)
{
	uint8_t buf[TFTP_MAX_PKT];
	char pkt[4096];
	size_t len;
	ssize_t n;
	int op;

	if (unhex(hex, pkt, sizeof(pkt), &len) < 0)
		usage(2);
	send_to(c, pkt, len, false);
	if ((n = recv_pkt(c, buf, sizeof(buf), c->timeout_ms)) == 0) {
		printf("no reply\n");
		return 1;
	}
	op = tftp_opcode_of(buf, (size_t)n);
	if (op == TFTP_ERROR)
		print_error(buf, (size_t)n);
	else if (op == TFTP_OACK)
		take_oack(c, buf, (size_t)n);
	else
		printf("%s (%zd bytes)\n", tftp_opcode_str(op), n);
	return op == TFTP_ERROR;
}

static int
garbage(struct client *c, long count)
{
	uint8_t pkt[1500];
	unsigned seed = (unsigned)time(NULL);
	long i;
	size_t len, k;

	for (i = 0; i < count; i++) {
		len = (size_t)rand_r(&seed) % sizeof(pkt);
		for (k = 0; k < len; k++)
			pkt[k] = (uint8_t)rand_r(&seed);
		/* Every fourth one looks like a request, to reach the parser. */
		if (i % 4 == 0 && len > 2) {
			pkt[0] = 0;
			pkt[1] = (uint8_t)(1 + i % 6);
		}
		send_to(c, pkt, len, false);
		if (i % 64 == 63)
			usleep(1000);
	}
	printf("sent %ld garbage datagrams\n", count);
	return 0;
}

int
main(int argc, char **argv)
{
	struct client c;
	const char *rawhex = NULL;
	long gcount = -1;
	bool hexname = false;
	char *eq;
	int ch;

	memset(&c, 0, sizeof(c));
	c.mode = "octet";
	c.msft_next = -1;
	c.stop_after = -1;
	c.drop_block = -1;
	c.again_after = -1;
	c.window = 1;
	c.blksize = TFTP_BLKSIZE_DEFAULT;
	c.timeout_ms = 2000;
	while ((ch = getopt(argc, argv, "o:x:m:O:p:eM:s:t:r:g:qdD:a:h")) != -1) {
		switch (ch) {
		case 'o':
			if (c.nopts == MAXOPTS || (eq = strchr(optarg, '=')) ==
			    NULL)
				usage(2);
			*eq = '\0';
			c.optname[c.nopts] = optarg;
			c.optval[c.nopts++] = eq + 1;
			break;
		case 'x':
			if (unhex(optarg, c.filename, sizeof(c.filename),
			    &c.filename_len) < 0)
				usage(2);
			hexname = true;
			break;
		case 'm': c.mode = optarg; break;
		case 'O': c.out = optarg; break;
		case 'p': c.in = optarg; c.write = true; break;
		case 'e': c.refuse_oack = true; break;
		case 'M': c.msft_next = atoi(optarg); break;
		case 's': c.stop_after = atol(optarg); break;
		case 't': c.timeout_ms = atoi(optarg); break;
		case 'r': rawhex = optarg; break;
		case 'g': gcount = atol(optarg); break;
		case 'q': c.quiet = true; break;
		case 'd': c.dup_acks = true; break;
		case 'D': c.drop_block = atol(optarg); break;
		case 'a': c.again_after = atol(optarg); break;
		case 'h': usage(0); break;
		default: usage(2);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2 || (argc < 3 && !hexname && !rawhex && gcount < 0))
		usage(2);
	resolve(&c, argv[0], argv[1]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (rawhex)
		return raw(&c, rawhex);
	if (gcount >= 0)
		return garbage(&c, gcount);
	if (!hexname) {
		c.filename_len = strlen(argv[2]);
		if (c.filename_len >= sizeof(c.filename))
			usage(2);
		memcpy(c.filename, argv[2], c.filename_len);
	}
	return c.write ? upload(&c) : download(&c);
}
