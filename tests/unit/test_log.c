/*
 * Unit tests for lib/libpxe/log: the one escaper for client strings (every
 * branch, the cut with "..." too) and the rate-limited drop logger, read
 * back from a file sink.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tap.h"
#include "libpxe/log.h"

#define S(s) s, sizeof(s) - 1

static const struct {
	const char *what;
	const char *in;
	size_t len;
	size_t cap;
	unsigned flags;
	const char *out;
} escapes[] = {
	{ "plain text", S("pxelinux.0"), 64, 0, "pxelinux.0" },
	{ "quote and backslash", S("a\"b\\c"), 64, 0, "a\\\"b\\\\c" },
	{ "newline, return, tab", S("a\nb\rc\td"), 64, 0, "a\\nb\\rc\\td" },
	{ "escape and DEL", S("\x1b[2J\x7f"), 64, 0, "\\x1b[2J\\x7f" },
	{ "bytes over 0x7f", S("caf\xc3\xa9"), 64, 0, "caf\\xc3\\xa9" },
	{ "a NUL inside", S("a\0b"), 64, 0, "a\\x00b" },
	{ "backslash kept with the flag", S("\\\\srv\\share"), 64,
	  PXE_ESC_BACKSLASH, "\\\\srv\\share" },
	{ "the flag keeps quoting", S("a\"\x01"), 64, PXE_ESC_BACKSLASH,
	  "a\\\"\\x01" },
	{ "cut with an ellipsis", S("abcdefghijklmnop"), 10, 0, "abcdef..." },
	{ "an exact fit is not cut", S("abc"), 4, 0, "abc" },
	{ "an escape is never split", S("\x01\x01\x01"), 7, 0, "..." },
	{ "room for nothing but the NUL", S("abc"), 1, 0, "" },
	{ "empty", S(""), 8, 0, "" },
};

static void
test_escape(void)
{
	char out[64];
	size_t i, n;

	for (i = 0; i < sizeof(escapes) / sizeof(escapes[0]); i++) {
		memset(out, 'X', sizeof(out));
		n = pxe_log_escape_flags(out, escapes[i].cap, escapes[i].in,
		    escapes[i].len, escapes[i].flags);
		tap_str(out, escapes[i].out, "escape: %s", escapes[i].what);
		tap_is(n, strlen(escapes[i].out), "  returns its length");
		tap_ok(n < escapes[i].cap, "  within the capacity");
	}
	tap_is(pxe_log_escape(out, 0, "abc", 3), 0,
	    "capacity 0 writes nothing");
	pxe_log_escape(out, sizeof(out), S("a\\b"));
	tap_str(out, "a\\\\b", "pxe_log_escape doubles a backslash");
}

/* How many lines of the file contain s. */
static int
count(const char *path, const char *s)
{
	char line[512];
	FILE *f = fopen(path, "r");
	int n = 0;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, s) != NULL)
			n++;
	fclose(f);
	return n;
}

static void
test_drop(void)
{
	char path[] = "/tmp/test_log.XXXXXX";
	struct pxe_droplog dl = { 0, 0 };
	int fd, i;

	if ((fd = mkstemp(path)) < 0) {
		tap_skip(6, "no temporary file");
		return;
	}
	close(fd);
	pxe_log_init("test_log");
	tap_is(pxe_log_open(path), 0, "log to a file");
	for (i = 0; i < 12; i++)
		pxe_log_drop(&dl, 5000, "from 10.0.0.%d: flood", i);
	tap_is(count(path, "dropped packet from 10.0.0."), PXE_DROP_LOG_PER_SEC,
	    "12 drops in one second: %d lines", PXE_DROP_LOG_PER_SEC);
	tap_is(count(path, "more malformed"), 0, "  and no summary yet");
	pxe_log_drop(&dl, 6000, "from 10.0.0.99: late");
	tap_is(count(path, "7 more malformed packets dropped"), 1,
	    "the next second says how many were kept out");
	tap_is(count(path, "dropped packet from 10.0.0.99: late"), 1,
	    "  and logs its own drop");
	for (i = 0; i < 6; i++)
		pxe_log_drop(&dl, 6100, "from 10.0.0.%d: again", i);
	pxe_log_drop_flush(&dl);
	pxe_log_drop_flush(&dl);
	tap_is(count(path, "2 more malformed packets dropped"), 1,
	    "a flush (the counters) says it once");
	pxe_log_open("stderr");
	unlink(path);
}

int
main(void)
{
	test_escape();
	test_drop();
	return tap_done();
}
