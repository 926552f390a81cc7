/*
 * file.c: the file commands on a share.  CREATE opens what exists, never
 * anything more (any write, delete or security change is ACCESS_DENIED);
 * CLOSE, READ (straight into the response buffer), IOCTL's few
 * FSCTLs, and the commands a read-only share refuses; QUERY_INFO and
 * QUERY_DIRECTORY are in query.c, the srvsvc pipe in pipe.c.  Open files live in
 * a per-connection slot table; a FileId is the slot and a generation.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpxe/log.h"
#include "libpxe/utf16.h"
#include "smbd.h"

#define FILE_GENERIC_READ	0x00120089u
#define FILE_GENERIC_EXECUTE	0x001200a0u

/* ---- open table ---- */

static struct open *
open_add(struct conn *c)
{
	struct open **p, *o;
	unsigned slot, cap;

	if (c->nopens >= SMBD_MAX_OPENS)
		return NULL;
	for (slot = 0; slot < c->cap_opens && c->opens[slot]; slot++)
		;
	if (slot == c->cap_opens) {
		cap = c->cap_opens ? c->cap_opens * 2 : 16;
		if ((p = realloc(c->opens, cap * sizeof(*p))) == NULL)
			return NULL;
		memset(p + c->cap_opens, 0, (cap - c->cap_opens) * sizeof(*p));
		c->opens = p;
		c->cap_opens = cap;
	}
	if ((o = calloc(1, sizeof(*o))) == NULL)
		return NULL;
	o->id = ++c->open_gen << 16 | slot;
	o->t0_ns = pxe_now_ns();
	c->opens[slot] = o;
	c->nopens++;
	return o;
}

/*
 * The close line: a file that was read says how much and how fast (a
 * 4 GB install.wim is otherwise silent from open to close); others only
 * at -v.
 */
static void
log_close(const struct conn *c, const struct open *o)
{
	double s = (double)(pxe_now_ns() - o->t0_ns) / 1e9;
	char esc[512];

	if (o->pipe || o->special || o->path == NULL || o->st.dir)
		return;
	pxe_log_escape_flags(esc, sizeof(esc), o->path, strlen(o->path),
	    PXE_ESC_BACKSLASH);
	if (o->bytes_read == 0) {
		log_debug("%s: close /%s (nothing read)", c->peer, esc);
		return;
	}
	log_info("closed /%s for %s: %" PRIu64 " of %" PRIu64 " bytes read in "
	    "%.2f s (%.1f MB/s)", esc, c->peer, o->bytes_read, o->st.size, s,
	    s > 0 ? (double)o->bytes_read / s / 1e6 : 0.0);
}

/*
 * At -v, the first read of an open file: a 4 GB install.wim that setup is
 * copying says so long before its close line (a client that only looks at
 * a file opens it too, and reads nothing).
 */
static void
log_first_read(const struct conn *c, const struct open *o)
{
	char esc[512];

	if (o->path == NULL || pxe_log_get_level() < PXE_LOG_DEBUG)
		return;
	pxe_log_escape_flags(esc, sizeof(esc), o->path, strlen(o->path),
	    PXE_ESC_BACKSLASH);
	log_debug("%s: reading /%s", c->peer, esc);
}

static void
open_free(struct conn *c, struct open *o)
{
	unsigned slot = (unsigned)(o->id & 0xffff);
	size_t i;

	log_close(c, o);
	if (slot < c->cap_opens && c->opens[slot] == o) {
		c->opens[slot] = NULL;
		c->nopens--;
	}
	pending_drop(c, o->sess, o);
	if (o->node)
		o->tree->share->ops->close(o->node);
	free(o->pipe_out);
	for (i = 0; i < o->nlist; i++)
		free(o->list[i].name);
	free(o->list);
	free(o->path);
	free(o);
}

void
open_close_all(struct conn *c, struct session *s, struct tree *t)
{
	unsigned i;

	for (i = 0; i < c->cap_opens; i++)
		if (c->opens[i] && c->opens[i]->sess == s &&
		    (t == NULL || c->opens[i]->tree == t))
			open_free(c, c->opens[i]);
}

void
open_free_all(struct conn *c)
{
	unsigned i;

	for (i = 0; i < c->cap_opens; i++)
		if (c->opens[i])
			open_free(c, c->opens[i]);
}

/* The open a FileId names, checked against the request's session and
 * tree; NULL and *st set when there is none. */
struct open *
open_get(struct req *r, const struct smb2_fid *fid, uint32_t *st)
{
	struct conn *c = r->c;
	struct smb2_fid f = *fid;
	struct open *o;
	unsigned slot;

	if (f.persistent == SMB2_FID_RELATED && f.volatile_ == SMB2_FID_RELATED) {
		if (!(r->m->h.flags & SMB2_FLAGS_RELATED_OPERATIONS)) {
			*st = STATUS_FILE_CLOSED;
			return NULL;
		}
		if (!r->rel_set) {
			*st = r->rel_status ? r->rel_status : STATUS_FILE_CLOSED;
			return NULL;
		}
		f = r->rel_fid;
	}
	slot = (unsigned)(f.volatile_ & 0xffff);
	if (f.persistent != f.volatile_ || slot >= c->cap_opens ||
	    (o = c->opens[slot]) == NULL || o->id != f.volatile_ ||
	    o->sess != r->sess || o->tree != r->tree) {
		*st = STATUS_FILE_CLOSED;
		return NULL;
	}
	return o;
}

/* The open's attributes now (a pipe's, or a failed stat's, from open). */
void
open_stat(const struct open *o, struct be_stat *st)
{
	if (o->node == NULL || o->tree->share->ops->stat(o->node, st) < 0)
		*st = o->st;
}

/* ---- names ---- */

/* Characters Windows never allows in a name. */
bool
bad_char(unsigned char ch)
{
	return ch < 0x20 || strchr("\"*<>?|", ch) != NULL;
}

/*
 * A client's UTF-16 name to a share-relative UTF-8 path with '/'
 * separators ("" for the share itself).  *data_stream is set when the
 * name ended in "::$DATA" (the unnamed stream, i.e. the file).  0 or a
 * status.
 */
static uint32_t
client_path(const uint8_t *u16, size_t n, char *out, size_t cap,
    bool *data_stream)
{
	char *colon, *p, *comp;
	ssize_t len;

	*data_stream = false;
	if (n == 0) {
		out[0] = '\0';
		return 0;
	}
	if ((len = pxe_utf16_to_utf8(u16, n, out, cap)) < 0)
		return STATUS_OBJECT_NAME_INVALID;
	if (out[0] == '\\')
		return STATUS_INVALID_PARAMETER;
	if ((colon = strchr(out, ':')) != NULL) {
		/* No named streams here; "::$DATA" is the file itself. */
		if (strcasecmp(colon, "::$DATA") != 0 || colon == out)
			return STATUS_OBJECT_NAME_INVALID;
		*colon = '\0';
		*data_stream = true;
	}
	for (p = out; *p; p++) {
		if (bad_char((unsigned char)*p))
			return STATUS_OBJECT_NAME_INVALID;
		if (*p == '\\')
			*p = '/';
	}
	for (comp = out; comp && *comp; comp = p ? p + 1 : NULL) {
		p = strchr(comp, '/');
		if ((p ? (size_t)(p - comp) : strlen(comp)) == 2 &&
		    comp[0] == '.' && comp[1] == '.')
			return STATUS_OBJECT_PATH_SYNTAX_BAD;
	}
	return 0;
}

/* The last component of a '/' path ("" for the root). */
const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

void
fill_info(const struct be_stat *st, const char *name,
    struct smb2_file_info *fi)
{
	memset(fi, 0, sizeof(*fi));
	fi->creation = smb2_filetime(st->btime, st->btime_ns);
	fi->access = smb2_filetime(st->atime, st->atime_ns);
	fi->write = smb2_filetime(st->mtime, st->mtime_ns);
	fi->change = smb2_filetime(st->ctime, st->ctime_ns);
	fi->eof = st->size;
	fi->alloc = st->alloc;
	fi->dir = st->dir;
	fi->attrs = st->dir ? FILE_ATTRIBUTE_DIRECTORY :
	    FILE_ATTRIBUTE_ARCHIVE;
	if (name[0] == '.' && strcmp(name, ".") != 0 &&
	    strcmp(name, "..") != 0)
		fi->attrs |= FILE_ATTRIBUTE_HIDDEN;
	fi->file_id = st->ino;
	fi->nlink = st->nlink;
	fi->name = name;
	fi->name_len = strlen(name);
}

/* The attributes of an open with no file behind it. */
void
fill_special(const struct open *o, struct smb2_file_info *fi)
{
	memset(fi, 0, sizeof(*fi));
	fi->nlink = 1;
	fi->dir = o->st.dir;
	fi->attrs = o->special == SPECIAL_QUOTA ? FILE_ATTRIBUTE_HIDDEN |
	    FILE_ATTRIBUTE_SYSTEM | FILE_ATTRIBUTE_DIRECTORY |
	    FILE_ATTRIBUTE_ARCHIVE : FILE_ATTRIBUTE_NORMAL;
	fi->name = o->path;
	fi->name_len = strlen(o->path);
}

static uint32_t
errno_status(int e)
{
	switch (e) {
	case -ENOENT: return STATUS_OBJECT_NAME_NOT_FOUND;
	case -ENOTDIR: return STATUS_OBJECT_PATH_NOT_FOUND;
	case -EACCES: case -EPERM: return STATUS_ACCESS_DENIED;
	case -ENAMETOOLONG: return STATUS_OBJECT_NAME_INVALID;
	case -ENOMEM: return STATUS_INSUFFICIENT_RESOURCES;
	case -EIO: return STATUS_IO_DEVICE_ERROR;
	}
	return STATUS_ACCESS_DENIED;
}

/* Log a refused change, escaped and short. */
static void
denied(struct req *r, const char *what, const char *name)
{
	char esc[300];

	pxe_log_escape_flags(esc, sizeof(esc), name, strlen(name),
	    PXE_ESC_BACKSLASH);
	r->c->d->c.denied++;
	log_info("access denied: %s %s (%s)", what, *esc ? esc : "\\",
	    r->c->peer);
}

/* The access a read-only share grants for desired, or 0 to refuse. */
static uint32_t
grant(uint32_t desired)
{
	uint32_t g = desired & ~(MAXIMUM_ALLOWED | GENERIC_READ |
	    GENERIC_EXECUTE);

	if (desired & MAXIMUM_ALLOWED)
		g |= SMB2_READONLY_ACCESS;
	if (desired & GENERIC_READ)
		g |= FILE_GENERIC_READ;
	if (desired & GENERIC_EXECUTE)
		g |= FILE_GENERIC_EXECUTE;
	return g;
}

/* ---- CREATE, CLOSE ---- */

static const struct smb2_create_ctx *
find_ctx(const struct smb2_create_req *q, const char *tag)
{
	unsigned i;

	for (i = 0; i < q->nctx; i++)
		if (strcmp(q->ctx[i].tag, tag) == 0)
			return &q->ctx[i];
	return NULL;
}

/*
 * Caching: the share never changes, so nothing ever has to be broken.
 * A Level II oplock for whoever asks for one, and for a lease the read
 * and handle caching asked for (never write caching) on files.
 */
static void
grant_caching(struct req *r, const struct smb2_create_req *q, bool dir,
    struct smb2_create_resp *p)
{
	const struct smb2_create_ctx *ls = find_ctx(q, "RqLs");

	p->oplock = SMB2_OPLOCK_LEVEL_NONE;
	if (q->oplock == SMB2_OPLOCK_LEVEL_LEASE) {
		if (r->c->dialect < SMB2_DIALECT_210 || ls == NULL ||
		    smb2_parse_lease(ls->data, ls->data_len, &p->lease) < 0) {
			memset(&p->lease, 0, sizeof(p->lease));
			return;
		}
		p->lease.state &= dir ? 0 : SMB2_LEASE_READ_CACHING |
		    SMB2_LEASE_HANDLE_CACHING;
		p->lease.flags &= SMB2_LEASE_FLAG_PARENT_LEASE_KEY_SET;
		p->lease.epoch = 1;
		p->oplock = SMB2_OPLOCK_LEVEL_LEASE;
		return;
	}
	if (!dir && (q->oplock == SMB2_OPLOCK_LEVEL_II ||
	    q->oplock == SMB2_OPLOCK_LEVEL_EXCLUSIVE ||
	    q->oplock == SMB2_OPLOCK_LEVEL_BATCH))
		p->oplock = SMB2_OPLOCK_LEVEL_II;
}

/* Refuse what a read-only share cannot do; 0 or a status. */
static uint32_t
create_allowed(struct req *r, const struct smb2_create_req *q,
    const char *path)
{
	if (q->disposition > FILE_OVERWRITE_IF)
		return STATUS_INVALID_PARAMETER;
	if (q->disposition != FILE_OPEN && q->disposition != FILE_OPEN_IF) {
		denied(r, "create or overwrite", path);
		return STATUS_ACCESS_DENIED;
	}
	if (q->desired_access & SMB2_WRITE_ACCESS) {
		denied(r, "open for writing", path);
		return STATUS_ACCESS_DENIED;
	}
	if (q->options & FILE_DELETE_ON_CLOSE) {
		denied(r, "delete", path);
		return STATUS_ACCESS_DENIED;
	}
	if ((q->options & FILE_DIRECTORY_FILE) &&
	    (q->options & FILE_NON_DIRECTORY_FILE))
		return STATUS_INVALID_PARAMETER;
	if (q->impersonation > 3)
		return STATUS_BAD_IMPERSONATION_LEVEL;
	return 0;
}

/* NTFS's quota file, which Windows opens to ask about quotas. */
static bool
is_quota_file(const struct smb2_create_req *q)
{
	static const char quota[] = "$Extend\\$Quota:$Q:$INDEX_ALLOCATION";
	char name[64];

	return q->name_len < 2 * sizeof(name) &&
	    pxe_utf16_to_utf8(q->name, q->name_len, name, sizeof(name)) > 0 &&
	    pxe_utf8_caseeq(name, strlen(name), quota, sizeof(quota) - 1);
}

/*
 * Opens with no file behind them: the srvsvc pipe on IPC$, and the quota
 * file (a hidden system directory with no times, as Windows shows it;
 * its quota list is empty).
 */
static uint32_t
open_special(struct req *r, const struct smb2_create_req *q, int kind)
{
	struct smb2_create_resp p;
	struct smb2_file_info fi;
	struct open *o;
	const char *name = kind == SPECIAL_PIPE ? "srvsvc" : "$Quota";

	if (q->disposition != FILE_OPEN && q->disposition != FILE_OPEN_IF)
		return STATUS_ACCESS_DENIED;
	if (kind == SPECIAL_QUOTA && (q->desired_access & SMB2_WRITE_ACCESS))
		return STATUS_ACCESS_DENIED;
	if ((o = open_add(r->c)) == NULL ||
	    (o->path = strdup(name)) == NULL) {
		if (o)
			open_free(r->c, o);
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	o->special = kind;
	o->pipe = kind == SPECIAL_PIPE;
	o->sess = r->sess;
	o->tree = r->tree;
	o->granted = grant(q->desired_access) |
	    (kind == SPECIAL_PIPE ? FILE_WRITE_DATA : 0);
	o->st.nlink = 1;
	o->st.dir = kind == SPECIAL_QUOTA;
	fill_special(o, &fi);
	memset(&p, 0, sizeof(p));
	p.action = FILE_OPENED;
	p.fi = &fi;
	p.fid.persistent = p.fid.volatile_ = o->id;
	smb2_put_create_resp(&r->b, &p);
	r->new_fid = p.fid;
	r->body_done = true;
	return 0;
}

/* CREATE on IPC$: the srvsvc pipe, or nothing. */
static uint32_t
open_pipe(struct req *r, const struct smb2_create_req *q, const char *path)
{
	if (!pipe_name_ok(path))
		return STATUS_OBJECT_NAME_NOT_FOUND;
	return open_special(r, q, SPECIAL_PIPE);
}

uint32_t
smb_create(struct req *r)
{
	struct share *sh = r->tree->share;
	struct smb2_create_req q;
	struct smb2_create_resp p;
	struct smb2_file_info fi;
	struct be_node *node;
	struct be_stat st;
	struct open *o;
	char path[SMBD_MAXPATH], found[SMBD_MAXPATH], esc[300];
	bool data_stream;
	uint32_t s;
	int e;

	if ((s = smb2_parse_create(r->m, &q)) != 0)
		return s;
	if (is_quota_file(&q))
		return open_special(r, &q, SPECIAL_QUOTA);
	if ((s = client_path(q.name, q.name_len, path, sizeof(path),
	    &data_stream)) != 0)
		return s;
	if (sh->ipc)		/* a pipe is written to: no read-only rules */
		return open_pipe(r, &q, path);
	if ((s = create_allowed(r, &q, path)) != 0)
		return s;
	e = sh->ops->open(sh->be, path, &node, found, sizeof(found));
	if (e == -ENOENT && q.disposition == FILE_OPEN_IF) {
		denied(r, "create", path);
		return STATUS_ACCESS_DENIED;
	}
	if (e < 0 && data_stream)
		return STATUS_OBJECT_NAME_INVALID;	/* as a no-streams FS */
	if (e == -EIO) {	/* a damaged image, a failing disk */
		pxe_log_escape_flags(esc, sizeof(esc), path, strlen(path),
		    PXE_ESC_BACKSLASH);
		log_err("read error: %s: %s", esc, strerror(EIO));
	}
	if (e < 0)
		return errno_status(e);
	if ((e = sh->ops->stat(node, &st)) < 0) {
		sh->ops->close(node);
		return errno_status(e);
	}
	if ((q.options & FILE_DIRECTORY_FILE) && !st.dir) {
		sh->ops->close(node);
		return STATUS_NOT_A_DIRECTORY;
	}
	if ((q.options & FILE_NON_DIRECTORY_FILE) && st.dir) {
		sh->ops->close(node);
		return STATUS_FILE_IS_A_DIRECTORY;
	}
	if ((o = open_add(r->c)) == NULL ||
	    (o->path = strdup(found)) == NULL) {
		if (o)
			open_free(r->c, o);
		sh->ops->close(node);
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	o->node = node;
	o->st = st;
	o->sess = r->sess;
	o->tree = r->tree;
	o->granted = grant(q.desired_access);
	r->c->d->c.opens++;
	fill_info(&st, base_name(found), &fi);
	memset(&p, 0, sizeof(p));
	grant_caching(r, &q, st.dir, &p);
	p.action = FILE_OPENED;
	p.fi = &fi;
	p.fid.persistent = p.fid.volatile_ = o->id;
	p.mxac = find_ctx(&q, "MxAc") != NULL;
	p.maximal_access = SMB2_READONLY_ACCESS;
	p.qfid = find_ctx(&q, "QFid") != NULL;
	smb2_put_create_resp(&r->b, &p);
	r->new_fid = p.fid;
	r->body_done = true;
	log_debug("%s: open /%s", r->c->peer, found);
	return 0;
}

uint32_t
smb_close(struct req *r)
{
	struct smb2_close_req q;
	struct smb2_file_info fi;
	struct be_stat st;
	struct open *o;
	uint32_t s;

	if ((s = smb2_parse_close(r->m, &q)) != 0)
		return s;
	if ((o = open_get(r, &q.fid, &s)) == NULL)
		return s;
	if (q.flags & SMB2_CLOSE_FLAG_POSTQUERY_ATTRIB) {
		open_stat(o, &st);
		if (o->special)
			fill_special(o, &fi);
		else
			fill_info(&st, base_name(o->path), &fi);
		smb2_put_close_resp(&r->b, q.flags, &fi);
	} else {
		smb2_put_close_resp(&r->b, 0, NULL);
	}
	open_free(r->c, o);
	r->body_done = true;
	return 0;
}

/* ---- READ, WRITE ---- */

uint32_t
smb_write(struct req *r)
{
	struct smb2_write_req q;
	struct open *o;
	uint32_t s;

	if ((s = smb2_parse_write(r->m, &q)) != 0)
		return s;
	if ((o = open_get(r, &q.fid, &s)) == NULL)
		return s;
	if (!o->pipe) {
		denied(r, "write to", o->path);
		return STATUS_ACCESS_DENIED;
	}
	if (pipe_write(r->c, o, q.data, q.len) < 0)
		return STATUS_INVALID_PARAMETER;
	smb2_put_write_resp(&r->b, (uint32_t)q.len);
	r->body_done = true;
	return 0;
}

uint32_t
smb_read(struct req *r)
{
	struct conn *c = r->c;
	struct smb2_read_req q;
	struct open *o;
	char esc[300];
	ssize_t n;
	uint32_t s;

	if ((s = smb2_parse_read(r->m, &q)) != 0)
		return s;
	if ((o = open_get(r, &q.fid, &s)) == NULL)
		return s;
	if (o->pipe)
		return pipe_smb_read(r, o, &q);
	if (o->st.dir)
		return STATUS_INVALID_DEVICE_REQUEST;
	if (!(o->granted & (FILE_READ_DATA | FILE_EXECUTE)))
		return STATUS_ACCESS_DENIED;
	if (q.length > c->max_read)
		return STATUS_INVALID_PARAMETER;
	/* Files end before 2^63 (off_t): past that the request is wrong,
	 * not the disk (Windows answers the same). */
	if (q.offset > (uint64_t)INT64_MAX - q.length)
		return STATUS_INVALID_PARAMETER;
	if (req_reserve(r, 16 + (size_t)q.length) < 0)
		return STATUS_INSUFFICIENT_RESOURCES;
	n = o->tree->share->ops->pread(o->node, r->b.data + SMB2_READ_DATA_OFF,
	    q.length, q.offset);
	if (n < 0) {
		if (!o->io_error_logged) {
			pxe_log_escape_flags(esc, sizeof(esc), o->path,
			    strlen(o->path), PXE_ESC_BACKSLASH);
			log_err("read error: %s at %" PRIu64 ": %s", esc,
			    q.offset, strerror((int)-n));
			o->io_error_logged = true;
		}
		return n == -EIO ? STATUS_IO_DEVICE_ERROR :
		    STATUS_INVALID_DEVICE_REQUEST;
	}
	if (n == 0 || (uint32_t)n < q.minimum)
		return STATUS_END_OF_FILE;
	smb2_put_read_resp(&r->b, (uint32_t)n);
	r->b.off = SMB2_READ_DATA_OFF + (size_t)n;
	c->d->c.reads++;
	c->d->c.bytes_read += (uint64_t)n;
	if (o->bytes_read == 0)
		log_first_read(c, o);
	o->bytes_read += (uint64_t)n;
	r->body_done = true;
	return 0;
}

/* ---- the rest ---- */

uint32_t
smb_ioctl(struct req *r)
{
	struct smb2_ioctl_req q;
	struct open *o;
	uint32_t s;

	if ((s = smb2_parse_ioctl(r->m, &q)) != 0)
		return s;
	switch (q.ctl_code) {
	case FSCTL_VALIDATE_NEGOTIATE_INFO:
		return smb_validate_negotiate(r, q.input, q.input_len);
	case FSCTL_DFS_GET_REFERRALS:
	case FSCTL_DFS_GET_REFERRALS_EX:
		return STATUS_NOT_FOUND;
	case FSCTL_QUERY_NETWORK_INTERFACE_INFO:
		return STATUS_NOT_SUPPORTED;
	}
	/* The rest act on an open file: it must be one. */
	if ((o = open_get(r, &q.fid, &s)) == NULL)
		return s;
	if (q.ctl_code == FSCTL_PIPE_TRANSCEIVE && o->pipe)
		return pipe_transceive(r, o, &q);
	return STATUS_INVALID_DEVICE_REQUEST;
}

uint32_t
smb_denied(struct req *r)
{
	static const char *what[SMB2_NCMDS] = {
		[SMB2_WRITE] = "write to", [SMB2_SET_INFO] = "set info on",
		[SMB2_FLUSH] = "flush",
	};
	struct smb2_fid fid;
	struct open *o;
	uint32_t s;

	if ((s = smb2_parse_fid(r->m, &fid)) != 0)
		return s;
	if ((o = open_get(r, &fid, &s)) == NULL)
		return s;
	if (r->m->h.command == SMB2_OPLOCK_BREAK)
		return STATUS_INVALID_PARAMETER;	/* none granted */
	denied(r, what[r->m->h.command], o->path);
	return STATUS_ACCESS_DENIED;
}

uint32_t
smb_lock(struct req *r)
{
	struct smb2_fid fid;
	uint32_t s;

	if ((s = smb2_parse_fid(r->m, &fid)) != 0)
		return s;
	if (open_get(r, &fid, &s) == NULL)
		return s;
	smb2_put_empty_resp(&r->b);
	r->body_done = true;
	return 0;	/* nobody writes: every lock is granted */
}

uint32_t
smb_echo(struct req *r)
{
	smb2_put_empty_resp(&r->b);
	r->body_done = true;
	return 0;
}

uint32_t
smb_change_notify(struct req *r)
{
	struct conn *c = r->c;
	struct smb2_fid fid;
	struct pending *p;
	struct open *o;
	uint32_t s;

	if ((s = smb2_parse_fid(r->m, &fid)) != 0)
		return s;
	if ((o = open_get(r, &fid, &s)) == NULL)
		return s;
	if (!o->st.dir)
		return STATUS_INVALID_PARAMETER;
	/* Nothing here ever changes: the request waits for CANCEL or
	 * CLOSE.  Only the last of a compound can wait. */
	if (r->m->h.next != 0)
		return STATUS_NOT_SUPPORTED;
	if (c->npending >= SMBD_MAX_PENDING ||
	    (p = calloc(1, sizeof(*p))) == NULL)
		return STATUS_INSUFFICIENT_RESOURCES;
	p->async_id = ++c->next_async_id;
	p->message_id = r->m->h.message_id;
	p->credit_charge = r->m->h.credit_charge;
	p->sess = r->sess;
	p->open = o;
	p->sign = (r->m->h.flags & SMB2_FLAGS_SIGNED) != 0;
	p->next = c->pending;
	c->pending = p;
	c->npending++;
	r->async_id = p->async_id;
	return STATUS_PENDING;
}
