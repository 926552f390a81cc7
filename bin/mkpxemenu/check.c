/*
 * check.c: `mkpxemenu check --root DIR` lints a TFTP tree the way the boot
 * will meet it.  For every pxelinux.0 / syslinux.efi in the tree: its
 * pxelinux.cfg files parse; every file they name exists under the root
 * as the loader asks for it (loader_path) and pxe-tftpd would find it,
 * and none leaves the root; labels are unique and
 * bootable and DEFAULT names one; every module the menus use is there
 * with the libraries it needs; every module's imports are exported by
 * ldlinux (the "Failed to load ldlinux.c32" / "Undef symbol" traps of
 * mixed syslinux versions); pxelinux.0 and ldlinux.c32 come from one
 * syslinux.  Also the kernel/initrd lines of boot.ipxe and grub/grub.cfg.
 * Each finding is one line "FILE:LINE: what, how to fix"; exit 1 if any.
 * The configuration files are read in check_cfg.c.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "libpxe/fsroot.h"
#include "libpxe/opts.h"
#include "libpxe/pxelinux.h"
#include "libpxe/str.h"
#include "mkpxemenu.h"

#include "check.h"

void
finding(struct chk *c, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	c->findings++;
	if (line > 0)
		printf("%s:%d: ", file, line);
	else
		printf("%s: ", file);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

void
note(struct chk *c, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	c->notes++;
	if (c->quiet)
		return;
	if (line > 0)
		printf("%s:%d: note: ", file, line);
	else
		printf("%s: note: ", file);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* Did snprintf's result fit? */
bool
fits(int n, size_t cap)
{
	return n >= 0 && (size_t)n < cap;
}

/* Read root/rel whole (64 MiB at most), or NULL. */
uint8_t *
load(const struct chk *c, const char *rel, size_t *len)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s/%s", c->rootpath, rel);
	return read_file(p, len);
}

bool
has_dotdot(const char *s)
{
	const char *p = s;

	while ((p = strstr(p, "..")) != NULL) {
		if ((p == s || p[-1] == '/' || p[-1] == '\\') &&
		    (p[2] == '\0' || p[2] == '/' || p[2] == '\\'))
			return true;
		p += 2;
	}
	return false;
}

/*
 * What the loader asks TFTP for when a config names name, as measured
 * with Debian's syslinux 6.04 (pxelinux.0 in bios/, syslinux.efi in
 * efi64/, each probed with every naming): "::NAME" is asked for as NAME,
 * from the root; every other name gets the loader's folder before it, a
 * leading '/' too ("/vmlinuz" is "efi64//vmlinuz").  "HOST::NAME" is
 * another server's and a URL goes over HTTP (lpxelinux): 1.  iPXE and
 * GRUB scripts (c->pxelinux false) read plain names from the root.  req
 * gets the name as asked for, rel the file under the root it means (no
 * leading or doubled '/', as pxe-tftpd resolves it).  0, 1, or
 * -ENAMETOOLONG.
 */
int
loader_path(const struct chk *c, const char *name, char *req, size_t reqcap,
    char *rel, size_t relcap)
{
	const char *cc = strstr(name, "::"), *p;
	size_t o = 0;

	if (strstr(name, "://") || (cc && (!c->pxelinux || cc != name)))
		return 1;
	if (!fits(snprintf(req, reqcap, "%s%s", cc ? "" : c->bootdir, cc ?
	    name + 2 : name), reqcap) || relcap == 0)
		return -ENAMETOOLONG;
	for (p = req; *p && o + 1 < relcap; p++)
		if (*p != '/' || (o > 0 && rel[o - 1] != '/'))
			rel[o++] = *p;
	rel[o] = '\0';
	return *p ? -ENAMETOOLONG : 0;
}

/*
 * A file a config names: resolve it as the loader asks for it
 * (loader_path) and as pxe-tftpd serves it.
 */
void
ref(struct chk *c, const char *file, int line, const char *what,
    const char *name)
{
	char want[2048], rel[2048], got[2048];
	const char *loader = c->efi ? "syslinux.efi" : "pxelinux";
	uint64_t size;
	int fd;

	if (*name == '\0' || loader_path(c, name, want, sizeof(want), rel,
	    sizeof(rel)) != 0)
		return;		/* another server, a URL, or too long */
	if (has_dotdot(name)) {
		finding(c, file, line, "%s %s: '..' in a path: TFTP servers "
		    "refuse it and it may leave the root; name the file from "
		    "the root with a leading '%s'", what, name, c->pxelinux ?
		    "::" : "/");
		return;
	}
	c->files++;
	fd = pxe_fsroot_open_read(&c->root, want, strlen(want), got,
	    sizeof(got), &size);
	if (fd == -ENOENT && c->pxelinux && *c->bootdir && name[0] == '/') {
		finding(c, file, line, "%s %s: no such file: %s puts its folder "
		    "before a leading '/' too and asks for %s; name it ::%s to "
		    "read it from the root", what, name, loader, want,
		    name + strspn(name, "/"));
		return;
	}
	if (fd == -ENOENT) {
		finding(c, file, line, "%s %s: no such file under the root "
		    "(%s asks for %s); copy it there or fix the path", what,
		    name, c->pxelinux ? loader : "it", rel);
		return;
	}
	if (fd < 0) {
		finding(c, file, line, "%s %s: cannot be served: %s", what,
		    name, strerror(-fd));
		return;
	}
	close(fd);
	if (strcmp(got, rel) != 0)
		note(c, file, line, "%s %s is on disk as '%s': pxe-tftpd matches "
		    "it regardless of case, case-sensitive TFTP servers do not",
		    what, name, got);
}

/* Each name of a comma-separated list. */
void
ref_list(struct chk *c, const char *file, int line, const char *what,
    const char *list)
{
	char buf[4096], *tok, *save;

	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok;
	    tok = strtok_r(NULL, ",", &save))
		ref(c, file, line, what, tok);
}

/* ---- modules ---- */

static struct mod *
mod_find(struct chk *c, const char *name)
{
	unsigned i;

	for (i = 0; i < c->nmods; i++)
		if (strcasecmp(c->mods[i].name, name) == 0)
			return &c->mods[i];
	return NULL;
}

static void
load_mods(struct chk *c)
{
	char dir[4096];
	struct dirent *de;
	uint8_t *b;
	size_t len, n;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s", c->rootpath, c->bootdir);
	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL && c->nmods < MAX_MODS) {
		n = strlen(de->d_name);
		if (n < 5 || n >= sizeof(c->mods[0].name) ||
		    (strcasecmp(de->d_name + n - 4, ".c32") != 0 &&
		    strcasecmp(de->d_name + n - 4, ".e64") != 0))
			continue;
		char rel[1024];

		snprintf(rel, sizeof(rel), "%s%s", c->bootdir, de->d_name);
		if ((b = load(c, rel, &len)) == NULL)
			continue;
		struct mod *m = &c->mods[c->nmods++];

		snprintf(m->name, sizeof(m->name), "%s", de->d_name);
		m->status = elf_mod_parse(b, len, &m->elf);
		free(b);
	}
	closedir(d);
}

static void
free_mods(struct chk *c)
{
	unsigned i;

	for (i = 0; i < c->nmods; i++)
		elf_mod_free(&c->mods[i].elf);
	c->nmods = 0;
}

/*
 * Symbols the loader's core (inside pxelinux.0 / syslinux.efi, compressed
 * there, so not readable here) exports to modules, beyond those ldlinux
 * itself imports from it.  Taken from syslinux 6.03/6.04's modules: what
 * they import that no ldlinux or library defines.
 */
static const char *const core_exports[] = {
	"read", "close_file", "KbdMap", "UserFont", "VGAFontSize",
	"__com32_zero_regs", "__farcall", "__vesacon_i915resolution", "_exit",
	"fontbuf", "lzalloc", "memset", "pxe_call", "using_vga", "strcasecmp",
	NULL,
};

static bool
from_core(const struct mod *ld, const char *sym)
{
	size_t i;

	for (i = 0; core_exports[i]; i++)
		if (strcmp(core_exports[i], sym) == 0)
			return true;
	/* What ldlinux imports, the core exports. */
	for (i = 0; ld && i < ld->elf.nundef; i++)
		if (strcmp(ld->elf.undef[i], sym) == 0)
			return true;
	return false;
}

/* Is sym exported by the core, ldlinux or a library m needs? */
static bool
resolvable(struct chk *c, const struct mod *m, const char *sym,
    const struct mod *ld, int depth)
{
	const struct mod *lib;
	size_t i;

	if (ld && (elf_mod_defines(&ld->elf, sym) || from_core(ld, sym)))
		return true;
	if (depth > 8)
		return false;
	for (i = 0; i < m->elf.nneeded; i++) {
		lib = mod_find(c, m->elf.needed[i]);
		if (lib && lib->status == 0 && (elf_mod_defines(&lib->elf, sym) ||
		    resolvable(c, lib, sym, NULL, depth + 1)))
			return true;
	}
	return false;
}

static void
check_mods(struct chk *c)
{
	const char *ldname = c->efi ? "ldlinux.e64" : "ldlinux.c32";
	const struct mod *ld = mod_find(c, ldname);
	char rel[1024];
	unsigned i, missing;
	size_t k;
	const char *first;

	for (i = 0; i < c->nmods; i++) {
		struct mod *m = &c->mods[i];

		snprintf(rel, sizeof(rel), "%s%s", c->bootdir, m->name);
		c->modules++;
		if (m->status == -ENOEXEC) {
			if (c->version >= 5 || c->efi)
				finding(c, rel, 0, "a syslinux 4 (non-ELF) module "
				    "beside a syslinux %d loader: it will not "
				    "load; copy it from the loader's syslinux",
				    c->version ? c->version : 6);
			continue;
		}
		if (m->status < 0) {
			finding(c, rel, 0, "not a valid ELF module (%s): "
			    "replace it", strerror(-m->status));
			continue;
		}
		if (c->version > 0 && c->version < 5 && !c->efi) {
			finding(c, rel, 0, "an ELF (syslinux 5+) module beside "
			    "PXELINUX %d's pxelinux.0: it will not load; "
			    "install one syslinux (mkpxemenu install)",
			    c->version);
			continue;
		}
		if (m->elf.elf64 != c->efi) {
			finding(c, rel, 0, "a %s module in a %s folder: it "
			    "will not load; copy the %s one", m->elf.elf64 ?
			    "64-bit EFI" : "32-bit BIOS", c->efi ? "UEFI" :
			    "BIOS", c->efi ? "efi64" : "bios");
			continue;
		}
		for (k = 0; k < m->elf.nneeded; k++)
			if (!mod_find(c, m->elf.needed[k]))
				finding(c, rel, 0, "needs %s, which is not "
				    "beside it: copy %s from the same syslinux",
				    m->elf.needed[k], m->elf.needed[k]);
		if (m == ld)
			continue;
		if (!ld)
			continue;	/* reported once by check_loader */
		missing = 0;
		first = NULL;
		for (k = 0; k < m->elf.nundef; k++)
			if (!resolvable(c, m, m->elf.undef[k], ld, 0)) {
				if (!first)
					first = m->elf.undef[k];
				missing++;
			}
		if (missing)
			finding(c, rel, 0, "imports %u symbol%s (%s%s) that %s "
			    "and its libraries lack: it comes from another "
			    "syslinux version; copy both from one (mkpxemenu "
			    "install)", missing, missing == 1 ? "" : "s", first,
			    missing > 1 ? ", ..." : "", ldname);
	}
}

/* ---- loaders ---- */

/* "PXELINUX 6.04" in pxelinux.0: the major version, or 0. */
static int
loader_version(const uint8_t *b, size_t len, char *banner, size_t cap)
{
	static const char tag[] = "PXELINUX ";
	size_t i, k;

	for (i = 0; i + sizeof(tag) + 3 < len; i++) {
		if (memcmp(b + i, tag, sizeof(tag) - 1) != 0 ||
		    !isdigit(b[i + sizeof(tag) - 1]))
			continue;
		for (k = 0; k + 1 < cap && i + k < len && isprint(b[i + k]);
		    k++)
			banner[k] = (char)b[i + k];
		banner[k] = '\0';
		return b[i + sizeof(tag) - 1] - '0';
	}
	banner[0] = '\0';
	return 0;
}

static bool
same_file(const uint8_t *a, size_t alen, const char *path)
{
	size_t blen;
	uint8_t *b = read_file(path, &blen);
	bool same = b && blen == alen && memcmp(a, b, alen) == 0;

	free(b);
	return same;
}

/* pxelinux.0 and ldlinux.c32 from one syslinux, as far as can be told. */
static void
check_loader(struct chk *c, const char *loader)
{
	char rel[1024], ldrel[1024], banner[64], sys[1200];
	const char *ldname = c->efi ? "ldlinux.e64" : "ldlinux.c32";
	struct syslinux_dirs d;
	uint8_t *lb, *db;
	size_t llen, dlen;
	bool l_sys, d_sys;

	snprintf(rel, sizeof(rel), "%s%s", c->bootdir, loader);
	snprintf(ldrel, sizeof(ldrel), "%s%s", c->bootdir, ldname);
	if ((lb = load(c, rel, &llen)) == NULL)
		return;
	c->version = c->efi ? 6 : loader_version(lb, llen, banner,
	    sizeof(banner));
	if (!c->efi && c->version > 0 && c->version < 5) {
		free(lb);
		return;		/* syslinux 4: no ldlinux.c32 */
	}
	if ((db = load(c, ldrel, &dlen)) == NULL) {
		finding(c, rel, 0, "%s is not beside it: the boot stops with "
		    "\"Failed to load %s\"; run mkpxemenu install --root %s",
		    ldname, ldname, c->rootpath);
		free(lb);
		return;
	}
	if (syslinux_find(NULL, &d) == 0 && (!c->efi || d.efi64[0])) {
		snprintf(sys, sizeof(sys), "%s/%s", c->efi ? d.efi64 :
		    d.pxelinux, loader);
		l_sys = same_file(lb, llen, sys);
		snprintf(sys, sizeof(sys), "%s/%s", c->efi ? d.efi64mods :
		    d.bios, ldname);
		d_sys = same_file(db, dlen, sys);
		if (l_sys != d_sys)
			finding(c, rel, 0, "%s is this system's syslinux and %s "
			    "is not: they must come from one build or the boot "
			    "stops with \"Failed to load %s\"; run mkpxemenu "
			    "install --root %s", l_sys ? loader : ldname,
			    l_sys ? ldname : loader, ldname, c->rootpath);
	}
	free(lb);
	free(db);
}

/* ---- iPXE and GRUB ---- */

static void
check_script(struct chk *c, const char *rel, bool grub)
{
	static const char *const ipxe_kw[] = { "kernel", "initrd", "imgfetch",
		"module", "chain", NULL };
	static const char *const grub_kw[] = { "linux", "linux16", "initrd",
		"initrd16", "chainloader", NULL };
	const char *const *kws = grub ? grub_kw : ipxe_kw;
	char w[1024], *p, *nl, *t;
	const char *args;
	uint8_t *buf;
	size_t len, i;
	int line = 0;

	if ((buf = load(c, rel, &len)) == NULL)
		return;
	c->configs++;
	buf[len] = '\0';
	snprintf(c->bootdir, sizeof(c->bootdir), "%s", "");
	c->pxelinux = false;
	for (p = (char *)buf; p && *p; p = nl) {
		line++;
		if ((nl = strchr(p, '\n')) != NULL)
			*nl++ = '\0';
		t = pxe_str_trim(p);
		args = word(t, w, sizeof(w));
		for (i = 0; kws[i]; i++)
			if (strcmp(w, kws[i]) == 0)
				break;
		if (!kws[i])
			continue;
		/* every word that is not an option or a variable */
		while (*args) {
			args = word(args, w, sizeof(w));
			if (w[0] == '-' || strchr(w, '$') || strchr(w, '='))
				continue;
			if (grub && strncmp(w, "newc:", 5) == 0) {
				char *q = strchr(w + 5, ':');

				if (q)
					ref(c, rel, line, "newc", q + 1);
				continue;
			}
			if (grub && (w[0] == '(' || w[0] == '+'))
				continue;
			ref(c, rel, line, kws[i], w[0] == '/' ? w : w);
			if (!grub && strcmp(kws[i], "kernel") == 0)
				break;	/* the rest is the command line */
			if (grub && (strcmp(kws[i], "linux") == 0 ||
			    strcmp(kws[i], "linux16") == 0))
				break;
		}
	}
	free(buf);
}

/* ---- the tree ---- */

/* Folders (relative, with a trailing '/') holding a loader, depth <= 3. */
static void
find_loaders(struct chk *c, const char *rel, int depth, char dirs[][512],
    bool *efi, char loaders[][32], unsigned *n)
{
	char dir[4096], sub[512];
	struct dirent *de;
	struct stat st;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s", c->rootpath, rel);
	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL && *n < MAX_BOOTDIRS) {
		if (de->d_name[0] == '.')
			continue;
		if (!fits(snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name),
		    sizeof(sub)) || lstat(sub, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode) && depth < 3) {
			if (!fits(snprintf(sub, sizeof(sub), "%s%s/", rel,
			    de->d_name), sizeof(sub)))
				continue;
			find_loaders(c, sub, depth + 1, dirs, efi, loaders, n);
		} else if (S_ISREG(st.st_mode) &&
		    (strcasecmp(de->d_name, "pxelinux.0") == 0 ||
		    strcasecmp(de->d_name, "lpxelinux.0") == 0 ||
		    strcasecmp(de->d_name, "syslinux.efi") == 0)) {
			pxe_str_copy(dirs[*n], 512, rel);
			pxe_str_copy(loaders[*n], 32, de->d_name);
			efi[*n] = strcasecmp(de->d_name, "syslinux.efi") == 0;
			(*n)++;
		}
	}
	closedir(d);
}

static void
check_bootdir(struct chk *c, const char *dir, const char *loader, bool efi)
{
	char cfgdir[4096], rel[1024];
	struct dirent *de;
	DIR *d;
	unsigned before = c->configs;

	pxe_str_copy(c->bootdir, sizeof(c->bootdir), dir);
	c->efi = efi;
	c->pxelinux = true;
	c->version = 0;
	check_loader(c, loader);
	load_mods(c);
	if (fits(snprintf(cfgdir, sizeof(cfgdir), "%s/%s%s", c->rootpath, dir,
	    PXELINUX_CFG_DIR), sizeof(cfgdir)) &&
	    (d = opendir(cfgdir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.' ||
			    strstr(de->d_name, ".mkpxemenu-"))
				continue;
			if (fits(snprintf(rel, sizeof(rel), "%s%s/%s", dir,
			    PXELINUX_CFG_DIR, de->d_name), sizeof(rel)))
				check_config(c, rel);
		}
		closedir(d);
	}
	if (c->configs == before)
		finding(c, *dir ? dir : "./", 0, "%s has no %s/default (nor a "
		    "per-machine file): pxelinux stops with \"Unable to locate "
		    "configuration file\"; write one with mkpxemenu --root",
		    loader, PXELINUX_CFG_DIR);
	check_mods(c);
	free_mods(c);
}

enum { O_ROOT = PXE_OPT_USER, O_QUIET };

static const struct pxe_opt check_opts[] = {
	{ "root", 'r', "DIR", O_ROOT, "the TFTP root to check (required)" },
	{ "quiet", 'q', NULL, O_QUIET, "findings only: no notes, no summary" },
	{ NULL, 0, NULL, 0, NULL },
};

static const char *
set_check_option(void *ctx, int id, const char *arg)
{
	struct chk *c = ctx;

	if (id == O_ROOT)
		c->rootpath = arg;
	else if (id == O_QUIET)
		c->quiet = true;
	return NULL;
}

int
cmd_check(int argc, char **argv)
{
	struct chk *c = calloc(1, sizeof(*c));
	struct pxe_opts_mem mem = { NULL, 0, 0 };
	struct pxe_opts_spec spec = { "mkpxemenu check", PACKAGE_VERSION,
	    "--root DIR", "lint a PXE boot tree",
	    "Findings are lines FILE:LINE: what, how to fix (notes say "
	    "\"note:\" and do\nnot count).  Exit status: 0 clean, 1 findings, "
	    "2 usage error.\n", check_opts, set_check_option, c, &mem };
	char dirs[MAX_BOOTDIRS][512], loaders[MAX_BOOTDIRS][32];
	bool efi[MAX_BOOTDIRS];
	unsigned n = 0, i;
	int idx, r;

	if (c == NULL)
		return 1;
	if ((r = pxe_opts_parse(&spec, argc, argv, &idx)) != 0) {
		free(c);
		return r == 1 ? 0 : 2;
	}
	if (idx < argc || c->rootpath == NULL) {
		fprintf(stderr, "mkpxemenu check: %s\n", c->rootpath ?
		    "unexpected argument" : "--root is required");
		free(c);
		return 2;
	}
	if ((r = pxe_fsroot_open(&c->root, c->rootpath)) < 0) {
		fprintf(stderr, "mkpxemenu check: --root %s: %s\n", c->rootpath,
		    strerror(-r));
		free(c);
		return 1;
	}
	find_loaders(c, "", 0, dirs, efi, loaders, &n);
	for (i = 0; i < n; i++)
		check_bootdir(c, dirs[i], loaders[i], efi[i]);
	if (access(c->rootpath, F_OK) == 0) {
		char p[4096];

		snprintf(p, sizeof(p), "%s/boot.ipxe", c->rootpath);
		if (access(p, F_OK) == 0)
			check_script(c, "boot.ipxe", false);
		snprintf(p, sizeof(p), "%s/grub/grub.cfg", c->rootpath);
		if (access(p, F_OK) == 0)
			check_script(c, "grub/grub.cfg", true);
	}
	if (n == 0 && c->configs == 0)
		finding(c, c->rootpath, 0, "no pxelinux.0, syslinux.efi, "
		    "boot.ipxe or grub/grub.cfg: run mkpxemenu install --root "
		    "%s, then write a menu", c->rootpath);
	if (!c->quiet)
		fprintf(stderr, "mkpxemenu check: %u finding%s (%u config%s, "
		    "%u labels, %u files named, %u modules)\n", c->findings,
		    c->findings == 1 ? "" : "s", c->configs, c->configs == 1 ?
		    "" : "s", c->labels, c->files, c->modules);
	r = c->findings ? 1 : 0;
	pxe_fsroot_close(&c->root);
	free(c);
	pxe_opts_free(&mem);
	return r;
}
