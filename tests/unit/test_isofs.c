/*
 * Unit tests for lib/libpxe/isofs: the UDF File Entry decoder and timestamp
 * on hand-built bytes, then real images made here by genisoimage: a
 * UDF+ISO9660+Joliet bridge, a UDF-only one (everything hidden from the
 * ISO9660 and Joliet trees but a README, as on Windows 10/11 ISOs), a
 * plain ISO9660+Joliet one, and files that are not images.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "../tap.h"
#include "libpxe/isofs.h"

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void
put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* A UDF timestamp: type 1 (local time) with tz minutes east of UTC. */
static void
put_ts(uint8_t *p, int tz, int year, int mon, int day, int h, int m, int s)
{
	put16(p, (uint16_t)(1 << 12 | (tz & 0x0fff)));
	put16(p + 2, (uint16_t)year);
	p[4] = (uint8_t)mon;
	p[5] = (uint8_t)day;
	p[6] = (uint8_t)h;
	p[7] = (uint8_t)m;
	p[8] = (uint8_t)s;
	p[9] = p[10] = p[11] = 0;
}

static void
test_time(void)
{
	uint8_t ts[12];

	put_ts(ts, 0, 1970, 1, 1, 0, 0, 0);
	tap_is(isofs_udf_time(ts), 0, "udf time: the epoch");
	put_ts(ts, 0, 2024, 2, 29, 12, 34, 56);
	tap_is(isofs_udf_time(ts), 1709210096, "udf time: a leap day, UTC");
	put_ts(ts, 120, 2024, 2, 29, 14, 34, 56);
	tap_is(isofs_udf_time(ts), 1709210096, "udf time: UTC+2 local time");
	put_ts(ts, -300, 2024, 2, 29, 7, 34, 56);
	tap_is(isofs_udf_time(ts), 1709210096, "udf time: UTC-5 local time");
	put_ts(ts, -2047, 2024, 2, 29, 12, 34, 56);
	tap_is(isofs_udf_time(ts), 1709210096, "udf time: unknown zone");
	put_ts(ts, 0, 2024, 13, 1, 0, 0, 0);
	tap_is(isofs_udf_time(ts), 0, "udf time: month 13 gives 0");
}

/* One File Entry for the decoder. */
struct fe_case {
	const char *what;
	uint16_t tag;		/* 261 FE, 266 EFE */
	uint16_t adtype;	/* 0 short, 1 long, 2 ext, 3 in ICB */
	uint8_t ftype;		/* 4 directory, 5 file */
	uint64_t size;
	uint32_t lea;		/* length of extended attributes */
	uint32_t ads[4][2];	/* raw length (type in bits 30-31), block */
	unsigned nads;
	uint32_t lad;		/* 0: nads descriptors */
	int ret;
	unsigned next;
	uint64_t offset;	/* expected st.offset */
};

#define NOOFF	ISOFS_NO_OFFSET
#define X(t)	((uint32_t)(t) << 30)

static const struct fe_case fe_cases[] = {
	{ "one short_ad", 261, 0, 5, 5000, 0, { { 5000, 10 } }, 1, 0,
	  0, 1, (100 + 10) * 2048ull },
	{ "one long_ad", 261, 1, 5, 5000, 0, { { 5000, 10 } }, 1, 0,
	  0, 1, (100 + 10) * 2048ull },
	{ "EFE, one short_ad", 266, 0, 5, 4096, 24, { { 4096, 7 } }, 1, 0,
	  0, 1, (100 + 7) * 2048ull },
	{ "two extents: no single offset", 261, 0, 5, 3000,
	  0, { { 2048, 1 }, { 952, 9 } }, 2, 0, 0, 2, NOOFF },
	{ "sparse tail", 261, 0, 5, 4096, 0,
	  { { 2048, 1 }, { X(2) | 2048, 0 } }, 2, 0, 0, 2, NOOFF },
	{ "unrecorded only", 261, 0, 5, 2048, 0, { { X(1) | 2048, 3 } }, 1, 0,
	  0, 1, NOOFF },
	{ "empty file", 261, 0, 5, 0, 0, { { 0 } }, 0, 0, 0, 0, NOOFF },
	{ "zero length ends the list", 261, 0, 5, 100, 0,
	  { { 100, 4 }, { 0, 0 }, { 100, 5 } }, 3, 0, 0, 1, (100 + 4) * 2048ull },
	{ "directory: no offset", 261, 0, 4, 2048, 0, { { 2048, 2 } }, 1, 0,
	  0, 1, NOOFF },
	{ "data in the ICB", 261, 3, 5, 11, 0, { { 0 } }, 0, 11, 0, 0, NOOFF },
	{ "in-ICB data longer than the area", 261, 3, 5, 12, 0, { { 0 } }, 0, 11,
	  -EIO, 0, NOOFF },
	{ "continuation extent", 261, 0, 5, 5000, 0,
	  { { 2048, 1 }, { X(3) | 2048, 50 } }, 2, 0, -E2BIG, 1, NOOFF },
	{ "extended descriptors", 261, 2, 5, 5000, 0, { { 0 } }, 0, 20,
	  -ENOTSUP, 0, NOOFF },
	{ "not a file entry", 8, 0, 5, 5000, 0, { { 5000, 1 } }, 1, 0,
	  -EIO, 0, NOOFF },
	{ "L_AD past the block", 261, 0, 5, 5000, 0, { { 0 } }, 0, 4000,
	  -EIO, 0, NOOFF },
	{ "L_EA past the block", 261, 0, 5, 5000, 3000, { { 0 } }, 0, 0,
	  -EIO, 0, NOOFF },
};

static void
build_fe(const struct fe_case *c, uint8_t *fe)
{
	size_t head = c->tag == 266 ? 216 : 176, lea_at = head - 8, at;
	size_t adsize = c->adtype == 1 ? 16 : 8;
	unsigned i;

	memset(fe, 0, 2048);
	put16(fe, c->tag);
	fe[27] = c->ftype;
	put16(fe + 34, c->adtype);
	put64(fe + 56, c->size);
	put_ts(fe + (c->tag == 266 ? 92 : 84), 0, 2020, 6, 1, 0, 0, 0);
	put32(fe + lea_at, c->lea);
	put32(fe + lea_at + 4, c->lad ? c->lad : (uint32_t)(c->nads * adsize));
	at = head + c->lea;
	if (c->adtype == 3)
		memcpy(fe + at, "hello world", 11);
	for (i = 0; i < c->nads; i++) {
		put32(fe + at + i * adsize, c->ads[i][0]);
		put32(fe + at + i * adsize + 4, c->ads[i][1]);
	}
}

static void
test_decode(void)
{
	struct isofs_extent ext[4];
	struct isofs_stat st;
	uint8_t fe[2048];
	size_t i, ioff, ilen;
	unsigned next;
	int r;

	for (i = 0; i < sizeof(fe_cases) / sizeof(fe_cases[0]); i++) {
		const struct fe_case *c = &fe_cases[i];

		build_fe(c, fe);
		r = isofs_udf_decode_fe(fe, sizeof(fe), 100, &st, ext, 4,
		    &next, &ioff, &ilen);
		tap_is(r, c->ret, "decode FE: %s", c->what);
		if (r != 0)
			continue;
		tap_is(next, c->next, "  %u extents", c->next);
		tap_is(st.size, c->size, "  size %llu",
		    (unsigned long long)c->size);
		tap_ok(st.offset == c->offset, "  offset %llu",
		    (unsigned long long)c->offset);
		tap_is(st.is_dir, c->ftype == 4, "  directory or not");
		tap_is(st.mtime, 1590969600, "  mtime");
	}
	build_fe(&fe_cases[9], fe);
	isofs_udf_decode_fe(fe, sizeof(fe), 100, &st, ext, 4, &next, &ioff,
	    &ilen);
	tap_ok(ilen == 11 && memcmp(fe + ioff, "hello world", 11) == 0,
	    "in-ICB data located");
	build_fe(&fe_cases[3], fe);
	isofs_udf_decode_fe(fe, sizeof(fe), 100, &st, ext, 4, &next, &ioff,
	    &ilen);
	tap_ok(ext[1].off == 109 * 2048ull && ext[1].len == 952 &&
	    ext[1].recorded, "second extent decoded");
	tap_is(isofs_udf_decode_fe(fe, sizeof(fe), 100, &st, ext, 1, &next,
	    &ioff, &ilen), -E2BIG, "more extents than room");
	tap_is(isofs_udf_decode_fe(fe, 100, 100, &st, ext, 4, &next,
	    &ioff, &ilen), -EIO, "a short entry");
}

/* ---- real images ---- */

static char top[PATH_MAX];

static void
die(const char *what)
{
	perror(what);
	exit(99);
}

/* Write len pseudo-random bytes (seeded by seed) to top/rel. */
static void
mkfile(const char *rel, size_t len, unsigned seed)
{
	char p[PATH_MAX * 2], cmd[PATH_MAX * 3];
	FILE *f;
	size_t i;

	snprintf(p, sizeof(p), "%s/tree/%s", top, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", p);
	if (system(cmd) != 0)
		die(cmd);
	if ((f = fopen(p, "w")) == NULL)
		die(p);
	for (i = 0; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		fputc((int)(seed >> 16) & 0xff, f);
	}
	fclose(f);
}

/* Read top/tree/rel whole; malloc'ed, *len set. */
static uint8_t *
slurp(const char *rel, size_t *len)
{
	char p[PATH_MAX * 2];
	uint8_t *buf;
	struct stat sb;
	int fd;

	snprintf(p, sizeof(p), "%s/tree/%s", top, rel);
	if ((fd = open(p, O_RDONLY)) < 0 || fstat(fd, &sb) < 0)
		die(p);
	buf = malloc((size_t)sb.st_size + 1);
	if (buf == NULL || read(fd, buf, (size_t)sb.st_size) != sb.st_size)
		die(p);
	close(fd);
	*len = (size_t)sb.st_size;
	return buf;
}

static int
run(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* UDF file identifiers (OSTA CS0) into UTF-8. */
static void
test_udf_name(void)
{
	static const uint8_t latin1[] = { 8, 'c', 'a', 'f', 0xe9 };
	static const uint8_t wide[] = { 16, 0x65, 0xe5, 0x67, 0x2c, 0, '.' };
	static const uint8_t pair[] = { 16, 0xd8, 0x3d, 0xde, 0x00 };
	static const uint8_t lone[] = { 16, 0xd8, 0x3d, 0, 'x' };
	static const uint8_t odd[] = { 16, 0, 'a', 0 };
	static const uint8_t nul[] = { 8, 'a', 0 };
	static const uint8_t other[] = { 9, 'a' };
	char out[32];

	tap_is(isofs_udf_name(latin1, sizeof(latin1), out, sizeof(out)), 5,
	    "udf name: 8-bit, Latin-1 e-acute is 2 bytes of UTF-8");
	tap_str(out, "caf\303\251", "udf name:   caf\303\251");
	tap_is(isofs_udf_name(wide, sizeof(wide), out, sizeof(out)), 7,
	    "udf name: 16-bit big-endian");
	tap_str(out, "\346\227\245\346\234\254.", "udf name:   two CJK ideographs");
	tap_is(isofs_udf_name(pair, sizeof(pair), out, sizeof(out)), 4,
	    "udf name: a surrogate pair");
	tap_str(out, "\360\237\230\200", "udf name:   U+1F600");
	tap_is(isofs_udf_name(lone, sizeof(lone), out, sizeof(out)), -EILSEQ,
	    "udf name: an unpaired surrogate is refused");
	tap_is(isofs_udf_name(odd, sizeof(odd), out, sizeof(out)), -EILSEQ,
	    "udf name: an odd 16-bit length is refused");
	tap_is(isofs_udf_name(nul, sizeof(nul), out, sizeof(out)), -EILSEQ,
	    "udf name: a NUL character is refused");
	tap_is(isofs_udf_name(other, sizeof(other), out, sizeof(out)), -EILSEQ,
	    "udf name: compression id 9 is refused");
	tap_is(isofs_udf_name(latin1, 1, out, sizeof(out)), -EILSEQ,
	    "udf name: an empty name is refused");
	tap_is(isofs_udf_name(latin1, sizeof(latin1), out, 4), -ENAMETOOLONG,
	    "udf name: no room");
}

/* Files of the test tree: path, size, seed. */
static const struct {
	const char *path;
	size_t size;
} files[] = {
	{ "README.TXT", 100 },
	{ "bootmgr", 9000 },
	{ "Boot/BCD", 4096 },
	{ "Boot/boot.sdi", 70000 },
	{ "sources/boot.wim", 300000 },
	{ "efi/microsoft/boot/efisys.bin", 2048 * 5 },
	{ "empty", 0 },
	{ "Deep/er/still/a Long File Name.txt", 33 },
};

static void
make_tree(void)
{
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		mkfile(files[i].path, files[i].size, (unsigned)i + 1);
	/* A known mtime: 2021-03-04 05:06:07 UTC. */
	if (run("cd \"$ISOFS_TOP/tree\" && TZ=UTC touch -d "
	    "'2021-03-04 05:06:07' bootmgr") != 0)
		die("touch");
}

/* Check one file's data through fopen/read, whole and in pieces. */
static void
check_file(struct isofs *fs, const char *name, const char *rel,
    const char *label)
{
	struct isofs_file *f;
	uint8_t *want, *got, tail[64];
	size_t len, off, step;
	ssize_t n;
	int r;

	want = slurp(rel, &len);
	r = isofs_fopen(fs, name, &f);
	tap_is(r, 0, "%s: open \"%s\"", label, name);
	if (r < 0) {
		free(want);
		return;
	}
	tap_is(isofs_fstat(f)->size, len, "%s:   size %zu", label, len);
	got = malloc(len + 1);
	n = isofs_read(f, got, len + 100, 0);
	tap_ok(n == (ssize_t)len && memcmp(got, want, len) == 0,
	    "%s:   whole content", label);
	/* Odd-sized reads at odd offsets cover every sector boundary. */
	for (off = 0, r = 0, step = 777; off < len; off += step) {
		n = isofs_read(f, got, step, off);
		if (n != (ssize_t)(len - off < step ? len - off : step) ||
		    memcmp(got, want + off, (size_t)n) != 0)
			r = -1;
	}
	tap_is(r, 0, "%s:   read in 777-byte pieces", label);
	tap_is(isofs_read(f, tail, sizeof(tail), len), 0,
	    "%s:   read at the end gives 0", label);
	if (isofs_fstat(f)->offset != ISOFS_NO_OFFSET) {
		n = pread(isofs_fd(fs), got, len,
		    (off_t)isofs_fstat(f)->offset);
		tap_ok(n == (ssize_t)len && memcmp(got, want, len) == 0,
		    "%s:   its offset in the image holds the data", label);
	} else {
		tap_ok(len == 0, "%s:   has an offset unless empty", label);
	}
	free(got);
	free(want);
	isofs_fclose(f);
}

/*
 * How many entries dir lists: all (name NULL), or those named name
 * (exactly) that are directories or files as is_dir says.  Or -errno.
 */
static int
lists(struct isofs *fs, const char *dir, const char *name, bool is_dir)
{
	struct isofs_dirent e;
	struct isofs_dir *d;
	int r, found = 0;

	if ((r = isofs_opendir(fs, dir, &d)) < 0)
		return r;
	while ((r = isofs_readdir(d, &e)) > 0)
		if (name == NULL || (strcmp(e.name, name) == 0 &&
		    e.st.is_dir == is_dir))
			found++;
	isofs_closedir(d);
	return r < 0 ? r : found;
}

/* Paths no image has, and what stat says of them. */
static const struct {
	const char *path;
	int err;
	const char *what;
} bad_paths[] = {
	{ "nosuch", -ENOENT, "ENOENT" },
	{ "sources/nosuch", -ENOENT, "ENOENT in a directory" },
	{ "bootmgr/x", -ENOTDIR, "ENOTDIR" },
	{ "sources/../bootmgr", -EACCES, ".. refused" },
	{ "bootmgr/..", -EACCES, ".. after a file refused" },
};

/* Everything a full image (bridge or plain) must show. */
static void
check_full(struct isofs *fs, const char *label, bool joliet_or_udf)
{
	struct isofs_stat st;
	struct isofs_dir *d;
	struct isofs_file *f;
	char found[256];
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		check_file(fs, files[i].path, files[i].path, label);
	check_file(fs, "\\BOOT\\bcd", "Boot/BCD", label);
	check_file(fs, "/EFI/Microsoft/Boot/EFISYS.BIN",
	    "efi/microsoft/boot/efisys.bin", label);
	tap_is(isofs_resolve(fs, "boot\\BCD", &st, found, sizeof(found)), 0,
	    "%s: resolve boot\\BCD", label);
	tap_str(found, joliet_or_udf ? "Boot/BCD" : "boot/bcd",
	    "%s:   recorded as", label);
	tap_is(isofs_stat(fs, "/", &st), 0, "%s: stat /", label);
	tap_ok(st.is_dir, "%s:   is a directory", label);
	tap_is(isofs_stat(fs, "sources", &st), 0, "%s: stat sources", label);
	tap_ok(st.is_dir && st.offset == ISOFS_NO_OFFSET,
	    "%s:   a directory, no offset", label);
	tap_is(isofs_stat(fs, "bootmgr", &st), 0, "%s: stat bootmgr", label);
	tap_ok(!st.is_dir && st.size == 9000, "%s:   a 9000-byte file", label);
	tap_is(st.mtime, 1614834367, "%s:   mtime 2021-03-04 05:06:07 UTC",
	    label);
	tap_is(isofs_stat(fs, "./sources//./boot.wim", &st), 0,
	    "%s: empty and . components", label);
	for (i = 0; i < sizeof(bad_paths) / sizeof(bad_paths[0]); i++)
		tap_is(isofs_stat(fs, bad_paths[i].path, &st), bad_paths[i].err,
		    "%s: %s", label, bad_paths[i].what);
	tap_is(isofs_fopen(fs, "boot", &f), -EISDIR, "%s: fopen a directory",
	    label);
	tap_is(isofs_opendir(fs, "bootmgr", &d), -ENOTDIR,
	    "%s: opendir a file", label);
	tap_is(lists(fs, "/", joliet_or_udf ? "Boot" : "boot", true), 1,
	    "%s: / lists Boot once, as a directory", label);
	tap_is(lists(fs, "", "bootmgr", false), 1,
	    "%s: / lists bootmgr", label);
	tap_is(lists(fs, "DEEP/ER/STILL",
	    joliet_or_udf ? "a Long File Name.txt" : "a_long_f.txt", false), 1,
	    "%s: a long name deep down", label);
	tap_is(lists(fs, "/", NULL, false), 7, "%s: / has 7 entries", label);
	tap_is(lists(fs, "boot", NULL, false), 2, "%s: boot has 2 entries", label);
}

/* Files whose data is in two extents, one of them unrecorded. */
static void
test_split(void)
{
	char p[PATH_MAX * 2], cmd[PATH_MAX * 10];
	struct isofs_file *f;
	struct isofs *fs;
	uint8_t *want, *got;
	size_t len, off, n;
	int bad = 0;

	snprintf(p, sizeof(p), "%s/split.iso", top);
	snprintf(cmd, sizeof(cmd), "cp '%s/udfonly.iso' '%s' && "
	    "\"$PXE_TESTTOOLS/udfsplit\" '%s' 70000 32768 && "
	    "\"$PXE_TESTTOOLS/udfsplit\" '%s' 10240 4096 1", top, p, p, p);
	if (run(cmd) != 0)
		die("split.iso");
	if (isofs_open(&fs, p, 0) != 0)
		die("split.iso");
	want = slurp("Boot/boot.sdi", &len);
	got = malloc(len);
	tap_is(isofs_fopen(fs, "boot/boot.sdi", &f), 0, "split: open boot.sdi");
	tap_ok(isofs_fstat(f)->offset == ISOFS_NO_OFFSET,
	    "split:   two extents, no single offset");
	tap_ok(isofs_read(f, got, len, 0) == (ssize_t)len &&
	    memcmp(got, want, len) == 0, "split:   whole content");
	for (off = 0; off < len; off += 777) {
		n = len - off < 777 ? len - off : 777;
		if (isofs_read(f, got, 777, off) != (ssize_t)n ||
		    memcmp(got, want + off, n) != 0)
			bad++;
	}
	tap_is(bad, 0, "split:   777-byte pieces across the extents");
	isofs_fclose(f);
	free(want);
	free(got);
	want = slurp("efi/microsoft/boot/efisys.bin", &len);
	got = malloc(len);
	tap_is(isofs_fopen(fs, "efi/microsoft/boot/efisys.bin", &f), 0,
	    "split: open efisys.bin");
	tap_ok(isofs_read(f, got, len, 0) == (ssize_t)len &&
	    memcmp(got, want, 4096) == 0, "split:   its recorded extent");
	for (off = 4096, bad = 0; off < len; off++)
		bad += got[off] != 0;
	tap_is(bad, 0, "split:   its unrecorded extent reads as zeros");
	isofs_fclose(f);
	isofs_close(fs);
	free(want);
	free(got);
}

static struct isofs *
open_ok(const char *iso, unsigned flags, enum isofs_format want,
    const char *label)
{
	char p[PATH_MAX * 2];
	struct isofs *fs = NULL;
	int r;

	snprintf(p, sizeof(p), "%s/%s", top, iso);
	r = isofs_open(&fs, p, flags);
	tap_is(r, 0, "%s: open %s", label, iso);
	if (r == 0)
		tap_is(isofs_format(fs), want, "%s:   read as %s", label,
		    isofs_format_name(fs));
	return fs;
}

static void
test_images(void)
{
	char p[PATH_MAX * 2];
	struct isofs_stat st;
	struct isofs *fs;

	make_tree();
	if (run("cd \"$ISOFS_TOP\" && genisoimage -quiet -udf -J -r "
	    "-iso-level 3 -V BRIDGE -o bridge.iso tree") != 0 ||
	    run("cd \"$ISOFS_TOP\" && genisoimage -quiet -J "
	    "-o plain.iso tree") != 0 ||
	    run("cd \"$ISOFS_TOP\" && cp bridge.iso udfonly.iso && "
	    "\"$PXE_TESTTOOLS/isohide\" udfonly.iso readme.txt") != 0)
		die("genisoimage or isohide");

	fs = open_ok("bridge.iso", 0, ISOFS_UDF, "bridge/UDF");
	if (fs)
		check_full(fs, "bridge/UDF", true);
	isofs_close(fs);
	fs = open_ok("bridge.iso", ISOFS_NO_UDF, ISOFS_ISO9660,
	    "bridge/Joliet");
	if (fs)
		check_full(fs, "bridge/Joliet", true);
	isofs_close(fs);
	fs = open_ok("plain.iso", 0, ISOFS_ISO9660, "plain");
	if (fs)
		check_full(fs, "plain", true);
	isofs_close(fs);

	/* UDF-only: the ISO9660 and Joliet trees show only the README. */
	fs = open_ok("udfonly.iso", 0, ISOFS_UDF, "udf-only");
	if (fs)
		check_full(fs, "udf-only", true);
	isofs_close(fs);
	fs = open_ok("udfonly.iso", ISOFS_NO_UDF, ISOFS_ISO9660,
	    "udf-only/Joliet");
	if (fs) {
		tap_is(lists(fs, "/", NULL, false), 1,
		    "udf-only/Joliet: one entry");
		tap_is(isofs_stat(fs, "readme.txt", &st), 0,
		    "udf-only/Joliet: it is the README");
		tap_is(isofs_stat(fs, "sources/boot.wim", &st), -ENOENT,
		    "udf-only/Joliet: no boot.wim");
	}
	isofs_close(fs);
	test_split();

	/* Not images. */
	fs = NULL;
	snprintf(p, sizeof(p), "%s/plain.iso", top);
	tap_is(isofs_open(&fs, p, ISOFS_NO_ISO9660), -EMEDIUMTYPE,
	    "plain ISO9660 with UDF required");
	snprintf(p, sizeof(p), "%s/tree/sources/boot.wim", top);
	tap_is(isofs_open(&fs, p, 0), -EMEDIUMTYPE, "random bytes");
	snprintf(p, sizeof(p), "%s/tree/README.TXT", top);
	tap_is(isofs_open(&fs, p, 0), -EMEDIUMTYPE, "a 100-byte file");
	snprintf(p, sizeof(p), "%s/tree", top);
	tap_is(isofs_open(&fs, p, 0), -EISDIR, "a directory");
	snprintf(p, sizeof(p), "%s/nosuch.iso", top);
	tap_is(isofs_open(&fs, p, 0), -ENOENT, "a missing file");
	tap_ok(fs == NULL, "nothing returned on failure");
}

int
main(void)
{
	char cmd[PATH_MAX * 2];
	const char *tmp = getenv("TMPDIR");

	test_time();
	test_decode();
	test_udf_name();
	if (run("command -v genisoimage >/dev/null") != 0) {
		tap_skip(1, "genisoimage is not installed (see scripts/deps)");
		return tap_done();
	}
	/* make check sets it; by hand, run from the build directory. */
	if (getenv("PXE_TESTTOOLS") == NULL &&
	    realpath("tests/tools", cmd) != NULL)
		setenv("PXE_TESTTOOLS", cmd, 1);
	snprintf(top, sizeof(top), "%s/pxekit-isofs.XXXXXX",
	    tmp ? tmp : "/tmp");
	if (mkdtemp(top) == NULL)
		die("mkdtemp");
	setenv("ISOFS_TOP", top, 1);
	test_images();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	run(cmd);
	return tap_done();
}
