/*
 * check.c: `mkpxemenu check --root DIR` lints a TFTP tree the way the boot
 * will meet it.  For every pxelinux.0 / syslinux.efi in the tree: its
 * pxelinux.cfg files parse; every file they name exists under the root
 * (as pxe-tftpd would find it) and none leaves it; labels are unique and
 * bootable and DEFAULT names one; every module the menus use is there
 * with the libraries it needs; every module's imports are exported by
 * ldlinux (the "Failed to load ldlinux.c32" / "Undef symbol" traps of
 * mixed syslinux versions); pxelinux.0 and ldlinux.c32 come from one
 * syslinux.  Also the kernel/initrd lines of boot.ipxe and grub/grub.cfg.
 * Each finding is one line "FILE:LINE: what, how to fix"; exit 1 if any.
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

#define MAX_BOOTDIRS	8
#define MAX_MODS	128
#define MAX_LABELS	256
#define MAX_DEPTH	8
#define MAX_PARSES	256	/* files parsed for one top-level config */
#define MAX_LOOPS	16	/* include loops remembered as reported */

struct mod {
	char name[64];
	struct elf_mod elf;
	int status;		/* elf_mod_parse's result */
};

struct chk {
	struct pxe_fsroot root;
	const char *rootpath;
	unsigned findings, notes, configs, labels, files, modules;
	bool quiet;
	/* the boot folder being checked */
	char bootdir[512];	/* relative to the root, "" or "efi64/" */
	bool efi;
	int version;		/* pxelinux.0's major version, 0 unknown */
	struct mod mods[MAX_MODS];
	unsigned nmods;
	char loops[MAX_LOOPS][512];	/* include loops reported */
	unsigned nloops;
};

static void __attribute__((format(printf, 4, 5)))
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

static void __attribute__((format(printf, 4, 5)))
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
static bool
fits(int n, size_t cap)
{
	return n >= 0 && (size_t)n < cap;
}

/* Read root/rel whole (64 MiB at most), or NULL. */
static uint8_t *
load(const struct chk *c, const char *rel, size_t *len)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s/%s", c->rootpath, rel);
	return read_file(p, len);
}

static bool
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
 * A file a config names: resolve it as pxelinux asks for it (relative to
 * its own folder unless it starts with '/') and as pxe-tftpd serves it.
 */
static void
ref(struct chk *c, const char *file, int line, const char *what,
    const char *name)
{
	char want[2048], got[2048];
	uint64_t size;
	int fd;

	if (*name == '\0' || strstr(name, "::") || strstr(name, "://"))
		return;		/* another server, or a URL (lpxelinux) */
	if (has_dotdot(name)) {
		finding(c, file, line, "%s %s: '..' in a path: TFTP servers "
		    "refuse it and it may leave the root; name the file from "
		    "the root with a leading '/'", what, name);
		return;
	}
	snprintf(want, sizeof(want), "%s%s", name[0] == '/' ? "" : c->bootdir,
	    name);
	c->files++;
	fd = pxe_fsroot_open_read(&c->root, want, strlen(want), got,
	    sizeof(got), &size);
	if (fd == -ENOENT) {
		finding(c, file, line, "%s %s: no such file under the root "
		    "(pxelinux asks for /%s); copy it there or fix the path",
		    what, name, want[0] == '/' ? want + 1 : want);
		return;
	}
	if (fd < 0) {
		finding(c, file, line, "%s %s: cannot be served: %s", what,
		    name, strerror(-fd));
		return;
	}
	close(fd);
	if (strcmp(got, want[0] == '/' ? want + 1 : want) != 0)
		note(c, file, line, "%s %s is on disk as '%s': pxe-tftpd matches "
		    "it regardless of case, case-sensitive TFTP servers do not",
		    what, name, got);
}

/* Each name of a comma-separated list. */
static void
ref_list(struct chk *c, const char *file, int line, const char *what,
    const char *list)
{
	char buf[4096], *tok, *save;

	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok;
	    tok = strtok_r(NULL, ",", &save))
		ref(c, file, line, what, tok);
}

/* ---- pxelinux configuration files ---- */

enum kw_do {
	KW_NONE,	/* known, names no file */
	KW_FILE,	/* the first argument is a file */
	KW_BOOT,	/* a boot command naming a file */
	KW_INITRD,
	KW_APPEND,
	KW_LABEL,
	KW_DEFAULT,
	KW_UI,
	KW_INCLUDE,
	KW_LOCALBOOT,
	KW_TEXT,
	KW_ONTIMEOUT,
};

static const struct {
	const char *kw;
	enum kw_do what;
} keywords[] = {
	{ "DEFAULT", KW_DEFAULT }, { "UI", KW_UI }, { "LABEL", KW_LABEL },
	{ "KERNEL", KW_BOOT }, { "LINUX", KW_BOOT }, { "BOOT", KW_BOOT },
	{ "BSS", KW_BOOT }, { "PXE", KW_BOOT }, { "FDIMAGE", KW_BOOT },
	{ "COMBOOT", KW_BOOT }, { "COM32", KW_BOOT }, { "CONFIG", KW_BOOT },
	{ "LOCALBOOT", KW_LOCALBOOT }, { "INITRD", KW_INITRD },
	{ "APPEND", KW_APPEND }, { "INCLUDE", KW_INCLUDE },
	{ "MENU INCLUDE", KW_INCLUDE }, { "MENU BACKGROUND", KW_FILE },
	{ "FONT", KW_FILE }, { "KBDMAP", KW_FILE }, { "DISPLAY", KW_FILE },
	{ "FDT", KW_FILE }, { "DEVICETREE", KW_FILE },
	{ "F1", KW_FILE }, { "F2", KW_FILE }, { "F3", KW_FILE },
	{ "F4", KW_FILE }, { "F5", KW_FILE }, { "F6", KW_FILE },
	{ "F7", KW_FILE }, { "F8", KW_FILE }, { "F9", KW_FILE },
	{ "F10", KW_FILE }, { "F11", KW_FILE }, { "F12", KW_FILE },
	{ "TEXT", KW_TEXT }, { "ONTIMEOUT", KW_ONTIMEOUT },
	{ "ONERROR", KW_NONE }, { "PROMPT", KW_NONE }, { "TIMEOUT", KW_NONE },
	{ "TOTALTIMEOUT", KW_NONE }, { "NOESCAPE", KW_NONE },
	{ "NOCOMPLETE", KW_NONE }, { "ALLOWOPTIONS", KW_NONE },
	{ "IMPLICIT", KW_NONE }, { "SERIAL", KW_NONE }, { "CONSOLE", KW_NONE },
	{ "SAY", KW_NONE }, { "IPAPPEND", KW_NONE }, { "SYSAPPEND", KW_NONE },
	{ "PATH", KW_NONE }, { "FDTDIR", KW_NONE }, { "MENU", KW_NONE },
	{ "ENDTEXT", KW_NONE },
};

struct label {
	char name[128];
	int line;
	char file[256];
	bool boots;
	bool is_linux_c32;	/* COM32 linux.c32: APPEND names the kernel */
};

struct cfgstate {
	struct label labels[MAX_LABELS];
	unsigned nlabels;
	struct label *cur;
	char def[256], deffile[256], ontimeout[256];
	int defline, ontimeoutline;
	char ui[128], uifile[256];
	int uiline;
	/* INCLUDE: the chain being parsed, and bounds on the work */
	const char *stack[MAX_DEPTH + 1];
	unsigned parses;
};

static void parse_config(struct chk *c, struct cfgstate *s, const char *rel,
    int depth);

/* The files of stack[k..depth] as "a -> b -> a", from stack[first]. */
static void
loop_chain(char *out, size_t cap, const struct cfgstate *s, int k, int depth,
    int first)
{
	size_t o = 0;
	int i, n = depth - k + 1;

	for (i = 0; i <= n; i++) {
		o += pxe_str_copy(out + o, cap - o, s->stack[k + (first - k +
		    i) % n]);
		if (i < n)
			o += pxe_str_copy(out + o, cap - o, " -> ");
	}
}

/*
 * INCLUDE at depth goes back to stack[k]: a loop.  Report it once for the
 * whole check (a file that includes itself six times is one loop, not six,
 * nor 6^8 parses; every config in the loop meets it again), naming it.
 */
static void
include_loop(struct chk *c, struct cfgstate *s, const char *file, int line,
    const char *w, int k, int depth)
{
	char key[sizeof(c->loops[0])], chain[sizeof(c->loops[0])];
	int i, low = k;
	unsigned j;

	/* The same loop met from another of its files is the same key. */
	for (i = k + 1; i <= depth; i++)
		if (strcmp(s->stack[i], s->stack[low]) < 0)
			low = i;
	loop_chain(key, sizeof(key), s, k, depth, low);
	for (j = 0; j < c->nloops; j++)
		if (strcmp(c->loops[j], key) == 0)
			return;
	if (c->nloops < MAX_LOOPS)
		pxe_str_copy(c->loops[c->nloops++], sizeof(c->loops[0]), key);
	loop_chain(chain, sizeof(chain), s, k, depth, k);
	finding(c, file, line, "INCLUDE %s: an include loop (%s); pxelinux "
	    "never gets to the end of it, remove the INCLUDE", w, chain);
}

/* The first word of s into w (NUL-terminated); the rest after it. */
static const char *
word(const char *s, char *w, size_t cap)
{
	size_t n = strcspn(s, " \t");

	snprintf(w, cap, "%.*s", (int)n, s);
	s += n;
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* APPEND's initrd= and (after COM32 linux.c32) the kernel and initrdfile=. */
static void
check_append(struct chk *c, struct cfgstate *s, const char *file, int line,
    const char *args)
{
	char w[2048];
	const char *p = args;
	bool first = true;

	while (*p) {
		p = word(p, w, sizeof(w));
		if (first && s->cur && s->cur->is_linux_c32 && !strchr(w, '='))
			ref(c, file, line, "APPEND (linux.c32 kernel)", w);
		else if (strncasecmp(w, "initrd=", 7) == 0)
			ref_list(c, file, line, "initrd=", w + 7);
		else if (strncasecmp(w, "initrdfile=", 11) == 0)
			ref_list(c, file, line, "initrdfile=", w + 11);
		first = false;
	}
}

static void
new_label(struct chk *c, struct cfgstate *s, const char *file, int line,
    const char *name)
{
	unsigned i;

	for (i = 0; i < s->nlabels; i++)
		if (strcmp(s->labels[i].name, name) == 0) {
			finding(c, file, line, "LABEL %s: already defined at "
			    "%s:%d; pxelinux boots the first one, rename one",
			    name, s->labels[i].file, s->labels[i].line);
			break;
		}
	if (s->nlabels == MAX_LABELS) {
		s->cur = NULL;
		return;
	}
	s->cur = &s->labels[s->nlabels++];
	memset(s->cur, 0, sizeof(*s->cur));
	pxe_str_copy(s->cur->name, sizeof(s->cur->name), name);
	snprintf(s->cur->file, sizeof(s->cur->file), "%s", file);
	s->cur->line = line;
	c->labels++;
}

static void
config_line(struct chk *c, struct cfgstate *s, const char *file, int line,
    char *text, int depth, bool *in_text)
{
	char kw[64], kw2[64], w[1024];
	const char *args, *rest;
	size_t i;
	int k = -1;

	text = pxe_str_trim(text);
	if (*in_text) {
		if (strncasecmp(text, "ENDTEXT", 7) == 0)
			*in_text = false;
		return;
	}
	if (*text == '\0' || *text == '#')
		return;
	args = word(text, kw, sizeof(kw));
	if (strcasecmp(kw, "MENU") == 0) {
		rest = word(args, kw2, sizeof(kw2));
		snprintf(w, sizeof(w), "MENU %s", kw2);
		for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
			if (strcasecmp(keywords[i].kw, w) == 0) {
				k = (int)i;
				args = rest;
			}
	}
	for (i = 0; k < 0 && i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (strcasecmp(keywords[i].kw, kw) == 0)
			k = (int)i;
	if (k < 0) {
		finding(c, file, line, "unknown keyword '%s': pxelinux ignores "
		    "this line; check the spelling", kw);
		return;
	}
	switch (keywords[k].what) {
	case KW_NONE:
		break;
	case KW_TEXT:
		*in_text = true;
		break;
	case KW_FILE:
		word(args, w, sizeof(w));
		ref(c, file, line, keywords[k].kw, w);
		break;
	case KW_BOOT:
		word(args, w, sizeof(w));
		if (*w == '\0') {
			finding(c, file, line, "%s with no file", kw);
			break;
		}
		if (s->cur == NULL) {
			/* A kernel outside any label is the implicit one. */
		} else {
			s->cur->boots = true;
			s->cur->is_linux_c32 = strcasecmp(kw, "COM32") == 0 &&
			    strcasecmp(w, "linux.c32") == 0;
		}
		ref(c, file, line, kw, w);
		break;
	case KW_LOCALBOOT:
		if (s->cur)
			s->cur->boots = true;
		break;
	case KW_INITRD:
		ref_list(c, file, line, "INITRD", args);
		break;
	case KW_APPEND:
		check_append(c, s, file, line, args);
		break;
	case KW_LABEL:
		word(args, w, sizeof(w));
		if (*w == '\0')
			finding(c, file, line, "LABEL with no name");
		else
			new_label(c, s, file, line, w);
		break;
	case KW_DEFAULT:
		snprintf(s->def, sizeof(s->def), "%s", args);
		snprintf(s->deffile, sizeof(s->deffile), "%s", file);
		s->defline = line;
		break;
	case KW_ONTIMEOUT:
		snprintf(s->ontimeout, sizeof(s->ontimeout), "%s", args);
		s->ontimeoutline = line;
		break;
	case KW_UI:
		word(args, w, sizeof(w));
		pxe_str_copy(s->ui, sizeof(s->ui), w);
		snprintf(s->uifile, sizeof(s->uifile), "%s", file);
		s->uiline = line;
		ref(c, file, line, "UI", w);
		break;
	case KW_INCLUDE:
		word(args, w, sizeof(w));
		if (depth >= MAX_DEPTH) {
			finding(c, file, line, "INCLUDE %s: nested %d deep, an "
			    "include loop?", w, depth);
			break;
		}
		if (has_dotdot(w) || strstr(w, "::")) {
			ref(c, file, line, "INCLUDE", w);
			break;
		}
		{
			char rel[1024];
			int at;

			if (!fits(snprintf(rel, sizeof(rel), "%s%s", w[0] ==
			    '/' ? "" : c->bootdir, w[0] == '/' ? w + 1 : w),
			    sizeof(rel)))
				break;
			for (at = 0; at <= depth; at++)
				if (strcmp(s->stack[at], rel) == 0)
					break;
			if (at <= depth) {
				include_loop(c, s, file, line, w, at, depth);
				break;
			}
			ref(c, file, line, "INCLUDE", w);
			parse_config(c, s, rel, depth + 1);
		}
		break;
	}
}

static void
parse_config(struct chk *c, struct cfgstate *s, const char *rel, int depth)
{
	uint8_t *buf;
	size_t len;
	char *p, *nl;
	int line = 0;
	bool in_text = false;

	/* A fan of INCLUDEs without a loop (8 files, each including the
	 * next six times) is bounded too: said once, then not followed. */
	if (s->parses++ == MAX_PARSES)
		finding(c, rel, 0, "more than %d files read through INCLUDE: "
		    "the rest is not checked", MAX_PARSES);
	if (s->parses > MAX_PARSES)
		return;
	s->stack[depth] = rel;
	if ((buf = load(c, rel, &len)) == NULL)
		return;		/* reported by ref() */
	c->configs++;
	buf[len] = '\0';
	if (memchr(buf, '\0', len) != NULL) {
		finding(c, rel, 0, "not a text file (NUL bytes): is this a "
		    "pxelinux configuration?");
		free(buf);
		return;
	}
	for (p = (char *)buf; p && *p; p = nl) {
		line++;
		if ((nl = strchr(p, '\n')) != NULL)
			*nl++ = '\0';
		config_line(c, s, rel, line, p, depth, &in_text);
	}
	free(buf);
}

static struct label *
find_label(struct cfgstate *s, const char *name)
{
	unsigned i;

	for (i = 0; i < s->nlabels; i++)
		if (strcmp(s->labels[i].name, name) == 0)
			return &s->labels[i];
	return NULL;
}

/* After a top-level config and its includes: labels and DEFAULT. */
static void
check_config(struct chk *c, const char *rel)
{
	struct cfgstate *s = calloc(1, sizeof(*s));
	char w[256];
	unsigned i;

	if (s == NULL)
		return;
	parse_config(c, s, rel, 0);
	for (i = 0; i < s->nlabels; i++)
		if (!s->labels[i].boots)
			finding(c, s->labels[i].file, s->labels[i].line,
			    "LABEL %s boots nothing: give it KERNEL, COM32 or "
			    "LOCALBOOT", s->labels[i].name);
	if (s->def[0]) {
		word(s->def, w, sizeof(w));
		if (!find_label(s, w)) {
			if (s->ui[0])
				finding(c, s->deffile, s->defline, "DEFAULT %s "
				    "names no LABEL (with a UI it must): use one "
				    "of the labels", w);
			else
				ref(c, s->deffile, s->defline, "DEFAULT", w);
		}
	} else if (s->nlabels > 0 && !s->ui[0]) {
		finding(c, rel, 0, "no DEFAULT and no UI: pxelinux waits at "
		    "boot: for a typed label; add DEFAULT or UI menu.c32");
	}
	if (s->ontimeout[0]) {
		word(s->ontimeout, w, sizeof(w));
		if (!find_label(s, w))
			finding(c, rel, s->ontimeoutline, "ONTIMEOUT %s names "
			    "no LABEL", w);
	}
	free(s);
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
