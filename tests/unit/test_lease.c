/*
 * Unit tests for bin/pxe-dhcpd/lease: the store in memory, the file it
 * keeps (reload, torn last line, bad lines, compaction) and address picking.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "../tap.h"
#include "../../bin/pxe-dhcpd/lease.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static char dir[PATH_MAX], path[PATH_MAX + 16];

static struct lease_client
mac(uint8_t last)
{
	struct lease_client c;

	memset(&c, 0, sizeof(c));
	c.htype = 1;
	c.hwlen = 6;
	c.hw[0] = 0x20;
	c.hw[1] = 0x6a;
	c.hw[2] = 0x8a;
	c.hw[5] = last;
	return c;
}

static struct lease
bound(uint32_t addr, struct lease_client c, int64_t expires, const char *name)
{
	struct lease l;

	memset(&l, 0, sizeof(l));
	l.addr = addr;
	l.client = c;
	l.expires = expires;
	l.state = LEASE_BOUND;
	snprintf(l.hostname, sizeof(l.hostname), "%s", name);
	return l;
}

/*
 * LeakSanitizer's "not a leak" mark, when the test runs under it: a store
 * dropped without lease_store_close() stands for a server killed with
 * kill -9, so its memory is abandoned on purpose.  Only that object (and
 * what hangs off it) is exempt, not lease.c's allocations in general.
 */
void __lsan_ignore_object(const void *p) __attribute__((weak));

static void
abandon(struct lease_store *ls)
{
	if (__lsan_ignore_object)
		__lsan_ignore_object(ls);
}

static size_t
file_lines(void)
{
	char buf[1 << 16];
	size_t n = 0, i;
	ssize_t r;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return 0;
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < (size_t)r; i++)
			n += buf[i] == '\n';
	close(fd);
	return n;
}

static void
append_raw(const char *s)
{
	int fd = open(path, O_WRONLY | O_APPEND);

	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		exit(99);
	close(fd);
}

static void
test_file(void)
{
	struct lease_store *ls;
	struct lease l;
	struct lease_client c1 = mac(1), c2 = mac(2), c3 = mac(3);
	const struct lease *got;
	unsigned bad = 7;
	char hw[64];

	tap_is(lease_store_open(&ls, path, &bad), 0, "open a new lease file");
	tap_is(bad, 0, "  no bad lines");
	tap_is(lease_count(ls), 0, "  empty");
	l = bound(IP(10, 0, 0, 10), c1, 1800000000, "laptop");
	tap_is(lease_set(ls, &l), 0, "set a lease");
	l = bound(IP(10, 0, 0, 11), c2, LEASE_INFINITE, "");
	lease_set(ls, &l);
	c3.cidlen = 7;
	memcpy(c3.cid, "\x01\x20\x6a\x8a\x00\x00\x03", 7);
	l = bound(IP(10, 0, 0, 12), c3, 1800000100, "pc3");
	lease_set(ls, &l);
	tap_is(lease_pending(ls), 3, "three lines pending");
	tap_is(lease_commit(ls), 0, "commit");
	tap_is(lease_pending(ls), 0, "  nothing pending");
	tap_is(file_lines(), 4, "  header + 3 lines on disk");
	/* Kill -9 now: nothing more than the file survives. */
	append_raw("1800000000 20:6a:8a:00:00:09 10.0.0.19 torn");
	lease_store_close(NULL);
	abandon(ls);

	tap_is(lease_store_open(&ls, path, &bad), 0, "reopen");
	tap_is(bad, 0, "  the torn last line is not a bad line");
	tap_is(lease_count(ls), 3, "  three leases back");
	got = lease_by_addr(ls, IP(10, 0, 0, 10));
	tap_ok(got && got->expires == 1800000000 &&
	    strcmp(got->hostname, "laptop") == 0, "  lease 1 intact");
	got = lease_by_addr(ls, IP(10, 0, 0, 11));
	tap_ok(got && got->expires == LEASE_INFINITE && got->hostname[0] == 0,
	    "  infinite lease without hostname intact");
	got = lease_by_client(ls, &c3);
	tap_ok(got && got->addr == IP(10, 0, 0, 12), "  found by client id");
	tap_ok(lease_by_addr(ls, IP(10, 0, 0, 19)) == NULL,
	    "  torn lease not loaded");
	lease_fmt_hw(hw, sizeof(hw), &c1);
	tap_str(hw, "20:6a:8a:00:00:01", "fmt_hw");

	/* The client of 10.0.0.10 moves to .20: .10 is let go. */
	l = bound(IP(10, 0, 0, 20), c1, 1800000200, "laptop");
	lease_set(ls, &l);
	tap_is(lease_pending(ls), 2, "moving a client queues two lines");
	got = lease_by_client(ls, &c1);
	tap_ok(got && got->addr == IP(10, 0, 0, 20), "  client found at .20");
	got = lease_by_addr(ls, IP(10, 0, 0, 10));
	tap_ok(got && got->state == LEASE_FREE, "  .10 is free");
	/* Release .11. */
	l = *lease_by_addr(ls, IP(10, 0, 0, 11));
	l.state = LEASE_FREE;
	lease_set(ls, &l);
	lease_commit(ls);
	append_raw("not a lease line\n1800000000 zz:zz 10.0.0.30 x *\n");
	/* Again as after kill -9: no close. */
	abandon(ls);
	tap_is(lease_store_open(&ls, path, &bad), 0, "reopen after moves");
	tap_is(bad, 2, "  two bad lines counted");
	got = lease_by_addr(ls, IP(10, 0, 0, 11));
	tap_ok(!got || got->state == LEASE_FREE, "  released lease free");
	got = lease_by_addr(ls, IP(10, 0, 0, 10));
	tap_ok(!got || got->state == LEASE_FREE, "  moved-from lease free");
	tap_ok(lease_by_addr(ls, IP(10, 0, 0, 20)) != NULL,
	    "  moved-to lease there");
	tap_is(file_lines(), 3, "  compacted at open: header + 2 leases");
	tap_is(lease_store_close(ls), 0, "close");
}

static bool
skip_42(void *arg, uint32_t a)
{
	(void)arg;
	return (a & 0xff) == 42;
}

static void
test_pick(void)
{
	struct lease_store *ls;
	struct lease l;
	uint32_t a, got;
	int64_t now = 1800000000;
	int i;

	unlink(path);
	lease_store_open(&ls, path, NULL);
	tap_is(lease_pick(ls, &(struct lease_client){ .htype = 1, .hwlen = 6,
	    .hw = { 1 } }, IP(10, 0, 0, 40), IP(10, 0, 0, 44), 0, now, skip_42,
	    NULL, &a), 0, "pick in an empty pool");
	tap_is(a, IP(10, 0, 0, 40), "  the first address");
	for (i = 0; i < 4; i++) {
		struct lease_client c = mac((uint8_t)(10 + i));

		if (lease_pick(ls, &c, IP(10, 0, 0, 40), IP(10, 0, 0, 44), 0,
		    now, skip_42, NULL, &a) < 0)
			break;
		l = bound(a, c, now + 60 * (i + 1), "");
		lease_set(ls, &l);
	}
	tap_is(i, 4, "four clients get addresses from a pool of 5 minus .42");
	tap_ok(lease_by_addr(ls, IP(10, 0, 0, 42)) == NULL,
	    "  the skipped address was never given");
	struct lease_client c5 = mac(20);
	tap_is(lease_pick(ls, &c5, IP(10, 0, 0, 40), IP(10, 0, 0, 44), 0, now,
	    skip_42, NULL, &a), -ENOSPC, "pool exhausted: -ENOSPC");
	struct lease_client c10 = mac(10);
	tap_is(lease_pick(ls, &c10, IP(10, 0, 0, 40), IP(10, 0, 0, 44),
	    IP(10, 0, 0, 44), now, skip_42, NULL, &a), 0,
	    "a client asking another address");
	tap_is(a, IP(10, 0, 0, 40), "  keeps its own");
	/* After the first two leases expire, the oldest is reused. */
	tap_is(lease_pick(ls, &c5, IP(10, 0, 0, 40), IP(10, 0, 0, 44), 0,
	    now + 150, skip_42, NULL, &a), 0, "pick after expiry");
	tap_is(a, IP(10, 0, 0, 40), "  the lease that expired first");
	tap_is(lease_pick(ls, &c5, IP(10, 0, 0, 40), IP(10, 0, 0, 44),
	    IP(10, 0, 0, 41), now + 150, skip_42, NULL, &a), 0,
	    "requested expired address");
	tap_is(a, IP(10, 0, 0, 41), "  granted");
	tap_is(lease_pick(ls, &c5, IP(10, 0, 0, 40), IP(10, 0, 0, 44),
	    IP(10, 0, 0, 43), now + 150, skip_42, NULL, &a), 0,
	    "requested address held by another");
	tap_ok(a != IP(10, 0, 0, 43), "  refused");
	/* Declined: set aside until its time, even for its own client. */
	l = *lease_by_addr(ls, IP(10, 0, 0, 40));
	l.state = LEASE_DECLINED;
	l.expires = now + 1000;
	lease_set(ls, &l);
	got = 0;
	for (i = 0; i < 3; i++)
		if (lease_pick(ls, &c10, IP(10, 0, 0, 40), IP(10, 0, 0, 44), 0,
		    now + 500, skip_42, NULL, &a) == 0 &&
		    a == IP(10, 0, 0, 40))
			got++;
	tap_is(got, 0, "declined address set aside");
	tap_is(lease_pick(ls, &c10, IP(10, 0, 0, 40), IP(10, 0, 0, 40), 0,
	    now + 1001, skip_42, NULL, &a), 0, "declined address after its time");
	lease_store_close(ls);
}

static void
test_scale(void)
{
	struct lease_store *ls;
	struct lease l;
	struct timespec t0, t1;
	uint32_t a;
	int i, ok = 0, dup = 0;
	double s;

	unlink(path);
	lease_store_open(&ls, path, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 20000; i++) {
		struct lease_client c = mac(0);

		c.hw[3] = (uint8_t)(i >> 8);
		c.hw[4] = (uint8_t)i;
		if (lease_pick(ls, &c, IP(10, 1, 0, 0), IP(10, 1, 255, 255), 0,
		    1800000000, NULL, NULL, &a) < 0)
			break;
		if (lease_by_addr(ls, a) != NULL)
			dup++;
		l = bound(a, c, 1800003600, "");
		if (lease_set(ls, &l) == 0)
			ok++;
		if (i % 100 == 99)
			lease_commit(ls);	/* a batch of 100 ACKs */
	}
	lease_commit(ls);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	tap_is(ok, 20000, "20000 leases set");
	tap_is(dup, 0, "  no address picked twice");
	printf("# 20000 leases in batches of 100: %.3f s\n", s);
	/* Churn: every client renews 5 times; the file stays compact. */
	for (i = 0; i < 100000; i++) {
		l = *lease_at(ls, (size_t)i % 20000);
		l.expires += 60;
		lease_set(ls, &l);
		if (i % 100 == 99)
			lease_commit(ls);
	}
	tap_ok(file_lines() <= 5 * 20000 + 1100, "log compacted under churn "
	    "(%zu lines)", file_lines());
	lease_store_close(ls);
	tap_is(file_lines(), 20001, "one line per lease after close");
	tap_is(lease_store_open(&ls, path, NULL), 0, "reopen 20000 leases");
	tap_is(lease_count(ls), 20000, "  all back");
	lease_store_close(ls);
}

/*
 * Issue 16, #8: a compaction that fails after the append was synced (a
 * folder the server may no longer write after --user: here LEASES.tmp is a
 * directory) must not fail the commit, or every ACK after it is withheld.
 */
static void
test_compact_fails(void)
{
	struct lease_store *ls;
	struct lease l;
	char tmp[PATH_MAX + 32];
	int i, failed = 0;

	unlink(path);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	tap_is(lease_store_open(&ls, path, NULL), 0, "open");
	if (mkdir(tmp, 0700) < 0)
		exit(99);
	for (i = 0; i < 3000; i++) {
		l = bound(IP(10, 0, 0, 10), mac(1), 1800000000 + i, "");
		lease_set(ls, &l);
		failed += lease_commit(ls) < 0;
	}
	tap_is(failed, 0, "commits succeed while compaction cannot");
	tap_ok(lease_compact_error(ls) < 0, "  the compaction error is kept "
	    "for the server to log");
	tap_ok(file_lines() >= 3000, "  every line on disk (%zu)",
	    file_lines());
	rmdir(tmp);
	for (i = 0; i < 3000; i++) {
		l = bound(IP(10, 0, 0, 10), mac(1), 1800010000 + i, "");
		lease_set(ls, &l);
		lease_commit(ls);
	}
	tap_is(lease_compact_error(ls), 0, "compaction works again once it "
	    "can");
	tap_ok(file_lines() < 3000, "  the file compacted (%zu lines)",
	    file_lines());
	lease_store_close(ls);
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/test_lease.XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		return 99;
	snprintf(path, sizeof(path), "%s/leases", dir);
	test_file();
	test_pick();
	test_scale();
	test_compact_fails();
	unlink(path);
	rmdir(dir);
	return tap_done();
}
