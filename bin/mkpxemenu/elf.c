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

int
elf_mod_parse(const uint8_t *p, size_t n, struct elf_mod *m)
{
	struct shdr sh, dyn = { 0 }, sym = { 0 }, str;
	struct arena a = { 0 };
	struct pxe_buf b;
	uint64_t shoff, i, tag, val, count;
	uint16_t shentsize, shnum;
	bool e64, have_dyn = false, have_sym = false;
	const char *name;
	uint32_t nameoff;
	uint16_t shndx;
	int e = -EBADMSG;

	memset(m, 0, sizeof(*m));
	if (n < 16 || memcmp(p, "\177ELF", 4) != 0)
		return -ENOEXEC;
	if ((p[4] != 1 && p[4] != 2) || p[5] != 1)	/* class; little-endian */
		return -EBADMSG;
	e64 = p[4] == 2;
	m->elf64 = e64;
	pxe_buf_init_ro(&b, p, n);
	b.off = e64 ? 0x28 : 0x20;
	shoff = get_addr(&b, e64);
	b.off = e64 ? 0x3a : 0x2e;
	shentsize = pxe_buf_get_le16(&b);
	shnum = pxe_buf_get_le16(&b);
	if (!pxe_buf_ok(&b) || shnum > MAX_SECTIONS ||
	    shentsize < (e64 ? 64 : 40))
		return -EBADMSG;
	for (i = 0; i < shnum; i++) {
		if (read_shdr(p, n, e64, shoff + i * shentsize, &sh) < 0)
			return -EBADMSG;
		if (sh.type == SHT_DYNAMIC && !have_dyn) {
			dyn = sh;
			have_dyn = true;
		} else if (sh.type == SHT_DYNSYM && !have_sym) {
			sym = sh;
			have_sym = true;
		}
	}
	/* Needed libraries, from the dynamic section's string table. */
	if (have_dyn) {
		if (dyn.link >= shnum ||
		    read_shdr(p, n, e64, shoff + dyn.link * shentsize, &str) < 0 ||
		    !in_file(&str, n))
			goto out;
		pxe_buf_init_ro(&b, p + dyn.off, dyn.size);
		while (pxe_buf_left(&b) >= (e64 ? 16u : 8u)) {
			tag = get_addr(&b, e64);
			val = get_addr(&b, e64);
			if (tag == DT_NULL)
				break;
			if (tag != DT_NEEDED)
				continue;
			if ((name = str_at(p, &str, val)) == NULL)
				goto out;
			if (add_name(&a, &m->needed, &m->nneeded, name) < 0)
				goto oom;
		}
	}
	/* Symbols: undefined ones are imports, the rest exports. */
	if (have_sym) {
		if (sym.link >= shnum ||
		    read_shdr(p, n, e64, shoff + sym.link * shentsize, &str) < 0 ||
		    !in_file(&str, n) || sym.entsize < (e64 ? 24u : 16u))
			goto out;
		count = sym.size / sym.entsize;
		if (count > MAX_SYMS)
			goto out;
		for (i = 1; i < count; i++) {	/* entry 0 is the null symbol */
			pxe_buf_init_ro(&b, p + sym.off + i * sym.entsize,
			    sym.entsize);
			nameoff = pxe_buf_get_le32(&b);
			if (e64) {
				pxe_buf_get_u8(&b);	/* info */
				pxe_buf_get_u8(&b);	/* other */
				shndx = pxe_buf_get_le16(&b);
			} else {
				pxe_buf_get_le32(&b);	/* value */
				pxe_buf_get_le32(&b);	/* size */
				pxe_buf_get_u8(&b);
				pxe_buf_get_u8(&b);
				shndx = pxe_buf_get_le16(&b);
			}
			if (!pxe_buf_ok(&b) ||
			    (name = str_at(p, &str, nameoff)) == NULL)
				goto out;
			if (*name == '\0')
				continue;
			if (add_name(&a, shndx == SHN_UNDEF ? &m->undef : &m->def,
			    shndx == SHN_UNDEF ? &m->nundef : &m->ndef, name) < 0)
				goto oom;
		}
	}
	m->strings = a.buf;
	fix_up(m->needed, m->nneeded, a.buf);
	fix_up(m->undef, m->nundef, a.buf);
	fix_up(m->def, m->ndef, a.buf);
	return 0;
oom:
	e = -ENOMEM;
out:
	free(a.buf);
	free(m->needed);
	free(m->undef);
	free(m->def);
	memset(m, 0, sizeof(*m));
	return e;
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
