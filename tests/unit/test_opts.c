/* Unit tests for lib/libpxe/opts: table-driven options and -C files. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tap.h"
#include "libpxe/opts.h"

enum { O_PORT = PXE_OPT_USER, O_ROOT, O_WRITE, O_LISTEN };

/* Values kept as the programs keep them: the pointer opts hands over. */
struct cfg {
	unsigned port;
	const char *root;
	int write;
	const char *listen[4];
	unsigned nlisten;
};

static const struct pxe_opt table[] = {
	{ "port", 'p', "N", O_PORT, "port" },
	{ "root", 'r', "DIR", O_ROOT, "root" },
	{ "write", 'w', NULL, O_WRITE, "write" },
	{ "listen", 'l', "ADDR", O_LISTEN, "listen" },
	{ NULL, 0, NULL, 0, NULL },
};

static const char *
handler(void *ctx, int id, const char *arg)
{
	static char msg[64];
	struct cfg *c = ctx;
	uint64_t v;

	switch (id) {
	case O_PORT:
		if (pxe_parse_u64(arg, 1, 65535, &v) < 0)
			return pxe_range_msg(msg, sizeof(msg), 1, 65535);
		c->port = (unsigned)v;
		return NULL;
	case O_ROOT:
		c->root = arg;
		return NULL;
	case O_LISTEN:
		if (c->nlisten == 4)
			return "given too many times";
		c->listen[c->nlisten++] = arg;
		return NULL;
	case O_WRITE:
		c->write = 1;
		return NULL;
	}
	return "unknown";
}

static struct pxe_opts_mem mem;

static int
run(struct cfg *c, int argc, char **argv)
{
	struct pxe_opts_spec spec = { "t", "1", "[OPTION]...", "test", NULL,
	    table, handler, c, &mem };
	int idx;

	return pxe_opts_parse(&spec, argc, argv, &idx);
}

int
main(void)
{
	struct cfg c = { 0 };
	char dir[] = "/tmp/test_opts_dir.XXXXXX", main_cf[64], sub_cf[64];
	char *a7[] = { "t", "-C", main_cf, NULL };
	char *a1[] = { "t", "-p", "69", "--root=/srv", "-w", NULL };
	char *a2[] = { "t", "--port", "0", NULL };
	char *a3[] = { "t", "--nope", NULL };
	char *a4[] = { "t", "--port", NULL };
	char path[] = "/tmp/test_opts.XXXXXX";
	char *a5[] = { "t", "-C", path, NULL };
	char *a6[] = { "t", "--version", NULL };
	uint64_t v;
	FILE *f;
	int fd;

	tap_is(pxe_parse_u64("0065", 0, 100, &v), 0, "leading zeros accepted");
	tap_is(v, 65, "value");
	tap_ok(pxe_parse_u64("-1", 0, 100, &v) < 0, "sign refused");
	tap_ok(pxe_parse_u64(" 1", 0, 100, &v) < 0, "space refused");
	tap_ok(pxe_parse_u64("", 0, 100, &v) < 0, "empty refused");
	tap_ok(pxe_parse_u64("101", 0, 100, &v) < 0, "above max refused");
	tap_ok(pxe_parse_u64("99999999999999999999999", 0, UINT64_MAX, &v) < 0,
	    "overflow refused");
	tap_ok(pxe_parse_u64("18446744073709551615", 0, UINT64_MAX, &v) == 0 &&
	    v == UINT64_MAX, "2^64-1 accepted");

	tap_is(run(&c, 5, a1), 0, "short, long= and flag options");
	tap_ok(c.port == 69 && c.root && c.write, "values reached the handler");
	tap_is(run(&c, 3, a2), 2, "bad value is a usage error");
	tap_is(run(&c, 2, a3), 2, "unknown option is a usage error");
	tap_is(run(&c, 2, a4), 2, "missing value is a usage error");

	fd = mkstemp(path);
	f = fdopen(fd, "w");
	fprintf(f, "# comment\n\nport 6969\nroot = /tftp  # trailing\nwrite\n");
	fclose(f);
	c.port = 0;
	c.write = 0;
	tap_is(run(&c, 3, a5), 0, "-C FILE with the long names");
	tap_is(c.port, 6969, "port from the file");
	tap_str(c.root, "/tftp", "root from the file, '=' and comment handled");
	f = fopen(path, "w");
	fprintf(f, "port 6969\nbogus 1\n");
	fclose(f);
	tap_is(run(&c, 3, a5), 2, "unknown name in a file is a usage error");
	f = fopen(path, "w");
	fprintf(f, "write yes\n");
	fclose(f);
	tap_is(run(&c, 3, a5), 2, "value on a flag in a file is an error");
	unlink(path);
	tap_is(run(&c, 2, a6), 1, "--version asks to exit 0");

	/* Several string values, one per line, and an include relative to
	 * the including file: each value must outlive the line it was on. */
	tap_ok(mkdtemp(dir) != NULL, "temporary folder");
	snprintf(main_cf, sizeof(main_cf), "%s/main.conf", dir);
	snprintf(sub_cf, sizeof(sub_cf), "%s/sub.conf", dir);
	f = fopen(main_cf, "w");
	fprintf(f, "root /srv/tftp\nlisten 192.168.42.1\ninclude sub.conf\n"
	    "listen=10.0.0.1\n");
	fclose(f);
	f = fopen(sub_cf, "w");
	fprintf(f, "# included\nlisten fe80::1\nport 69\n");
	fclose(f);
	memset(&c, 0, sizeof(c));
	tap_is(run(&c, 3, a7), 0, "-C FILE with an include");
	tap_str(c.root, "/srv/tftp", "first line's value kept after later lines");
	tap_is(c.nlisten, 3, "three --listen values");
	tap_str(c.listen[0], "192.168.42.1", "listen 1 kept");
	tap_str(c.listen[1], "fe80::1", "listen 2 from the included file kept");
	tap_str(c.listen[2], "10.0.0.1", "listen 3 after the include kept");
	tap_is(c.port, 69, "number from the included file");
	f = fopen(main_cf, "w");
	fprintf(f, "include nothere.conf\n");
	fclose(f);
	tap_is(run(&c, 3, a7), 2, "a missing include is a usage error");
	unlink(sub_cf);
	unlink(main_cf);
	rmdir(dir);
	pxe_opts_free(&mem);
	tap_ok(mem.n == 0 && mem.v == NULL, "pxe_opts_free empties the store");
	return tap_done();
}
