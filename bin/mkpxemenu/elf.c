/*
 * elf.c: read what a syslinux module (.c32) needs and provides for
 * dynamic linking, so `mkpxemenu check` can predict syslinux's "Failed to
 * load" and "Undef symbol" errors before a machine hits them.  Only the
 * section headers, the dynamic section and the dynamic symbol table are
 * read, every read through a bounded cursor.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libpxe/buf.h"
#include "mkpxemenu.h"

#define SHT_DYNAMIC	6
#define SHT_DYNSYM	11
#define SHT_STRTAB	3
#define DT_NULL		0
#define DT_NEEDED	1
#define SHN_UNDEF	0
#define MAX_SECTIONS	256
#define MAX_SYMS	65536

struct shdr {
	uint32_t type, link;
	uint64_t off, size, entsize;
};

static uint64_t
get_addr(struct pxe_buf *b, bool e64)
{
	return e64 ? pxe_buf_get_le64(b) : pxe_buf_get_le32(b);
}

static int
read_shdr(const uint8_t *p, size_t n, bool e64, uint64_t at,
    struct shdr *s)
{
	struct pxe_buf b;

	if (at > n)
		return -EBADMSG;
	pxe_buf_init_ro(&b, p + at, n - at);
	pxe_buf_get_le32(&b);			/* name */
	s->type = pxe_buf_get_le32(&b);
	get_addr(&b, e64);			/* flags */
	get_addr(&b, e64);			/* addr */
	s->off = get_addr(&b, e64);
	s->size = get_addr(&b, e64);
	s->link = pxe_buf_get_le32(&b);
	pxe_buf_get_le32(&b);			/* info */
	get_addr(&b, e64);			/* addralign */
	s->entsize = get_addr(&b, e64);
	if (!pxe_buf_ok(&b))
		return -EBADMSG;
	/* Only sections with bytes in the file must fit in it (.bss has
	 * none, and its size is memory's). */
	if ((s->type == SHT_DYNAMIC || s->type == SHT_DYNSYM ||
	    s->type == SHT_STRTAB) && (s->off > n || s->size > n - s->off))
		return -EBADMSG;
	return 0;
}

/* The section's bytes are inside the file. */
static bool
in_file(const struct shdr *s, size_t n)
{
	return s->off <= n && s->size <= n - s->off;
}

/* A NUL-terminated name at off in the string table, or NULL. */
static const char *
str_at(const uint8_t *p, const struct shdr *strtab, uint64_t off)
{
	const char *s;

	if (off >= strtab->size)
		return NULL;
	s = (const char *)p + strtab->off + off;
	if (memchr(s, '\0', strtab->size - off) == NULL)
		return NULL;
	return s;
}

/* Append a copy of name to a list (strings live in one growing arena,
 * lists hold offsets until the end, then pointers). */
struct arena {
	char *buf;
	size_t len, cap;
};

static long
arena_add(struct arena *a, const char *s)
{
	size_t n = strlen(s) + 1;
	char *nb;
	long at;

	if (a->len + n > a->cap) {
		nb = realloc(a->buf, a->cap * 2 + n + 256);
		if (nb == NULL)
			return -1;
		a->buf = nb;
		a->cap = a->cap * 2 + n + 256;
	}
	memcpy(a->buf + a->len, s, n);
	at = (long)a->len;
	a->len += n;
	return at;
}

static int
push(char ***list, size_t *n, long off)
{
	char **nl = realloc(*list, (*n + 1) * sizeof(**list));

	if (nl == NULL)
		return -ENOMEM;
	nl[*n] = (char *)(intptr_t)off;	/* an offset until fix_up */
	*list = nl;
	(*n)++;
	return 0;
}

static void
fix_up(char **list, size_t n, char *base)
{
	size_t i;

	for (i = 0; i < n; i++)
		list[i] = base + (intptr_t)list[i];
}

static int
add_name(struct arena *a, char ***list, size_t *n, const char *s)
{
	long off = arena_add(a, s);

	return off < 0 ? -ENOMEM : push(list, n, off);
}

/* Where a module's dynamic linking facts are: its section headers. */
struct elf_secs {
	bool e64;
	uint64_t shoff;
	uint16_t shentsize, shnum;
	struct shdr dyn, sym;
	bool have_dyn, have_sym;
};

/* The ELF header and the section table: the dynamic section and the
 * dynamic symbols.  0, -ENOEXEC (not ELF), -EBADMSG. */
static int
find_sections(const uint8_t *p, size_t n, struct elf_secs *es)
{
	struct pxe_buf b;
	struct shdr sh;
	uint64_t i;

	memset(es, 0, sizeof(*es));
	if (n < 16 || memcmp(p, "\177ELF", 4) != 0)
		return -ENOEXEC;
	if ((p[4] != 1 && p[4] != 2) || p[5] != 1)	/* class; little-endian */
		return -EBADMSG;
	es->e64 = p[4] == 2;
	pxe_buf_init_ro(&b, p, n);
	b.off = es->e64 ? 0x28 : 0x20;
	es->shoff = get_addr(&b, es->e64);
	b.off = es->e64 ? 0x3a : 0x2e;
	es->shentsize = pxe_buf_get_le16(&b);
	es->shnum = pxe_buf_get_le16(&b);
	if (!pxe_buf_ok(&b) || es->shnum > MAX_SECTIONS ||
	    es->shentsize < (es->e64 ? 64 : 40))
		return -EBADMSG;
	for (i = 0; i < es->shnum; i++) {
		if (read_shdr(p, n, es->e64, es->shoff + i * es->shentsize,
		    &sh) < 0)
			return -EBADMSG;
		if (sh.type == SHT_DYNAMIC && !es->have_dyn) {
			es->dyn = sh;
			es->have_dyn = true;
		} else if (sh.type == SHT_DYNSYM && !es->have_sym) {
			es->sym = sh;
			es->have_sym = true;
		}
	}
	return 0;
}

/* The string table a section links to, inside the file. */
static int
linked_strtab(const uint8_t *p, size_t n, const struct elf_secs *es,
    const struct shdr *s, struct shdr *str)
{
	if (s->link >= es->shnum || read_shdr(p, n, es->e64, es->shoff +
	    s->link * es->shentsize, str) < 0 || !in_file(str, n))
		return -EBADMSG;
	return 0;
}

/* The libraries the module needs (DT_NEEDED).  0, -EBADMSG, -ENOMEM. */
static int
read_needed(const uint8_t *p, size_t n, const struct elf_secs *es,
    struct arena *a, struct elf_mod *m)
{
	struct shdr str;
	struct pxe_buf b;
	uint64_t tag, val;
	const char *name;

	if (!es->have_dyn)
		return 0;
	if (linked_strtab(p, n, es, &es->dyn, &str) < 0)
		return -EBADMSG;
	pxe_buf_init_ro(&b, p + es->dyn.off, es->dyn.size);
	while (pxe_buf_left(&b) >= (es->e64 ? 16u : 8u)) {
		tag = get_addr(&b, es->e64);
		val = get_addr(&b, es->e64);
		if (tag == DT_NULL)
			break;
		if (tag != DT_NEEDED)
			continue;
		if ((name = str_at(p, &str, val)) == NULL)
			return -EBADMSG;
		if (add_name(a, &m->needed, &m->nneeded, name) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* The dynamic symbols: undefined ones are imports, the rest exports.
 * 0, -EBADMSG, -ENOMEM. */
static int
read_symbols(const uint8_t *p, size_t n, const struct elf_secs *es,
    struct arena *a, struct elf_mod *m)
{
	const struct shdr *sym = &es->sym;
	struct shdr str;
	struct pxe_buf b;
	uint64_t i, count;
	const char *name;
	uint32_t nameoff;
	uint16_t shndx;
	bool undef;

	if (!es->have_sym)
		return 0;
	if (linked_strtab(p, n, es, sym, &str) < 0 ||
	    sym->entsize < (es->e64 ? 24u : 16u))
		return -EBADMSG;
	count = sym->size / sym->entsize;
	if (count > MAX_SYMS)
		return -EBADMSG;
	for (i = 1; i < count; i++) {	/* entry 0 is the null symbol */
		pxe_buf_init_ro(&b, p + sym->off + i * sym->entsize,
		    sym->entsize);
		nameoff = pxe_buf_get_le32(&b);
		if (!es->e64) {
			pxe_buf_get_le32(&b);	/* value */
			pxe_buf_get_le32(&b);	/* size */
		}
		pxe_buf_get_u8(&b);		/* info */
		pxe_buf_get_u8(&b);		/* other */
		shndx = pxe_buf_get_le16(&b);
		if (!pxe_buf_ok(&b) || (name = str_at(p, &str, nameoff)) == NULL)
			return -EBADMSG;
		if (*name == '\0')
			continue;
		undef = shndx == SHN_UNDEF;
		if (add_name(a, undef ? &m->undef : &m->def, undef ?
		    &m->nundef : &m->ndef, name) < 0)
			return -ENOMEM;
	}
	return 0;
}

int
elf_mod_parse(const uint8_t *p, size_t n, struct elf_mod *m)
{
	struct elf_secs es;
	struct arena a = { 0 };
	int e;

	memset(m, 0, sizeof(*m));
	if ((e = find_sections(p, n, &es)) < 0)
		return e;
	m->elf64 = es.e64;
	if ((e = read_needed(p, n, &es, &a, m)) < 0 ||
	    (e = read_symbols(p, n, &es, &a, m)) < 0) {
		free(a.buf);
		free(m->needed);
		free(m->undef);
		free(m->def);
		memset(m, 0, sizeof(*m));
		return e;
	}
	m->strings = a.buf;
	fix_up(m->needed, m->nneeded, a.buf);
	fix_up(m->undef, m->nundef, a.buf);
	fix_up(m->def, m->ndef, a.buf);
	return 0;
}

void
elf_mod_free(struct elf_mod *m)
{
	free(m->needed);
	free(m->undef);
	free(m->def);
	free(m->strings);
	memset(m, 0, sizeof(*m));
}

bool
elf_mod_defines(const struct elf_mod *m, const char *sym)
{
	size_t i;

	for (i = 0; i < m->ndef; i++)
		if (strcmp(m->def[i], sym) == 0)
			return true;
	return false;
}
