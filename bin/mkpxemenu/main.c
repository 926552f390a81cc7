/*
 * mkpxemenu: write and check the boot menus of a PXE tree.
 *
 *   mkpxemenu [OPTION]...            a pxelinux, iPXE or GRUB menu
 *   mkpxemenu lookup --mac M ...     pxelinux's config search for a machine
 *   mkpxemenu install --root DIR     copy syslinux's files into a TFTP root
 *   mkpxemenu check --root DIR       lint a tree
 *
 * main.c reads the options of each command and does the files; menu.c
 * builds the text, check.c lints, install.c copies.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "libpxe/fsroot.h"
#include "libpxe/opts.h"
#include "libpxe/pxelinux.h"
#include "mkpxemenu.h"

/* ---- writing files atomically ---- */

int
mk_parents(const char *path)
{
	char buf[4096], *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (p = buf + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

int
write_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
	char tmp[4200];
	const char *p = data;
	ssize_t n;
	int fd, e;

	if ((e = mk_parents(path)) < 0)
		return e;
	snprintf(tmp, sizeof(tmp), "%s.mkpxemenu-XXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0)
		return -errno;
	while (len > 0) {
		if ((n = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fchmod(fd, mode) < 0 || fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	if (rename(tmp, path) < 0) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	e = -errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return e;
}

/* ---- the menu command ---- */

enum {
	O_TITLE = PXE_OPT_USER, O_TIMEOUT, O_DEFAULT, O_UI, O_PROMPT, O_ENTRY,
	O_FORMAT, O_HOST, O_HOSTIP, O_HOSTUUID, O_ROOT, O_OUTPUT, O_SPEC,
	O_MAC, O_IP, O_UUID, O_PREFIX, O_SYSLINUX, O_SECURE, O_EFI, O_JSON,
	O_FORCE, O_SERIAL, O_HTTPBASE, O_ISOBOOT,
};

static const struct pxe_opt menu_opts[] = {
	{ "title", 't', "TEXT", O_TITLE, "menu title (default \"PXE boot\")" },
	{ "timeout", 'T', "SECONDS", O_TIMEOUT, "boot the default after SECONDS; 0 waits (default 10)" },
	{ "default", 'd', "LABEL", O_DEFAULT, "entry booted on timeout (default: the first)" },
	{ "ui", 0, "menu|vesamenu|none", O_UI, "pxelinux's menu module (default menu)" },
	{ "prompt", 0, NULL, O_PROMPT, "pxelinux: show the boot: prompt (PROMPT 1)" },
	{ "serial", 0, "PORT[,BAUD]", O_SERIAL, "also a serial console (pxelinux SERIAL, GRUB serial); default BAUD 115200" },
	{ "entry", 'e', "KIND:LABEL[=TEXT][:ARGS]", O_ENTRY, "an entry; repeatable (kinds: linux, iso, winpe, local, chain, ipxe)" },
	{ "format", 'f', "pxelinux|ipxe|grub", O_FORMAT, "what to write (default pxelinux)" },
	{ "http-base", 0, "URL", O_HTTPBASE, "iPXE: fetch the files from URL/NAME (default: beside the menu's own URL)" },
	{ "iso-boot", 0, "memdisk|sanboot", O_ISOBOOT, "iPXE on BIOS: load an ISO whole with memdisk (default), or read it in place (sanboot)" },
	{ "host", 0, "MAC", O_HOST, "a file for one machine: pxelinux.cfg/01-aa-bb-cc-dd-ee-ff" },
	{ "host-ip", 0, "IP", O_HOSTIP, "a file for one address: pxelinux.cfg/C0A82A11" },
	{ "host-uuid", 0, "UUID", O_HOSTUUID, "a file for one machine by its UUID (option 97)" },
	{ "root", 'r', "DIR", O_ROOT, "write into the TFTP root DIR (atomically) instead of stdout" },
	{ "output", 'o', "PATH", O_OUTPUT, "with --root: the file's path under DIR (default by format)" },
	{ "spec", 's', "FILE", O_SPEC, "read options from FILE: one per line, as here without --" },
	{ NULL, 0, NULL, 0, NULL },
};

static const char menu_epilog[] =
    "Entries (KIND:LABEL[=TEXT][:ARGS]):\n"
    "  linux:LABEL:KERNEL[:INITRD[,INITRD...][:APPEND]]\n"
    "  iso:LABEL:FILE.iso          memdisk, iso raw (iPXE: sanboot for http URLs)\n"
    "  winpe:LABEL:FILE.iso|DIR    an ISO through memdisk, or a folder with\n"
    "                              bootmgr, boot/bcd, boot/boot.sdi and\n"
    "                              sources/boot.wim through wimboot\n"
    "  local:LABEL                 LOCALBOOT 0: the first local disk\n"
    "  chain:LABEL[:ARGS]          COM32 chain.c32 (default ARGS: hd0)\n"
    "  ipxe:LABEL[:URL]            KERNEL ipxe.lkrn, chaining URL if given\n"
    "iPXE (--format ipxe): files come from where the menu came from, or from\n"
    "--http-base URL; an ISO boots through memdisk on BIOS (--iso-boot) and\n"
    "through sanboot on UEFI when it comes over HTTP.\n"
    "Other commands: mkpxemenu lookup|install|check --help.\n"
    "Exit status: 0 written, 1 runtime failure, 2 usage error.\n"
    "Example (a WinPE ISO and the local disk, 5 s):\n"
    "  mkpxemenu -T 5 -e winpe:winpe=\"Windows PE\":winpe.iso -e local:disk\n";

struct menu_cfg {
	struct menu m;
	int format;
	const char *root, *output;
	int host_kind;			/* 0 none, 1 MAC, 2 IP, 3 UUID */
	char host_name[PXELINUX_NAME_MAX + 1];
	const struct pxe_opts_spec *spec;
};

static const char *
set_host(struct menu_cfg *c, int kind, const char *arg)
{
	uint8_t mac[6], uuid[16];
	struct in_addr ip;

	if (c->host_kind)
		return ": give one of --host, --host-ip, --host-uuid";
	switch (kind) {
	case 1:
		if (pxelinux_parse_mac(arg, mac) < 0)
			return "is not a MAC address (20:6a:8a:0f:74:75)";
		pxelinux_mac_name(1, mac, 6, c->host_name);
		break;
	case 2:
		if (inet_pton(AF_INET, arg, &ip) != 1)
			return "is not an IPv4 address";
		pxelinux_ip_name(&ip, c->host_name);
		break;
	case 3:
		if (pxelinux_parse_uuid(arg, uuid) < 0)
			return "is not a UUID (d66ef100-a6d7-11df-9f1a-f938a66fc054)";
		pxelinux_uuid_name(uuid, c->host_name);
		break;
	}
	c->host_kind = kind;
	return NULL;
}

static const char *
set_menu_option(void *ctx, int id, const char *arg)
{
	struct menu_cfg *c = ctx;
	static char msg[64];
	uint64_t v;
	int f;

	switch (id) {
	case O_TITLE:
		free(c->m.title);
		c->m.title = strdup(arg);
		return strchr(arg, '\n') ? "has a newline" : NULL;
	case O_TIMEOUT:
		if (pxe_parse_u64(arg, 0, 3600, &v) < 0)
			return pxe_range_msg(msg, sizeof(msg), 0, 3600);
		c->m.timeout = (unsigned)v;
		return NULL;
	case O_DEFAULT:
		free(c->m.def);
		c->m.def = strdup(arg);
		return NULL;
	case O_UI:
		if (strcmp(arg, "menu") == 0)
			c->m.ui = UI_MENU;
		else if (strcmp(arg, "vesamenu") == 0)
			c->m.ui = UI_VESAMENU;
		else if (strcmp(arg, "none") == 0)
			c->m.ui = UI_NONE;
		else
			return "is not menu, vesamenu or none";
		return NULL;
	case O_PROMPT: c->m.prompt = true; return NULL;
	case O_SERIAL: {
		char port[16];
		const char *comma = strchr(arg, ',');
		size_t pl = comma ? (size_t)(comma - arg) : strlen(arg);

		if (pl == 0 || pl >= sizeof(port))
			return "is not PORT[,BAUD] (0,115200)";
		memcpy(port, arg, pl);
		port[pl] = '\0';
		if (pxe_parse_u64(port, 0, 3, &v) < 0)
			return "has a port outside 0..3 (0 is ttyS0/COM1)";
		c->m.serial = (int)v;
		c->m.baud = 115200;
		if (comma && pxe_parse_u64(comma + 1, 300, 4000000, &v) < 0)
			return "has a bad speed (300..4000000, e.g. 115200)";
		if (comma)
			c->m.baud = (unsigned)v;
		return NULL;
	}
	case O_ENTRY: return menu_add_entry(&c->m, arg);
	case O_HTTPBASE: {
		const char *why = menu_http_base_problem(arg);

		if (why)
			return why;
		free(c->m.http_base);
		if ((c->m.http_base = strdup(arg)) == NULL)
			return "cannot be stored: out of memory";
		return NULL;
	}
	case O_ISOBOOT:
		if (strcmp(arg, "memdisk") == 0)
			c->m.iso_boot = ISO_MEMDISK;
		else if (strcmp(arg, "sanboot") == 0)
			c->m.iso_boot = ISO_SANBOOT;
		else
			return "is not memdisk or sanboot";
		return NULL;
	case O_FORMAT:
		if ((f = menu_format_parse(arg)) < 0)
			return "is not pxelinux, ipxe or grub";
		c->format = f;
		return NULL;
	case O_HOST: return set_host(c, 1, arg);
	case O_HOSTIP: return set_host(c, 2, arg);
	case O_HOSTUUID: return set_host(c, 3, arg);
	case O_ROOT: c->root = arg; return NULL;
	case O_OUTPUT:
		if (arg[0] == '/' || strstr(arg, ".."))
			return "must be a path inside --root";
		c->output = arg;
		return NULL;
	case O_SPEC:
		return pxe_opts_file(c->spec, arg) == 0 ? NULL :
		    "has errors (see above)";
	}
	return "is not handled";
}

/* The default file name for the format under the root. */
static const char *
default_output(const struct menu_cfg *c, char *buf, size_t cap)
{
	switch (c->format) {
	case FMT_PXELINUX:
		snprintf(buf, cap, "%s/%s", PXELINUX_CFG_DIR, c->host_kind ?
		    c->host_name : "default");
		return buf;
	case FMT_GRUB:
		snprintf(buf, cap, "grub/grub.cfg%s%s", c->host_kind ? "-" :
		    "", c->host_kind ? c->host_name : "");
		return buf;
	default:
		return "boot.ipxe";
	}
}

/*
 * The loaders `install` puts in a root, each reading pxelinux.cfg/ in its
 * own folder: a menu written with --root goes to every one present.
 */
static const struct {
	const char *dir;	/* under the root: "" or "efi64/" */
	const char *loader;
	int format;
} loaders[] = {
	{ "", "pxelinux.0", FMT_PXELINUX },
	{ "efi64/", "syslinux.efi", FMT_PXELINUX_EFI },
};

/* Write the menu for one loader folder; 0 or 1 (said why). */
static int
write_for(const struct menu_cfg *c, const char *dir, int format)
{
	char path[4096], name[512];
	struct out o = { 0 };
	unsigned skipped, i;
	const char *why;
	int r = 0;

	if (menu_write(&c->m, format, &o, &skipped) < 0) {
		fprintf(stderr, "mkpxemenu: out of memory\n");
		out_free(&o);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/%s%s", c->root, dir, c->output ?
	    c->output : default_output(c, name, sizeof(name)));
	if (format == FMT_GRUB && skipped)
		fprintf(stderr, "mkpxemenu: warning: %u entr%s left out of the "
		    "GRUB menu: memdisk cannot boot an ISO under UEFI\n",
		    skipped, skipped == 1 ? "y" : "ies");
	for (i = 0; format == FMT_PXELINUX_EFI && i < c->m.n; i++)
		if ((why = menu_entry_efi_problem(&c->m.entries[i])) != NULL)
			fprintf(stderr, "mkpxemenu: warning: '%s' left out of "
			    "%s: %s\n", c->m.entries[i].label, path, why);
	if (format == FMT_PXELINUX_EFI && skipped == c->m.n) {
		fprintf(stderr, "mkpxemenu: warning: no entry syslinux.efi "
		    "can boot: %s not written\n", path);
	} else if ((r = write_atomic(path, o.buf, o.len, 0644)) < 0) {
		fprintf(stderr, "mkpxemenu: cannot write %s: %s\n", path,
		    strerror(-r));
		r = 1;
	} else {
		fprintf(stderr, "mkpxemenu: wrote %s\n", path);
	}
	out_free(&o);
	return r;
}

/* With --root: the menu for every loader there (pxelinux.0 by default). */
static int
write_root(const struct menu_cfg *c)
{
	char p[4096];
	size_t i;
	int r = 0, n = 0;

	if (c->output || c->format != FMT_PXELINUX)
		return write_for(c, "", c->format);
	for (i = 0; i < sizeof(loaders) / sizeof(loaders[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s%s", c->root, loaders[i].dir,
		    loaders[i].loader);
		if (access(p, F_OK) < 0)
			continue;
		r |= write_for(c, loaders[i].dir, loaders[i].format);
		n++;
	}
	return n ? r : write_for(c, "", FMT_PXELINUX);
}

/* Leave menu_main: what the options built is freed on every path. */
static int
menu_end(struct menu_cfg *c, struct pxe_opts_mem *mem, int status)
{
	menu_free(&c->m);
	pxe_opts_free(mem);
	return status;
}

int
menu_main(int argc, char **argv)
{
	struct menu_cfg c;
	struct pxe_opts_mem mem = { NULL, 0, 0 };
	struct pxe_opts_spec spec = { "mkpxemenu", PACKAGE_VERSION,
	    "[lookup|install|check] [OPTION]...",
	    "write a pxelinux, iPXE or GRUB boot menu",
	    menu_epilog, menu_opts, set_menu_option, &c, &mem };
	const char *err;
	struct out o = { 0 };
	unsigned skipped;
	int idx, r;

	memset(&c, 0, sizeof(c));
	menu_init(&c.m);
	c.m.timeout = 10;
	c.spec = &spec;
	if ((r = pxe_opts_parse(&spec, argc, argv, &idx)) != 0)
		return menu_end(&c, &mem, r == 1 ? 0 : 2);
	if (idx < argc) {
		fprintf(stderr, "mkpxemenu: unexpected argument '%s' (commands: "
		    "lookup, install, check; see --help)\n", argv[idx]);
		return menu_end(&c, &mem, 2);
	}
	if ((err = menu_validate(&c.m)) != NULL) {
		fprintf(stderr, "mkpxemenu: %s\n", err);
		return menu_end(&c, &mem, 2);
	}
	if (c.host_kind && (c.format == FMT_IPXE ||
	    (c.format == FMT_GRUB && c.host_kind == 3))) {
		fprintf(stderr, "mkpxemenu: --host%s: %s has no per-machine "
		    "file of that kind\n", c.host_kind == 2 ? "-ip" :
		    c.host_kind == 3 ? "-uuid" : "", c.format == FMT_IPXE ?
		    "iPXE" : "GRUB");
		return menu_end(&c, &mem, 2);
	}
	if (c.m.http_base && c.format != FMT_IPXE) {
		fprintf(stderr, "mkpxemenu: --http-base goes with --format ipxe "
		    "(pxelinux.0 and GRUB read the TFTP root)\n");
		return menu_end(&c, &mem, 2);
	}
	if (c.output && !c.root) {
		fprintf(stderr, "mkpxemenu: --output needs --root\n");
		return menu_end(&c, &mem, 2);
	}
	if (c.root) {
		return menu_end(&c, &mem, write_root(&c));
	}
	if (menu_write(&c.m, c.format, &o, &skipped) < 0) {
		fprintf(stderr, "mkpxemenu: out of memory\n");
		return menu_end(&c, &mem, 1);
	}
	if (skipped)
		fprintf(stderr, "mkpxemenu: warning: %u entr%s left out of the "
		    "GRUB menu: memdisk cannot boot an ISO under UEFI\n",
		    skipped, skipped == 1 ? "y" : "ies");
	r = 0;
	if (fwrite(o.buf, 1, o.len, stdout) != o.len || fflush(stdout) != 0) {
		fprintf(stderr, "mkpxemenu: cannot write to stdout\n");
		r = 1;
	}
	out_free(&o);
	return menu_end(&c, &mem, r);
}

/* ---- lookup ---- */

static const struct pxe_opt lookup_opts[] = {
	{ "mac", 'm', "MAC", O_MAC, "the machine's MAC address (required)" },
	{ "ip", 'i', "IP", O_IP, "the address it gets by DHCP" },
	{ "uuid", 'u', "UUID", O_UUID, "its UUID (DHCP option 97)" },
	{ "root", 'r', "DIR", O_ROOT, "say which file the TFTP root DIR would serve" },
	{ "prefix", 'p', "DIR", O_PREFIX, "where pxelinux.0 is, under the root (option 210)" },
	{ "json", 0, NULL, O_JSON, "one JSON object instead of text" },
	{ NULL, 0, NULL, 0, NULL },
};

struct lookup_cfg {
	uint8_t mac[6], uuid[16];
	struct in_addr ip;
	bool have_mac, have_ip, have_uuid, json;
	const char *root, *prefix;
};

static const char *
set_lookup_option(void *ctx, int id, const char *arg)
{
	struct lookup_cfg *c = ctx;

	switch (id) {
	case O_MAC:
		c->have_mac = true;
		return pxelinux_parse_mac(arg, c->mac) < 0 ?
		    "is not a MAC address (20:6a:8a:0f:74:75)" : NULL;
	case O_IP:
		c->have_ip = true;
		return inet_pton(AF_INET, arg, &c->ip) != 1 ?
		    "is not an IPv4 address" : NULL;
	case O_UUID:
		c->have_uuid = true;
		return pxelinux_parse_uuid(arg, c->uuid) < 0 ?
		    "is not a UUID (d66ef100-a6d7-11df-9f1a-f938a66fc054)" :
		    NULL;
	case O_ROOT: c->root = arg; return NULL;
	case O_PREFIX:
		if (strstr(arg, ".."))
			return "must stay inside the root";
		c->prefix = arg;
		return NULL;
	case O_JSON: c->json = true; return NULL;
	}
	return "is not handled";
}

static int
cmd_lookup(int argc, char **argv)
{
	struct lookup_cfg c;
	struct pxe_opts_mem mem = { NULL, 0, 0 };
	struct pxe_opts_spec spec = { "mkpxemenu lookup", PACKAGE_VERSION,
	    "--mac MAC [--ip IP] [--uuid UUID] [--root DIR]",
	    "print the order in which pxelinux looks for its configuration",
	    "Exit status: 0 (with --root: a file would be served), 1 none "
	    "would, 2 usage error.\n", lookup_opts, set_lookup_option, &c,
	    &mem };
	struct pxelinux_search s;
	struct pxe_fsroot root;
	char name[4096], found[4096], served[4096] = "";
	const char *pre;
	unsigned i;
	int idx, r, fd, served_i = -1;
	bool *hit = NULL;

	memset(&c, 0, sizeof(c));
	if ((r = pxe_opts_parse(&spec, argc, argv, &idx)) != 0)
		return r == 1 ? 0 : 2;
	if (idx < argc) {
		fprintf(stderr, "mkpxemenu lookup: unexpected argument '%s'\n",
		    argv[idx]);
		return 2;
	}
	if (!c.have_mac) {
		fprintf(stderr, "mkpxemenu lookup: --mac is required\n");
		return 2;
	}
	pxelinux_search_order(c.have_uuid ? c.uuid : NULL, c.mac, 6, 1,
	    c.have_ip ? &c.ip : NULL, &s);
	pre = c.prefix ? c.prefix : "";
	if (c.root && (r = pxe_fsroot_open(&root, c.root)) < 0) {
		fprintf(stderr, "mkpxemenu lookup: --root %s: %s\n", c.root,
		    strerror(-r));
		return 1;
	}
	hit = calloc(s.n, sizeof(*hit));
	for (i = 0; c.root && hit && i < s.n; i++) {
		snprintf(name, sizeof(name), "%s%s%s/%s", pre, *pre &&
		    pre[strlen(pre) - 1] != '/' ? "/" : "", PXELINUX_CFG_DIR,
		    s.name[i]);
		fd = pxe_fsroot_open_read(&root, name, strlen(name), found,
		    sizeof(found), NULL);
		if (fd >= 0) {
			close(fd);
			hit[i] = true;
			if (served_i < 0) {
				served_i = (int)i;
				snprintf(served, sizeof(served), "%s", found);
			}
		}
	}
	if (c.json)
		printf("{\"search\":[");
	for (i = 0; i < s.n; i++) {
		snprintf(name, sizeof(name), "%s%s%s/%s", pre, *pre &&
		    pre[strlen(pre) - 1] != '/' ? "/" : "", PXELINUX_CFG_DIR,
		    s.name[i]);
		if (c.json)
			printf("%s{\"name\":\"%s\",\"step\":\"%s\"%s}", i ? ","
			    : "", name, pxelinux_step_name(s.step[i]),
			    !c.root ? "" : hit && hit[i] ? ",\"exists\":true" :
			    ",\"exists\":false");
		else if (c.root)
			printf("%-52s %s\n", name, (int)i == served_i ?
			    "<- served" : hit && hit[i] ? "exists (not reached)" :
			    "-");
		else
			printf("%s\n", name);
	}
	if (c.json) {
		printf("]");
		if (c.root)
			printf(",\"served\":%s%s%s", served_i >= 0 ? "\"" : "",
			    served_i >= 0 ? served : "null", served_i >= 0 ?
			    "\"" : "");
		printf("}\n");
	} else if (c.root) {
		if (served_i >= 0)
			printf("served: %s\n", served);
		else
			printf("served: nothing: pxelinux would stop with "
			    "\"Unable to locate configuration file\"\n");
	}
	free(hit);
	if (c.root)
		pxe_fsroot_close(&root);
	pxe_opts_free(&mem);
	return c.root && served_i < 0 ? 1 : 0;
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "lookup") == 0)
		return cmd_lookup(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "install") == 0)
		return cmd_install(argc - 1, argv + 1);
	return menu_main(argc, argv);
}
