/* Unit tests for lib/libpxe/str: bounded copy and trim. */
#include <string.h>

#include "../tap.h"
#include "libpxe/str.h"

static void
test_copy(void)
{
	char buf[8];

	memset(buf, 'X', sizeof(buf));
	tap_is(pxe_str_copy(buf, sizeof(buf), "abc"), 3, "copy: fits");
	tap_str(buf, "abc", "  copied");
	tap_is(pxe_str_copy(buf, sizeof(buf), "abcdefgh"), 7, "copy: cut");
	tap_str(buf, "abcdefg", "  cut to the capacity, terminated");
	tap_is(pxe_str_copy(buf, sizeof(buf), "abcdefg"), 7,
	    "copy: an exact fit");
	tap_is(pxe_str_copy(buf, 1, "abc"), 0, "copy: capacity 1");
	tap_str(buf, "", "  gives the empty string");
	tap_is(pxe_str_copy(buf, sizeof(buf), ""), 0, "copy: empty");
}

static void
test_trim(void)
{
	char a[] = "  \t name = value \r\n", b[] = "plain", c[] = " \t\n ";

	tap_str(pxe_str_trim(a), "name = value", "trim: both ends");
	tap_str(pxe_str_trim(b), "plain", "trim: nothing to trim");
	tap_str(pxe_str_trim(c), "", "trim: only white space");
}

int
main(void)
{
	test_copy();
	test_trim();
	return tap_done();
}
