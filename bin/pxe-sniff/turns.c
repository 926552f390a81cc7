/*
 * turns.c: a constant-size histogram of TFTP turn times (see turns.h).
 * Buckets are log-linear: the octave of the value in nanoseconds, then its
 * next three bits, so no floating point and no libm.
 */
#include "turns.h"

#define TURN_MIN_OCTAVE	10	/* 1024 ns: below it, bucket 0 */

unsigned
turns_bucket(uint64_t ns)
{
	unsigned oct, sub, b;

	if (ns < (1ULL << TURN_MIN_OCTAVE))
		return 0;
	oct = 63 - (unsigned)__builtin_clzll(ns);
	sub = (unsigned)(ns >> (oct - 3)) & 7;
	b = (oct - TURN_MIN_OCTAVE) * 8 + sub + 1;
	return b < TURN_BUCKETS ? b : TURN_BUCKETS - 1;
}

uint64_t
turns_mid(unsigned b)
{
	unsigned oct, sub;

	if (b == 0)
		return 1ULL << (TURN_MIN_OCTAVE - 1);
	oct = (b - 1) / 8 + TURN_MIN_OCTAVE;
	sub = (b - 1) % 8;
	return ((8ULL + sub) << (oct - 3)) + (1ULL << (oct - 3)) / 2;
}

void
turns_add(struct turns *t, uint64_t ns)
{
	t->n++;
	t->sum_ns += ns;
	t->hist[turns_bucket(ns)]++;
}

uint64_t
turns_quantile(const struct turns *t, double q)
{
	uint64_t want, seen = 0;
	unsigned b;

	if (t->n == 0)
		return 0;
	want = (uint64_t)(q * (double)t->n + 0.5);
	if (want < 1)
		want = 1;
	for (b = 0; b < TURN_BUCKETS; b++) {
		seen += t->hist[b];
		if (seen >= want)
			return turns_mid(b);
	}
	return turns_mid(TURN_BUCKETS - 1);
}
