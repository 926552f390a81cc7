/*
 * backend_iso: a share that is an ISO image, read through libpxe's isofs
 * (the UDF side of a Windows ISO, ISO9660+Joliet for older images): no
 * loop mount, no root, no extraction.  The image is opened once per share;
 * names are matched case-insensitively by isofs and ".." never resolves.
 * An image has no inode numbers, so a file's id is a hash of its path as
 * recorded (stable across opens and restarts, as SMB clients expect).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "libpxe/isofs.h"
#include "libpxe/str.h"
#include "backend.h"

#define ISO_BLOCK	2048

struct be_node {
	struct isofs *fs;
	struct isofs_file *f;	/* NULL for a directory */
	struct be_stat st;
	char path[];		/* as recorded, '/'-separated, "" the root */
};

/* FNV-1a over dir "/" name, ASCII case folded; never 0 (nor the root's). */
static uint64_t
path_id(const char *dir, const char *name)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const char *parts[3] = { dir, name && *dir ? "/" : "", name };
	const unsigned char *p;
	unsigned i;

	for (i = 0; i < 3; i++)
		for (p = (const unsigned char *)(parts[i] ? parts[i] : "");
		    *p; p++) {
			h ^= (uint64_t)tolower(*p);
			h *= 0x100000001b3ULL;
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

int
be_iso_new(const char *path, void **be)
{
	struct isofs *fs;
	int e;

	if ((e = isofs_open(&fs, path, 0)) < 0)
		return e;
	*be = fs;
	return 0;
}

static const char *
iso_format(void *be)
{
	return isofs_format_name(be);
}

/*
 * isofs says -ENOENT for any missing component; SMB tells a missing last
 * name (-ENOENT) from a missing directory on the way (-ENOTDIR).
 */
static int
missing(struct isofs *fs, const char *path)
{
	char parent[ISOFS_PATH_MAX + 1];
	struct isofs_stat s;
	const char *slash = strrchr(path, '/');

	if (slash == NULL || (size_t)(slash - path) >= sizeof(parent))
		return -ENOENT;
	memcpy(parent, path, (size_t)(slash - path));
	parent[slash - path] = '\0';
	if (isofs_stat(fs, parent, &s) < 0 || !s.is_dir)
		return -ENOTDIR;
	return -ENOENT;
}

static int
iso_open(void *be, const char *path, struct be_node **out, char *resolved,
    size_t rcap)
{
	char found[ISOFS_PATH_MAX + 1];
	struct isofs_stat s;
	struct be_node *n;
	size_t len;
	int e;

	found[0] = '\0';
	if ((e = isofs_resolve(be, path, &s, found, sizeof(found))) < 0)
		return e == -ENOENT ? missing(be, path) :
		    e == -ENAMETOOLONG ? -ENOENT : e;
	len = strlen(found);
	if ((n = calloc(1, sizeof(*n) + len + 1)) == NULL)
		return -ENOMEM;
	n->fs = be;
	memcpy(n->path, found, len + 1);
	fill_stat(&s, len ? path_id(found, NULL) : 1, &n->st);
	if (!s.is_dir && (e = isofs_fopen(be, found, &n->f)) < 0) {
		free(n);
		return e;
	}
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
	struct isofs_dirent *de;
	struct isofs_dir *d;
	struct be_stat st;
	int r, stop = 0;

	if (n->f != NULL)
		return -ENOTDIR;
	if ((de = malloc(sizeof(*de))) == NULL)
		return -ENOMEM;
	if ((r = isofs_opendir(n->fs, n->path, &d)) < 0) {
		free(de);
		return r;
	}
	while (stop == 0 && (r = isofs_readdir(d, de)) > 0) {
		fill_stat(&de->st, path_id(n->path, de->name), &st);
		stop = fn(arg, de->name, &st);
	}
	isofs_closedir(d);
	free(de);
	if (r < 0)
		return r;
	return stop < 0 ? stop : 0;
}

static ssize_t
iso_pread(struct be_node *n, void *buf, size_t len, uint64_t off)
{
	if (n->f == NULL)
		return -EISDIR;
	return isofs_read(n->f, buf, len, off);
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
	struct stat s;

	if (fstat(isofs_fd(be), &s) < 0)
		return -errno;
	fs->block_size = ISO_BLOCK;
	fs->total_bytes = (uint64_t)s.st_size;
	fs->free_bytes = 0;
	return 0;
}

static void
iso_free(void *be)
{
	isofs_close(be);
}

const struct be_ops be_iso_ops = {
	.kind = "ISO image", .open = iso_open, .stat = iso_stat,
	.readdir = iso_readdir, .pread = iso_pread, .close = iso_close,
	.statfs = iso_statfs, .free = iso_free, .format = iso_format,
};
