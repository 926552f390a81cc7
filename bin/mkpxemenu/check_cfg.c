/*
 * check_cfg.c: the pxelinux configuration files of `mkpxemenu check`.
 * Each line's keyword picks its row of a {keyword, check} table: the files
 * it names exist under the root, labels are unique and bootable, DEFAULT
 * and ONTIMEOUT name one, INCLUDE is followed (loops and depth bounded).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "libpxe/str.h"

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
const char *
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

/* One line being read: where it is and its arguments. */
struct kwline {
	struct chk *c;
	struct cfgstate *s;
	const char *file;
	int line;
	const char *kw;		/* as the table spells it */
	const char *args;	/* after the keyword */
	int depth;
	bool *in_text;
};

/* The first word of the arguments into w. */
static void
first_word(const struct kwline *l, char *w, size_t cap)
{
	word(l->args, w, cap);
}

static void
kw_none(const struct kwline *l)
{
	(void)l;
}

static void
kw_text(const struct kwline *l)
{
	*l->in_text = true;
}

/* The first argument is a file. */
static void
kw_file(const struct kwline *l)
{
	char w[1024];

	first_word(l, w, sizeof(w));
	ref(l->c, l->file, l->line, l->kw, w);
}

/* A boot command naming a file. */
static void
kw_boot(const struct kwline *l)
{
	struct label *cur = l->s->cur;
	char w[1024];

	first_word(l, w, sizeof(w));
	if (*w == '\0') {
		finding(l->c, l->file, l->line, "%s with no file", l->kw);
		return;
	}
	/* A kernel outside any label is the implicit one. */
	if (cur != NULL) {
		cur->boots = true;
		cur->is_linux_c32 = strcasecmp(l->kw, "COM32") == 0 &&
		    strcasecmp(w, "linux.c32") == 0;
	}
	ref(l->c, l->file, l->line, l->kw, w);
}

static void
kw_localboot(const struct kwline *l)
{
	if (l->s->cur)
		l->s->cur->boots = true;
}

static void
kw_initrd(const struct kwline *l)
{
	ref_list(l->c, l->file, l->line, "INITRD", l->args);
}

static void
kw_append(const struct kwline *l)
{
	check_append(l->c, l->s, l->file, l->line, l->args);
}

static void
kw_label(const struct kwline *l)
{
	char w[1024];

	first_word(l, w, sizeof(w));
	if (*w == '\0')
		finding(l->c, l->file, l->line, "LABEL with no name");
	else
		new_label(l->c, l->s, l->file, l->line, w);
}

static void
kw_default(const struct kwline *l)
{
	struct cfgstate *s = l->s;

	snprintf(s->def, sizeof(s->def), "%s", l->args);
	snprintf(s->deffile, sizeof(s->deffile), "%s", l->file);
	s->defline = l->line;
}

static void
kw_ontimeout(const struct kwline *l)
{
	snprintf(l->s->ontimeout, sizeof(l->s->ontimeout), "%s", l->args);
	l->s->ontimeoutline = l->line;
}

static void
kw_ui(const struct kwline *l)
{
	struct cfgstate *s = l->s;
	char w[1024];

	first_word(l, w, sizeof(w));
	pxe_str_copy(s->ui, sizeof(s->ui), w);
	snprintf(s->uifile, sizeof(s->uifile), "%s", l->file);
	s->uiline = l->line;
	ref(l->c, l->file, l->line, "UI", w);
}

/* INCLUDE: read the file in place, unless it is too deep or a loop. */
static void
kw_include(const struct kwline *l)
{
	struct chk *c = l->c;
	char w[1024], req[1024], rel[1024];
	int at;

	first_word(l, w, sizeof(w));
	if (l->depth >= MAX_DEPTH) {
		finding(c, l->file, l->line, "INCLUDE %s: nested %d deep, an "
		    "include loop?", w, l->depth);
		return;
	}
	if (has_dotdot(w) || loader_path(c, w, req, sizeof(req), rel,
	    sizeof(rel)) != 0) {
		ref(c, l->file, l->line, "INCLUDE", w);
		return;
	}
	for (at = 0; at <= l->depth; at++)
		if (strcmp(l->s->stack[at], rel) == 0) {
			include_loop(c, l->s, l->file, l->line, w, at,
			    l->depth);
			return;
		}
	ref(c, l->file, l->line, "INCLUDE", w);
	parse_config(c, l->s, rel, l->depth + 1);
}

/* Every keyword pxelinux knows, and what checking it takes. */
static const struct {
	const char *kw;
	void (*fn)(const struct kwline *l);
} keywords[] = {
	{ "DEFAULT", kw_default }, { "UI", kw_ui }, { "LABEL", kw_label },
	{ "KERNEL", kw_boot }, { "LINUX", kw_boot }, { "BOOT", kw_boot },
	{ "BSS", kw_boot }, { "PXE", kw_boot }, { "FDIMAGE", kw_boot },
	{ "COMBOOT", kw_boot }, { "COM32", kw_boot }, { "CONFIG", kw_boot },
	{ "LOCALBOOT", kw_localboot }, { "INITRD", kw_initrd },
	{ "APPEND", kw_append }, { "INCLUDE", kw_include },
	{ "MENU INCLUDE", kw_include }, { "MENU BACKGROUND", kw_file },
	{ "FONT", kw_file }, { "KBDMAP", kw_file }, { "DISPLAY", kw_file },
	{ "FDT", kw_file }, { "DEVICETREE", kw_file },
	{ "F1", kw_file }, { "F2", kw_file }, { "F3", kw_file },
	{ "F4", kw_file }, { "F5", kw_file }, { "F6", kw_file },
	{ "F7", kw_file }, { "F8", kw_file }, { "F9", kw_file },
	{ "F10", kw_file }, { "F11", kw_file }, { "F12", kw_file },
	{ "TEXT", kw_text }, { "ONTIMEOUT", kw_ontimeout },
	{ "ONERROR", kw_none }, { "PROMPT", kw_none }, { "TIMEOUT", kw_none },
	{ "TOTALTIMEOUT", kw_none }, { "NOESCAPE", kw_none },
	{ "NOCOMPLETE", kw_none }, { "ALLOWOPTIONS", kw_none },
	{ "IMPLICIT", kw_none }, { "SERIAL", kw_none }, { "CONSOLE", kw_none },
	{ "SAY", kw_none }, { "IPAPPEND", kw_none }, { "SYSAPPEND", kw_none },
	{ "PATH", kw_none }, { "FDTDIR", kw_none }, { "MENU", kw_none },
	{ "ENDTEXT", kw_none },
};
#define NKEYWORDS (sizeof(keywords) / sizeof(keywords[0]))

/* The row of keyword kw ("MENU INCLUDE" too), or -1. */
static int
keyword(const char *kw)
{
	size_t i;

	for (i = 0; i < NKEYWORDS; i++)
		if (strcasecmp(keywords[i].kw, kw) == 0)
			return (int)i;
	return -1;
}

static void
config_line(struct chk *c, struct cfgstate *s, const char *file, int line,
    char *text, int depth, bool *in_text)
{
	struct kwline l = { c, s, file, line, NULL, NULL, depth, in_text };
	char kw[64], kw2[64], two[160];
	const char *args, *rest;
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
		snprintf(two, sizeof(two), "MENU %s", kw2);
		if ((k = keyword(two)) >= 0)
			args = rest;
	}
	if (k < 0 && (k = keyword(kw)) < 0) {
		finding(c, file, line, "unknown keyword '%s': pxelinux ignores "
		    "this line; check the spelling", kw);
		return;
	}
	/* Boot commands say the keyword as it was written. */
	l.kw = keywords[k].fn == kw_boot ? kw : keywords[k].kw;
	l.args = args;
	keywords[k].fn(&l);
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
void
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
