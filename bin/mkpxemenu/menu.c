/*
 * menu.c: parse --entry strings into struct menu and write it as pxelinux,
 * iPXE or GRUB configuration.  Pure: memory in, memory out.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "menu.h"

static const struct {
	const char *name;
	enum entry_kind kind;
	int min_args, max_args;	/* fields after KIND:LABEL */
} kinds[] = {
	{ "linux", ENTRY_LINUX, 1, 3 },
	{ "iso", ENTRY_ISO, 1, 1 },
	{ "memdisk", ENTRY_ISO, 1, 1 },
	{ "winpe", ENTRY_WINPE, 1, 1 },
	{ "local", ENTRY_LOCAL, 0, 0 },
	{ "chain", ENTRY_CHAIN, 0, 1 },
	{ "ipxe", ENTRY_IPXE, 0, 1 },
};

const char *
menu_kind_name(enum entry_kind k)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].kind == k)
			return kinds[i].name;
	return "?";
}

int
menu_format_parse(const char *s)
{
	if (strcmp(s, "pxelinux") == 0 || strcmp(s, "syslinux") == 0)
		return FMT_PXELINUX;
	if (strcmp(s, "ipxe") == 0)
		return FMT_IPXE;
	if (strcmp(s, "grub") == 0 || strcmp(s, "grub2") == 0)
		return FMT_GRUB;
	return -1;
}

void
menu_init(struct menu *m)
{
	memset(m, 0, sizeof(*m));
	m->ui = UI_MENU;
	m->serial = -1;
}

static void
entry_free(struct entry *e)
{
	free(e->text);
	free(e->kernel);
	free(e->initrd);
	free(e->append);
}

void
menu_free(struct menu *m)
{
	unsigned i;

	for (i = 0; i < m->n; i++)
		entry_free(&m->entries[i]);
	free(m->title);
	free(m->def);
	free(m->http_base);
	menu_init(m);
}

/* A label pxelinux, iPXE and GRUB all take as one word. */
static bool
label_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > MENU_LABEL_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

/* No control characters (a newline would add a line to the config). */
static bool
text_ok(const char *s)
{
	for (; *s; s++)
		if (iscntrl((unsigned char)*s))
			return false;
	return true;
}

static char *
dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

const char *
menu_add_entry(struct menu *m, const char *spec)
{
	static char msg[160];
	const char *p, *f[4], *lab, *eq;
	size_t fl[4], labn, i;
	struct entry e;
	int nf = 0, k = -1;

	if (m->n == MENU_MAX_ENTRIES)
		return "is one entry too many (64 at most)";
	if (!text_ok(spec))
		return "has a control character in it";
	/* KIND */
	p = strchr(spec, ':');
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (p && strlen(kinds[i].name) == (size_t)(p - spec) &&
		    strncasecmp(spec, kinds[i].name, (size_t)(p - spec)) == 0)
			k = (int)i;
	if (k < 0) {
		snprintf(msg, sizeof(msg), "has an unknown entry kind '%.*s' "
		    "(linux, iso, winpe, local, chain, ipxe)", p ? (int)(p -
		    spec) : (int)strlen(spec), spec);
		return msg;
	}
	/* LABEL[=TEXT] up to the next ':' */
	lab = p + 1;
	p = strchr(lab, ':');
	labn = p ? (size_t)(p - lab) : strlen(lab);
	memset(&e, 0, sizeof(e));
	eq = memchr(lab, '=', labn);
	if (!label_ok(lab, eq ? (size_t)(eq - lab) : labn))
		return "has a bad label (letters, digits, '-', '_', '.'; no "
		    "spaces; 64 at most)";
	memcpy(e.label, lab, eq ? (size_t)(eq - lab) : labn);
	for (i = 0; i < m->n; i++)
		if (strcasecmp(m->entries[i].label, e.label) == 0) {
			snprintf(msg, sizeof(msg), "repeats the label '%s'",
			    e.label);
			return msg;
		}
	/* ARGS: up to 3 fields; the last one takes the rest (an APPEND may
	 * hold colons). */
	while (p && nf < kinds[k].max_args) {
		f[nf] = p + 1;
		p = nf + 1 < kinds[k].max_args ? strchr(f[nf], ':') : NULL;
		fl[nf] = p ? (size_t)(p - f[nf]) : strlen(f[nf]);
		nf++;
	}
	if (p != NULL || (nf == 0 && lab[labn] == ':' && kinds[k].max_args == 0)) {
		snprintf(msg, sizeof(msg), "has too many fields for a %s entry",
		    kinds[k].name);
		return msg;
	}
	if (nf < kinds[k].min_args || (nf > 0 && fl[0] == 0 &&
	    kinds[k].min_args > 0)) {
		snprintf(msg, sizeof(msg), "needs %s", kinds[k].kind ==
		    ENTRY_LINUX ? "a kernel (linux:LABEL:KERNEL[:INITRD"
		    "[:APPEND]])" : kinds[k].kind == ENTRY_WINPE ?
		    "an ISO or a folder (winpe:LABEL:winpe.iso)" :
		    "an ISO (iso:LABEL:file.iso)");
		return msg;
	}
	e.kind = kinds[k].kind;
	e.text = eq ? dup_n(eq + 1, labn - (size_t)(eq - lab) - 1) :
	    strdup(e.label);
	if (nf > 0 && fl[0] > 0)
		e.kernel = dup_n(f[0], fl[0]);
	if (nf > 1 && fl[1] > 0)
		e.initrd = dup_n(f[1], fl[1]);
	if (nf > 2 && fl[2] > 0)
		e.append = dup_n(f[2], fl[2]);
	if (e.text == NULL || (nf > 0 && fl[0] > 0 && e.kernel == NULL) ||
	    (nf > 1 && fl[1] > 0 && e.initrd == NULL) ||
	    (nf > 2 && fl[2] > 0 && e.append == NULL)) {
		entry_free(&e);
		return "cannot be stored: out of memory";
	}
	if (e.text[0] == '\0') {
		free(e.text);
		e.text = strdup(e.label);
	}
	m->entries[m->n++] = e;
	return NULL;
}

const char *
menu_validate(const struct menu *m)
{
	static char msg[160];
	unsigned i;

	if (m->n == 0)
		return "no entries: give at least one --entry";
	if (m->def == NULL)
		return NULL;
	for (i = 0; i < m->n; i++)
		if (strcasecmp(m->entries[i].label, m->def) == 0)
			return NULL;
	snprintf(msg, sizeof(msg), "--default '%s' names no entry", m->def);
	return msg;
}

/* ---- output ---- */

static void __attribute__((format(printf, 2, 3)))
put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *nb;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(o->buf ? o->buf + o->len : NULL,
		    o->buf ? o->cap - o->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			o->oom = true;
			return;
		}
		if (o->buf && o->len + (size_t)n < o->cap) {
			o->len += (size_t)n;
			return;
		}
		nb = realloc(o->buf, o->cap * 2 + (size_t)n + 256);
		if (nb == NULL) {
			o->oom = true;
			return;
		}
		o->buf = nb;
		o->cap = o->cap * 2 + (size_t)n + 256;
	}
}

void
out_free(struct out *o)
{
	free(o->buf);
	memset(o, 0, sizeof(*o));
}

static bool
is_url(const char *s)
{
	return strncasecmp(s, "http://", 7) == 0 ||
	    strncasecmp(s, "https://", 8) == 0 ||
	    strncasecmp(s, "tftp://", 7) == 0;
}

static bool
is_iso(const char *s)
{
	size_t n = strlen(s);

	return n > 4 && strcasecmp(s + n - 4, ".iso") == 0;
}

/* The four files wimboot loads from a WinPE folder. */
static const char *const wim_files[][2] = {
	{ "bootmgr", "bootmgr" },
	{ "boot/bcd", "BCD" },
	{ "boot/boot.sdi", "boot.sdi" },
	{ "sources/boot.wim", "boot.wim" },
};

/* dir + "/" + name, without a doubled slash. */
static void
put_path(struct out *o, const char *dir, const char *name)
{
	size_t n = strlen(dir);

	put(o, "%s%s%s", dir, n && dir[n - 1] != '/' ? "/" : "", name);
}

static const char *
def_label(const struct menu *m)
{
	return m->def ? m->def : m->entries[0].label;
}

/*
 * A file the loader fetches.  pxelinux.0 and syslinux.efi both put their
 * own folder (the boot file's) before every name, one with a leading '/'
 * too: syslinux.efi in efi64/ asks for "/vmlinuz" as "efi64//vmlinuz".
 * Only "::NAME" is NAME from the TFTP root (asked for as it is written,
 * so "::vmlinuz" and not "::/vmlinuz", which servers that do not chroot
 * take as an absolute path).  With root (syslinux.efi in efi64/), a name
 * becomes "::name"; a URL or a name with "::" in it stays as it is.
 */
static void
put_file(struct out *o, bool root, const char *name)
{
	if (!root || is_url(name) || strstr(name, "::")) {
		put(o, "%s", name);
		return;
	}
	while (*name == '/')
		name++;
	put(o, "::%s", name);
}

/* A comma-separated list of files (INITRD a,b), each through put_file. */
static void
put_files(struct out *o, bool root, const char *list)
{
	const char *p = list, *comma;
	char one[1024];

	for (;;) {
		comma = strchr(p, ',');
		snprintf(one, sizeof(one), "%.*s", comma ? (int)(comma - p) :
		    (int)strlen(p), p);
		put_file(o, root, one);
		if (comma == NULL)
			break;
		put(o, ",");
		p = comma + 1;
	}
}

const char *
menu_entry_efi_problem(const struct entry *e)
{
	switch (e->kind) {
	case ENTRY_WINPE:
		if (!is_iso(e->kernel))
			return NULL;
		/* FALLTHROUGH */
	case ENTRY_ISO:
		return "syslinux.efi cannot run memdisk, which needs a BIOS "
		    "(UEFI machines: boot the ISO over HTTP, or WinPE's folder "
		    "through wimboot)";
	case ENTRY_CHAIN:
		return "chain.c32 starts BIOS boot sectors, which UEFI cannot run";
	case ENTRY_IPXE:
		return "ipxe.lkrn is a BIOS program (UEFI machines chain "
		    "snponly.efi)";
	default:
		return NULL;
	}
}

static void
pxelinux_entry(struct out *o, const struct entry *e, bool root)
{
	const char *chain = e->kernel ? e->kernel : "hd0";
	char wf[1024];
	size_t i, n;

	put(o, "\nLABEL %s\n", e->label);
	put(o, "\tMENU LABEL %s\n", e->text);
	switch (e->kind) {
	case ENTRY_LINUX:
		put(o, "\tKERNEL ");
		put_file(o, root, e->kernel);
		put(o, "\n");
		if (e->initrd) {
			put(o, "\tINITRD ");
			put_files(o, root, e->initrd);
			put(o, "\n");
		}
		if (e->append)
			put(o, "\tAPPEND %s\n", e->append);
		break;
	case ENTRY_WINPE:
		if (!is_iso(e->kernel)) {
			put(o, "\tCOM32 linux.c32\n\tAPPEND ");
			put_file(o, root, "wimboot");
			put(o, " initrdfile=");
			n = strlen(e->kernel);
			for (i = 0; i < 4; i++) {
				if (i)
					put(o, ",");
				snprintf(wf, sizeof(wf), "%s%s%s", e->kernel,
				    n && e->kernel[n - 1] != '/' ? "/" : "",
				    wim_files[i][0]);
				put_file(o, root, wf);
			}
			put(o, "\n");
			break;
		}
		/* an ISO goes through memdisk */
		/* FALLTHROUGH */
	case ENTRY_ISO:
		put(o, "\tKERNEL memdisk\n\tINITRD %s\n\tAPPEND iso raw\n",
		    e->kernel);
		break;
	case ENTRY_LOCAL:
		put(o, "\tLOCALBOOT 0\n");
		break;
	case ENTRY_CHAIN:
		put(o, "\tCOM32 chain.c32\n\tAPPEND %s\n", chain);
		break;
	case ENTRY_IPXE:
		put(o, "\tKERNEL ipxe.lkrn\n");
		if (e->kernel)
			put(o, "\tAPPEND dhcp && chain %s\n", e->kernel);
		break;
	}
}

/*
 * pxelinux's format; efi: for syslinux.efi in a folder of the root, where
 * the entries it cannot boot are left out (counted in *skipped).
 */
static void
write_pxelinux(const struct menu *m, struct out *o, bool efi,
    unsigned *skipped)
{
	const char *def = def_label(m), *why;
	unsigned i;

	if (efi) {
		for (i = 0; i < m->n && def; i++)
			if (strcmp(m->entries[i].label, def) == 0 &&
			    menu_entry_efi_problem(&m->entries[i]))
				def = NULL;
		for (i = 0; i < m->n && def == NULL; i++)
			if (menu_entry_efi_problem(&m->entries[i]) == NULL)
				def = m->entries[i].label;
	}
	put(o, "# %s configuration written by mkpxemenu %s\n", efi ?
	    "syslinux.efi" : "pxelinux", PACKAGE_VERSION);
	if (m->serial >= 0)
		put(o, "SERIAL %d %u\n", m->serial, m->baud);
	if (m->ui != UI_NONE)
		put(o, "UI %s\n", m->ui == UI_VESAMENU ? "vesamenu.c32" :
		    "menu.c32");
	put(o, "PROMPT %d\n", m->prompt ? 1 : 0);
	/* pxelinux counts in tenths of a second; 0 waits for the user. */
	put(o, "TIMEOUT %u\n", m->timeout * 10);
	put(o, "MENU TITLE %s\n", m->title ? m->title : "PXE boot");
	if (def)
		put(o, "DEFAULT %s\n", def);
	for (i = 0; i < m->n; i++) {
		if (efi && (why = menu_entry_efi_problem(&m->entries[i]))) {
			put(o, "\n# '%s' left out: %s\n", m->entries[i].label,
			    why);
			(*skipped)++;
			continue;
		}
		pxelinux_entry(o, &m->entries[i], efi);
	}
}

/* "hd1" (chain.c32's first argument) as a BIOS drive number. */
static unsigned
bios_drive(const char *chain)
{
	unsigned n = 0;

	if (chain && strncmp(chain, "hd", 2) == 0)
		n = (unsigned)strtoul(chain + 2, NULL, 10);
	return 0x80 + (n > 0x7f ? 0 : n);
}

const char *
menu_http_base_problem(const char *url)
{
	const char *p;

	if (strncasecmp(url, "http://", 7) != 0 &&
	    strncasecmp(url, "https://", 8) != 0)
		return "is not an http:// or https:// URL";
	p = url + (url[4] == ':' ? 7 : 8);
	if (*p == '\0' || *p == '/')
		return "names no server (http://10.0.0.1 or http://boot.lan:8080/pxe)";
	for (; *p; p++)
		if (*p <= ' ' || *p == '"' || *p == '\'' || *p == '\\' ||
		    *p == 0x7f)
			return "has a space, quote, backslash or control character";
	return NULL;
}

/*
 * A file iPXE fetches: a relative name goes under --http-base when there
 * is one (else iPXE resolves it against the script's own URL).
 */
static void
put_ipxe_file(struct out *o, const struct menu *m, const char *name)
{
	size_t n;

	if (m->http_base == NULL || is_url(name)) {
		put(o, "%s", name);
		return;
	}
	n = strlen(m->http_base);
	while (*name == '/')
		name++;
	put(o, "%s%s%s", m->http_base, n && m->http_base[n - 1] == '/' ? "" :
	    "/", name);
}

/*
 * An ISO: a URL the user wrote, or (--iso-boot sanboot) one from
 * --http-base, is booted in place; else memdisk on BIOS and, when the ISO
 * comes over HTTP, sanboot on UEFI (memdisk needs a BIOS).
 */
static void
ipxe_iso(struct out *o, const struct menu *m, const struct entry *e)
{
	bool http = m->http_base && strncasecmp(m->http_base, "http", 4) == 0;

	if (is_url(e->kernel) && strncasecmp(e->kernel, "tftp", 4)) {
		/* HTTP serves byte ranges: boot the ISO in place. */
		put(o, "sanboot --no-describe %s || goto failed\n", e->kernel);
		return;
	}
	if (http && m->iso_boot == ISO_SANBOOT) {
		put(o, "sanboot --no-describe ");
		put_ipxe_file(o, m, e->kernel);
		put(o, " || goto failed\n");
		return;
	}
	if (http)
		put(o, "iseq ${platform} pcbios || goto %s__efi\n", e->label);
	put(o, "kernel ");
	put_ipxe_file(o, m, "memdisk");
	put(o, " iso raw\ninitrd ");
	put_ipxe_file(o, m, e->kernel);
	put(o, "\nboot || goto failed\n");
	if (http) {
		put(o, "goto start\n:%s__efi\nsanboot --no-describe ",
		    e->label);
		put_ipxe_file(o, m, e->kernel);
		put(o, " || goto failed\n");
	}
}

static void
ipxe_entry(struct out *o, const struct menu *m, const struct entry *e)
{
	char *s, *tok, *save;
	size_t i;

	put(o, "\n:%s\n", e->label);
	switch (e->kind) {
	case ENTRY_LINUX:
		put(o, "kernel ");
		put_ipxe_file(o, m, e->kernel);
		put(o, "%s%s\n", e->append ? " " : "", e->append ? e->append :
		    "");
		if (e->initrd && (s = strdup(e->initrd)) != NULL) {
			for (tok = strtok_r(s, ",", &save); tok;
			    tok = strtok_r(NULL, ",", &save)) {
				put(o, "initrd ");
				put_ipxe_file(o, m, tok);
				put(o, "\n");
			}
			free(s);
		}
		put(o, "boot || goto failed\n");
		break;
	case ENTRY_WINPE:
		if (!is_iso(e->kernel)) {
			char wf[1024];
			size_t n = strlen(e->kernel);

			put(o, "kernel ");
			put_ipxe_file(o, m, "wimboot");
			put(o, "\n");
			for (i = 0; i < 4; i++) {
				snprintf(wf, sizeof(wf), "%s%s%s", e->kernel,
				    n && e->kernel[n - 1] != '/' ? "/" : "",
				    wim_files[i][0]);
				put(o, "initrd ");
				put_ipxe_file(o, m, wf);
				put(o, " %s\n", wim_files[i][1]);
			}
			put(o, "boot || goto failed\n");
			break;
		}
		/* FALLTHROUGH */
	case ENTRY_ISO:
		ipxe_iso(o, m, e);
		break;
	case ENTRY_LOCAL:
		put(o, "sanboot --no-describe --drive 0x80 || goto failed\n");
		break;
	case ENTRY_CHAIN:
		put(o, "sanboot --no-describe --drive 0x%02x || goto failed\n",
		    bios_drive(e->kernel));
		break;
	case ENTRY_IPXE:
		if (e->kernel)
			put(o, "chain %s || goto failed\n", e->kernel);
		else
			put(o, "shell\n");
		break;
	}
	put(o, "goto start\n");
}

static void
write_ipxe(const struct menu *m, struct out *o)
{
	unsigned i;

	put(o, "#!ipxe\n# iPXE menu written by mkpxemenu %s\n\n:start\n",
	    PACKAGE_VERSION);
	put(o, "menu %s\n", m->title ? m->title : "PXE boot");
	for (i = 0; i < m->n; i++)
		put(o, "item %s %s\n", m->entries[i].label,
		    m->entries[i].text);
	put(o, "choose --default %s", def_label(m));
	if (m->timeout)
		put(o, " --timeout %u", m->timeout * 1000);
	put(o, " target || goto cancel\ngoto ${target}\n");
	for (i = 0; i < m->n; i++)
		ipxe_entry(o, m, &m->entries[i]);
	put(o, "\n:failed\necho Boot failed: press a key for the menu\n"
	    "prompt\ngoto start\n\n:cancel\necho Menu cancelled\nshell\n");
}

/* GRUB on the network resolves "/name" against the TFTP root. */
static void
put_grub_path(struct out *o, const char *p)
{
	put(o, "%s%s", p[0] == '/' || is_url(p) ? "" : "/", p);
}

/* GRUB's single quotes take anything but a single quote. */
static void
put_grub_quoted(struct out *o, const char *s)
{
	put(o, "'");
	for (; *s; s++)
		if (*s == '\'')
			put(o, "'\\''");
		else
			put(o, "%c", *s);
	put(o, "'");
}

static bool
grub_entry(struct out *o, const struct entry *e)
{
	char *s, *tok, *save;
	size_t i;

	if (e->kind == ENTRY_ISO || (e->kind == ENTRY_WINPE &&
	    is_iso(e->kernel))) {
		put(o, "\n# '%s' left out: memdisk cannot boot an ISO under "
		    "UEFI; give winpe a folder (wimboot) instead\n", e->label);
		return false;
	}
	put(o, "\nmenuentry ");
	put_grub_quoted(o, e->text);
	put(o, " --id %s {\n", e->label);
	switch (e->kind) {
	case ENTRY_LINUX:
		put(o, "\tlinux ");
		put_grub_path(o, e->kernel);
		if (e->append)
			put(o, " %s", e->append);
		put(o, "\n");
		if (e->initrd && (s = strdup(e->initrd)) != NULL) {
			put(o, "\tinitrd");
			for (tok = strtok_r(s, ",", &save); tok;
			    tok = strtok_r(NULL, ",", &save)) {
				put(o, " ");
				put_grub_path(o, tok);
			}
			put(o, "\n");
			free(s);
		}
		break;
	case ENTRY_WINPE:
		put(o, "\tlinux /wimboot\n\tinitrd");
		for (i = 0; i < 4; i++) {
			put(o, " newc:%s:/", wim_files[i][1]);
			put_path(o, e->kernel[0] == '/' ? e->kernel + 1 :
			    e->kernel, wim_files[i][0]);
		}
		put(o, "\n");
		break;
	case ENTRY_LOCAL:
	case ENTRY_CHAIN:
		/* Back to the firmware, which boots the next device. */
		put(o, "\texit\n");
		break;
	case ENTRY_IPXE:
		put(o, "\tchainloader /ipxe.efi\n");
		break;
	default:
		break;
	}
	put(o, "}\n");
	return true;
}

static void
write_grub(const struct menu *m, struct out *o, unsigned *skipped)
{
	unsigned i;

	put(o, "# GRUB configuration (UEFI) written by mkpxemenu %s\n",
	    PACKAGE_VERSION);
	if (m->serial >= 0)
		put(o, "serial --unit=%d --speed=%u\nterminal_input serial "
		    "console\nterminal_output serial console\n", m->serial,
		    m->baud);
	put(o, "set timeout=%d\n", m->timeout ? (int)m->timeout : -1);
	put(o, "set default=%s\n", def_label(m));
	put(o, "# menu: %s\n", m->title ? m->title : "PXE boot");
	for (i = 0; i < m->n; i++)
		if (!grub_entry(o, &m->entries[i]))
			(*skipped)++;
}

int
menu_write(const struct menu *m, enum menu_format fmt, struct out *o,
    unsigned *skipped)
{
	*skipped = 0;
	switch (fmt) {
	case FMT_PXELINUX:
	case FMT_PXELINUX_EFI:
		write_pxelinux(m, o, fmt == FMT_PXELINUX_EFI, skipped);
		break;
	case FMT_IPXE:
		write_ipxe(m, o);
		break;
	case FMT_GRUB:
		write_grub(m, o, skipped);
		break;
	}
	return o->oom ? -ENOMEM : 0;
}
