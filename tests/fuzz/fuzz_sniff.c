/*
 * Fuzz target for pxe-sniff: the first byte picks the link type
 * (Ethernet, SLL, SLL2, raw IP, loopback, raw IPv4); the rest is cut into
 * frames (two length bytes, then that many bytes), each fed through
 * frame_decode and the tracker (DHCP, TFTP, ICMP), then the diagnosis
 * runs.  Built as a libFuzzer target with --enable-fuzzing (clang), else
 * with replay.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../bin/pxe-sniff/sniff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Bits 0-1 and 6 of the first byte: the corpus from before the
	 * loopback and IPv4 link types keeps its meaning (bit 6 clear). */
	static const int links[] = { FRAME_LINK_ETHERNET, FRAME_LINK_SLL,
		FRAME_LINK_SLL2, FRAME_LINK_RAW, FRAME_LINK_NULL,
		FRAME_LINK_LOOP, FRAME_LINK_IPV4, FRAME_LINK_DLT_RAW };
	static struct sniff s;
	FILE *devnull;
	uint8_t *frame;
	size_t off = 1, n;
	double t = 0;
	int link;

	if (size < 1 || (devnull = fopen("/dev/null", "w")) == NULL)
		return 0;
	memset(&s, 0, sizeof(s));
	s.out = devnull;
	s.mode = (enum out_mode)(data[0] >> 2 & 3) % 3;
	s.verbose = data[0] >> 4 & 3;
	link = links[(data[0] & 3) | (data[0] >> 4 & 4)];
	while (off + 2 <= size) {
		n = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (n > size - off)
			n = size - off;
		/* A private copy so that reads past the end are caught. */
		if ((frame = malloc(n ? n : 1)) == NULL)
			break;
		memcpy(frame, data + off, n);
		sniff_frame(&s, t, link, frame, n);
		free(frame);
		off += n;
		t += 0.25;
	}
	sniff_finish(&s);
	sniff_free(&s);
	fclose(devnull);
	return 0;
}
