/* Unit tests for lib/libpxe/buf: bounded reads and writes. */
#include <errno.h>
#include <stdint.h>

#include "../tap.h"
#include "libpxe/buf.h"

static void
test_gets(void)
{
	static const uint8_t v[] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde,
	    0xf0, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };
	struct pxe_buf b;

	pxe_buf_init_ro(&b, v, sizeof(v));
	tap_is(pxe_buf_get_u8(&b), 0x12, "get_u8");
	tap_is(pxe_buf_get_be16(&b), 0x3456, "get_be16 is big-endian");
	tap_is(pxe_buf_get_le16(&b), 0x9a78, "get_le16 is little-endian");
	tap_is(pxe_buf_get_be32(&b), 0xbcdef001u, "get_be32");
	tap_is(pxe_buf_get_le32(&b), 0x05040302u, "get_le32");
	tap_is(pxe_buf_left(&b), 3, "three bytes left");
	tap_is(pxe_buf_get_be32(&b), 0, "overrun returns 0");
	tap_is(b.err, -EMSGSIZE, "overrun sets the error");
	tap_is(pxe_buf_left(&b), 3, "overrun does not move the cursor");
	tap_is(pxe_buf_get_u8(&b), 0, "error is sticky: later gets fail too");
	tap_ok(!pxe_buf_ok(&b), "pxe_buf_ok is false after an overrun");

	pxe_buf_init_ro(&b, v + 8, 8);
	tap_ok(pxe_buf_get_le64(&b) == 0x0807060504030201ull, "get_le64");
	tap_ok(pxe_buf_ok(&b), "exact-length read is fine");
}

static void
test_strings(void)
{
	static const char s[] = "pxelinux.0\0octet\0tail";
	struct pxe_buf b;
	const char *p;
	size_t n;

	pxe_buf_init_ro(&b, s, sizeof(s) - 1);	/* "tail" has no NUL */
	p = pxe_buf_get_cstr(&b, &n);
	tap_str(p, "pxelinux.0", "first string");
	tap_is(n, 10, "its length");
	p = pxe_buf_get_cstr(&b, NULL);
	tap_str(p, "octet", "second string");
	p = pxe_buf_get_cstr(&b, &n);
	tap_ok(p == NULL, "a string without NUL is refused");
	tap_is(b.err, -EMSGSIZE, "and sets the error");

	pxe_buf_init_ro(&b, "", 0);
	tap_ok(pxe_buf_get_cstr(&b, NULL) == NULL, "empty buffer has no string");
	pxe_buf_init_ro(&b, "\0", 1);
	p = pxe_buf_get_cstr(&b, &n);
	tap_ok(p != NULL && n == 0, "a lone NUL is the empty string");
}

static void
test_puts(void)
{
	uint8_t out[16];
	static const uint8_t want[] = { 0xab, 0x12, 0x34, 0x34, 0x12, 0xde,
	    0xad, 0xbe, 0xef, 'h', 'i', 0 };
	struct pxe_buf b;

	pxe_buf_init(&b, out, sizeof(out));
	pxe_buf_put_u8(&b, 0xab);
	pxe_buf_put_be16(&b, 0x1234);
	pxe_buf_put_le16(&b, 0x1234);
	pxe_buf_put_be32(&b, 0xdeadbeef);
	pxe_buf_put_cstr(&b, "hi");
	tap_ok(pxe_buf_ok(&b), "puts within capacity");
	tap_is(b.off, sizeof(want), "cursor after puts");
	tap_mem(out, want, sizeof(want), "bytes written in wire order");

	pxe_buf_init(&b, out, 3);
	pxe_buf_put_be32(&b, 1);
	tap_ok(!pxe_buf_ok(&b), "put past capacity fails");
	tap_is(b.off, 0, "and writes nothing");
	pxe_buf_init(&b, out, 8);
	pxe_buf_put_le64(&b, 0x0102030405060708ull);
	tap_ok(out[0] == 8 && out[7] == 1, "put_le64");
	pxe_buf_init(&b, out, 2);
	pxe_buf_put_bytes(&b, "abc", 3);
	tap_ok(!pxe_buf_ok(&b), "put_bytes past capacity fails");
	tap_ok(pxe_buf_get_ptr(&b, 1) == NULL, "get_ptr after error is NULL");
}

/* A cursor moved past the end by its user (elf.c seeks by setting off)
 * must fail every read, not wrap around. */
static void
test_past_end(void)
{
	static const uint8_t d[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct pxe_buf b;

	pxe_buf_init_ro(&b, d, sizeof(d));
	b.off = 40;
	tap_is(pxe_buf_get_le32(&b), 0, "read with the cursor past the end");
	tap_ok(!pxe_buf_ok(&b), "  is an error, not a wild read");
}

int
main(void)
{
	test_past_end();
	test_gets();
	test_strings();
	test_puts();
	return tap_done();
}
