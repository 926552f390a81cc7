/*
 * menucmd.c: the menu command, `mkpxemenu [OPTION]...`: its options (on
 * the command line or in a --spec file) build a struct menu (menu.c),
 * which goes to stdout, or with --root into the root for every loader
 * there.  menu_write_spec() is the same for a spec file alone (install
 * --secure-boot writes grub/grub.cfg through it).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "libpxe/opts.h"
#include "libpxe/pxelinux.h"
#include "mkpxemenu.h"

enum {
	O_TITLE = PXE_OPT_USER, O_TIMEOUT, O_DEFAULT, O_UI, O_PROMPT, O_ENTRY,
	O_FORMAT, O_HOST, O_HOSTIP, O_HOSTUUID, O_ROOT, O_OUTPUT, O_SPEC,
	O_SERIAL, O_HTTPBASE, O_ISOBOOT,
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

/* The words an option takes and what each means. */
struct word_value {
	const char *word;
	int value;
};

static const struct word_value ui_words[] = {
	{ "menu", UI_MENU }, { "vesamenu", UI_VESAMENU }, { "none", UI_NONE },
	{ NULL, 0 },
};

static const struct word_value iso_boot_words[] = {
	{ "memdisk", ISO_MEMDISK }, { "sanboot", ISO_SANBOOT }, { NULL, 0 },
};

/* The value of word arg in t, or -1. */
static int
word_value(const struct word_value *t, const char *arg)
{
	for (; t->word; t++)
		if (strcmp(t->word, arg) == 0)
			return t->value;
	return -1;
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
		if ((f = word_value(ui_words, arg)) < 0)
			return "is not menu, vesamenu or none";
		c->m.ui = (enum menu_ui)f;
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
		if ((f = word_value(iso_boot_words, arg)) < 0)
			return "is not memdisk or sanboot";
		c->m.iso_boot = (enum iso_boot)f;
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

/* A menu command's state, its option parser and what that keeps. */
struct menu_cmd {
	struct menu_cfg c;
	struct pxe_opts_mem mem;
	struct pxe_opts_spec spec;
};

static void
menu_cmd_init(struct menu_cmd *mc)
{
	const struct pxe_opts_spec spec = { "mkpxemenu", PACKAGE_VERSION,
	    "[lookup|install|check] [OPTION]...",
	    "write a pxelinux, iPXE or GRUB boot menu",
	    menu_epilog, menu_opts, set_menu_option, &mc->c, &mc->mem };

	memset(mc, 0, sizeof(*mc));
	mc->spec = spec;
	menu_init(&mc->c.m);
	mc->c.m.timeout = 10;
	mc->c.spec = &mc->spec;
}

/* Leave: what the options built is freed on every path. */
static int
menu_cmd_end(struct menu_cmd *mc, int status)
{
	menu_free(&mc->c.m);
	pxe_opts_free(&mc->mem);
	return status;
}

/* The options make one menu: 0, or 2 after saying why not. */
static int
menu_check_usage(const struct menu_cfg *c)
{
	const char *err;

	if ((err = menu_validate(&c->m)) != NULL) {
		fprintf(stderr, "mkpxemenu: %s\n", err);
		return 2;
	}
	if (c->host_kind && (c->format == FMT_IPXE ||
	    (c->format == FMT_GRUB && c->host_kind == 3))) {
		fprintf(stderr, "mkpxemenu: --host%s: %s has no per-machine "
		    "file of that kind\n", c->host_kind == 2 ? "-ip" :
		    c->host_kind == 3 ? "-uuid" : "", c->format == FMT_IPXE ?
		    "iPXE" : "GRUB");
		return 2;
	}
	if (c->m.http_base && c->format != FMT_IPXE) {
		fprintf(stderr, "mkpxemenu: --http-base goes with --format ipxe "
		    "(pxelinux.0 and GRUB read the TFTP root)\n");
		return 2;
	}
	if (c->output && !c->root) {
		fprintf(stderr, "mkpxemenu: --output needs --root\n");
		return 2;
	}
	return 0;
}

/* Write the menu the options made: into the root, or to stdout. */
static int
menu_run(const struct menu_cfg *c)
{
	struct out o = { 0 };
	unsigned skipped;
	int r;

	if ((r = menu_check_usage(c)) != 0)
		return r;
	if (c->root)
		return write_root(c);
	if (menu_write(&c->m, c->format, &o, &skipped) < 0) {
		fprintf(stderr, "mkpxemenu: out of memory\n");
		return 1;
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
	return r;
}

int
menu_main(int argc, char **argv)
{
	struct menu_cmd mc;
	int idx, r;

	menu_cmd_init(&mc);
	if ((r = pxe_opts_parse(&mc.spec, argc, argv, &idx)) != 0)
		return menu_cmd_end(&mc, r == 1 ? 0 : 2);
	if (idx < argc) {
		fprintf(stderr, "mkpxemenu: unexpected argument '%s' (commands: "
		    "lookup, install, check; see --help)\n", argv[idx]);
		return menu_cmd_end(&mc, 2);
	}
	return menu_cmd_end(&mc, menu_run(&mc.c));
}

int
menu_write_spec(const char *spec, enum menu_format format, const char *root)
{
	struct menu_cmd mc;

	menu_cmd_init(&mc);
	if (pxe_opts_file(&mc.spec, spec) != 0) {
		fprintf(stderr, "mkpxemenu: --spec %s has errors (see above)\n",
		    spec);
		return menu_cmd_end(&mc, 2);
	}
	mc.c.format = format;
	mc.c.root = root;
	return menu_cmd_end(&mc, menu_run(&mc.c));
}
