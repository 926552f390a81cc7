/*
 * isofs: an ISO image read through libudf, or libiso9660 as the fallback;
 * see isofs.h.  The libraries walk directories; this file decodes UDF File
 * Entries itself (libudf reads only a file's first extent) and reads all
 * file data with pread() on its own descriptor of the image.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cdio/cdio.h>
#include <cdio/iso9660.h>
#include <cdio/logging.h>
#include <cdio/udf.h>

#include "libpxe/buf.h"
#include "libpxe/isofs.h"
#include "libpxe/str.h"
#include "libpxe/utf16.h"

#define SECTOR		2048u

/* UDF descriptor tags and ICB values (ECMA-167 4/7.2.1, 4/14.6). */
#define TAG_FE		261
#define TAG_EFE		266
#define FT_DIR		4
#define AD_SHORT	0
#define AD_LONG		1
#define AD_EXT		2
#define AD_IN_ICB	3
#define EXT_RECORDED	0
#define EXT_NEXT	3

/* Where the fields of a File Entry and an Extended File Entry differ. */
struct fe_layout {
	uint16_t tag;
	size_t mtime;		/* modification time */
	size_t lea;		/* length of extended attributes */
	size_t head;		/* size of the fixed part */
};

static const struct fe_layout fe_layouts[] = {
	{ TAG_FE, 84, 168, 176 },
	{ TAG_EFE, 92, 208, 216 },
};

/* What a name resolves to. */
struct node {
	struct isofs_stat st;
	struct isofs_extent *ext;	/* owned */
	unsigned next;
	uint8_t *inl;			/* owned: data kept in the entry */
	size_t inl_len;
};

struct isofs {
	int fd;
	uint64_t image_size;
	enum isofs_format format;
	udf_t *udf;
	udf_dirent_t *root;
	iso9660_t *iso;
	uint8_t joliet;
};

struct isofs_dir {
	struct isofs *fs;
	udf_dirent_t *stream;		/* UDF: entries still to read */
	CdioISO9660FileList_t *list;	/* ISO9660: the whole listing */
	CdioListNode_t *cur;
};

struct isofs_file {
	struct isofs *fs;
	struct node n;
};

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar. */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int64_t
isofs_udf_time(const uint8_t ts[12])
{
	struct pxe_buf b;
	uint16_t tz_type;
	int16_t year;
	int tz;
	unsigned mon, day, h, min, s;
	int64_t t;

	pxe_buf_init_ro(&b, ts, 12);
	tz_type = pxe_buf_get_le16(&b);
	year = (int16_t)pxe_buf_get_le16(&b);
	mon = pxe_buf_get_u8(&b);
	day = pxe_buf_get_u8(&b);
	h = pxe_buf_get_u8(&b);
	min = pxe_buf_get_u8(&b);
	s = pxe_buf_get_u8(&b);
	if (mon < 1 || mon > 12 || day < 1 || day > 31 || h > 23 ||
	    min > 59 || s > 60)
		return 0;
	t = days_from_civil(year, mon, day) * 86400 + h * 3600 + min * 60 + s;
	/* Type 1 is local time, its offset from UTC in minutes in 12 bits
	 * (-2047: unknown); other types are taken as UTC. */
	tz = tz_type & 0x0fff;
	if (tz & 0x0800)
		tz -= 0x1000;
	if ((tz_type >> 12) == 1 && tz >= -1440 && tz <= 1440)
		t -= (int64_t)tz * 60;
	return t;
}

/* Append one allocation descriptor's extent to ext. */
static int
add_extent(uint32_t raw_len, uint32_t block, uint32_t part_start,
    struct isofs_extent *ext, unsigned cap, unsigned *next)
{
	unsigned type = raw_len >> 30;
	uint32_t len = raw_len & 0x3fffffff;

	if (len == 0)
		return 0;
	if (type == EXT_NEXT)
		return -E2BIG;
	if (*next == cap)
		return -E2BIG;
	ext[*next].off = ((uint64_t)part_start + block) * SECTOR;
	ext[*next].len = len;
	ext[*next].recorded = type == EXT_RECORDED;
	(*next)++;
	return 0;
}

int
isofs_udf_decode_fe(const uint8_t *fe, size_t len, uint32_t part_start,
    struct isofs_stat *st, struct isofs_extent *ext, unsigned cap,
    unsigned *next, size_t *inl_off, size_t *inl_len)
{
	const struct fe_layout *lay = NULL;
	struct pxe_buf b;
	uint32_t lea, lad, raw, block;
	uint16_t tag, flags;
	uint8_t ftype;
	size_t i, adsize;
	int r;

	memset(st, 0, sizeof(*st));
	st->offset = ISOFS_NO_OFFSET;
	*next = 0;
	*inl_off = *inl_len = 0;
	pxe_buf_init_ro(&b, fe, len);
	tag = pxe_buf_get_le16(&b);
	for (i = 0; i < sizeof(fe_layouts) / sizeof(fe_layouts[0]); i++)
		if (fe_layouts[i].tag == tag)
			lay = &fe_layouts[i];
	if (lay == NULL || len < lay->head)
		return -EIO;
	ftype = fe[27];
	flags = (uint16_t)(fe[34] | fe[35] << 8);
	b.off = 56;
	st->size = pxe_buf_get_le64(&b);
	st->is_dir = ftype == FT_DIR;
	st->mtime = isofs_udf_time(fe + lay->mtime);
	b.off = lay->lea;
	lea = pxe_buf_get_le32(&b);
	lad = pxe_buf_get_le32(&b);
	if (!pxe_buf_ok(&b) || lea > len - lay->head ||
	    lad > len - lay->head - lea)
		return -EIO;
	b.off = lay->head + lea;
	b.len = b.off + lad;
	switch (flags & 7) {
	case AD_IN_ICB:
		if (st->size > lad)
			return -EIO;
		*inl_off = b.off;
		*inl_len = (size_t)st->size;
		return 0;
	case AD_SHORT:
		adsize = 8;
		break;
	case AD_LONG:
		adsize = 16;
		break;
	default:
		return -ENOTSUP;
	}
	while (pxe_buf_left(&b) >= adsize) {
		raw = pxe_buf_get_le32(&b);
		block = pxe_buf_get_le32(&b);
		if (adsize == 16)
			pxe_buf_get_bytes(&b, NULL, 8);	/* partition, impl. */
		if ((raw & 0x3fffffff) == 0)
			break;		/* the list ends early */
		if ((r = add_extent(raw, block, part_start, ext, cap,
		    next)) < 0)
			return r;
	}
	if (!st->is_dir && *next == 1 && ext[0].recorded && st->size > 0 &&
	    ext[0].len >= st->size)
		st->offset = ext[0].off;
	return 0;
}

/* libcdio prints to stderr by default; isofs reports through errors. */
static void
quiet_cdio(cdio_log_level_t level, const char *msg)
{
	(void)level;
	(void)msg;
}

static void
node_free(struct node *n)
{
	free(n->ext);
	free(n->inl);
	memset(n, 0, sizeof(*n));
}

/* Check that every recorded extent lies inside the image. */
static int
check_extents(const struct isofs *fs, const struct node *n)
{
	uint64_t total = 0;
	unsigned i;

	for (i = 0; i < n->next; i++) {
		if (n->ext[i].recorded && (n->ext[i].off > fs->image_size ||
		    n->ext[i].len > fs->image_size - n->ext[i].off))
			return -EIO;
		total += n->ext[i].len;
	}
	if (n->inl == NULL && !n->st.is_dir && total < n->st.size)
		return -EIO;
	return 0;
}

/* Fill n from a UDF File Entry (one block at fe). */
static int
udf_node(const struct isofs *fs, const uint8_t *fe, uint32_t part_start,
    struct node *n)
{
	struct isofs_extent ext[ISOFS_MAX_EXTENTS];
	size_t ioff, ilen;
	int r;

	memset(n, 0, sizeof(*n));
	r = isofs_udf_decode_fe(fe, sizeof(udf_file_entry_t), part_start,
	    &n->st, ext, ISOFS_MAX_EXTENTS, &n->next, &ioff, &ilen);
	if (r < 0)
		return r;
	if (n->next > 0) {
		if ((n->ext = calloc(n->next, sizeof(*ext))) == NULL)
			return -ENOMEM;
		memcpy(n->ext, ext, n->next * sizeof(*ext));
	}
	if (ilen > 0) {
		if ((n->inl = malloc(ilen)) == NULL)
			return -ENOMEM;
		memcpy(n->inl, fe + ioff, ilen);
		n->inl_len = ilen;
	}
	if ((r = check_extents(fs, n)) < 0)
		node_free(n);
	return r;
}

/* Fill n from an ISO9660 directory record as libiso9660 decoded it. */
static int
iso_node(const struct isofs *fs, const iso9660_stat_t *s, struct node *n)
{
	struct tm tm = s->tm;

	memset(n, 0, sizeof(*n));
	n->st.is_dir = s->type == _STAT_DIR;
	n->st.size = n->st.is_dir ? 0 : s->size;
	n->st.mtime = mktime(&tm);	/* libiso9660 gives local time */
	n->st.offset = ISOFS_NO_OFFSET;
	if (n->st.is_dir || s->size == 0)
		return 0;
	if ((n->ext = calloc(1, sizeof(*n->ext))) == NULL)
		return -ENOMEM;
	n->next = 1;
	n->ext[0].off = (uint64_t)s->lsn * SECTOR;
	n->ext[0].len = s->size;
	n->ext[0].recorded = true;
	n->st.offset = n->ext[0].off;
	if (check_extents(fs, n) < 0) {
		node_free(n);
		return -EIO;
	}
	return 0;
}

/*
 * Copy the next component of *pp into comp and advance; its length, 0 at
 * the end of the path, or -errno.
 */
static int
next_comp(const char **pp, char *comp, size_t cap)
{
	const char *p = *pp, *e;
	size_t n;

	for (;;) {
		while (*p == '/' || *p == '\\')
			p++;
		if (*p == '\0') {
			*pp = p;
			return 0;
		}
		e = p + strcspn(p, "/\\");
		n = (size_t)(e - p);
		if (n == 1 && p[0] == '.') {
			p = e;
			continue;
		}
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return -EACCES;
		if (n >= cap)
			return -ENAMETOOLONG;
		memcpy(comp, p, n);
		comp[n] = '\0';
		*pp = e;
		return (int)n;
	}
}

/* Copy src into dst (capacity cap > 0), cut if it does not fit. */
/* Append "/name" (or "name" at the start) to found, if there is room. */
static int
add_found(char *found, size_t cap, const char *name)
{
	size_t have, n = strlen(name);

	if (found == NULL)
		return 0;
	have = strlen(found);
	if (have + n + 2 > cap)
		return -ENAMETOOLONG;
	if (have > 0)
		found[have++] = '/';
	memcpy(found + have, name, n + 1);
	return 0;
}

ssize_t
isofs_udf_name(const uint8_t *d, size_t len, char *out, size_t cap)
{
	uint8_t u16[2 * 255];
	size_t i, n = 0;

	if (len < 2 || len > 256)
		return -EILSEQ;
	switch (d[0]) {
	case 8:
	case 254:		/* one byte per character: U+0000..U+00FF */
		for (i = 1; i < len; i++) {
			u16[n++] = d[i];
			u16[n++] = 0;
		}
		break;
	case 16:
	case 255:		/* big-endian UTF-16 */
		if ((len - 1) % 2 != 0)
			return -EILSEQ;
		for (i = 1; i < len; i += 2) {
			u16[n++] = d[i + 1];
			u16[n++] = d[i];
		}
		break;
	default:
		return -EILSEQ;
	}
	return pxe_utf16_to_utf8(u16, n, out, cap);
}

/*
 * The name of a libudf entry as UTF-8, decoded from its File Identifier
 * Descriptor (libudf copies 8-bit names as raw Latin-1 bytes); libudf's
 * own string when the descriptor cannot be decoded.
 */
static void
udf_ent_name(const udf_dirent_t *e, char *out, size_t cap)
{
	const uint8_t *fid = (const uint8_t *)e->fid;
	size_t l_iu;

	if (fid != NULL && fid[19] > 0) {
		l_iu = (size_t)fid[36] | (size_t)fid[37] << 8;
		if (isofs_udf_name(fid + 38 + l_iu, fid[19], out, cap) > 0)
			return;
	}
	pxe_str_copy(out, cap, e->psz_name ? e->psz_name : "");
}

/*
 * Resolve path on the UDF side into n.  When streamp is not NULL and the
 * target is a directory, *streamp gets a libudf stream of its entries.
 */
static int
udf_lookup(struct isofs *fs, const char *path, struct node *n,
    udf_dirent_t **streamp, char *found, size_t cap)
{
	udf_dirent_t *s, *e;
	const char *p = path;
	char comp[ISOFS_NAME_MAX + 1], name[ISOFS_NAME_MAX + 1];
	int r;

	if ((r = udf_node(fs, (const uint8_t *)&fs->root->fe,
	    fs->root->i_part_start, n)) < 0)
		return r;
	if ((s = udf_fopen(fs->root, "/")) == NULL) {
		node_free(n);
		return -EIO;
	}
	while ((r = next_comp(&p, comp, sizeof(comp))) > 0) {
		if (!n->st.is_dir) {
			r = -ENOTDIR;
			break;
		}
		while ((e = udf_readdir(s)) != NULL) {
			if (e->b_parent)
				continue;
			udf_ent_name(e, name, sizeof(name));
			if (pxe_utf8_caseeq(name, strlen(name), comp,
			    strlen(comp)))
				break;
		}
		/* udf_readdir frees the stream when it reaches the end. */
		s = e;
		if (e == NULL) {
			r = -ENOENT;
			break;
		}
		node_free(n);
		if ((r = udf_node(fs, (const uint8_t *)&e->fe,
		    e->i_part_start, n)) < 0 ||
		    (r = add_found(found, cap, name)) < 0)
			break;
		s = NULL;
		if (n->st.is_dir && (*p != '\0' || streamp) &&
		    (s = udf_opendir(e)) == NULL)
			r = -EIO;
		udf_dirent_free(e);
		if (r < 0)
			break;
	}
	if (r == 0 && streamp && n->st.is_dir) {
		*streamp = s;
		return 0;
	}
	if (s)
		udf_dirent_free(s);
	if (r < 0)
		node_free(n);
	return r;
}

/* A name as libiso9660 recorded it, without its ";1" version (and, for
 * plain ISO9660 names, lowered as Linux shows them). */
static void
iso_name(const struct isofs *fs, const char *raw, char *out, size_t cap)
{
	char tmp[ISOFS_NAME_MAX + 1];

	if (strlen(raw) >= sizeof(tmp)) {
		pxe_str_copy(out, cap, raw);
		return;
	}
	iso9660_name_translate_ext(raw, tmp, fs->joliet);
	pxe_str_copy(out, cap, tmp);
}

static bool
iso_is_dot(const char *name)
{
	return strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
	    (name[0] <= 1 && name[1] == '\0');
}

/*
 * Resolve path on the ISO9660 side into n; raw (capacity rcap) gets the
 * path with the names as libiso9660 spells them, for listing.
 */
static int
iso_lookup(struct isofs *fs, const char *path, struct node *n, char *raw,
    size_t rcap, char *found, size_t cap)
{
	CdioISO9660FileList_t *list;
	CdioListNode_t *ln;
	iso9660_stat_t *s, *hit;
	const char *p = path;
	char comp[ISOFS_NAME_MAX + 1], name[ISOFS_NAME_MAX + 1];
	size_t have;
	int r;

	memset(n, 0, sizeof(*n));
	n->st.is_dir = true;
	n->st.offset = ISOFS_NO_OFFSET;
	snprintf(raw, rcap, "/");
	while ((r = next_comp(&p, comp, sizeof(comp))) > 0) {
		if (!n->st.is_dir || (list = iso9660_ifs_readdir(fs->iso,
		    raw)) == NULL) {
			r = n->st.is_dir ? -EIO : -ENOTDIR;
			node_free(n);
			return r;
		}
		node_free(n);
		hit = NULL;
		_CDIO_LIST_FOREACH(ln, list) {
			s = _cdio_list_node_data(ln);
			if (iso_is_dot(s->filename))
				continue;
			iso_name(fs, s->filename, name, sizeof(name));
			if (pxe_utf8_caseeq(name, strlen(name), comp,
			    strlen(comp))) {
				hit = s;
				break;
			}
		}
		r = hit ? iso_node(fs, hit, n) : -ENOENT;
		if (r == 0 && (r = add_found(found, cap, name)) == 0) {
			have = strlen(raw);
			if (have + strlen(hit->filename) + 2 > rcap)
				r = -ENAMETOOLONG;
			else
				snprintf(raw + have, rcap - have, "%s%s",
				    have > 1 ? "/" : "", hit->filename);
		}
		iso9660_filelist_free(list);
		if (r < 0)
			break;
	}
	if (r < 0)
		node_free(n);
	return r;
}

/* Resolve path into n (and, for a UDF directory, its entry stream). */
static int
lookup(struct isofs *fs, const char *path, struct node *n,
    udf_dirent_t **streamp, char *found, size_t cap)
{
	char raw[ISOFS_PATH_MAX + 1];

	if (found && cap > 0)
		found[0] = '\0';
	if (strlen(path) > ISOFS_PATH_MAX)
		return -ENAMETOOLONG;
	if (fs->format == ISOFS_UDF)
		return udf_lookup(fs, path, n, streamp, found, cap);
	return iso_lookup(fs, path, n, raw, sizeof(raw), found, cap);
}

int
isofs_open(struct isofs **fsp, const char *path, unsigned flags)
{
	struct isofs *fs;
	struct stat sb;
	int r;

	*fsp = NULL;
	if ((fs = calloc(1, sizeof(*fs))) == NULL)
		return -ENOMEM;
	if ((fs->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		r = -errno;
		free(fs);
		return r;
	}
	if (fstat(fs->fd, &sb) < 0 || S_ISDIR(sb.st_mode)) {
		r = S_ISDIR(sb.st_mode) ? -EISDIR : -errno;
		goto fail;
	}
	fs->image_size = (uint64_t)sb.st_size;
	if (!S_ISREG(sb.st_mode) || fs->image_size < 17 * SECTOR) {
		r = -EMEDIUMTYPE;
		goto fail;
	}
	cdio_log_set_handler(quiet_cdio);
	if (!(flags & ISOFS_NO_UDF) && (fs->udf = udf_open(path)) != NULL) {
		if ((fs->root = udf_get_root(fs->udf, true, 0)) != NULL) {
			fs->format = ISOFS_UDF;
			*fsp = fs;
			return 0;
		}
		udf_close(fs->udf);
		fs->udf = NULL;
	}
	if (!(flags & ISOFS_NO_ISO9660) &&
	    (fs->iso = iso9660_open_ext(path, ISO_EXTENSION_JOLIET_LEVEL1 |
	    ISO_EXTENSION_JOLIET_LEVEL2 | ISO_EXTENSION_JOLIET_LEVEL3)) !=
	    NULL) {
		fs->format = ISOFS_ISO9660;
		fs->joliet = iso9660_ifs_get_joliet_level(fs->iso);
		*fsp = fs;
		return 0;
	}
	r = -EMEDIUMTYPE;
fail:
	close(fs->fd);
	free(fs);
	return r;
}

void
isofs_close(struct isofs *fs)
{
	if (fs == NULL)
		return;
	if (fs->root)
		udf_dirent_free(fs->root);
	if (fs->udf)
		udf_close(fs->udf);
	if (fs->iso)
		iso9660_close(fs->iso);
	close(fs->fd);
	free(fs);
}

enum isofs_format
isofs_format(const struct isofs *fs)
{
	return fs->format;
}

const char *
isofs_format_name(const struct isofs *fs)
{
	if (fs->format == ISOFS_UDF)
		return "UDF";
	return fs->joliet ? "ISO9660+Joliet" : "ISO9660";
}

int
isofs_fd(const struct isofs *fs)
{
	return fs->fd;
}

int
isofs_resolve(struct isofs *fs, const char *path, struct isofs_stat *st,
    char *found, size_t cap)
{
	struct node n;
	int r;

	if ((r = lookup(fs, path, &n, NULL, found, cap)) < 0)
		return r;
	*st = n.st;
	node_free(&n);
	return 0;
}

int
isofs_stat(struct isofs *fs, const char *path, struct isofs_stat *st)
{
	return isofs_resolve(fs, path, st, NULL, 0);
}

int
isofs_opendir(struct isofs *fs, const char *path, struct isofs_dir **dp)
{
	char raw[ISOFS_PATH_MAX + 1];
	struct isofs_dir *d;
	struct node n;
	bool is_dir;
	int r;

	*dp = NULL;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return -ENOMEM;
	d->fs = fs;
	if (fs->format == ISOFS_UDF)
		r = udf_lookup(fs, path, &n, &d->stream, NULL, 0);
	else
		r = iso_lookup(fs, path, &n, raw, sizeof(raw), NULL, 0);
	if (r < 0) {
		free(d);
		return r;
	}
	is_dir = n.st.is_dir;
	node_free(&n);
	if (!is_dir) {
		free(d);
		return -ENOTDIR;
	}
	if (fs->format == ISOFS_ISO9660) {
		if ((d->list = iso9660_ifs_readdir(fs->iso, raw)) == NULL) {
			free(d);
			return -EIO;
		}
		d->cur = _cdio_list_begin(d->list);
	}
	*dp = d;
	return 0;
}

/* The next UDF entry of d into e. */
static int
udf_next(struct isofs_dir *d, struct isofs_dirent *e)
{
	udf_dirent_t *u;
	struct node n;
	int r;

	while (d->stream) {
		u = udf_readdir(d->stream);
		d->stream = u;
		if (u == NULL)
			return 0;
		if (u->b_parent)
			continue;
		udf_ent_name(u, e->name, sizeof(e->name));
		if (e->name[0] == '\0')
			continue;
		if ((r = udf_node(d->fs, (const uint8_t *)&u->fe,
		    u->i_part_start, &n)) < 0)
			return r;
		e->st = n.st;
		node_free(&n);
		return 1;
	}
	return 0;
}

int
isofs_readdir(struct isofs_dir *d, struct isofs_dirent *e)
{
	iso9660_stat_t *s;
	struct node n;
	int r;

	if (d->fs->format == ISOFS_UDF)
		return udf_next(d, e);
	while (d->cur) {
		s = _cdio_list_node_data(d->cur);
		d->cur = _cdio_list_node_next(d->cur);
		if (iso_is_dot(s->filename))
			continue;
		if ((r = iso_node(d->fs, s, &n)) < 0)
			return r;
		e->st = n.st;
		node_free(&n);
		iso_name(d->fs, s->filename, e->name, sizeof(e->name));
		return 1;
	}
	return 0;
}

void
isofs_closedir(struct isofs_dir *d)
{
	if (d == NULL)
		return;
	if (d->stream)
		udf_dirent_free(d->stream);
	if (d->list)
		iso9660_filelist_free(d->list);
	free(d);
}

int
isofs_fopen(struct isofs *fs, const char *path, struct isofs_file **fp)
{
	struct isofs_file *f;
	int r;

	*fp = NULL;
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -ENOMEM;
	f->fs = fs;
	if ((r = lookup(fs, path, &f->n, NULL, NULL, 0)) < 0) {
		free(f);
		return r;
	}
	if (f->n.st.is_dir) {
		node_free(&f->n);
		free(f);
		return -EISDIR;
	}
	*fp = f;
	return 0;
}

void
isofs_fclose(struct isofs_file *f)
{
	if (f == NULL)
		return;
	node_free(&f->n);
	free(f);
}

const struct isofs_stat *
isofs_fstat(const struct isofs_file *f)
{
	return &f->n.st;
}

/* pread all of len bytes; 0 or -errno (-EIO for an early end). */
static int
pread_full(int fd, uint8_t *buf, size_t len, uint64_t off)
{
	ssize_t got;

	while (len > 0) {
		got = pread(fd, buf, len, (off_t)off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -errno;
		if (got == 0)
			return -EIO;
		buf += got;
		len -= (size_t)got;
		off += (uint64_t)got;
	}
	return 0;
}

ssize_t
isofs_read(struct isofs_file *f, void *buf, size_t len, uint64_t off)
{
	const struct node *n = &f->n;
	uint64_t pos = 0, in, chunk;
	size_t done = 0;
	unsigned i;
	int r;

	if (off >= n->st.size)
		return 0;
	if (len > n->st.size - off)
		len = (size_t)(n->st.size - off);
	if (len > SSIZE_MAX)
		len = SSIZE_MAX;
	if (n->inl) {
		memcpy(buf, n->inl + off, len);
		return (ssize_t)len;
	}
	for (i = 0; i < n->next && done < len; i++) {
		const struct isofs_extent *x = &n->ext[i];

		if (off + done >= pos + x->len) {
			pos += x->len;
			continue;
		}
		in = off + done - pos;
		chunk = x->len - in;
		if (chunk > len - done)
			chunk = len - done;
		if (!x->recorded)
			memset((uint8_t *)buf + done, 0, (size_t)chunk);
		else if ((r = pread_full(f->fs->fd, (uint8_t *)buf + done,
		    (size_t)chunk, x->off + in)) < 0)
			return r;
		done += (size_t)chunk;
		pos += x->len;
	}
	if (done < len)
		return -EIO;
	return (ssize_t)len;
}
