/*
 * udpref: the physical reference for the TFTP benchmark.
 *
 * A minimal sender/receiver pair over loopback that moves the same bytes a
 * TFTP read transfer moves, with nothing else: no file, no options, no
 * per-transfer bookkeeping.  The receiver (the "client", this process) sends
 * a 4-byte request; the sender (the "server", a forked child) answers with
 * datagrams of 4 + blksize bytes, the last one shorter, as TFTP does.
 *
 *   lock-step (-w 1): send one datagram, wait for a 4-byte ack, repeat.
 *   windowed  (-w W): send W datagrams, wait for one ack, repeat.
 *
 * Lost datagrams are not expected on loopback, but every wait is bounded:
 * the sender rewinds to the last acknowledged block after a timeout, the
 * receiver repeats its last ack, and both give up after a fixed number of
 * timeouts.
 *
 * Output, one line on stdout:
 *   bytes=N seconds=S mbps=M sender_cpu=C receiver_cpu=C
 * where mbps is 10^6 bytes per second and CPU is user + system seconds.
 *
 * Exit status: 0 success, 1 runtime failure, 2 usage error.
 *
 * Build: cc -O2 -o udpref udpref.c
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define HDR_LEN 4 /* 2-byte opcode + 2-byte block, as in TFTP */
#define MAX_BLKSIZE 65464
#define WAIT_MS 200	/* one timeout */
#define MAX_TIMEOUTS 25 /* consecutive timeouts before giving up */

/** What one run moves, and how. */
struct ref_opts {
	unsigned long long size; /* payload bytes */
	unsigned int blksize;	 /* payload bytes per datagram */
	unsigned int window;	 /* datagrams per ack */
};

/**
 * Parse a decimal number within [min, max].
 *
 * @return 0 on success, -1 if @s is not a number in range.
 */
static int
parse_num(const char *s, unsigned long long min, unsigned long long max,
	  unsigned long long *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/** Store a 32-bit block number in a 4-byte header, big-endian. */
static void
put_block(uint8_t *p, uint32_t blk)
{
	p[0] = blk >> 24;
	p[1] = blk >> 16;
	p[2] = blk >> 8;
	p[3] = blk;
}

/** Read the 32-bit block number from a 4-byte header. */
static uint32_t
get_block(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/** Seconds on the monotonic clock. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/** User + system seconds of a rusage. */
static double
cpu_seconds(const struct rusage *ru)
{
	return ru->ru_utime.tv_sec + ru->ru_utime.tv_usec / 1e6 +
	       ru->ru_stime.tv_sec + ru->ru_stime.tv_usec / 1e6;
}

/**
 * Wait up to WAIT_MS (the socket's receive timeout) for a datagram on @fd.
 *
 * @return its length, 0 on timeout, -1 on error.
 */
static ssize_t
recv_wait(int fd, uint8_t *buf, size_t len)
{
	ssize_t n;

	n = recv(fd, buf, len, 0);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK
			   ? 0
			   : -1;
	return n;
}

/**
 * Payload length of block @blk (1-based) of a transfer of @o->size bytes.
 * The last block is shorter than blksize, possibly empty.
 */
static size_t
block_len(const struct ref_opts *o, uint32_t blk)
{
	unsigned long long off = (unsigned long long)(blk - 1) * o->blksize;
	unsigned long long left = o->size - off;

	return left < o->blksize ? (size_t)left : o->blksize;
}

/**
 * Send one datagram; a full send queue (ENOBUFS, EAGAIN) counts as a loss,
 * which the timeouts repair, not as an error.
 *
 * @return 0 on success, -1 on failure.
 */
static int
send_dgram(int fd, const uint8_t *p, size_t len)
{
	if (send(fd, p, len, 0) < 0 && errno != ENOBUFS && errno != EAGAIN)
		return -1;
	return 0;
}

/**
 * The sender: wait for the request, then send every block, W at a time,
 * and return when the last block is acknowledged.
 *
 * @return 0 on success, -1 on failure.
 */
static int
run_sender(int fd, const struct ref_opts *o)
{
	static uint8_t pkt[HDR_LEN + MAX_BLKSIZE], ack[64];
	uint32_t nblocks = o->size / o->blksize + 1;
	uint32_t acked = 0, next = 1;
	int timeouts = 0;
	ssize_t n;

	memset(pkt, 0xa5, sizeof(pkt));
	do { /* the request */
		n = recv_wait(fd, ack, sizeof(ack));
		if (n < 0 || (n == 0 && ++timeouts > MAX_TIMEOUTS))
			return -1;
	} while (n == 0);
	timeouts = 0;
	while (acked < nblocks) {
		while (next <= nblocks && next <= acked + o->window) {
			size_t len = HDR_LEN + block_len(o, next);

			put_block(pkt, next);
			if (send_dgram(fd, pkt, len) < 0)
				return -1;
			next++;
		}
		n = recv_wait(fd, ack, sizeof(ack));
		if (n < 0)
			return -1;
		if (n < HDR_LEN) { /* timeout: rewind the window */
			if (++timeouts > MAX_TIMEOUTS)
				return -1;
			next = acked + 1;
			continue;
		}
		timeouts = 0;
		if (get_block(ack) > acked && get_block(ack) <= nblocks)
			acked = get_block(ack);
		if (next <= acked)
			next = acked + 1;
	}
	return 0;
}

/** Send a 4-byte ack for @blk. */
static int
send_ack(int fd, uint32_t blk)
{
	uint8_t ack[HDR_LEN];

	put_block(ack, blk);
	return send_dgram(fd, ack, sizeof(ack));
}

/**
 * The receiver: request, then take blocks in order, acking every W-th and
 * the last one.  Stores the elapsed time from the request to the last block.
 *
 * @return 0 on success, -1 on failure.
 */
static int
run_receiver(int fd, const struct ref_opts *o, unsigned long long *got,
	     double *secs)
{
	static uint8_t pkt[HDR_LEN + MAX_BLKSIZE];
	uint32_t expect = 1, blk;
	int timeouts = 0;
	double t0;
	ssize_t n;

	*got = 0;
	t0 = now();
	if (send_ack(fd, 0) < 0)
		return -1;
	for (;;) {
		n = recv_wait(fd, pkt, sizeof(pkt));
		if (n < 0)
			return -1;
		if (n < HDR_LEN) { /* timeout: repeat the last ack */
			if (++timeouts > MAX_TIMEOUTS ||
			    send_ack(fd, expect - 1) < 0)
				return -1;
			continue;
		}
		timeouts = 0;
		blk = get_block(pkt);
		if (blk != expect) {
			if (send_ack(fd, expect - 1) < 0)
				return -1;
			continue;
		}
		expect++;
		*got += n - HDR_LEN;
		if ((size_t)(n - HDR_LEN) < o->blksize)
			break;
		if (blk % o->window == 0 && send_ack(fd, blk) < 0)
			return -1;
	}
	*secs = now() - t0;
	return send_ack(fd, blk);
}

/**
 * Open a UDP socket bound to 127.0.0.1 on an ephemeral port.
 *
 * @return the socket, or -1.
 */
static int
open_loopback(struct sockaddr_in *sin)
{
	socklen_t len = sizeof(*sin);

	struct timeval tv = {.tv_sec = 0, .tv_usec = WAIT_MS * 1000};
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    bind(fd, (struct sockaddr *)sin, sizeof(*sin)) < 0 ||
	    getsockname(fd, (struct sockaddr *)sin, &len) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
usage(void)
{
	fprintf(stderr, "usage: udpref [-b blksize] [-w window] [-s bytes]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct ref_opts o = {
	    .size = 256ULL << 20, .blksize = 1468, .window = 1};
	struct sockaddr_in sa, ra;
	unsigned long long v, got = 0;
	struct rusage self, kids;
	double secs = 0;
	int sfd, rfd, ch, status, rc;
	pid_t pid;

	while ((ch = getopt(argc, argv, "b:s:w:")) != -1) {
		switch (ch) {
		case 'b':
			if (parse_num(optarg, 8, MAX_BLKSIZE, &v) < 0)
				usage();
			o.blksize = v;
			break;
		case 's':
			if (parse_num(optarg, 0, 1ULL << 40, &v) < 0)
				usage();
			o.size = v;
			break;
		case 'w':
			if (parse_num(optarg, 1, 65535, &v) < 0)
				usage();
			o.window = v;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || o.size / o.blksize + 1 > UINT32_MAX)
		usage();

	sfd = open_loopback(&sa);
	rfd = open_loopback(&ra);
	if (sfd < 0 || rfd < 0 ||
	    connect(sfd, (struct sockaddr *)&ra, sizeof(ra)) < 0 ||
	    connect(rfd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("udpref: socket");
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		perror("udpref: fork");
		return 1;
	}
	if (pid == 0) {
		close(rfd);
		_exit(run_sender(sfd, &o) < 0 ? 1 : 0);
	}
	close(sfd);
	rc = run_receiver(rfd, &o, &got, &secs);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		rc = -1;
	if (rc < 0 || got != o.size) {
		fprintf(stderr,
			"udpref: transfer failed (%llu of %llu bytes)\n", got,
			o.size);
		return 1;
	}
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	printf("bytes=%llu seconds=%.3f mbps=%.1f sender_cpu=%.2f "
	       "receiver_cpu=%.2f\n",
	       got, secs, secs > 0 ? got / secs / 1e6 : 0, cpu_seconds(&kids),
	       cpu_seconds(&self));
	return 0;
}
