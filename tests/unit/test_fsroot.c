/*
 * Unit tests for lib/libpxe/fsroot: name normalisation, and reads and
 * writes in a scratch tree, both with openat2 and with the O_NOFOLLOW walk.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <sys/stat.h>
#include <stdbool.h>

#include "../tap.h"
#include "libpxe/fsroot.h"

static const struct {
	const char *in;
	size_t len;	/* 0: strlen(in) */
	int ret;
	const char *out;
} norm[] = {
	{ "pxelinux.0", 0, 0, "pxelinux.0" },
	{ "/pxelinux.0", 0, 0, "pxelinux.0" },
	{ "\\Boot\\BCD", 0, 0, "Boot/BCD" },
	{ "//a///b/", 0, 0, "a/b" },
	{ "./a/./b", 0, 0, "a/b" },
	{ "a/.b/..c", 0, 0, "a/.b/..c" },
	{ "..", 0, -EACCES, NULL },
	{ "../etc/passwd", 0, -EACCES, NULL },
	{ "a/../../etc/passwd", 0, -EACCES, NULL },
	{ "a\\..\\b", 0, -EACCES, NULL },
	{ "/", 0, -EACCES, NULL },
	{ ".", 0, -EACCES, NULL },
	{ "", 0, -EACCES, NULL },
	{ "a\0b", 3, -EACCES, NULL },
};

static void
test_normalize(void)
{
	char out[PXE_FSROOT_MAXNAME + 1], big[2048];
	size_t i, len;
	int r;

	for (i = 0; i < sizeof(norm) / sizeof(norm[0]); i++) {
		len = norm[i].len ? norm[i].len : strlen(norm[i].in);
		r = pxe_fsroot_normalize(norm[i].in, len, out, sizeof(out));
		tap_is(r, norm[i].ret, "normalize \"%s\"", norm[i].in);
		if (r == 0 && norm[i].out)
			tap_str(out, norm[i].out, "  gives \"%s\"", norm[i].out);
	}
	memset(big, 'a', sizeof(big));
	tap_is(pxe_fsroot_normalize(big, PXE_FSROOT_MAXNAME + 1, out,
	    sizeof(out)), -ENAMETOOLONG, "name over 1024 bytes");
	tap_is(pxe_fsroot_normalize(big, NAME_MAX + 1, out, sizeof(out)),
	    -ENAMETOOLONG, "component over NAME_MAX");
	tap_is(pxe_fsroot_normalize(big, NAME_MAX, out, sizeof(out)), 0,
	    "component of NAME_MAX");
	tap_is(pxe_fsroot_normalize("abcdef", 6, out, 4), -ENAMETOOLONG,
	    "output buffer too small");
}

static char top[PATH_MAX];

static void
put(const char *rel, const char *content)
{
	char p[PATH_MAX * 2];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	if ((f = fopen(p, "w")) == NULL) {
		perror(p);
		exit(99);
	}
	fputs(content, f);
	fclose(f);
}

static void
mk(const char *rel)
{
	char p[PATH_MAX * 2];

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	if (mkdir(p, 0755) < 0) {
		perror(p);
		exit(99);
	}
}

static void
ln(const char *target, const char *rel)
{
	char p[PATH_MAX * 2];

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	if (symlink(target, p) < 0) {
		perror(p);
		exit(99);
	}
}

static void
setup_tree(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(top, sizeof(top), "%s/test_fsroot.XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(top) == NULL) {
		perror("mkdtemp");
		exit(99);
	}
	mk("outside");
	put("outside/secret", "secret\n");
	mk("root");
	put("root/pxelinux.0", "pxelinux\n");
	mk("root/boot");
	put("root/boot/bcd", "bcd\n");
	mk("root/Sources");
	put("root/Sources/boot.wim", "wim\n");
	put("root/Sources/BOOT.WIM", "WIM\n");
	mk("root/pxelinux.cfg");
	put("root/pxelinux.cfg/default", "menu\n");
	ln("../outside/secret", "root/escape");
	ln("/etc/passwd", "root/abs");
	ln("../outside", "root/outdir");
	ln("pxelinux.0", "root/inside");
	{
		char p[PATH_MAX * 2];

		snprintf(p, sizeof(p), "%s/root/fifo", top);
		mkfifo(p, 0644);
	}
}

static void
rm_tree(const char *path)
{
	char p[PATH_MAX * 2];
	struct dirent *de;
	struct stat st;
	DIR *d;

	if (lstat(path, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode) && (d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			snprintf(p, sizeof(p), "%s/%s", path, de->d_name);
			rm_tree(p);
		}
		closedir(d);
		rmdir(path);
	} else {
		unlink(path);
	}
}

/* Read the whole (small) file behind fd into buf and close it. */
static const char *
slurp(int fd, char *buf, size_t cap)
{
	ssize_t n = read(fd, buf, cap - 1);

	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

static const struct {
	const char *name;
	int ret;		/* 0: opens */
	const char *content;
	const char *resolved;
} reads[] = {
	{ "pxelinux.0", 0, "pxelinux\n", "pxelinux.0" },
	{ "/pxelinux.0", 0, "pxelinux\n", "pxelinux.0" },
	{ "\\Boot\\BCD", 0, "bcd\n", "boot/bcd" },
	{ "PXELINUX.CFG/DEFAULT", 0, "menu\n", "pxelinux.cfg/default" },
	{ "sources/boot.wim", 0, "wim\n", "Sources/boot.wim" },
	{ "SOURCES/Boot.Wim", 0, "WIM\n", "Sources/BOOT.WIM" },
	{ "Sources/BOOT.WIM", 0, "WIM\n", "Sources/BOOT.WIM" },
	{ "inside", 0, "pxelinux\n", NULL },
	{ "missing", -ENOENT, NULL, NULL },
	{ "boot/missing", -ENOENT, NULL, NULL },
	{ "pxelinux.0/x", -ENOENT, NULL, NULL },
	/* A trailing separator names a directory: never a file (as open(2)
	 * says ENOTDIR, which dnsmasq and tftp-hpa pass on). */
	{ "pxelinux.0/", -ENOENT, NULL, NULL },
	{ "\\Boot\\BCD\\", -ENOENT, NULL, NULL },
	{ "boot/bcd/.", -ENOENT, NULL, NULL },
	{ "boot/bcd//", -ENOENT, NULL, NULL },
	{ "../outside/secret", -EACCES, NULL, NULL },
	{ "escape", -EACCES, NULL, NULL },
	{ "ESCAPE", -EACCES, NULL, NULL },
	{ "abs", -EACCES, NULL, NULL },
	{ "outdir/secret", -EACCES, NULL, NULL },
	{ "boot", -EACCES, NULL, NULL },
	{ "fifo", -EACCES, NULL, NULL },
};

static void
test_reads(struct pxe_fsroot *r, const char *how)
{
	char res[PXE_FSROOT_MAXNAME + 1], buf[64];
	uint64_t size;
	size_t i;
	int fd;

	for (i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
		/* The inside symlink is refused by the walk, by design. */
		if (!r->openat2 && strcmp(reads[i].name, "inside") == 0) {
			fd = pxe_fsroot_open_read(r, "inside", 6, res,
			    sizeof(res), &size);
			tap_is(fd, -EACCES, "%s: symlinks refused by the walk",
			    how);
			continue;
		}
		size = 0;
		fd = pxe_fsroot_open_read(r, reads[i].name,
		    strlen(reads[i].name), res, sizeof(res), &size);
		if (reads[i].ret < 0) {
			tap_is(fd, reads[i].ret, "%s: \"%s\" refused", how,
			    reads[i].name);
			if (fd >= 0)
				close(fd);
			continue;
		}
		if (!tap_ok(fd >= 0, "%s: \"%s\" opens", how, reads[i].name)) {
			printf("#   got %d\n", fd);
			continue;
		}
		tap_is(size, strlen(reads[i].content), "  size");
		tap_str(slurp(fd, buf, sizeof(buf)), reads[i].content,
		    "  content");
		if (reads[i].resolved)
			tap_str(res, reads[i].resolved, "  resolved");
	}
}

static int
exists(const char *rel)
{
	char p[PATH_MAX * 2];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	return lstat(p, &st) == 0;
}

/* Number of entries in root/dir whose names start with a dot. */
static int
count_temps(const char *rel)
{
	char p[PATH_MAX * 2];
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	if ((d = opendir(p)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] == '.' && strcmp(de->d_name, ".") &&
		    strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void
test_writes(struct pxe_fsroot *r)
{
	struct pxe_fsroot_tmp t, t2;
	char buf[64];
	int fd;

	tap_is(pxe_fsroot_create_tmp(r, "BOOT/new.txt", 12, false, &t), 0,
	    "create_tmp in a directory found case-insensitively");
	tap_ok(write(t.fd, "hello\n", 6) == 6, "  write");
	tap_ok(!exists("root/boot/new.txt"), "  target absent before commit");
	tap_is(count_temps("root/boot"), 1, "  one temporary file");
	tap_is(pxe_fsroot_commit(&t, false), 0, "  commit");
	tap_ok(exists("root/boot/new.txt"), "  target present after commit");
	tap_is(count_temps("root/boot"), 0, "  temporary file gone");
	fd = pxe_fsroot_open_read(r, "boot/new.txt", 12, NULL, 0, NULL);
	tap_str(fd >= 0 ? slurp(fd, buf, sizeof(buf)) : "", "hello\n",
	    "  content");

	tap_is(pxe_fsroot_create_tmp(r, "boot/new.txt", 12, false, &t),
	    -EEXIST, "existing file without overwrite: -EEXIST");
	tap_is(pxe_fsroot_create_tmp(r, "boot/new.txt", 12, true, &t), 0,
	    "existing file with overwrite");
	tap_ok(write(t.fd, "again\n", 6) == 6, "  write");
	tap_is(pxe_fsroot_commit(&t, true), 0, "  commit replaces");
	fd = pxe_fsroot_open_read(r, "boot/new.txt", 12, NULL, 0, NULL);
	tap_str(fd >= 0 ? slurp(fd, buf, sizeof(buf)) : "", "again\n",
	    "  new content");

	tap_is(pxe_fsroot_create_tmp(r, "up.bin", 6, false, &t), 0,
	    "create_tmp for an abort");
	tap_ok(write(t.fd, "partial", 7) == 7, "  write");
	pxe_fsroot_abort(&t);
	tap_ok(!exists("root/up.bin"), "  abort leaves no target");
	tap_is(count_temps("root"), 0, "  abort leaves no temporary file");

	tap_is(pxe_fsroot_create_tmp(r, "race", 4, false, &t), 0,
	    "two uploads of one name");
	tap_is(pxe_fsroot_create_tmp(r, "race", 4, false, &t2), 0,
	    "  second one starts too");
	tap_is(pxe_fsroot_commit(&t, false), 0, "  first commit wins");
	tap_is(pxe_fsroot_commit(&t2, false), -EEXIST,
	    "  second commit: -EEXIST");
	tap_is(count_temps("root"), 0, "  no temporary file left");

	tap_is(pxe_fsroot_create_tmp(r, "nodir/x", 7, false, &t), -ENOENT,
	    "missing directory: -ENOENT");
	tap_is(pxe_fsroot_create_tmp(r, "../x", 4, false, &t), -EACCES,
	    "write with ..: -EACCES");
	tap_is(pxe_fsroot_create_tmp(r, "outdir/x", 8, false, &t), -EACCES,
	    "write through a symlink out: -EACCES");
	tap_ok(!exists("outside/x"), "  nothing written outside");
	tap_is(pxe_fsroot_create_tmp(r, "boot", 4, true, &t), -EACCES,
	    "overwrite a directory: -EACCES");
	tap_is(pxe_fsroot_create_tmp(r, "escape", 6, true, &t), -EACCES,
	    "overwrite a symlink: -EACCES");
}

/* pxe_fsroot_open_node: files and directories, name vs path not found. */
static void
test_nodes(struct pxe_fsroot *r, const char *how)
{
	static const struct {
		const char *name;
		int ret;	/* 0: opens */
		bool dir;
		const char *found;
	} t[] = {
		{ "", 0, true, "" },
		{ "\\", 0, true, "" },
		{ "boot", 0, true, "boot" },
		{ "BOOT\\BCD", 0, false, "boot/bcd" },
		{ "sources", 0, true, "Sources" },
		{ "nothere", -ENOENT, false, NULL },
		{ "boot\\nothere", -ENOENT, false, NULL },
		{ "nodir\\bcd", -ENOTDIR, false, NULL },
		{ "pxelinux.0\\x", -ENOTDIR, false, NULL },
		{ "outdir\\secret", -EACCES, false, NULL },
		{ "escape", -EACCES, false, NULL },
		{ "..\\outside\\secret", -EACCES, false, NULL },
		{ "fifo", -EACCES, false, NULL },
	};
	char found[256];
	struct stat st;
	size_t i;
	int fd;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		fd = pxe_fsroot_open_node(r, t[i].name, strlen(t[i].name),
		    found, sizeof(found), &st);
		if (t[i].ret != 0) {
			/* The walk refuses symlinks with -EACCES or, for one
			 * in the middle, as a missing directory. */
			tap_ok(fd == t[i].ret || (fd < 0 && t[i].ret == -EACCES &&
			    !r->openat2), "%s: node \"%s\": %d", how,
			    t[i].name, fd);
			if (fd >= 0)
				close(fd);
			continue;
		}
		tap_ok(fd >= 0 && S_ISDIR(st.st_mode) == t[i].dir &&
		    strcmp(found, t[i].found) == 0, "%s: node \"%s\" is %s "
		    "\"%s\"", how, t[i].name, t[i].dir ? "directory" : "file",
		    t[i].found);
		if (fd >= 0)
			close(fd);
	}
}

int
main(void)
{
	struct pxe_fsroot r;
	char p[PATH_MAX * 2];
	bool have_openat2;

	test_normalize();
	setup_tree();
	snprintf(p, sizeof(p), "%s/nonexistent", top);
	tap_is(pxe_fsroot_open(&r, p), -ENOENT, "open a missing root");
	snprintf(p, sizeof(p), "%s/root/pxelinux.0", top);
	tap_is(pxe_fsroot_open(&r, p), -ENOTDIR, "open a file as root");
	snprintf(p, sizeof(p), "%s/root/", top);
	tap_is(pxe_fsroot_open(&r, p), 0, "open the root");
	tap_ok(r.path[strlen(r.path) - 1] != '/', "trailing slash dropped");
	have_openat2 = r.openat2;
	if (r.openat2) {
		test_reads(&r, "openat2");
		test_nodes(&r, "openat2");
	} else {
		tap_diag("kernel has no openat2: only the walk is tested");
	}
	r.openat2 = false;
	test_reads(&r, "walk");
	test_nodes(&r, "walk");
	r.openat2 = have_openat2;
	test_writes(&r);
	pxe_fsroot_close(&r);
	rm_tree(top);
	return tap_done();
}
