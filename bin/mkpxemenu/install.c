/*
 * install.c: `mkpxemenu install --root DIR` copies what pxelinux needs
 * from the system's syslinux into a TFTP root, all from one syslinux so
 * that pxelinux.0, ldlinux.c32 and the modules match; the UEFI files go to
 * efi64/; with --secure-boot, shim and a signed GRUB for UEFI machines
 * that keep Secure Boot on; with --ipxe, iPXE's network loaders (the fast
 * path: iPXE fetches the menu and the big files over HTTP).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "libpxe/opts.h"
#include "mkpxemenu.h"

/* Where distributions put syslinux, relative to a base ("" or --syslinux-dir). */
static const struct {
	const char *who;
	const char *pxelinux, *bios, *memdisk, *efi64, *efi64mods;
} layouts[] = {
	{ "Debian/Ubuntu", "/usr/lib/PXELINUX", "/usr/lib/syslinux/modules/bios",
	  "/usr/lib/syslinux", "/usr/lib/SYSLINUX.EFI/efi64",
	  "/usr/lib/syslinux/modules/efi64" },
	{ "Fedora", "/usr/share/syslinux", "/usr/share/syslinux",
	  "/usr/share/syslinux", "/usr/share/syslinux/efi64",
	  "/usr/share/syslinux/efi64" },
	{ "Arch", "/usr/lib/syslinux/bios", "/usr/lib/syslinux/bios",
	  "/usr/lib/syslinux/bios", "/usr/lib/syslinux/efi64",
	  "/usr/lib/syslinux/efi64" },
	{ "one folder", "", "", "", "/efi64", "/efi64" },
	{ "bios/ and efi64/", "/bios", "/bios", "/bios", "/efi64", "/efi64" },
};

int
syslinux_find(const char *dir, struct syslinux_dirs *d)
{
	size_t i;
	const char *base = dir ? dir : "";

	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		if (!dir && layouts[i].pxelinux[0] == '\0')
			continue;	/* "one folder" needs --syslinux-dir */
		if (!dir && strcmp(layouts[i].pxelinux, "/bios") == 0)
			continue;
		snprintf(d->pxelinux, sizeof(d->pxelinux), "%s%s", base,
		    layouts[i].pxelinux);
		snprintf(d->bios, sizeof(d->bios), "%s%s", base,
		    layouts[i].bios);
		snprintf(d->memdisk, sizeof(d->memdisk), "%s%s", base,
		    layouts[i].memdisk);
		if (!file_exists(d->pxelinux, "pxelinux.0") ||
		    !file_exists(d->bios, "ldlinux.c32"))
			continue;
		snprintf(d->efi64, sizeof(d->efi64), "%s%s", base,
		    layouts[i].efi64);
		snprintf(d->efi64mods, sizeof(d->efi64mods), "%s%s", base,
		    layouts[i].efi64mods);
		if (!file_exists(d->efi64, "syslinux.efi") ||
		    !file_exists(d->efi64mods, "ldlinux.e64"))
			d->efi64[0] = d->efi64mods[0] = '\0';
		return 0;
	}
	return -ENOENT;
}

/* Copy src to root/dst.  0, or 1 after saying what failed. */
static int
copy(const char *src, const char *root, const char *dst, bool quiet)
{
	char to[2048];
	uint8_t *b;
	size_t len;
	int e;

	if ((b = read_file(src, &len)) == NULL) {
		fprintf(stderr, "mkpxemenu install: cannot read %s: %s\n", src,
		    strerror(errno ? errno : EIO));
		return 1;
	}
	snprintf(to, sizeof(to), "%s/%s", root, dst);
	e = write_atomic(to, b, len, 0644);
	free(b);
	if (e < 0) {
		fprintf(stderr, "mkpxemenu install: cannot write %s: %s\n", to,
		    strerror(-e));
		return 1;
	}
	if (!quiet)
		printf("%s <- %s\n", dst, src);
	return 0;
}

enum {
	O_ROOT = PXE_OPT_USER, O_SYSLINUX, O_NOEFI, O_SECURE, O_SPEC,
	O_QUIET, O_SIGNED, O_IPXE, O_IPXEDIR,
};

static const struct pxe_opt install_opts[] = {
	{ "root", 'r', "DIR", O_ROOT, "the TFTP root to fill (required)" },
	{ "syslinux-dir", 0, "DIR", O_SYSLINUX, "take syslinux from DIR instead of the system's" },
	{ "no-efi", 0, NULL, O_NOEFI, "BIOS files only (no efi64/)" },
	{ "secure-boot", 0, NULL, O_SECURE, "also shim and a signed GRUB, for UEFI Secure Boot" },
	{ "spec", 's', "FILE", O_SPEC, "with --secure-boot: write grub/grub.cfg from this menu spec" },
	{ "signed-from", 0, "DIR", O_SIGNED, "with --secure-boot: the signed files are under DIR (an unpacked package tree, or a folder holding them)" },
	{ "ipxe", 0, NULL, O_IPXE, "also iPXE: undionly.kpxe (BIOS), snponly.efi and ipxe.efi (UEFI)" },
	{ "ipxe-dir", 0, "DIR", O_IPXEDIR, "with --ipxe: take them from DIR instead of the system's" },
	{ "quiet", 'q', NULL, O_QUIET, "do not list the files copied" },
	{ NULL, 0, NULL, 0, NULL },
};

struct install_cfg {
	const char *root, *sysdir, *spec, *signed_from, *ipxe_dir;
	bool no_efi, secure, quiet, ipxe;
};

static const char *
set_install_option(void *ctx, int id, const char *arg)
{
	struct install_cfg *c = ctx;

	switch (id) {
	case O_ROOT: c->root = arg; return NULL;
	case O_SYSLINUX: c->sysdir = arg; return NULL;
	case O_NOEFI: c->no_efi = true; return NULL;
	case O_SECURE: c->secure = true; return NULL;
	case O_SPEC: c->spec = arg; return NULL;
	case O_QUIET: c->quiet = true; return NULL;
	case O_SIGNED: c->signed_from = arg; return NULL;
	case O_IPXE: c->ipxe = true; return NULL;
	case O_IPXEDIR: c->ipxe_dir = arg; return NULL;
	}
	return "is not handled";
}

static const char *const bios_mods[] = { "ldlinux.c32", "libcom32.c32",
	"libutil.c32", "menu.c32", "vesamenu.c32", "chain.c32", "linux.c32",
	NULL };
static const char *const efi_mods[] = { "ldlinux.e64", "libcom32.c32",
	"libutil.c32", "menu.c32", "vesamenu.c32", "linux.c32", NULL };

/* The signed Secure Boot chain as Debian ships it. */
static const struct {
	const char *src, *dst, *package;
} secure_files[] = {
	{ "/usr/lib/shim/shimx64.efi.signed", "bootx64.efi", "shim-signed" },
	{ "/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed",
	  "grubx64.efi", "grub-efi-amd64-signed" },
};

/*
 * iPXE's loaders under the names a TFTP root serves them by, where
 * distributions put them: undionly.kpxe runs on a BIOS PXE ROM (through
 * its UNDI driver), snponly.efi on a UEFI machine's own network driver,
 * ipxe.efi with iPXE's drivers (for firmware whose network driver is poor).
 */
static const struct {
	const char *who, *dir;
	const char *file[3];
} ipxe_layouts[] = {
	{ "Debian/Ubuntu", "/usr/lib/ipxe",
	  { "undionly.kpxe", "snponly.efi", "ipxe.efi" } },
	{ "Fedora", "/usr/share/ipxe",
	  { "undionly.kpxe", "ipxe-snponly-x86_64.efi", "ipxe-x86_64.efi" } },
};
static const char *const ipxe_names[3] = { "undionly.kpxe", "snponly.efi",
	"ipxe.efi" };

/* Copy iPXE's loaders to the root's top: 0, or 1 after saying why not. */
static int
install_ipxe(const struct install_cfg *c)
{
	char src[1200];
	size_t i, j, nl = sizeof(ipxe_layouts) / sizeof(ipxe_layouts[0]);
	int bad = 0;

	for (i = 0; i < nl; i++) {
		const char *dir = c->ipxe_dir ? c->ipxe_dir : ipxe_layouts[i].dir;

		if (!file_exists(dir, ipxe_layouts[i].file[0]))
			continue;
		for (j = 0; j < 3; j++) {
			snprintf(src, sizeof(src), "%s/%s", dir,
			    ipxe_layouts[i].file[j]);
			bad |= copy(src, c->root, ipxe_names[j], c->quiet);
		}
		return bad;
	}
	if (c->ipxe_dir)
		fprintf(stderr, "mkpxemenu install: --ipxe-dir %s: no "
		    "undionly.kpxe in it\n", c->ipxe_dir);
	else
		fprintf(stderr, "mkpxemenu install: --ipxe: iPXE not found "
		    "(Debian: apt-get install ipxe; Fedora: dnf install "
		    "ipxe-bootimgs-x86), or give --ipxe-dir\n");
	return 1;
}

int
cmd_install(int argc, char **argv)
{
	struct install_cfg c;
	struct pxe_opts_mem mem = { NULL, 0, 0 };
	struct pxe_opts_spec spec = { "mkpxemenu install", PACKAGE_VERSION,
	    "--root DIR [--syslinux-dir DIR] [--no-efi] [--secure-boot] [--ipxe]",
	    "copy pxelinux, its modules and memdisk (and syslinux.efi) into "
	    "a TFTP root",
	    "Files: pxelinux.0, ldlinux.c32, libcom32.c32, libutil.c32, "
	    "menu.c32, vesamenu.c32,\nchain.c32, linux.c32, memdisk; "
	    "efi64/syslinux.efi, ldlinux.e64 and its modules.\n"
	    "--secure-boot: bootx64.efi (shim) and grubx64.efi (signed GRUB, "
	    "which reads\ngrub/grub.cfg): hand UEFI clients bootx64.efi.\n"
	    "--ipxe: undionly.kpxe, snponly.efi and ipxe.efi (hand them to "
	    "BIOS and UEFI\nclients, and the menu's URL to iPXE: pxe-dhcpd "
	    "--ipxe-boot).\n"
	    "Exit status: 0 installed, 1 runtime failure, 2 usage error.\n",
	    install_opts, set_install_option, &c, &mem };
	struct syslinux_dirs d;
	char src[1200], dst[256];
	size_t i;
	int idx, r, bad = 0;
	struct stat st;

	memset(&c, 0, sizeof(c));
	if ((r = pxe_opts_parse(&spec, argc, argv, &idx)) != 0)
		return r == 1 ? 0 : 2;
	if (idx < argc || c.root == NULL) {
		fprintf(stderr, "mkpxemenu install: %s\n", c.root == NULL ?
		    "--root is required" : "unexpected argument");
		return 2;
	}
	if (c.spec && !c.secure) {
		fprintf(stderr, "mkpxemenu install: --spec goes with "
		    "--secure-boot (write other menus with mkpxemenu --root)\n");
		return 2;
	}
	if (c.ipxe_dir && !c.ipxe) {
		fprintf(stderr, "mkpxemenu install: --ipxe-dir goes with --ipxe\n");
		return 2;
	}
	if (stat(c.root, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "mkpxemenu install: --root %s: not a folder\n",
		    c.root);
		return 1;
	}
	if (syslinux_find(c.sysdir, &d) < 0) {
		if (c.sysdir)
			fprintf(stderr, "mkpxemenu install: --syslinux-dir %s: "
			    "no pxelinux.0 with ldlinux.c32 in it\n", c.sysdir);
		else
			fprintf(stderr, "mkpxemenu install: syslinux not found "
			    "(Debian: apt-get install pxelinux syslinux-common; "
			    "Fedora: dnf install syslinux-tftpboot; Arch: pacman "
			    "-S syslinux), or give --syslinux-dir\n");
		return 1;
	}
	snprintf(src, sizeof(src), "%s/pxelinux.0", d.pxelinux);
	bad |= copy(src, c.root, "pxelinux.0", c.quiet);
	for (i = 0; bios_mods[i]; i++) {
		snprintf(src, sizeof(src), "%s/%s", d.bios, bios_mods[i]);
		bad |= copy(src, c.root, bios_mods[i], c.quiet);
	}
	snprintf(src, sizeof(src), "%s/memdisk", d.memdisk);
	bad |= copy(src, c.root, "memdisk", c.quiet);
	if (!c.no_efi && d.efi64[0] == '\0') {
		fprintf(stderr, "mkpxemenu install: note: syslinux.efi not found "
		    "(Debian: apt-get install syslinux-efi): no UEFI files\n");
	} else if (!c.no_efi) {
		snprintf(src, sizeof(src), "%s/syslinux.efi", d.efi64);
		bad |= copy(src, c.root, "efi64/syslinux.efi", c.quiet);
		for (i = 0; efi_mods[i]; i++) {
			snprintf(src, sizeof(src), "%s/%s", d.efi64mods,
			    efi_mods[i]);
			snprintf(dst, sizeof(dst), "efi64/%s", efi_mods[i]);
			bad |= copy(src, c.root, dst, c.quiet);
		}
	}
	for (i = 0; c.secure && i < sizeof(secure_files) /
	    sizeof(secure_files[0]); i++) {
		const char *base = strrchr(secure_files[i].src, '/') + 1;

		/* Its Debian path (under --signed-from), or beside it. */
		snprintf(src, sizeof(src), "%s%s", c.signed_from ?
		    c.signed_from : "", secure_files[i].src);
		if (stat(src, &st) < 0 && c.signed_from)
			snprintf(src, sizeof(src), "%s/%s", c.signed_from, base);
		if (stat(src, &st) < 0) {
			fprintf(stderr, "mkpxemenu install: --secure-boot: %s "
			    "not found (Debian: apt-get install %s)\n", src,
			    secure_files[i].package);
			return 1;
		}
		bad |= copy(src, c.root, secure_files[i].dst, c.quiet);
	}
	if (c.ipxe)
		bad |= install_ipxe(&c);
	if (c.secure && c.spec && !bad)
		bad |= menu_write_spec(c.spec, FMT_GRUB, c.root) != 0;
	pxe_opts_free(&mem);
	return bad ? 1 : 0;
}
