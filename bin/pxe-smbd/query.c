/*
 * query.c: QUERY_INFO (file and file-system information classes) and
 * QUERY_DIRECTORY (a listing built once per open from the backend's
 * readdir, then handed out in pieces) on the files file.c opened.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpxe/log.h"
#include "libpxe/utf16.h"
#include "smbd.h"

#define MAX_LISTING	1000000

/* ---- QUERY_INFO ---- */

/* The path as FileAllInformation shows it: "\dir\file". */
static void
backslash_path(const char *path, bool lead, char *out, size_t cap)
{
	size_t i, o = 0;

	if (lead && cap > 1)
		out[o++] = '\\';
	for (i = 0; path[i] && o + 1 < cap; i++)
		out[o++] = path[i] == '/' ? '\\' : path[i];
	out[o] = '\0';
}

static int
file_info(struct req *r, struct open *o, uint8_t cls, size_t *fixed)
{
	struct smb2_file_info fi;
	struct be_stat st;
	char name[SMBD_MAXPATH + 2];

	if (cls == FileAlternateNameInformation)
		return -ENOENT;		/* no 8.3 names here */
	open_stat(o, &st);
	if (o->special)
		fill_special(o, &fi);
	else
		fill_info(&st, base_name(o->path), &fi);
	backslash_path(o->path, cls != FileNormalizedNameInformation, name,
	    sizeof(name));
	fi.name = name;
	fi.name_len = strlen(name);
	fi.granted = o->granted;
	return smb2_put_file_info(&r->b, cls, &fi, fixed);
}

static int
fs_info(struct req *r, struct open *o, uint8_t cls, size_t *fixed)
{
	struct share *sh = o->tree->share;
	struct smb2_fs_info fs;
	struct be_statfs sf;
	uint32_t h = 2166136261u;
	const char *p;

	memset(&sf, 0, sizeof(sf));
	if (sh->ops == NULL || sh->ops->statfs(sh->be, &sf) < 0 ||
	    sf.block_size < 512)
		sf.block_size = 4096;
	memset(&fs, 0, sizeof(fs));
	fs.bytes_per_sector = 512;
	fs.sectors_per_unit = sf.block_size / 512;
	fs.total_units = sf.total_bytes / sf.block_size;
	fs.free_units = 0;	/* nothing can be written here */
	for (p = sh->name; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	fs.serial = h;
	fs.created = r->c->d->start_time;
	fs.label = sh->name;
	fs.fs_name = "NTFS";
	memcpy(fs.object_id, &h, sizeof(h));
	return smb2_put_fs_info(&r->b, cls, &fs, fixed);
}

uint32_t
smb_query_info(struct req *r)
{
	struct smb2_query_info_req q;
	struct open *o;
	size_t fixed = 0, len, want;
	uint32_t s;
	int e;

	if ((s = smb2_parse_query_info(r->m, &q)) != 0)
		return s;
	if ((o = open_get(r, &q.fid, &s)) == NULL)
		return s;
	if (q.output_len > r->c->max_transact)
		return STATUS_INVALID_PARAMETER;
	if (req_reserve(r, 8 + 65536 + q.output_len) < 0)
		return STATUS_INSUFFICIENT_RESOURCES;
	r->b.off = SMB2_QUERY_DATA_OFF;
	switch (q.info_type) {
	case SMB2_0_INFO_FILE:
		e = file_info(r, o, q.info_class, &fixed);
		break;
	case SMB2_0_INFO_FILESYSTEM:
		e = fs_info(r, o, q.info_class, &fixed);
		break;
	case SMB2_0_INFO_QUOTA:
		/* Nobody's quota: the list is empty. */
		return o->special == SPECIAL_QUOTA ? STATUS_NO_MORE_ENTRIES :
		    STATUS_INVALID_PARAMETER;
	case SMB2_0_INFO_SECURITY:
		if (q.additional & 0x8)	/* SACL needs ACCESS_SYSTEM_SECURITY */
			return STATUS_ACCESS_DENIED;
		e = smb2_put_security(&r->b, q.additional, o->st.dir);
		len = r->b.off - SMB2_QUERY_DATA_OFF;
		if (e == 0 && len > q.output_len) {
			r->error_data = (uint32_t)len;
			r->has_error_data = true;
			return STATUS_BUFFER_TOO_SMALL;
		}
		break;
	default:
		return STATUS_INVALID_PARAMETER;
	}
	if (e == -EINVAL)
		return STATUS_INVALID_INFO_CLASS;
	if (e == -ENOENT)
		return STATUS_OBJECT_NAME_NOT_FOUND;
	if (e < 0)
		return STATUS_INSUFFICIENT_RESOURCES;
	len = r->b.off - SMB2_QUERY_DATA_OFF;
	if (q.output_len < fixed)
		return STATUS_INFO_LENGTH_MISMATCH;
	want = len;
	if (len > q.output_len)
		len = q.output_len;
	r->b.off = SMB2_HDR_LEN;
	smb2_put_query_resp(&r->b, (uint32_t)len);
	r->b.off = SMB2_QUERY_DATA_OFF + len;
	r->body_done = true;
	return want > len ? STATUS_BUFFER_OVERFLOW : 0;
}

/* ---- QUERY_DIRECTORY ---- */

struct lister {
	struct open *o;
	const char *pat;
	size_t cap;
	int err;
};

/* Names Windows cannot show or open are left out of listings. */
static bool
listable(const char *name)
{
	const unsigned char *p;

	for (p = (const unsigned char *)name; *p; p++)
		if (bad_char(*p) || *p == ':' || *p == '\\')
			return false;
	return pxe_utf8_to_utf16(name, strlen(name), NULL, 0) >= 0;
}

static int
list_add(struct lister *l, const char *name, const struct be_stat *st)
{
	struct open *o = l->o;
	struct dir_entry *p;

	if (!smb2_wildcard_match(l->pat, strlen(l->pat), name, strlen(name)))
		return 0;
	if (o->nlist >= MAX_LISTING)
		return 1;
	if (o->nlist == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		if ((p = realloc(o->list, l->cap * sizeof(*p))) == NULL) {
			l->err = -ENOMEM;
			return 1;
		}
		o->list = p;
	}
	if ((o->list[o->nlist].name = strdup(name)) == NULL) {
		l->err = -ENOMEM;
		return 1;
	}
	o->list[o->nlist++].st = *st;
	return 0;
}

static int
on_entry(void *arg, const char *name, const struct be_stat *st)
{
	if (!listable(name))
		return 0;
	return list_add(arg, name, st);
}

/* (Re)read the directory, keeping the entries that match pat. */
static int
build_listing(struct open *o, const char *pat)
{
	struct lister l = { o, pat, 0, 0 };
	size_t i;
	int e;

	for (i = 0; i < o->nlist; i++)
		free(o->list[i].name);
	free(o->list);
	o->list = NULL;
	o->nlist = o->pos = 0;
	list_add(&l, ".", &o->st);
	list_add(&l, "..", &o->st);
	/* Opens with no file behind them list nothing but "." and "..". */
	e = o->node ? o->tree->share->ops->readdir(o->node, on_entry, &l) : 0;
	o->listed = true;
	return l.err ? l.err : e;
}

/* Write entries from o->pos while they fit in outlen. */
static size_t
fill_entries(struct req *r, struct open *o, uint8_t cls, size_t outlen,
    bool single)
{
	struct smb2_file_info fi;
	size_t start = SMB2_QUERY_DATA_OFF, prev = 0, at, end = start;
	uint8_t *p;
	unsigned count = 0;

	r->b.off = start;
	while (o->pos < o->nlist) {
		at = r->b.off;
		while (count > 0 && at % 8 != 0)
			at++;
		r->b.off = at;
		memset(r->b.data + end, 0, at - end);
		fill_info(&o->list[o->pos].st, o->list[o->pos].name, &fi);
		if (smb2_put_dirent(&r->b, cls, &fi) < 0 ||
		    r->b.off - start > outlen) {
			r->b.err = 0;
			break;
		}
		if (count > 0) {
			p = r->b.data + prev;
			p[0] = (uint8_t)(at - prev);
			p[1] = (uint8_t)((at - prev) >> 8);
			p[2] = (uint8_t)((at - prev) >> 16);
			p[3] = (uint8_t)((at - prev) >> 24);
		}
		prev = at;
		end = r->b.off;
		o->pos++;
		count++;
		if (single)
			break;
	}
	r->b.off = end;
	return count ? end - start : 0;
}

uint32_t
smb_query_dir(struct req *r)
{
	struct smb2_query_dir_req q;
	struct open *o;
	char pat[SMBD_MAXPATH];
	size_t outlen, len;
	uint32_t s;
	bool first = false;

	if ((s = smb2_parse_query_dir(r->m, &q)) != 0)
		return s;
	if ((o = open_get(r, &q.fid, &s)) == NULL)
		return s;
	if (!o->st.dir)
		return STATUS_INVALID_PARAMETER;
	if (!smb2_dir_class_ok(q.info_class))
		return STATUS_INVALID_INFO_CLASS;
	if (q.pattern_len == 0)
		snprintf(pat, sizeof(pat), "*");
	else if (pxe_utf16_to_utf8(q.pattern, q.pattern_len, pat,
	    sizeof(pat)) < 0)
		return STATUS_OBJECT_NAME_INVALID;
	if (!o->listed || (q.flags & (SMB2_RESTART_SCANS | SMB2_REOPEN))) {
		if (build_listing(o, pat) < 0)
			return STATUS_INSUFFICIENT_RESOURCES;
		first = true;
	}
	if (o->pos >= o->nlist)
		return first ? STATUS_NO_SUCH_FILE : STATUS_NO_MORE_FILES;
	outlen = q.output_len < r->c->max_transact ? q.output_len :
	    r->c->max_transact;
	if (req_reserve(r, 8 + outlen + 2048) < 0)
		return STATUS_INSUFFICIENT_RESOURCES;
	len = fill_entries(r, o, q.info_class, outlen,
	    q.flags & SMB2_RETURN_SINGLE_ENTRY);
	if (len == 0)
		return STATUS_INFO_LENGTH_MISMATCH;
	r->b.off = SMB2_HDR_LEN;
	smb2_put_query_resp(&r->b, (uint32_t)len);
	r->b.off = SMB2_QUERY_DATA_OFF + len;
	r->body_done = true;
	return 0;
}
