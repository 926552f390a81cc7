/*
 * buf: a bounded cursor over a byte buffer.  Every read and write of wire data
 * in pxekit goes through it.  A cursor never reads or writes outside
 * [data, data + len); an access that would do so sets a sticky error flag,
 * returns zero (for gets) and leaves the offset alone, so a parser can read a
 * whole header and check pxe_buf_ok() once at the end.  No packed struct is
 * ever laid over received bytes.
 */
#ifndef PXE_BUF_H
#define PXE_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

struct pxe_buf {
	uint8_t *data;
	size_t len;	/* bytes valid (reading) or capacity (writing) */
	size_t off;	/* cursor */
	int err;	/* 0, or -EMSGSIZE once an access overran */
};

/* Cursor over len bytes at data, for reading or writing; off = 0. */
void pxe_buf_init(struct pxe_buf *b, void *data, size_t len);
/* Read-only view; the const is cast away but gets never write. */
void pxe_buf_init_ro(struct pxe_buf *b, const void *data, size_t len);

static inline bool pxe_buf_ok(const struct pxe_buf *b) { return b->err == 0; }
static inline size_t pxe_buf_left(const struct pxe_buf *b) { return b->off < b->len ? b->len - b->off : 0; }
static inline const uint8_t *pxe_buf_cur(const struct pxe_buf *b) { return b->data + b->off; }

uint8_t pxe_buf_get_u8(struct pxe_buf *b);
uint16_t pxe_buf_get_be16(struct pxe_buf *b);
uint32_t pxe_buf_get_be32(struct pxe_buf *b);
uint16_t pxe_buf_get_le16(struct pxe_buf *b);
uint32_t pxe_buf_get_le32(struct pxe_buf *b);
uint64_t pxe_buf_get_le64(struct pxe_buf *b);
/* Copy n bytes out (dst may be NULL to skip). */
void pxe_buf_get_bytes(struct pxe_buf *b, void *dst, size_t n);
/* Point at the next n bytes and advance; NULL (and err set) if short. */
const uint8_t *pxe_buf_get_ptr(struct pxe_buf *b, size_t n);
/*
 * A NUL-terminated string at the cursor: returns a pointer into the buffer
 * and advances past the NUL; NULL (and err set) if no NUL before the end.
 * *lenp, if not NULL, gets the length without the NUL.
 */
const char *pxe_buf_get_cstr(struct pxe_buf *b, size_t *lenp);

void pxe_buf_put_u8(struct pxe_buf *b, uint8_t v);
void pxe_buf_put_be16(struct pxe_buf *b, uint16_t v);
void pxe_buf_put_be32(struct pxe_buf *b, uint32_t v);
void pxe_buf_put_le16(struct pxe_buf *b, uint16_t v);
void pxe_buf_put_le32(struct pxe_buf *b, uint32_t v);
void pxe_buf_put_le64(struct pxe_buf *b, uint64_t v);
void pxe_buf_put_bytes(struct pxe_buf *b, const void *src, size_t n);
/* The string and its terminating NUL. */
void pxe_buf_put_cstr(struct pxe_buf *b, const char *s);

#endif
