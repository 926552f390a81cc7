/*
 * str: the two string chores every program here needs and libc does not
 * do safely in one call: copy a string into a fixed buffer, cut to fit
 * and always terminated; trim white space in place.
 */
#ifndef PXE_STR_H
#define PXE_STR_H

#include <stddef.h>

/* Copy src into dst (capacity cap > 0), cut to fit; the length copied. */
size_t pxe_str_copy(char *dst, size_t cap, const char *src);

/* Strip leading and trailing white space in place; the new start. */
char *pxe_str_trim(char *s);

#endif
