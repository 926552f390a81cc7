/*
 * utf16: the text conversions SMB and NTLM need.  Names travel as UTF-16LE
 * on the wire and live as UTF-8 on disk; NTLM hashes the upper-cased user
 * name.  Conversions are strict: an unpaired surrogate, an overlong or
 * truncated UTF-8 sequence, or a code point above U+10FFFF is refused, so
 * two different wire names never become the same file name.  Case folding
 * is the simple one-to-one upper-casing Windows applies to names (ASCII,
 * Latin-1, Latin Extended-A, Greek and Cyrillic), which covers the names a
 * Windows install tree has; other characters compare exactly.
 */
#ifndef PXE_UTF16_H
#define PXE_UTF16_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Convert n bytes of UTF-16LE (n even) to UTF-8 in out (capacity cap, NUL
 * terminated).  Returns the UTF-8 length without the NUL, -EILSEQ for bad
 * UTF-16 (odd length, unpaired surrogate, a NUL character), or
 * -ENAMETOOLONG when out is too small.
 */
ssize_t pxe_utf16_to_utf8(const uint8_t *in, size_t n, char *out, size_t cap);

/*
 * Convert n bytes of UTF-8 to UTF-16LE in out (capacity cap bytes, no
 * terminator).  Returns the number of bytes written, -EILSEQ for bad UTF-8
 * or -ENAMETOOLONG when out is too small.  out may be NULL with cap 0 to
 * measure.
 */
ssize_t pxe_utf8_to_utf16(const char *in, size_t n, uint8_t *out, size_t cap);

/*
 * Decode one code point at *s (before end), advancing *s.  Returns the
 * code point, or -1 for a bad sequence (then *s moves one byte on).
 */
int32_t pxe_utf8_next(const char **s, const char *end);

/* Simple upper case of a code point (itself when it has none). */
uint32_t pxe_unicode_upper(uint32_t c);

/* Upper-case n bytes of UTF-16LE in place (NTLM's user name). */
void pxe_utf16_upper(uint8_t *s, size_t n);

/* Compare two UTF-8 strings ignoring case as above; true if equal. */
bool pxe_utf8_caseeq(const char *a, size_t alen, const char *b, size_t blen);

/*
 * The case-folded form of a UTF-8 string (each character upper-cased as
 * above; bytes that are not UTF-8 kept as they are), NUL terminated, for
 * sorting and searching: two names are pxe_utf8_caseeq exactly when their
 * folded forms are equal.  Its length, or -ENAMETOOLONG.
 */
ssize_t pxe_utf8_fold(const char *in, char *out, size_t cap);

#endif
