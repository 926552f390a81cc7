/*
 * tap.h: a tiny Test Anything Protocol emitter for unit tests run under
 * automake's tap-driver.sh.  Each check prints "ok N - what" or
 * "not ok N - what"; tap_done() prints the plan and returns the exit status.
 */
#ifndef PXE_TAP_H
#define PXE_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static inline int __attribute__((format(printf, 2, 3)))
tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		tap_failed++;
	return cond;
}

#define tap_is(got, want, ...) do {					\
	long long tap_g_ = (long long)(got), tap_w_ = (long long)(want);	\
	if (!tap_ok(tap_g_ == tap_w_, __VA_ARGS__))			\
		printf("#   got %lld, want %lld (%s:%d)\n", tap_g_, tap_w_,	\
		    __FILE__, __LINE__);					\
} while (0)

#define tap_str(got, want, ...) do {					\
	const char *tap_g_ = (got), *tap_w_ = (want);			\
	if (!tap_ok(tap_g_ && tap_w_ && strcmp(tap_g_, tap_w_) == 0,	\
	    __VA_ARGS__))						\
		printf("#   got \"%s\", want \"%s\" (%s:%d)\n",		\
		    tap_g_ ? tap_g_ : "(null)", tap_w_ ? tap_w_ : "(null)",	\
		    __FILE__, __LINE__);					\
} while (0)

#define tap_mem(got, want, n, ...) \
	tap_ok(memcmp((got), (want), (n)) == 0, __VA_ARGS__)

static inline void tap_diag(const char *s) { printf("# %s\n", s); }

/* Count n checks as skipped, with the reason (a missing tool). */
static inline void
tap_skip(int n, const char *why)
{
	while (n-- > 0)
		printf("ok %d # SKIP %s\n", ++tap_n, why);
}

static inline int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}

#endif
