/*
 * Fuzz target for lib/libpxe/http: the request head parser under tight
 * and loose limits, then every string it hands back through the target,
 * range and date decoders, with the invariants the server relies on.
 * Built as a libFuzzer target with --enable-fuzzing (clang), else linked
 * with replay.c to replay the corpus under `make check`.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libpxe/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A string the parser returned must lie inside the input. */
static void
inside(const struct http_str *s, const char *buf, size_t len)
{
	if (s->p != NULL && s->len > 0 &&
	    (s->p < buf || s->p + s->len > buf + len))
		abort();
}

static void
ranges(const struct http_str *v)
{
	static const uint64_t sizes[] = { 0, 1, 1000, 6442450944ULL,
	    UINT64_MAX };
	struct http_range r[16];
	unsigned n, k;
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (http_parse_range(v->p, v->len, sizes[i], r, 16, &n) != 0)
			continue;
		if (n == 0 || n > 16)
			abort();
		for (k = 0; k < n; k++)
			if (r[k].first > r[k].last || r[k].last >= sizes[i])
				abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct http_limits lims[] = {
		{ 16384, 8192, 100 }, { 64, 32, 2 },
	};
	struct http_request req;
	char *copy, path[1024], date[HTTP_DATE_LEN + 1];
	size_t i, plen;
	int64_t t;
	int r;

	/* A private copy so that reads past the end are caught by ASan. */
	if ((copy = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	for (i = 0; i < sizeof(lims) / sizeof(lims[0]); i++) {
		r = http_parse_request(copy, size, &lims[i], &req);
		if (r == -EPROTO && (req.status < 400 || req.status > 505 ||
		    req.why == NULL))
			abort();
		if (r != 0)
			continue;
		if (req.head_len == 0 || req.head_len > size ||
		    req.head_len > lims[i].max_head ||
		    req.nfields > lims[i].max_fields)
			abort();
		inside(&req.target, copy, size);
		inside(&req.host, copy, size);
		inside(&req.range, copy, size);
		if (http_target_path(req.target.p, req.target.len, path,
		    sizeof(path), &plen) == 0 &&
		    (plen != strlen(path) || plen >= sizeof(path)))
			abort();
		if (req.range.p)
			ranges(&req.range);
		if (req.if_modified_since.p &&
		    http_parse_date(req.if_modified_since.p,
		    req.if_modified_since.len, &t) == 0) {
			http_format_date(t, date);
			if (strlen(date) != HTTP_DATE_LEN)
				abort();
		}
	}
	/* The whole input as a target, a Range value and a date too. */
	http_target_path(copy, size, path, sizeof(path), &plen);
	ranges(&(struct http_str){ copy, size });
	http_parse_date(copy, size, &t);
	free(copy);
	return 0;
}
