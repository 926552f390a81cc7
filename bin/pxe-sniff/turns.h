/*
 * turns.h: who set a TFTP transfer's pace.  A transfer alternates between
 * waiting on the server (from an ACK to the next new DATA) and waiting on
 * the client (from the last DATA sent to its ACK).  Each such wait is a
 * "turn"; turns_add keeps their count, sum and a log-linear histogram (8
 * steps per octave from 1 us, so a quantile is within 1/16 of the truth)
 * in constant memory, whatever the transfer's length.
 */
#ifndef PXE_SNIFF_TURNS_H
#define PXE_SNIFF_TURNS_H

#include <stdint.h>

#define TURN_BUCKETS	225	/* < 1 us, then 1 us .. 2^37 ns by 8ths */

struct turns {
	uint64_t n;
	uint64_t sum_ns;
	uint32_t hist[TURN_BUCKETS];
};

/* Count one turn of ns nanoseconds. */
void turns_add(struct turns *t, uint64_t ns);
/* The q-quantile (0 < q <= 1) in nanoseconds, 0 when there are none. */
uint64_t turns_quantile(const struct turns *t, double q);
/* Bucket of ns, and the middle of bucket b (exposed for the unit test). */
unsigned turns_bucket(uint64_t ns);
uint64_t turns_mid(unsigned b);

#endif
