/*
 * Fuzz target for lib/libpxe/tftp: every parser on the same bytes, then
 * negotiation of a parsed request and a round trip of the OACK it builds.
 * Built as a libFuzzer target with --enable-fuzzing (clang), else linked
 * with replay.c to replay the corpus under `make check`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libpxe/tftp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct tftp_limits lims[] = {
		{ 65464, 64, true }, { 1468, 1, false }, { 0, 0, true },
	};
	struct tftp_opt opts[TFTP_MAX_OPTS];
	struct tftp_request req;
	struct tftp_neg neg;
	uint8_t out[TFTP_MAX_PKT], *copy;
	const uint8_t *dp;
	const char *msg;
	uint16_t blk, code;
	size_t dl, ml, i;
	unsigned n;
	ssize_t len;
	int next;

	/* A private copy so that reads past the end are caught by ASan. */
	if ((copy = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	tftp_opcode_of(copy, size);
	tftp_parse_ack(copy, size, &blk, &next);
	tftp_parse_data(copy, size, &blk, &dp, &dl);
	if (tftp_parse_error(copy, size, &code, &msg, &ml) == 0 && ml > 0)
		(void)(volatile char)msg[ml - 1];
	if (tftp_parse_oack(copy, size, opts, TFTP_MAX_OPTS, &n) == 0)
		tftp_build_oack(out, sizeof(out), opts, n);
	if (tftp_parse_request(copy, size, &req) == 0) {
		if (req.filename_len != strlen(req.filename))
			abort();
		for (i = 0; i < sizeof(lims) / sizeof(lims[0]); i++) {
			tftp_negotiate(&req, &lims[i], size, &neg);
			if (neg.blksize < TFTP_BLKSIZE_MIN ||
			    neg.blksize > TFTP_BLKSIZE_MAX ||
			    neg.windowsize < 1 || neg.noack > req.nopts)
				abort();
			len = tftp_build_neg_oack(out, sizeof(out), &neg);
			if (len < 0 || tftp_parse_oack(out, (size_t)len, opts,
			    TFTP_MAX_OPTS, &n) != 0 || n != neg.noack)
				abort();
		}
		/* Rebuilt, a request parses again (it is never longer). */
		len = tftp_build_request(out, sizeof(out), req.opcode,
		    req.filename, req.mode_str, req.opts, req.nopts);
		if (size <= sizeof(out) && (len < 0 ||
		    tftp_parse_request(out, (size_t)len, &req) != 0))
			abort();
	}
	free(copy);
	return 0;
}
