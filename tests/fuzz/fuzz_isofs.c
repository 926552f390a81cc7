/*
 * Fuzz target for lib/libpxe/isofs: the UDF File Entry decoder (every
 * file of an ISO from the internet goes through it), the timestamp and
 * the file identifier (name) decoders, on the same bytes, with the invariants their callers rely on.
 * Built as a libFuzzer target with --enable-fuzzing (clang), else linked
 * with replay.c to replay the corpus under `make check`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libpxe/isofs.h"
#include "libpxe/utf16.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct isofs_extent ext[ISOFS_MAX_EXTENTS];
	struct isofs_stat st;
	char name[ISOFS_NAME_MAX + 1], folded[2 * ISOFS_NAME_MAX + 4];
	size_t ioff, ilen;
	ssize_t n, f;
	unsigned next, cap, i;
	uint8_t *copy;
	int r;

	/* A private copy so that reads past the end are caught by ASan. */
	if ((copy = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	if (size >= 12)
		(void)isofs_udf_time(copy + size - 12);
	n = isofs_udf_name(copy, size < 256 ? size : 256, name, sizeof(name));
	if (n > 0 && (size_t)n != strlen(name))
		abort();
	/* pxe-smbd sorts and finds image names by their folded form. */
	if (n > 0 && ((f = pxe_utf8_fold(name, folded, sizeof(folded))) < 0 ||
	    !pxe_utf8_caseeq(name, (size_t)n, folded, (size_t)f)))
		abort();
	for (cap = 1; cap <= ISOFS_MAX_EXTENTS; cap *= 16) {
		r = isofs_udf_decode_fe(copy, size, 1000, &st, ext, cap, &next,
		    &ioff, &ilen);
		if (r != 0)
			continue;
		if (next > cap || ioff > size || ilen > size - ioff ||
		    (ilen > 0 && next > 0))
			abort();
		if (ilen > 0)
			(void)(volatile uint8_t)copy[ioff + ilen - 1];
		if (st.offset != ISOFS_NO_OFFSET && (next != 1 ||
		    st.offset != ext[0].off || st.is_dir || st.size == 0 ||
		    ext[0].len < st.size))
			abort();
		for (i = 0; i < next; i++)
			if (ext[i].len == 0 || ext[i].len > 0x3fffffff ||
			    ext[i].off % 2048 != 0)
				abort();
	}
	free(copy);
	return 0;
}
