/* buf: bounded cursor; see buf.h. */
#include <errno.h>
#include <string.h>

#include "buf.h"

void
pxe_buf_init(struct pxe_buf *b, void *data, size_t len)
{
	b->data = data;
	b->len = len;
	b->off = 0;
	b->err = 0;
}

void
pxe_buf_init_ro(struct pxe_buf *b, const void *data, size_t len)
{
	pxe_buf_init(b, (void *)data, len);
}

/* Reserve n bytes at the cursor: a pointer to them, or NULL and err set. */
static uint8_t *
take(struct pxe_buf *b, size_t n)
{
	uint8_t *p;

	/* off > len happens when a caller seeks past the end: an error. */
	if (b->err || b->off > b->len || n > b->len - b->off) {
		b->err = -EMSGSIZE;
		return NULL;
	}
	p = b->data + b->off;
	b->off += n;
	return p;
}

uint8_t
pxe_buf_get_u8(struct pxe_buf *b)
{
	const uint8_t *p = take(b, 1);

	return p ? p[0] : 0;
}

uint16_t
pxe_buf_get_be16(struct pxe_buf *b)
{
	const uint8_t *p = take(b, 2);

	return p ? (uint16_t)(p[0] << 8 | p[1]) : 0;
}

uint32_t
pxe_buf_get_be32(struct pxe_buf *b)
{
	const uint8_t *p = take(b, 4);

	return p ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3] : 0;
}

uint16_t
pxe_buf_get_le16(struct pxe_buf *b)
{
	const uint8_t *p = take(b, 2);

	return p ? (uint16_t)(p[1] << 8 | p[0]) : 0;
}

uint32_t
pxe_buf_get_le32(struct pxe_buf *b)
{
	const uint8_t *p = take(b, 4);

	return p ? (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0] : 0;
}

uint64_t
pxe_buf_get_le64(struct pxe_buf *b)
{
	uint64_t lo = pxe_buf_get_le32(b);
	uint64_t hi = pxe_buf_get_le32(b);

	return b->err ? 0 : hi << 32 | lo;
}

void
pxe_buf_get_bytes(struct pxe_buf *b, void *dst, size_t n)
{
	const uint8_t *p = take(b, n);

	if (p && dst && n)
		memcpy(dst, p, n);
}

const uint8_t *
pxe_buf_get_ptr(struct pxe_buf *b, size_t n)
{
	return take(b, n);
}

const char *
pxe_buf_get_cstr(struct pxe_buf *b, size_t *lenp)
{
	const uint8_t *start, *nul;
	size_t n;

	if (b->err || b->off > b->len) {
		b->err = -EMSGSIZE;
		return NULL;
	}
	start = b->data + b->off;
	nul = memchr(start, 0, b->len - b->off);
	if (nul == NULL) {
		b->err = -EMSGSIZE;
		return NULL;
	}
	n = (size_t)(nul - start);
	b->off += n + 1;
	if (lenp)
		*lenp = n;
	return (const char *)start;
}

void
pxe_buf_put_u8(struct pxe_buf *b, uint8_t v)
{
	uint8_t *p = take(b, 1);

	if (p)
		p[0] = v;
}

void
pxe_buf_put_be16(struct pxe_buf *b, uint16_t v)
{
	uint8_t *p = take(b, 2);

	if (p) {
		p[0] = (uint8_t)(v >> 8);
		p[1] = (uint8_t)v;
	}
}

void
pxe_buf_put_be32(struct pxe_buf *b, uint32_t v)
{
	uint8_t *p = take(b, 4);

	if (p) {
		p[0] = (uint8_t)(v >> 24);
		p[1] = (uint8_t)(v >> 16);
		p[2] = (uint8_t)(v >> 8);
		p[3] = (uint8_t)v;
	}
}

void
pxe_buf_put_le16(struct pxe_buf *b, uint16_t v)
{
	uint8_t *p = take(b, 2);

	if (p) {
		p[0] = (uint8_t)v;
		p[1] = (uint8_t)(v >> 8);
	}
}

void
pxe_buf_put_le32(struct pxe_buf *b, uint32_t v)
{
	uint8_t *p = take(b, 4);

	if (p) {
		p[0] = (uint8_t)v;
		p[1] = (uint8_t)(v >> 8);
		p[2] = (uint8_t)(v >> 16);
		p[3] = (uint8_t)(v >> 24);
	}
}

void
pxe_buf_put_le64(struct pxe_buf *b, uint64_t v)
{
	pxe_buf_put_le32(b, (uint32_t)v);
	pxe_buf_put_le32(b, (uint32_t)(v >> 32));
}

void
pxe_buf_put_bytes(struct pxe_buf *b, const void *src, size_t n)
{
	uint8_t *p = take(b, n);

	if (p && n)
		memcpy(p, src, n);
}

void
pxe_buf_put_cstr(struct pxe_buf *b, const char *s)
{
	pxe_buf_put_bytes(b, s, strlen(s) + 1);
}
