/*
 * Unit tests for mkpxemenu's menu model (bin/mkpxemenu/menu.c): entry
 * strings that parse and the ones that must not, with the message each
 * gets, and properties of the three writers.
 */
#include <string.h>

#include "../tap.h"
#include "../../bin/mkpxemenu/menu.h"

static void
test_parse(void)
{
	static const struct {
		const char *spec;
		const char *err;	/* substring of the message, NULL: ok */
	} v[] = {
		{ "linux:deb:vmlinuz", NULL },
		{ "linux:deb:vmlinuz:initrd.gz", NULL },
		{ "linux:deb:vmlinuz::quiet", NULL },
		{ "linux:deb:vmlinuz:i.gz:ip=::::h:eth0:dhcp", NULL },
		{ "LINUX:deb:vmlinuz", NULL },
		{ "iso:r:rescue.iso", NULL },
		{ "memdisk:r:rescue.iso", NULL },
		{ "winpe:w=Windows PE:winpe.iso", NULL },
		{ "winpe:w:winpe", NULL },
		{ "local:disk", NULL },
		{ "local:disk=Local disk", NULL },
		{ "chain:c", NULL },
		{ "chain:c:hd1 2", NULL },
		{ "ipxe:i", NULL },
		{ "ipxe:i:http://x/y.ipxe", NULL },
		{ "floppy:x:y", "unknown entry kind 'floppy'" },
		{ "nokind", "unknown entry kind 'nokind'" },
		{ "linux:two words:vmlinuz", "bad label" },
		{ "linux::vmlinuz", "bad label" },
		{ "linux:a/b:vmlinuz", "bad label" },
		{ "linux:deb", "needs a kernel" },
		{ "linux:deb:", "needs a kernel" },
		{ "iso:r", "needs an ISO" },
		{ "winpe:w", "needs an ISO or a folder" },
		{ "local:disk:hd0", "too many fields" },
		{ "iso:r:http://10.0.0.1:8080/a.iso", NULL },
		{ "linux:x:k\n:i", "control character" },
	};
	struct menu m;
	const char *e;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		menu_init(&m);
		e = menu_add_entry(&m, v[i].spec);
		if (v[i].err == NULL)
			tap_ok(e == NULL, "entry %zu '%.*s' parses%s%s", i,
			    (int)strcspn(v[i].spec, "\n"), v[i].spec,
			    e ? ": " : "", e ? e : "");
		else
			tap_ok(e && strstr(e, v[i].err), "entry %zu '%.*s': %s",
			    i, (int)strcspn(v[i].spec, "\n"), v[i].spec,
			    e ? e : "(accepted)");
		menu_free(&m);
	}

	menu_init(&m);
	tap_ok(menu_add_entry(&m, "linux:deb=Debian:k:a.gz,b.gz:x=1:y") ==
	    NULL, "full linux entry");
	tap_str(m.entries[0].label, "deb", "  label");
	tap_str(m.entries[0].text, "Debian", "  text");
	tap_str(m.entries[0].kernel, "k", "  kernel");
	tap_str(m.entries[0].initrd, "a.gz,b.gz", "  initrds");
	tap_str(m.entries[0].append, "x=1:y", "  append keeps its colons");
	tap_ok(menu_add_entry(&m, "local:DEB") != NULL,
	    "a label repeated in another case is refused");
	tap_ok(menu_validate(&m) == NULL, "valid menu");
	m.def = strdup("nothere");
	tap_ok(menu_validate(&m) != NULL, "a default naming no entry");
	menu_free(&m);
	menu_init(&m);
	tap_ok(menu_validate(&m) != NULL, "an empty menu is refused");
	menu_free(&m);
}

static int
written(struct menu *m, enum menu_format f, const char *needle)
{
	struct out o = { 0 };
	unsigned skipped;
	int r;

	r = menu_write(m, f, &o, &skipped) == 0 && o.buf &&
	    strstr(o.buf, needle) != NULL;
	out_free(&o);
	return r;
}

static void
test_write(void)
{
	struct menu m;

	menu_init(&m);
	menu_add_entry(&m, "winpe:pe:winpe.iso");
	menu_add_entry(&m, "local:disk");
	m.timeout = 5;
	tap_ok(written(&m, FMT_PXELINUX, "TIMEOUT 50\n"), "pxelinux counts "
	    "tenths of a second");
	tap_ok(written(&m, FMT_PXELINUX, "DEFAULT pe\n"), "the first entry is "
	    "the default");
	tap_ok(written(&m, FMT_PXELINUX, "KERNEL memdisk\n\tINITRD winpe.iso\n"
	    "\tAPPEND iso raw\n"), "a WinPE ISO goes through memdisk");
	tap_ok(written(&m, FMT_IPXE, "--timeout 5000"), "iPXE counts ms");
	tap_ok(written(&m, FMT_GRUB, "set timeout=5\n"), "GRUB counts s");
	tap_ok(written(&m, FMT_GRUB, "left out"), "GRUB leaves a memdisk ISO "
	    "out, and says so");
	m.timeout = 0;
	tap_ok(written(&m, FMT_GRUB, "set timeout=-1\n"), "0 waits (GRUB -1)");
	tap_ok(!written(&m, FMT_IPXE, "--timeout"), "0 waits (iPXE)");
	m.ui = UI_NONE;
	tap_ok(!written(&m, FMT_PXELINUX, "UI "), "--ui none: no UI line");
	menu_free(&m);

	menu_init(&m);
	menu_add_entry(&m, "linux:it's=It's here:/k");
	tap_ok(m.n == 0, "a quote is not a label character");
	menu_add_entry(&m, "linux:q=It's here:/k");
	tap_ok(written(&m, FMT_GRUB, "menuentry 'It'\\''s here'"),
	    "GRUB titles are quoted");
	tap_ok(written(&m, FMT_GRUB, "linux /k\n"), "no doubled slash");
	menu_free(&m);

	/* syslinux.efi in efi64/ puts efi64/ before every name, a leading
	 * '/' too: only "::NAME" reads from the root (issue 13). */
	menu_init(&m);
	menu_add_entry(&m, "linux:a:/vmlinuz:initrd.gz,/b.gz:quiet");
	menu_add_entry(&m, "winpe:w:pe");
	tap_ok(written(&m, FMT_PXELINUX_EFI, "\tKERNEL ::vmlinuz\n"),
	    "efi64: the kernel from the root, as ::NAME");
	tap_ok(written(&m, FMT_PXELINUX_EFI, "\tINITRD ::initrd.gz,::b.gz\n"),
	    "efi64: each initrd from the root");
	tap_ok(written(&m, FMT_PXELINUX_EFI, "APPEND ::wimboot initrdfile="
	    "::pe/bootmgr,"), "efi64: wimboot and its files from the root");
	tap_ok(written(&m, FMT_PXELINUX, "\tKERNEL /vmlinuz\n"),
	    "BIOS: names as given");
	menu_free(&m);
}

int
main(void)
{
	test_parse();
	test_write();
	return tap_done();
}
