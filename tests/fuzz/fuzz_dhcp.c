/*
 * Fuzz target for lib/libpxe/dhcp: the decoder, every accessor, every
 * present option printed as text and read back as the same bytes (else
 * abort), the PXE helpers, and a reply rebuilt
 * from the options found, which must decode again.  Built as a libFuzzer
 * target with --enable-fuzzing (clang), else linked with replay.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libpxe/dhcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dhcp_msg m, back;
	static struct dhcp_reply r;
	static uint8_t out[DHCP_MAX_PKT];
	/* A joined long option is up to 65535 bytes; its text up to four
	 * characters a byte and two quotes. */
	static uint8_t val[65536];
	static char text[4 * 65536 + 8];
	uint8_t *copy, u8;
	const uint8_t *v;
	const char *why;
	uint16_t u16;
	uint32_t u32;
	size_t len, t;
	unsigned i;
	ssize_t n;
	int r2;

	/* A private copy so that reads past the end are caught by ASan. */
	if ((copy = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	if (dhcp_parse(copy, size, &m) == 0) {
		dhcp_msg_type(&m);
		dhcp_opt_u8(&m, 53, &u8);
		dhcp_opt_u16(&m, 57, &u16);
		dhcp_opt_u32(&m, 51, &u32);
		dhcp_opt_ip(&m, 50, &u32);
		dhcp_client_arch(&m);
		dhcp_is_pxeclient(&m);
		dhcp_is_httpclient(&m);
		dhcp_is_ipxe(&m);
		dhcp_reply_init(&r, &m);
		for (i = 0; i < m.norder; i++) {
			v = dhcp_opt_get(&m, m.order[i], &len);
			if (v == NULL)
				abort();
			/* The text reads back as the same bytes (text is
			 * large enough that no option is cut short). */
			t = dhcp_opt_to_text(m.order[i], v, len, text,
			    sizeof(text));
			if (t + 1 >= sizeof(text))
				abort();
			r2 = dhcp_opt_from_text(m.order[i], text, val,
			    sizeof(val), &why);
			if (r2 < 0 || (size_t)r2 != len ||
			    memcmp(val, v, len) != 0)
				abort();
			if (m.order[i] != DHCP_OPT_OVERLOAD)
				dhcp_reply_add(&r, m.order[i], v, len);
		}
		n = dhcp_reply_build(&r, out, sizeof(out), DHCP_MAX_PKT);
		if (n > 0 && dhcp_parse(out, (size_t)n, &back) != 0)
			abort();
		if (n > 0 && back.norder != r.nopts + (back.overload != 0))
			abort();
	}
	free(copy);
	return 0;
}
