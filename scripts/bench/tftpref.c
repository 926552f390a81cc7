/*
 * tftpref: the "ideal server" reference for the TFTP benchmark.
 *
 * The least a TFTP server can do to serve a read request: one transfer at a
 * time, the file mapped into memory, no logging, no path checks, no timers
 * beyond one poll timeout, no bookkeeping.  It answers RRQ in octet mode
 * (any mode is sent as octet), grants blksize (up to 65464), windowsize
 * and tsize in an OACK, and sends each block with one sendmsg() straight from the mapping.
 *
 * Its point: run with the very clients the servers are measured with, it
 * shows what those clients allow.  When the clients, not the server, set
 * the pace (lock-step: one DATA, one ACK), no real server can beat this
 * one, so "N times the best peer" cannot exceed tftpref / best peer.
 *
 * usage: tftpref -r ROOT [-a ADDR] [-p PORT]
 * It serves until killed.  Build: cc -O2 -o tftpref tftpref.c
 * Exit status: 1 runtime failure, 2 usage error.
 */
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define MAXPKT	(4 + 65464)

static int root_fd = -1;

struct req {
	char name[512];
	unsigned blksize, window;
	int tsize;		/* asked for */
	int opts;		/* any option granted */
};

/* Parse an RRQ: opcode 1, name, mode, then option pairs.  0 or -1. */
static int
parse_rrq(const uint8_t *p, size_t n, struct req *r)
{
	const char *s = (const char *)p + 2, *end = (const char *)p + n;
	const char *name, *mode, *k, *v;
	long x;

	memset(r, 0, sizeof(*r));
	r->blksize = 512;
	r->window = 1;
	if (n < 4 || p[0] != 0 || p[1] != 1 || p[n - 1] != 0)
		return -1;
	name = s;
	s += strlen(s) + 1;
	if (s >= end)
		return -1;
	mode = s;
	s += strlen(s) + 1;
	(void)mode;
	while (s < end) {
		k = s;
		s += strlen(s) + 1;
		if (s >= end)
			break;
		v = s;
		s += strlen(s) + 1;
		x = strtol(v, NULL, 10);
		if (strcasecmp(k, "blksize") == 0 && x >= 8) {
			r->blksize = x > 65464 ? 65464 : (unsigned)x;
			r->opts = 1;
		} else if (strcasecmp(k, "windowsize") == 0 && x >= 1) {
			r->window = x > 65535 ? 65535 : (unsigned)x;
			r->opts = 1;
		} else if (strcasecmp(k, "tsize") == 0) {
			r->tsize = 1;
			r->opts = 1;
		}
	}
	while (*name == '/')
		name++;
	snprintf(r->name, sizeof(r->name), "%s", name);
	return 0;
}

static size_t
put_opt(uint8_t *p, size_t o, const char *k, unsigned long long v)
{
	return o + (size_t)sprintf((char *)p + o, "%s", k) + 1 +
	    (size_t)sprintf((char *)p + o + strlen(k) + 1, "%llu", v) + 1;
}

static void
error_pkt(int s, unsigned code, const char *msg)
{
	uint8_t p[128];
	size_t n = 4 + (size_t)snprintf((char *)p + 4, sizeof(p) - 4, "%s",
	    msg) + 1;

	p[0] = 0;
	p[1] = 5;
	p[2] = 0;
	p[3] = (uint8_t)code;
	(void)send(s, p, n, 0);
}

/* Wait for an ACK; its 16-bit block number, or -1 on timeout/error. */
static int
wait_ack(int s)
{
	struct pollfd pfd = { .fd = s, .events = POLLIN };
	uint8_t p[MAXPKT];
	ssize_t n;

	for (;;) {
		if (poll(&pfd, 1, 1000) <= 0)
			return -1;
		if ((n = recv(s, p, sizeof(p), 0)) < 0)
			return -1;
		if (n >= 4 && p[1] == 4)
			return p[2] << 8 | p[3];
		if (n >= 2 && p[1] == 5)
			return -2;	/* the client aborted */
	}
}

static void
serve(const struct sockaddr_in *local, const struct sockaddr_in *peer,
    const struct req *r)
{
	static uint8_t pkt[MAXPKT];
	uint8_t hdr[4];
	struct iovec iov[2] = { { hdr, 4 }, { NULL, 0 } };
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
	const uint8_t *data = NULL;
	uint64_t nblocks, base = 0, k, acked;
	struct stat st;
	size_t o, len;
	int s, fd, tries = 0, a;
	struct sockaddr_in me = *local;

	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
		return;
	me.sin_port = 0;
	if (bind(s, (struct sockaddr *)&me, sizeof(me)) < 0 ||
	    connect(s, (const struct sockaddr *)peer, sizeof(*peer)) < 0)
		goto out;
	if ((fd = openat(root_fd, r->name, O_RDONLY)) < 0) {
		error_pkt(s, 1, "File not found");
		goto out;
	}
	if (fstat(fd, &st) < 0) {
		close(fd);
		goto out;
	}
	if (st.st_size > 0 && (data = mmap(NULL, (size_t)st.st_size,
	    PROT_READ, MAP_SHARED, fd, 0)) == MAP_FAILED) {
		close(fd);
		goto out;
	}
	close(fd);
	nblocks = (uint64_t)st.st_size / r->blksize + 1;
	if (r->opts) {
		pkt[0] = 0;
		pkt[1] = 6;
		o = 2;
		if (r->blksize != 512)
			o = put_opt(pkt, o, "blksize", r->blksize);
		if (r->window != 1)
			o = put_opt(pkt, o, "windowsize", r->window);
		if (r->tsize)
			o = put_opt(pkt, o, "tsize",
			    (unsigned long long)st.st_size);
		for (;;) {
			(void)send(s, pkt, o, 0);
			if ((a = wait_ack(s)) == 0)
				break;
			if (a == -2 || ++tries > 5)
				goto unmap;
		}
	}
	tries = 0;
	while (base < nblocks) {
		for (k = base + 1; k <= nblocks && k <= base + r->window; k++) {
			len = (k - 1) * r->blksize + r->blksize <=
			    (uint64_t)st.st_size ? r->blksize :
			    (size_t)((uint64_t)st.st_size - (k - 1) * r->blksize);
			hdr[0] = 0;
			hdr[1] = 3;
			hdr[2] = (uint8_t)(k >> 8);
			hdr[3] = (uint8_t)k;
			iov[1].iov_base = (void *)(data + (k - 1) * r->blksize);
			iov[1].iov_len = len;
			(void)sendmsg(s, &msg, 0);	/* no copy into a buffer */
		}
		a = wait_ack(s);
		if (a == -2)
			break;
		if (a < 0) {
			if (++tries > 5)
				break;
			continue;	/* resend the window */
		}
		tries = 0;
		/* The 16-bit number nearest above base (rollover to 0). */
		acked = (base & ~(uint64_t)0xffff) | (uint64_t)a;
		if (acked < base)
			acked += 0x10000;
		if (acked > base + r->window)
			continue;	/* stale */
		base = acked;
	}
unmap:
	if (data)
		munmap((void *)data, (size_t)st.st_size);
out:
	close(s);
}

int
main(int argc, char **argv)
{
	struct sockaddr_in me = { .sin_family = AF_INET }, peer;
	socklen_t plen;
	uint8_t p[2048];
	struct req r;
	ssize_t n;
	int ch, s, port = 69;
	const char *root = NULL, *addr = "127.0.0.1";

	while ((ch = getopt(argc, argv, "r:a:p:")) != -1) {
		switch (ch) {
		case 'r': root = optarg; break;
		case 'a': addr = optarg; break;
		case 'p': port = atoi(optarg); break;
		default: goto usage;
		}
	}
	if (root == NULL || inet_pton(AF_INET, addr, &me.sin_addr) != 1)
		goto usage;
	if ((root_fd = open(root, O_RDONLY | O_DIRECTORY)) < 0) {
		perror(root);
		return 1;
	}
	me.sin_port = htons((uint16_t)port);
	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    bind(s, (struct sockaddr *)&me, sizeof(me)) < 0) {
		perror("tftpref: bind");
		return 1;
	}
	for (;;) {
		plen = sizeof(peer);
		n = recvfrom(s, p, sizeof(p) - 1, 0, (struct sockaddr *)&peer,
		    &plen);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("tftpref: recvfrom");
			return 1;
		}
		p[n] = 0;
		if (parse_rrq(p, (size_t)n, &r) == 0)
			serve(&me, &peer, &r);
	}
usage:
	fprintf(stderr, "usage: tftpref -r ROOT [-a ADDR] [-p PORT]\n");
	return 2;
}
