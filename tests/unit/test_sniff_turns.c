/*
 * Unit tests for pxe-sniff's turns (bin/pxe-sniff/turns.c and the TFTP
 * tracker's use of them): the histogram's buckets and quantiles, then
 * whole transfers fed as frames with chosen times, in lock-step and with
 * a window, with a slow server, a slow client and a resent block, checked
 * against the times they were built with.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "../../bin/pxe-sniff/sniff.h"

/* ---- the histogram ---- */

static void
test_buckets(void)
{
	struct turns t;
	uint64_t ns, mid, worst = 0, q;
	unsigned b, i, ok = 1;

	tap_is(turns_bucket(0), 0, "0 ns is in the first bucket");
	tap_is(turns_bucket(1023), 0, "1023 ns is in the first bucket");
	tap_is(turns_bucket(1024), 1, "1024 ns starts the second");
	tap_is(turns_bucket(UINT64_MAX), TURN_BUCKETS - 1,
	    "anything longer is in the last bucket");
	/* Every value from 1 us to 100 s lands in a bucket whose middle is
	 * within 1/16 of it (8 steps per octave). */
	for (ns = 1024; ns < 100000000000ULL; ns += ns / 7 + 1) {
		b = turns_bucket(ns);
		mid = turns_mid(b);
		if (b > 0 && b < TURN_BUCKETS - 1 &&
		    (mid > ns + ns / 16 || mid + ns / 16 < ns)) {
			ok = 0;
			worst = ns;
		}
		if (b > 0 && turns_bucket(ns - 1) > b)
			ok = 0;
	}
	tap_ok(ok, "bucket middles are within 1/16 of the value (worst %llu)",
	    (unsigned long long)worst);

	memset(&t, 0, sizeof(t));
	tap_is(turns_quantile(&t, 0.5), 0, "no turns: quantile 0");
	/* 98 turns of 20 us, 2 of 5 ms: median 20 us, p99 5 ms. */
	for (i = 0; i < 98; i++)
		turns_add(&t, 20000);
	turns_add(&t, 5000000);
	turns_add(&t, 5000000);
	tap_is(t.n, 100, "100 turns counted");
	tap_is(t.sum_ns, 98 * 20000ULL + 10000000ULL, "their sum is exact");
	q = turns_quantile(&t, 0.5);
	tap_ok(q >= 19000 && q <= 21000, "median of 20 us: %llu ns",
	    (unsigned long long)q);
	q = turns_quantile(&t, 0.99);
	tap_ok(q >= 4700000 && q <= 5300000, "p99 of 5 ms: %llu ns",
	    (unsigned long long)q);
}

/* ---- transfers, as frames ---- */

#define T0	1796700000.0	/* a capture's times are since the epoch */

static uint8_t frame[1600];

/* An Ethernet + IPv4 + UDP frame from 10.0.0.(src) to 10.0.0.(dst). */
static size_t
udp_frame(uint8_t src, uint16_t sport, uint8_t dst, uint16_t dport,
    const uint8_t *pl, size_t n)
{
	static const uint8_t smac[6] = { 2, 0, 0x5e, 0, 0, 1 };
	static const uint8_t cmac[6] = { 2, 0, 0x5e, 0, 0, 0x17 };
	uint8_t *ip = frame + 14, *udp = ip + 20;
	size_t iplen = 20 + 8 + n;

	memcpy(frame, src == 1 ? cmac : smac, 6);
	memcpy(frame + 6, src == 1 ? smac : cmac, 6);
	frame[12] = 0x08;
	frame[13] = 0x00;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[2] = (uint8_t)(iplen >> 8);
	ip[3] = (uint8_t)iplen;
	ip[8] = 64;
	ip[9] = 17;
	ip[12] = 10, ip[15] = src;
	ip[16] = 10, ip[19] = dst;
	udp[0] = (uint8_t)(sport >> 8), udp[1] = (uint8_t)sport;
	udp[2] = (uint8_t)(dport >> 8), udp[3] = (uint8_t)dport;
	udp[4] = (uint8_t)((8 + n) >> 8), udp[5] = (uint8_t)(8 + n);
	udp[6] = udp[7] = 0;
	memcpy(udp + 8, pl, n);
	return 14 + iplen;
}

struct run {
	struct sniff s;
	char *buf;
	size_t len;
	double t;
};

static void
run_start(struct run *r)
{
	memset(r, 0, sizeof(*r));
	r->s.out = open_memstream(&r->buf, &r->len);
	r->s.mode = OUT_TEXT;
	r->t = T0;
}

static void
feed(struct run *r, double dt, uint8_t src, uint16_t sport, uint8_t dst,
    uint16_t dport, const uint8_t *pl, size_t n)
{
	r->t += dt;
	sniff_frame(&r->s, r->t, FRAME_LINK_ETHERNET, frame,
	    udp_frame(src, sport, dst, dport, pl, n));
}

/* The client (10.0.0.100:2000) asks 10.0.0.1 for big.img. */
static void
rrq(struct run *r, const char *opts, size_t optlen)
{
	uint8_t p[128] = { 0, 1 };
	size_t n = 2;

	memcpy(p + n, "big.img\0octet\0", 14);
	n += 14;
	memcpy(p + n, opts, optlen);
	n += optlen;
	feed(r, 0, 100, 2000, 1, 69, p, n);
}

static void
data(struct run *r, double dt, uint16_t blk, size_t len)
{
	uint8_t p[4 + 512] = { 0, 3, (uint8_t)(blk >> 8), (uint8_t)blk };

	memset(p + 4, 'x', len);
	feed(r, dt, 1, 3000, 100, 2000, p, 4 + len);
}

static void
ack(struct run *r, double dt, uint16_t blk)
{
	uint8_t p[4] = { 0, 4, (uint8_t)(blk >> 8), (uint8_t)blk };

	feed(r, dt, 100, 2000, 1, 3000, p, 4);
}

static char *
run_end(struct run *r)
{
	sniff_finish(&r->s);
	fflush(r->s.out);
	return r->buf;
}

static void
run_free(struct run *r)
{
	sniff_free(&r->s);
	fclose(r->s.out);
	free(r->buf);
}

static int
near(uint64_t got_ns, double want_s, double tol)
{
	double g = (double)got_ns / 1e9;

	return g >= want_s * (1 - tol) && g <= want_s * (1 + tol);
}

/*
 * Lock-step, 600 blocks of 512 bytes: the server answers each ACK in
 * srv_s, the client each DATA in cli_s.  Block 300 is sent twice, the
 * second time 0.5 s later, as after a lost ACK: nobody's turn.  Block 99's
 * ACK comes again halfway through block 100's turn: not a turn either.
 */
static void
lockstep(double srv_s, double cli_s, const char *who)
{
	struct run r;
	struct xfer *x;
	const char *out;
	char want[64];
	unsigned k;
	uint64_t q;

	run_start(&r);
	rrq(&r, "", 0);
	for (k = 1; k <= 600; k++) {
		data(&r, srv_s, (uint16_t)k, k < 600 ? 512 : 100);
		if (k == 300)	/* its ACK was lost: sent again */
			data(&r, 0.5, (uint16_t)k, 512);
		if (k == 100) {	/* a duplicate of the last ACK: no turn */
			ack(&r, cli_s / 2, (uint16_t)(k - 1));
			ack(&r, cli_s / 2, (uint16_t)k);
			continue;
		}
		ack(&r, cli_s, (uint16_t)k);
	}
	out = run_end(&r);
	x = r.s.nxfers == 1 ? r.s.xfers[0] : NULL;
	if (!tap_ok(x && x->srv && x->cli, "%s: the transfer has turns",
	    who)) {
		run_free(&r);
		return;
	}
	tap_is(x->retransmits, 1, "%s: one resent block", who);
	/* 600 server turns (the request's and 599 ACKs'); 599 client turns:
	 * the resent block's wait is nobody's. */
	tap_is(x->srv->n, 600, "%s: server turns", who);
	tap_is(x->cli->n, 599, "%s: client turns", who);
	tap_ok(near(x->srv->sum_ns, 600 * srv_s, 0.01),
	    "%s: waiting on the server %.4f s, built as %.4f s", who,
	    (double)x->srv->sum_ns / 1e9, 600 * srv_s);
	tap_ok(near(x->cli->sum_ns, 599 * cli_s, 0.01),
	    "%s: waiting on the client %.4f s, built as %.4f s", who,
	    (double)x->cli->sum_ns / 1e9, 599 * cli_s);
	q = turns_quantile(x->srv, 0.5);
	tap_ok(near(q, srv_s, 0.07), "%s: the server's median turn %llu ns",
	    who, (unsigned long long)q);
	q = turns_quantile(x->cli, 0.99);
	tap_ok(near(q, cli_s, 0.07), "%s: the client's p99 turn %llu ns",
	    who, (unsigned long long)q);
	tap_ok(strstr(out, "; waiting on the server ") != NULL,
	    "%s: the transfer's line tells the waits", who);
	snprintf(want, sizeof(want), "; %s set the pace (", who);
	if (!tap_ok(strstr(out, want) != NULL, "%s: the slow-transfer note "
	    "names it", who))
		printf("# %s", out);
	run_free(&r);
}

/* Windowsize 4: a turn is from an ACK to the window's first DATA, and
 * from the window's last DATA to its ACK. */
static void
windowed(void)
{
	static const char opts[] = "windowsize\0" "4\0";
	static const uint8_t oack[] = { 0, 6, 'w', 'i', 'n', 'd', 'o', 'w',
		's', 'i', 'z', 'e', 0, '4', 0 };
	struct run r;
	struct xfer *x;
	unsigned k;

	run_start(&r);
	rrq(&r, opts, sizeof(opts) - 1);
	feed(&r, 0.000040, 1, 3000, 100, 2000, oack, sizeof(oack));
	ack(&r, 0.000300, 0);
	for (k = 1; k <= 400; k++) {
		data(&r, k % 4 == 1 ? 0.000040 : 0.000005, (uint16_t)k,
		    k < 400 ? 512 : 0);
		if (k % 4 == 0)
			ack(&r, 0.000300, (uint16_t)k);
	}
	run_end(&r);
	x = r.s.nxfers == 1 ? r.s.xfers[0] : NULL;
	if (!tap_ok(x && x->srv && x->cli && x->windowsize == 4,
	    "windowed: the transfer has turns and windowsize 4")) {
		run_free(&r);
		return;
	}
	/* The request and 100 window ACKs (ACK 0 included) each answered
	 * once; the OACK and 100 windows each acknowledged once. */
	tap_is(x->srv->n, 101, "windowed: server turns, one a window");
	tap_is(x->cli->n, 101, "windowed: client turns, one a window");
	tap_ok(near(turns_quantile(x->srv, 0.5), 0.000040, 0.07),
	    "windowed: the server's median turn is ACK to first DATA");
	tap_ok(near(x->cli->sum_ns, 101 * 0.000300, 0.01),
	    "windowed: the client's turns run from the window's last DATA "
	    "(%.6f s)", (double)x->cli->sum_ns / 1e9);
	run_free(&r);
}

/* A short transfer says nothing of turns. */
static void
short_one(void)
{
	struct run r;
	const char *out;

	run_start(&r);
	rrq(&r, "", 0);
	data(&r, 0.001, 1, 512);
	ack(&r, 0.001, 1);
	data(&r, 0.001, 2, 10);
	ack(&r, 0.001, 2);
	out = run_end(&r);
	tap_ok(strstr(out, "got \"big.img\"") != NULL &&
	    strstr(out, "waiting on") == NULL,
	    "a 2-block transfer is told without waits");
	run_free(&r);
}

int
main(void)
{
	test_buckets();
	lockstep(0.005, 0.0001, "the server");
	lockstep(0.00002, 0.001, "the client");
	lockstep(0.0005, 0.0005, "both sides");
	windowed();
	short_one();
	return tap_done();
}
