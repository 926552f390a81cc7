/*
 * isohide: make a UDF bridge image look like a Windows 10/11 ISO, whose
 * ISO9660 and Joliet trees hold only a README while every file is on the
 * UDF side.  genisoimage cannot build that (its -hide hides from UDF too),
 * so the test fixtures build a full bridge image and then run this: in the
 * root directory of each ISO9660 volume descriptor (primary and Joliet) it
 * keeps ".", ".." and the names given, compacts them and zeroes the rest,
 * and cuts each path table down to the root's entry.  File data and the
 * UDF side are left alone.
 * usage: isohide IMAGE NAME...   (names compared without case or ";1")
 */
#include <ctype.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define SECTOR	2048

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
put_both32(uint8_t *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
		p[7 - i] = (uint8_t)(v >> (8 * i));
	}
}

static void
die(const char *what)
{
	perror(what);
	exit(1);
}

static void
rd(int fd, void *buf, size_t len, off_t off)
{
	if (pread(fd, buf, len, off) != (ssize_t)len)
		die("read");
}

static void
wr(int fd, const void *buf, size_t len, off_t off)
{
	if (pwrite(fd, buf, len, off) != (ssize_t)len)
		die("write");
}

/* A record's name as ASCII without ";1" (Joliet names are UCS-2 BE). */
static void
rec_name(const uint8_t *rec, bool joliet, char *out, size_t cap)
{
	size_t n = rec[32], i, k = 0;
	const uint8_t *s = rec + 33;

	for (i = 0; i < n && k + 1 < cap; i += joliet ? 2 : 1) {
		uint8_t c = joliet ? (i + 1 < n ? s[i + 1] : 0) : s[i];

		if (c == ';')
			break;
		out[k++] = (char)c;
	}
	out[k] = '\0';
	if (k > 0 && out[k - 1] == '.')
		out[k - 1] = '\0';
}

static bool
keep(const uint8_t *rec, bool joliet, char **names, int nnames)
{
	char name[256];
	int i;

	if (rec[32] == 1 && (rec[33] == 0 || rec[33] == 1))
		return true;	/* "." and ".." */
	rec_name(rec, joliet, name, sizeof(name));
	for (i = 0; i < nnames; i++)
		if (strcasecmp(name, names[i]) == 0)
			return true;
	return false;
}

/* Rewrite the root directory of the volume descriptor vd. */
static void
hide(int fd, const uint8_t *vd, bool joliet, char **names, int nnames)
{
	const uint8_t *root = vd + 156;
	uint32_t lba = le32(root + 2), size = le32(root + 10), o, w = 0;
	uint8_t *in, *out;

	if ((in = malloc(size)) == NULL || (out = calloc(1, size)) == NULL)
		die("malloc");
	rd(fd, in, size, (off_t)lba * SECTOR);
	for (o = 0; o < size;) {
		uint8_t len = in[o];

		if (len == 0) {		/* the rest of this sector is padding */
			o = (o / SECTOR + 1) * SECTOR;
			continue;
		}
		if (keep(in + o, joliet, names, nnames)) {
			if (w % SECTOR + len > SECTOR)
				w = (w / SECTOR + 1) * SECTOR;
			memcpy(out + w, in + o, len);
			w += len;
		}
		o += len;
	}
	wr(fd, out, size, (off_t)lba * SECTOR);
	free(in);
	free(out);
}

int
main(int argc, char **argv)
{
	uint8_t vd[SECTOR];
	int fd, s, done = 0;
	bool joliet;

	if (argc < 2) {
		fprintf(stderr, "usage: isohide IMAGE NAME...\n");
		return 2;
	}
	if ((fd = open(argv[1], O_RDWR)) < 0)
		die(argv[1]);
	for (s = 16; s < 64; s++) {
		rd(fd, vd, sizeof(vd), (off_t)s * SECTOR);
		if (memcmp(vd + 1, "CD001", 5) != 0 || vd[0] == 255)
			break;
		if (vd[0] != 1 && vd[0] != 2)
			continue;
		/* Joliet: a supplementary descriptor with a UCS-2 escape. */
		joliet = vd[0] == 2 && vd[88] == '%' && vd[89] == '/';
		hide(fd, vd, joliet, argv + 2, argc - 2);
		put_both32(vd + 132, 10);	/* path tables: the root only */
		wr(fd, vd, sizeof(vd), (off_t)s * SECTOR);
		done++;
	}
	if (close(fd) < 0)
		die(argv[1]);
	if (done == 0) {
		fprintf(stderr, "isohide: %s: no ISO9660 descriptor\n",
		    argv[1]);
		return 1;
	}
	return 0;
}
