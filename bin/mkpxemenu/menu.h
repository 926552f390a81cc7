/*
 * mkpxemenu's model of a boot menu: a title, a timeout, a default and a
 * list of entries of a few kinds, read from --entry strings (or the same
 * lines in a spec file), validated once, then written as a pxelinux
 * configuration, an iPXE script or a GRUB grub.cfg.  menu.c is pure: it
 * parses and writes into memory; main.c does the files.
 */
#ifndef MKPXEMENU_MENU_H
#define MKPXEMENU_MENU_H

#include <stdbool.h>
#include <stddef.h>

#define MENU_MAX_ENTRIES	64
#define MENU_LABEL_MAX		64

enum entry_kind {
	ENTRY_LINUX,	/* KERNEL/INITRD/APPEND */
	ENTRY_ISO,	/* memdisk + ISO, "iso raw" (or sanboot for a URL) */
	ENTRY_WINPE,	/* an ISO through memdisk, or a folder through wimboot */
	ENTRY_LOCAL,	/* LOCALBOOT 0 */
	ENTRY_CHAIN,	/* COM32 chain.c32 (a local disk or partition) */
	ENTRY_IPXE,	/* KERNEL ipxe.lkrn, optionally chaining a script URL */
};

struct entry {
	enum entry_kind kind;
	char label[MENU_LABEL_MAX + 1];
	char *text;		/* menu text; the label when not given */
	char *kernel;		/* linux: kernel; iso/winpe: ISO or folder;
				 * chain: chain.c32 arguments; ipxe: URL */
	char *initrd;		/* linux: comma-separated initrds, or NULL */
	char *append;		/* linux: kernel command line, or NULL */
};

enum menu_ui { UI_MENU, UI_VESAMENU, UI_NONE };
/*
 * FMT_PXELINUX_EFI is pxelinux's format for syslinux.efi in a folder of
 * the root (efi64/): files named from the TFTP root as "::NAME" (the only
 * naming syslinux does not put its own folder before), and no entry it
 * cannot boot (menu_entry_efi_problem).
 */
enum menu_format { FMT_PXELINUX, FMT_IPXE, FMT_GRUB, FMT_PXELINUX_EFI };

/*
 * How an iPXE menu boots an ISO on a BIOS machine: memdisk loads the
 * whole ISO into memory in one download, then boots it; sanboot hooks the
 * ISO's URL as an INT 13 drive and fetches what the loader reads, range by
 * range.  UEFI machines always sanboot (memdisk needs a BIOS).
 */
enum iso_boot { ISO_MEMDISK, ISO_SANBOOT };

struct menu {
	char *title;
	unsigned timeout;	/* seconds; 0: wait for the user */
	char *def;		/* default label, or NULL: the first entry */
	enum menu_ui ui;
	bool prompt;
	int serial;		/* serial console port, or -1 */
	unsigned baud;
	char *http_base;	/* iPXE: URL before relative file names, or NULL */
	enum iso_boot iso_boot;	/* iPXE on BIOS: how an ISO boots */
	struct entry entries[MENU_MAX_ENTRIES];
	unsigned n;
};

/* A growing output buffer. */
struct out {
	char *buf;
	size_t len, cap;
	bool oom;
};

void menu_init(struct menu *m);
void menu_free(struct menu *m);

/*
 * Parse one entry, "KIND:LABEL[=TEXT][:ARGS]" (see mkpxemenu(1)), and add
 * it to m.  NULL, or a message saying what is wrong with it ("unknown
 * entry kind 'foo' (linux, iso, winpe, local, chain, ipxe)").
 */
const char *menu_add_entry(struct menu *m, const char *spec);

/* The whole menu is consistent (a default that names an entry, at least
 * one entry).  NULL or the complaint. */
const char *menu_validate(const struct menu *m);

/* Why syslinux.efi cannot boot e (memdisk, BIOS-only programs), or NULL. */
const char *menu_entry_efi_problem(const struct entry *e);

/* A base URL for --http-base (http:// or https://, no spaces or quotes):
 * NULL, or the complaint. */
const char *menu_http_base_problem(const char *url);

/* Kind names, for messages. */
const char *menu_kind_name(enum entry_kind k);
int menu_format_parse(const char *s);	/* enum menu_format or -1 */

/*
 * Write m in the format into o.  Entries a format
 * cannot express (a memdisk ISO under UEFI GRUB) are left out with a
 * comment; *skipped counts them.  0, or -ENOMEM.
 */
int menu_write(const struct menu *m, enum menu_format fmt, struct out *o,
    unsigned *skipped);

void out_free(struct out *o);

#endif
