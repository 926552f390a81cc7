/* utf16: UTF-16LE <-> UTF-8 and simple upper-casing; see utf16.h. */
#include <errno.h>
#include <string.h>

#include "utf16.h"

/* Append code point c to out as UTF-8; the new offset, or 0 if no room. */
static size_t
put_utf8(char *out, size_t cap, size_t o, uint32_t c)
{
	size_t need = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;

	if (o + need >= cap)
		return 0;
	switch (need) {
	case 1:
		out[o] = (char)c;
		break;
	case 2:
		out[o] = (char)(0xc0 | c >> 6);
		out[o + 1] = (char)(0x80 | (c & 0x3f));
		break;
	case 3:
		out[o] = (char)(0xe0 | c >> 12);
		out[o + 1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[o + 2] = (char)(0x80 | (c & 0x3f));
		break;
	default:
		out[o] = (char)(0xf0 | c >> 18);
		out[o + 1] = (char)(0x80 | ((c >> 12) & 0x3f));
		out[o + 2] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[o + 3] = (char)(0x80 | (c & 0x3f));
		break;
	}
	return o + need;
}

ssize_t
pxe_utf16_to_utf8(const uint8_t *in, size_t n, char *out, size_t cap)
{
	size_t i, o = 0, no;
	uint32_t c, lo;

	if (n % 2 != 0)
		return -EILSEQ;
	if (cap == 0)
		return -ENAMETOOLONG;
	for (i = 0; i < n; i += 2) {
		c = (uint32_t)in[i] | (uint32_t)in[i + 1] << 8;
		if (c == 0 || (c >= 0xdc00 && c <= 0xdfff))
			return -EILSEQ;
		if (c >= 0xd800 && c <= 0xdbff) {
			if (i + 3 >= n)
				return -EILSEQ;
			lo = (uint32_t)in[i + 2] | (uint32_t)in[i + 3] << 8;
			if (lo < 0xdc00 || lo > 0xdfff)
				return -EILSEQ;
			c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
			i += 2;
		}
		if ((no = put_utf8(out, cap, o, c)) == 0)
			return -ENAMETOOLONG;
		o = no;
	}
	out[o] = '\0';
	return (ssize_t)o;
}

int32_t
pxe_utf8_next(const char **sp, const char *end)
{
	const unsigned char *s = (const unsigned char *)*sp;
	size_t need, i, left = (size_t)(end - *sp);
	uint32_t c, min;

	if (left == 0)
		return -1;
	c = s[0];
	if (c < 0x80) {
		*sp += 1;
		return (int32_t)c;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		need = 1;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		c &= 0x07;
		min = 0x10000;
	} else {
		*sp += 1;
		return -1;
	}
	if (left < need + 1) {
		*sp += 1;
		return -1;
	}
	for (i = 1; i <= need; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*sp += 1;
			return -1;
		}
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
		*sp += 1;
		return -1;
	}
	*sp += need + 1;
	return (int32_t)c;
}

ssize_t
pxe_utf8_to_utf16(const char *in, size_t n, uint8_t *out, size_t cap)
{
	const char *s = in, *end = in + n;
	size_t o = 0;
	int32_t c;
	uint32_t u, hi, lo;

	while (s < end) {
		if ((c = pxe_utf8_next(&s, end)) <= 0)
			return -EILSEQ;
		u = (uint32_t)c;
		if (u >= 0x10000) {
			if (o + 4 > cap && out != NULL)
				return -ENAMETOOLONG;
			hi = 0xd800 + ((u - 0x10000) >> 10);
			lo = 0xdc00 + ((u - 0x10000) & 0x3ff);
			if (out != NULL) {
				out[o] = (uint8_t)hi;
				out[o + 1] = (uint8_t)(hi >> 8);
				out[o + 2] = (uint8_t)lo;
				out[o + 3] = (uint8_t)(lo >> 8);
			}
			o += 4;
		} else {
			if (o + 2 > cap && out != NULL)
				return -ENAMETOOLONG;
			if (out != NULL) {
				out[o] = (uint8_t)u;
				out[o + 1] = (uint8_t)(u >> 8);
			}
			o += 2;
		}
	}
	return (ssize_t)o;
}

uint32_t
pxe_unicode_upper(uint32_t c)
{
	if (c < 0x80)
		return c >= 'a' && c <= 'z' ? c - 32 : c;
	if (c == 0xb5)
		return 0x39c;
	if (c >= 0xe0 && c <= 0xfe && c != 0xf7)
		return c - 32;
	if (c == 0xff)
		return 0x178;
	/* Latin Extended-A: pairs, lower case odd (with two exceptions). */
	if ((c >= 0x100 && c <= 0x137) || (c >= 0x14a && c <= 0x177))
		return c & 1 ? c - 1 : c;
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e))
		return c & 1 ? c : c - 1;
	/* Greek. */
	if (c >= 0x3b1 && c <= 0x3cb && c != 0x3c2)
		return c - 32;
	if (c == 0x3c2)
		return 0x3a3;
	if (c == 0x3ac)
		return 0x386;
	if (c >= 0x3ad && c <= 0x3af)
		return c - 37;
	if (c == 0x3cc)
		return 0x38c;
	if (c == 0x3cd || c == 0x3ce)
		return c - 63;
	/* Cyrillic. */
	if (c >= 0x430 && c <= 0x44f)
		return c - 32;
	if (c >= 0x450 && c <= 0x45f)
		return c - 80;
	if (c >= 0x460 && c <= 0x481)
		return c & 1 ? c - 1 : c;
	if (c >= 0x48a && c <= 0x4bf)
		return c & 1 ? c - 1 : c;
	/* Fullwidth Latin. */
	if (c >= 0xff41 && c <= 0xff5a)
		return c - 32;
	return c;
}

void
pxe_utf16_upper(uint8_t *s, size_t n)
{
	size_t i;
	uint32_t c, u;

	for (i = 0; i + 1 < n; i += 2) {
		c = (uint32_t)s[i] | (uint32_t)s[i + 1] << 8;
		if (c >= 0xd800 && c <= 0xdfff)
			continue;	/* no case outside the BMP here */
		u = pxe_unicode_upper(c);
		if (u > 0xffff)
			continue;
		s[i] = (uint8_t)u;
		s[i + 1] = (uint8_t)(u >> 8);
	}
}

bool
pxe_utf8_caseeq(const char *a, size_t alen, const char *b, size_t blen)
{
	const char *ae = a + alen, *be = b + blen, *a0, *b0;
	int32_t ca, cb;

	while (a < ae && b < be) {
		a0 = a;
		b0 = b;
		ca = pxe_utf8_next(&a, ae);
		cb = pxe_utf8_next(&b, be);
		if (ca < 0 || cb < 0) {
			/* Bytes that are not UTF-8 match only themselves. */
			if (ca != cb || *a0 != *b0)
				return false;
			continue;
		}
		if (pxe_unicode_upper((uint32_t)ca) !=
		    pxe_unicode_upper((uint32_t)cb))
			return false;
	}
	return a == ae && b == be;
}

ssize_t
pxe_utf8_fold(const char *in, char *out, size_t cap)
{
	const char *p = in, *end = in + strlen(in), *p0;
	size_t o = 0, n;
	int32_t c;
	uint32_t u;
	uint8_t enc[4];

	while (p < end) {
		p0 = p;
		c = pxe_utf8_next(&p, end);
		if (c < 0) {
			enc[0] = (uint8_t)*p0;
			n = 1;
		} else {
			u = pxe_unicode_upper((uint32_t)c);
			if (u < 0x80) {
				enc[0] = (uint8_t)u;
				n = 1;
			} else if (u < 0x800) {
				enc[0] = (uint8_t)(0xc0 | u >> 6);
				enc[1] = (uint8_t)(0x80 | (u & 0x3f));
				n = 2;
			} else if (u < 0x10000) {
				enc[0] = (uint8_t)(0xe0 | u >> 12);
				enc[1] = (uint8_t)(0x80 | (u >> 6 & 0x3f));
				enc[2] = (uint8_t)(0x80 | (u & 0x3f));
				n = 3;
			} else {
				enc[0] = (uint8_t)(0xf0 | u >> 18);
				enc[1] = (uint8_t)(0x80 | (u >> 12 & 0x3f));
				enc[2] = (uint8_t)(0x80 | (u >> 6 & 0x3f));
				enc[3] = (uint8_t)(0x80 | (u & 0x3f));
				n = 4;
			}
		}
		if (o + n + 1 > cap)
			return -ENAMETOOLONG;
		memcpy(out + o, enc, n);
		o += n;
	}
	if (cap == 0)
		return -ENAMETOOLONG;
	out[o] = '\0';
	return (ssize_t)o;
}
