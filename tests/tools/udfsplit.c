/*
 * udfsplit: make a file's data two extents on the UDF side of an image, to
 * test the readers of scattered files (real images have them: UDF extents
 * stop at 1 GiB).  The UDF File Entry of the one file of the given size
 * gets two short allocation descriptors instead of one, cut at byte CUT (a
 * multiple of 2048) of the same data; with TYPE 1 the second one is
 * "allocated, not recorded", which reads as zeros.
 * usage: udfsplit IMAGE SIZE CUT [TYPE]
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static uint64_t
le(const uint8_t *p, int n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | p[n];
	return v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

int
main(int argc, char **argv)
{
	uint8_t b[2048];
	uint64_t size;
	uint32_t cut, len, pos, type;
	off_t off;
	int fd;

	if (argc < 4) {
		fprintf(stderr, "usage: udfsplit IMAGE SIZE CUT [TYPE]\n");
		return 2;
	}
	size = strtoull(argv[2], NULL, 10);
	cut = (uint32_t)strtoul(argv[3], NULL, 10);
	type = argc > 4 ? (uint32_t)strtoul(argv[4], NULL, 10) : 0;
	if (cut == 0 || cut % 2048 || cut >= size || type > 2) {
		fprintf(stderr, "udfsplit: bad CUT or TYPE\n");
		return 2;
	}
	if ((fd = open(argv[1], O_RDWR)) < 0) {
		perror(argv[1]);
		return 1;
	}
	for (off = 0; pread(fd, b, sizeof(b), off) == (ssize_t)sizeof(b);
	    off += 2048) {
		/* A File Entry (tag 261) of that size with one short_ad. */
		if (le(b, 2) != 261 || le(b + 56, 8) != size ||
		    le(b + 168, 4) != 0 || le(b + 172, 4) != 8 ||
		    (b[34] & 7) != 0)
			continue;
		len = (uint32_t)le(b + 176, 4) & 0x3fffffff;
		pos = (uint32_t)le(b + 180, 4);
		if (len <= cut)
			continue;
		put32(b + 176, cut);
		put32(b + 184, type << 30 | (len - cut));
		put32(b + 188, pos + cut / 2048);
		put32(b + 172, 16);
		if (pwrite(fd, b, sizeof(b), off) != (ssize_t)sizeof(b)) {
			perror(argv[1]);
			return 1;
		}
		return close(fd) == 0 ? 0 : 1;
	}
	fprintf(stderr, "udfsplit: no file of %llu bytes in one extent\n",
	    (unsigned long long)size);
	return 1;
}
