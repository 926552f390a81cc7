/*
 * backend_iso: a share that is an ISO image, read through libpxe's isofs
 * (the UDF side of a Windows ISO, ISO9660+Joliet for older images): no
 * loop mount, no root, no extraction.
 *
 * An image never changes, so each directory is listed through isofs once
 * and kept, sorted by its case-folded names: opening a path is a binary
 * search per component instead of a walk of the directory through the
 * image (Windows' sources folder has a thousand entries, and setup opens
 * most of them).  A file recorded as one extent is read straight from the
 * image with pread; others (install.wim is split at 1 GiB extents) go
 * through isofs_read.  ".." is never in a listing, so nothing resolves
 * outside the image.  An image has no inode numbers: a file's id is a
 * hash of its recorded path, stable across opens and restarts.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libpxe/isofs.h"
#include "libpxe/str.h"
#include "libpxe/utf16.h"
#include "backend.h"

#define ISO_BLOCK	2048
#define DIR_BUCKETS	4096
#define CACHE_MAX	(1u << 20)	/* entries kept before starting over */

struct iso_ent {
	char *name;		/* as recorded */
	char *fold;		/* case-folded: the sort key */
	struct isofs_stat st;
};

struct iso_dir {
	struct iso_dir *next;	/* in its hash bucket */
	char *key;		/* the folded path */
	struct iso_ent *ents;
	size_t n;
};

struct iso_share {
	struct isofs *fs;
	uint64_t image_size;
	struct isofs_stat root;
	struct iso_dir *buckets[DIR_BUCKETS];
	size_t cached;
};

struct be_node {
	struct iso_share *sh;
	struct isofs_file *f;	/* opened on the first read, if needed */
	struct isofs_stat ist;
	struct be_stat st;
	char path[];		/* as recorded, '/'-separated, "" the root */
};

/* FNV-1a; ASCII folded for the ids, so they do not depend on the cache. */
static uint64_t
fnv(uint64_t h, const char *s, bool fold)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		h ^= (uint64_t)(fold ? tolower(*p) : *p);
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* The file id of dir/name: never 0 nor 1 (the root's). */
static uint64_t
path_id(const char *dir, const char *name)
{
	uint64_t h = fnv(0xcbf29ce484222325ULL, dir, true);

	if (name) {
		if (*dir)
			h = fnv(h, "/", true);
		h = fnv(h, name, true);
	}
	return h <= 1 ? h + 2 : h;
}

static void
fill_stat(const struct isofs_stat *s, uint64_t id, struct be_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->dir = s->is_dir;
	st->size = s->is_dir ? 0 : s->size;
	st->alloc = s->is_dir ? 0 :
	    (s->size + ISO_BLOCK - 1) / ISO_BLOCK * ISO_BLOCK;
	st->ino = id;
	st->nlink = 1;
	st->atime = st->mtime = st->ctime = st->btime = s->mtime;
}

static char *
fold_dup(const char *s)
{
	size_t cap = strlen(s) * 2 + 4;	/* upper case never more than 2x */
	char *out = malloc(cap);

	if (out && pxe_utf8_fold(s, out, cap) < 0) {
		free(out);
		out = NULL;
	}
	return out;
}

static int
ent_cmp(const void *a, const void *b)
{
	return strcmp(((const struct iso_ent *)a)->fold,
	    ((const struct iso_ent *)b)->fold);
}

static void
dir_free(struct iso_dir *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->ents[i].name);
		free(d->ents[i].fold);
	}
	free(d->ents);
	free(d->key);
	free(d);
}

static void
cache_clear(struct iso_share *sh)
{
	struct iso_dir *d, *next;
	size_t i;

	for (i = 0; i < DIR_BUCKETS; i++) {
		for (d = sh->buckets[i]; d; d = next) {
			next = d->next;
			dir_free(d);
		}
		sh->buckets[i] = NULL;
	}
	sh->cached = 0;
}

/* List the directory at path (as recorded) through isofs. */
static int
dir_load(struct iso_share *sh, const char *path, struct iso_dir *d)
{
	struct isofs_dirent *de;
	struct isofs_dir *it;
	struct iso_ent *grown;
	size_t cap = 0;
	int r;

	if ((de = malloc(sizeof(*de))) == NULL)
		return -ENOMEM;
	if ((r = isofs_opendir(sh->fs, path, &it)) < 0) {
		free(de);
		return r;
	}
	while ((r = isofs_readdir(it, de)) > 0) {
		if (d->n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((grown = realloc(d->ents, cap * sizeof(*grown))) ==
			    NULL) {
				r = -ENOMEM;
				break;
			}
			d->ents = grown;
		}
		d->ents[d->n].name = strdup(de->name);
		d->ents[d->n].fold = fold_dup(de->name);
		d->ents[d->n].st = de->st;
		if (d->ents[d->n].name == NULL || d->ents[d->n].fold == NULL) {
			free(d->ents[d->n].name);
			free(d->ents[d->n].fold);
			r = -ENOMEM;
			break;
		}
		d->n++;
	}
	isofs_closedir(it);
	free(de);
	if (r < 0)
		return r;
	if (d->n > 1)	/* an empty folder has no array: qsort(NULL) is UB */
		qsort(d->ents, d->n, sizeof(d->ents[0]), ent_cmp);
	return 0;
}

/* The listing of the directory at path (as recorded), cached. */
static int
get_dir(struct iso_share *sh, const char *path, struct iso_dir **out)
{
	struct iso_dir *d;
	char *key;
	size_t b;
	int r;

	if ((key = fold_dup(path)) == NULL)
		return -ENOMEM;
	b = (size_t)(fnv(0xcbf29ce484222325ULL, key, false) % DIR_BUCKETS);
	for (d = sh->buckets[b]; d; d = d->next)
		if (strcmp(d->key, key) == 0) {
			free(key);
			*out = d;
			return 0;
		}
	if ((d = calloc(1, sizeof(*d))) == NULL) {
		free(key);
		return -ENOMEM;
	}
	d->key = key;
	if ((r = dir_load(sh, path, d)) < 0) {
		dir_free(d);
		return r;
	}
	if (sh->cached + d->n > CACHE_MAX)
		cache_clear(sh);	/* b is still right: it is the key's */
	sh->cached += d->n;
	d->next = sh->buckets[b];
	sh->buckets[b] = d;
	*out = d;
	return 0;
}

static const struct iso_ent *
dir_find(const struct iso_dir *d, const char *name)
{
	struct iso_ent key;
	const struct iso_ent *e;

	if ((key.fold = fold_dup(name)) == NULL)
		return NULL;
	e = bsearch(&key, d->ents, d->n, sizeof(d->ents[0]), ent_cmp);
	free(key.fold);
	return e;
}

int
be_iso_new(const char *path, void **be)
{
	struct iso_share *sh;
	struct stat sb;
	int e;

	if ((sh = calloc(1, sizeof(*sh))) == NULL)
		return -ENOMEM;
	if ((e = isofs_open(&sh->fs, path, 0)) < 0) {
		free(sh);
		return e;
	}
	if (fstat(isofs_fd(sh->fs), &sb) < 0 ||
	    (e = isofs_stat(sh->fs, "", &sh->root)) < 0) {
		e = e < 0 ? e : -errno;
		isofs_close(sh->fs);
		free(sh);
		return e;
	}
	sh->image_size = (uint64_t)sb.st_size;
	*be = sh;
	return 0;
}

static const char *
iso_format(void *be)
{
	return isofs_format_name(((struct iso_share *)be)->fs);
}

/*
 * Resolve path component by component through the cached listings: the
 * entry into *st and the recorded path into found.  -ENOENT when the last
 * name is missing, -ENOTDIR when a directory on the way is missing or is
 * a file (SMB tells NAME_NOT_FOUND from PATH_NOT_FOUND).
 */
static int
resolve(struct iso_share *sh, const char *path, struct isofs_stat *st,
    char *found, size_t cap)
{
	char comp[ISOFS_NAME_MAX + 1];
	const struct iso_ent *e;
	struct iso_dir *d;
	const char *p = path, *slash;
	size_t len, have = 0;
	int r;

	*st = sh->root;
	found[0] = '\0';
	while (*p) {
		slash = strchr(p, '/');
		len = slash ? (size_t)(slash - p) : strlen(p);
		if (len == 0 || len >= sizeof(comp)) {
			if (len >= sizeof(comp))
				return slash ? -ENOTDIR : -ENOENT;
			p++;
			continue;
		}
		memcpy(comp, p, len);
		comp[len] = '\0';
		p += len + (slash ? 1 : 0);
		if (!st->is_dir)
			return -ENOTDIR;
		if ((r = get_dir(sh, found, &d)) < 0)
			return r;
		if ((e = dir_find(d, comp)) == NULL)
			return *p ? -ENOTDIR : -ENOENT;
		len = strlen(e->name);
		if (have + len + 2 > cap)
			return -ENOENT;
		if (have > 0)
			found[have++] = '/';
		memcpy(found + have, e->name, len + 1);
		have += len;
		*st = e->st;
	}
	return 0;
}

static int
iso_open(void *be, const char *path, struct be_node **out, char *resolved,
    size_t rcap)
{
	struct iso_share *sh = be;
	char found[ISOFS_PATH_MAX + 1];
	struct isofs_stat s;
	struct be_node *n;
	size_t len;
	int e;

	if ((e = resolve(sh, path, &s, found, sizeof(found))) < 0)
		return e;
	/* Data past the end of the image: a cut or damaged image. */
	if (!s.is_dir && s.offset != ISOFS_NO_OFFSET &&
	    (s.offset > sh->image_size || s.size > sh->image_size - s.offset))
		return -EIO;
	len = strlen(found);
	if ((n = calloc(1, sizeof(*n) + len + 1)) == NULL)
		return -ENOMEM;
	n->sh = sh;
	n->ist = s;
	memcpy(n->path, found, len + 1);
	fill_stat(&s, len ? path_id(found, NULL) : 1, &n->st);
	if (resolved && rcap > 0)
		pxe_str_copy(resolved, rcap, found);
	*out = n;
	return 0;
}

static int
iso_stat(struct be_node *n, struct be_stat *st)
{
	*st = n->st;
	return 0;
}

static int
iso_readdir(struct be_node *n, be_dirent_fn fn, void *arg)
{
	struct iso_dir *d;
	struct be_stat st;
	size_t i;
	int r;

	if (!n->ist.is_dir)
		return -ENOTDIR;
	if ((r = get_dir(n->sh, n->path, &d)) < 0)
		return r;
	for (i = 0; i < d->n; i++) {
		fill_stat(&d->ents[i].st, path_id(n->path, d->ents[i].name),
		    &st);
		if ((r = fn(arg, d->ents[i].name, &st)) != 0)
			return r < 0 ? r : 0;
	}
	return 0;
}

static ssize_t
iso_pread(struct be_node *n, void *buf, size_t len, uint64_t off)
{
	const struct isofs_stat *s = &n->ist;
	size_t done = 0;
	ssize_t r;
	int e;

	if (s->is_dir)
		return -EISDIR;
	if (off >= s->size)
		return 0;
	if (len > s->size - off)
		len = (size_t)(s->size - off);
	if (s->offset == ISOFS_NO_OFFSET) {
		/* Several extents (or none recorded): isofs maps them. */
		if (n->f == NULL && (e = isofs_fopen(n->sh->fs, n->path,
		    &n->f)) < 0)
			return e;
		return isofs_read(n->f, buf, len, off);
	}
	while (done < len) {
		r = pread(isofs_fd(n->sh->fs), (char *)buf + done, len - done,
		    (off_t)(s->offset + off + done));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return done > 0 ? (ssize_t)done : -errno;
		if (r == 0)
			return done > 0 ? (ssize_t)done : -EIO;	/* cut */
		done += (size_t)r;
	}
	return (ssize_t)done;
}

static void
iso_close(struct be_node *n)
{
	isofs_fclose(n->f);
	free(n);
}

static int
iso_statfs(void *be, struct be_statfs *fs)
{
	fs->block_size = ISO_BLOCK;
	fs->total_bytes = ((struct iso_share *)be)->image_size;
	fs->free_bytes = 0;
	return 0;
}

static void
iso_free(void *be)
{
	struct iso_share *sh = be;

	cache_clear(sh);
	isofs_close(sh->fs);
	free(sh);
}

const struct be_ops be_iso_ops = {
	.kind = "ISO image", .open = iso_open, .stat = iso_stat,
	.readdir = iso_readdir, .pread = iso_pread, .close = iso_close,
	.statfs = iso_statfs, .free = iso_free, .format = iso_format,
};
