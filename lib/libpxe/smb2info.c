/*
 * smb2info: the file and file-system information classes (MS-FSCC 2.4,
 * 2.5) QUERY_INFO and QUERY_DIRECTORY answer with, a read-only security
 * descriptor, and Windows wildcard matching.  Part of the smb2 module;
 * declared in smb2.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "smb2.h"
#include "utf16.h"

#define FILETIME_EPOCH	11644473600LL	/* seconds from 1601 to 1970 */

uint64_t
smb2_filetime(int64_t sec, long nsec)
{
	if (sec < -FILETIME_EPOCH)
		return 0;
	return (uint64_t)(sec + FILETIME_EPOCH) * 10000000u +
	    (uint64_t)nsec / 100;
}

/* Write name (UTF-8) as UTF-16LE; its length in bytes, or -errno. */
static ssize_t
put_name(struct pxe_buf *b, const char *name, size_t n)
{
	ssize_t len;
	uint8_t *p;

	len = pxe_utf8_to_utf16(name, n, NULL, 0);
	if (len < 0)
		return len;
	if ((p = (uint8_t *)pxe_buf_get_ptr(b, (size_t)len)) == NULL)
		return -ENOSPC;
	pxe_utf8_to_utf16(name, n, p, (size_t)len);
	return len;
}

/* The UTF-16 length of a name (for length fields written before it). */
static ssize_t
name_len16(const struct smb2_file_info *fi)
{
	return pxe_utf8_to_utf16(fi->name, fi->name_len, NULL, 0);
}

static void
put_times(struct pxe_buf *b, const struct smb2_file_info *fi)
{
	pxe_buf_put_le64(b, fi->creation);
	pxe_buf_put_le64(b, fi->access);
	pxe_buf_put_le64(b, fi->write);
	pxe_buf_put_le64(b, fi->change);
}

static void
put_basic(struct pxe_buf *b, const struct smb2_file_info *fi)
{
	put_times(b, fi);
	pxe_buf_put_le32(b, fi->attrs);
	pxe_buf_put_le32(b, 0);
}

static void
put_standard(struct pxe_buf *b, const struct smb2_file_info *fi)
{
	pxe_buf_put_le64(b, fi->alloc);
	pxe_buf_put_le64(b, fi->eof);
	pxe_buf_put_le32(b, fi->nlink ? fi->nlink : 1);
	pxe_buf_put_u8(b, 0);		/* DeletePending */
	pxe_buf_put_u8(b, fi->dir);
	pxe_buf_put_le16(b, 0);
}

/* Length-prefixed name (FileNameInformation layout). */
static int
put_len_name(struct pxe_buf *b, const struct smb2_file_info *fi)
{
	ssize_t n = name_len16(fi);

	if (n < 0)
		return (int)n;
	pxe_buf_put_le32(b, (uint32_t)n);
	return put_name(b, fi->name, fi->name_len) < 0 ? -ENOSPC : 0;
}

static int
fi_basic(struct pxe_buf *b, const struct smb2_file_info *fi)
{
	put_basic(b, fi);
	return 0;
}

static int
fi_standard(struct pxe_buf *b, const struct smb2_file_info *fi)
{
	put_standard(b, fi);
	return 0;
}

static int
fi_internal(struct pxe_buf *b, const struct smb2_file_info *fi)
{
	pxe_buf_put_le64(b, fi->file_id);
	return 0;
}

static int
fi_ea(struct pxe_buf *b, const struct smb2_file_info *fi)
{
	pxe_buf_put_le32(b, 0);
	return 0;
}

static int
fi_access(struct pxe_buf *b, const struct smb2_file_info *fi)
{
	pxe_buf_put_le32(b, fi->granted);
	return 0;
}

static int
fi_position(struct pxe_buf *b, const struct smb2_file_info *fi)
{
	pxe_buf_put_le64(b, fi->position);
	return 0;
}

static int
fi_mode(struct pxe_buf *b, const struct smb2_file_info *fi)
{
	pxe_buf_put_le32(b, fi->mode);
	return 0;
}

static int
fi_alignment(struct pxe_buf *b, const struct smb2_file_info *fi)
{
	pxe_buf_put_le32(b, 0);		/* FILE_BYTE_ALIGNMENT */
	return 0;
}

static int
fi_all(struct pxe_buf *b, const struct smb2_file_info *fi)
{
	put_basic(b, fi);
	put_standard(b, fi);
	pxe_buf_put_le64(b, fi->file_id);
	pxe_buf_put_le32(b, 0);		/* EaSize */
	pxe_buf_put_le32(b, fi->granted);
	pxe_buf_put_le64(b, fi->position);
	pxe_buf_put_le32(b, fi->mode);
	pxe_buf_put_le32(b, 0);		/* alignment */
	return put_len_name(b, fi);
}

static int
fi_stream(struct pxe_buf *b, const struct smb2_file_info *fi)
{
	static const char data[] = "::$DATA";

	if (fi->dir)
		return 0;	/* directories have no data stream */
	pxe_buf_put_le32(b, 0);		/* NextEntryOffset */
	pxe_buf_put_le32(b, (sizeof(data) - 1) * 2);
	pxe_buf_put_le64(b, fi->eof);
	pxe_buf_put_le64(b, fi->alloc);
	return put_name(b, data, sizeof(data) - 1) < 0 ? -ENOSPC : 0;
}

static int
fi_compression(struct pxe_buf *b, const struct smb2_file_info *fi)
{
	pxe_buf_put_le64(b, fi->eof);
	pxe_buf_put_le16(b, 0);		/* COMPRESSION_FORMAT_NONE */
	pxe_buf_put_u8(b, 0);
	pxe_buf_put_u8(b, 0);
	pxe_buf_put_u8(b, 0);
	pxe_buf_put_bytes(b, "\0\0\0", 3);
	return 0;
}

static int
fi_network_open(struct pxe_buf *b, const struct smb2_file_info *fi)
{
	put_times(b, fi);
	pxe_buf_put_le64(b, fi->alloc);
	pxe_buf_put_le64(b, fi->eof);
	pxe_buf_put_le32(b, fi->attrs);
	pxe_buf_put_le32(b, 0);
	return 0;
}

static int
fi_attribute_tag(struct pxe_buf *b, const struct smb2_file_info *fi)
{
	pxe_buf_put_le32(b, fi->attrs);
	pxe_buf_put_le32(b, 0);		/* ReparseTag */
	return 0;
}

static int
fi_id(struct pxe_buf *b, const struct smb2_file_info *fi)
{
	pxe_buf_put_le64(b, fi->volume_id);
	pxe_buf_put_le64(b, fi->file_id);
	pxe_buf_put_le64(b, 0);
	return 0;
}

static int
fi_name(struct pxe_buf *b, const struct smb2_file_info *fi)
{
	return put_len_name(b, fi);
}

struct info_class {
	uint8_t cls;
	uint8_t fixed;		/* least output that is not a mismatch */
	int (*put)(struct pxe_buf *b, const struct smb2_file_info *fi);
};

static const struct info_class file_classes[] = {
	{ FileBasicInformation, 40, fi_basic },
	{ FileStandardInformation, 24, fi_standard },
	{ FileInternalInformation, 8, fi_internal },
	{ FileEaInformation, 4, fi_ea },
	{ FileAccessInformation, 4, fi_access },
	{ FilePositionInformation, 8, fi_position },
	{ FileModeInformation, 4, fi_mode },
	{ FileAlignmentInformation, 4, fi_alignment },
	{ FileAllInformation, 100, fi_all },
	{ FileStreamInformation, 0, fi_stream },
	{ FileCompressionInformation, 16, fi_compression },
	{ FileNetworkOpenInformation, 56, fi_network_open },
	{ FileAttributeTagInformation, 8, fi_attribute_tag },
	{ FileNormalizedNameInformation, 4, fi_name },
	{ FileIdInformation, 24, fi_id },
	{ 0, 0, NULL },
};

int
smb2_put_file_info(struct pxe_buf *b, uint8_t cls,
    const struct smb2_file_info *fi, size_t *fixed)
{
	const struct info_class *c;
	int r;

	for (c = file_classes; c->put != NULL; c++) {
		if (c->cls != cls)
			continue;
		if (fixed)
			*fixed = c->fixed;
		r = c->put(b, fi);
		if (r == 0 && !pxe_buf_ok(b))
			r = -ENOSPC;
		return r;
	}
	return -EINVAL;
}

/* ---- file system classes ---- */

static int
fs_put_label(struct pxe_buf *b, const char *s)
{
	ssize_t n = pxe_utf8_to_utf16(s, strlen(s), NULL, 0);

	if (n < 0)
		return (int)n;
	pxe_buf_put_le32(b, (uint32_t)n);
	return 0;
}

static int
fs_volume(struct pxe_buf *b, const struct smb2_fs_info *fs)
{
	pxe_buf_put_le64(b, fs->created);
	pxe_buf_put_le32(b, fs->serial);
	if (fs_put_label(b, fs->label) < 0)
		return -EILSEQ;
	pxe_buf_put_u8(b, 0);		/* SupportsObjects */
	pxe_buf_put_u8(b, 0);
	return put_name(b, fs->label, strlen(fs->label)) < 0 ? -ENOSPC : 0;
}

static int
fs_size(struct pxe_buf *b, const struct smb2_fs_info *fs)
{
	pxe_buf_put_le64(b, fs->total_units);
	pxe_buf_put_le64(b, fs->free_units);
	pxe_buf_put_le32(b, fs->sectors_per_unit);
	pxe_buf_put_le32(b, fs->bytes_per_sector);
	return 0;
}

static int
fs_device(struct pxe_buf *b, const struct smb2_fs_info *fs)
{
	pxe_buf_put_le32(b, 0x07);	/* FILE_DEVICE_DISK */
	pxe_buf_put_le32(b, 0x20);	/* FILE_DEVICE_IS_MOUNTED */
	return 0;
}

static int
fs_attribute(struct pxe_buf *b, const struct smb2_fs_info *fs)
{
	/* CASE_PRESERVED_NAMES, UNICODE_ON_DISK, READ_ONLY_VOLUME. */
	pxe_buf_put_le32(b, 0x00000002 | 0x00000004 | 0x00080000);
	pxe_buf_put_le32(b, 255);
	if (fs_put_label(b, fs->fs_name) < 0)
		return -EILSEQ;
	return put_name(b, fs->fs_name, strlen(fs->fs_name)) < 0 ?
	    -ENOSPC : 0;
}

static int
fs_control(struct pxe_buf *b, const struct smb2_fs_info *fs)
{
	pxe_buf_put_le64(b, 0);		/* FreeSpaceStartFiltering */
	pxe_buf_put_le64(b, 0);		/* FreeSpaceThreshold */
	pxe_buf_put_le64(b, 0);		/* FreeSpaceStopFiltering */
	pxe_buf_put_le64(b, UINT64_MAX);	/* DefaultQuotaThreshold */
	pxe_buf_put_le64(b, UINT64_MAX);	/* DefaultQuotaLimit */
	pxe_buf_put_le32(b, 0);		/* no quotas */
	pxe_buf_put_le32(b, 0);
	return 0;
}

static int
fs_full_size(struct pxe_buf *b, const struct smb2_fs_info *fs)
{
	pxe_buf_put_le64(b, fs->total_units);
	pxe_buf_put_le64(b, fs->free_units);
	pxe_buf_put_le64(b, fs->free_units);
	pxe_buf_put_le32(b, fs->sectors_per_unit);
	pxe_buf_put_le32(b, fs->bytes_per_sector);
	return 0;
}

static int
fs_object_id(struct pxe_buf *b, const struct smb2_fs_info *fs)
{
	static const uint8_t zero[48];

	pxe_buf_put_bytes(b, fs->object_id, 16);
	pxe_buf_put_bytes(b, zero, sizeof(zero));
	return 0;
}

static int
fs_sector_size(struct pxe_buf *b, const struct smb2_fs_info *fs)
{
	uint32_t s = fs->bytes_per_sector;

	pxe_buf_put_le32(b, s);
	pxe_buf_put_le32(b, s);
	pxe_buf_put_le32(b, s);
	pxe_buf_put_le32(b, s);
	pxe_buf_put_le32(b, 0x3);	/* ALIGNED_DEVICE, PARTITION_ALIGNED */
	pxe_buf_put_le32(b, 0);
	pxe_buf_put_le32(b, 0);
	return 0;
}

struct fs_class {
	uint8_t cls;
	uint8_t fixed;
	int (*put)(struct pxe_buf *b, const struct smb2_fs_info *fs);
};

static const struct fs_class fs_classes[] = {
	{ FileFsVolumeInformation, 24, fs_volume },	/* as Windows */
	{ FileFsSizeInformation, 24, fs_size },
	{ FileFsDeviceInformation, 8, fs_device },
	{ FileFsAttributeInformation, 16, fs_attribute },
	{ FileFsControlInformation, 48, fs_control },
	{ FileFsFullSizeInformation, 32, fs_full_size },
	{ FileFsObjectIdInformation, 64, fs_object_id },
	{ FileFsSectorSizeInformation, 28, fs_sector_size },
	{ 0, 0, NULL },
};

int
smb2_put_fs_info(struct pxe_buf *b, uint8_t cls, const struct smb2_fs_info *fs,
    size_t *fixed)
{
	const struct fs_class *c;
	int r;

	for (c = fs_classes; c->put != NULL; c++) {
		if (c->cls != cls)
			continue;
		if (fixed)
			*fixed = c->fixed;
		r = c->put(b, fs);
		if (r == 0 && !pxe_buf_ok(b))
			r = -ENOSPC;
		return r;
	}
	return -EINVAL;
}

/* ---- directory entries ---- */

/* What each directory class carries after the common part. */
enum {
	DE_TIMES = 1,		/* times, sizes, attributes */
	DE_EA = 2,		/* EaSize */
	DE_SHORT = 4,		/* ShortNameLength, ShortName[24] */
	DE_ID = 8,		/* FileId (with a reserved field before it) */
	DE_EXTD = 16,		/* ReparsePointTag, a 128-bit FileId */
};

static const struct {
	uint8_t cls;
	uint8_t parts;
} dir_classes[] = {
	{ FileDirectoryInformation, DE_TIMES },
	{ FileFullDirectoryInformation, DE_TIMES | DE_EA },
	{ FileBothDirectoryInformation, DE_TIMES | DE_EA | DE_SHORT },
	{ FileIdBothDirectoryInformation, DE_TIMES | DE_EA | DE_SHORT | DE_ID },
	{ FileIdFullDirectoryInformation, DE_TIMES | DE_EA | DE_ID },
	{ FileNamesInformation, 0 },
	{ FileIdExtdDirectoryInformation, DE_TIMES | DE_EA | DE_EXTD },
	{ FileIdExtdBothDirectoryInformation,
	  DE_TIMES | DE_EA | DE_EXTD | DE_SHORT },
};

static int
dir_parts(uint8_t cls)
{
	size_t i;

	for (i = 0; i < sizeof(dir_classes) / sizeof(dir_classes[0]); i++)
		if (dir_classes[i].cls == cls)
			return dir_classes[i].parts;
	return -1;
}

bool
smb2_dir_class_ok(uint8_t cls)
{
	return dir_parts(cls) >= 0;
}

int
smb2_put_dirent(struct pxe_buf *b, uint8_t cls,
    const struct smb2_file_info *fi)
{
	static const uint8_t zero[24];
	int parts = dir_parts(cls);
	ssize_t n;

	if (parts < 0)
		return -EINVAL;
	if ((n = name_len16(fi)) < 0)
		return (int)n;
	pxe_buf_put_le32(b, 0);		/* NextEntryOffset, linked later */
	pxe_buf_put_le32(b, 0);		/* FileIndex */
	if (parts & DE_TIMES) {
		put_times(b, fi);
		pxe_buf_put_le64(b, fi->eof);
		pxe_buf_put_le64(b, fi->alloc);
		pxe_buf_put_le32(b, fi->attrs);
	}
	pxe_buf_put_le32(b, (uint32_t)n);
	if (parts & DE_EA)
		pxe_buf_put_le32(b, 0);
	if (parts & DE_EXTD) {
		pxe_buf_put_le32(b, 0);		/* ReparsePointTag */
		pxe_buf_put_le64(b, fi->file_id);
		pxe_buf_put_le64(b, 0);
	}
	if (parts & DE_SHORT) {
		pxe_buf_put_u8(b, 0);	/* no 8.3 names */
		pxe_buf_put_u8(b, 0);
		pxe_buf_put_bytes(b, zero, 24);
	}
	if (parts & DE_ID) {
		if (parts & DE_SHORT)
			pxe_buf_put_le16(b, 0);
		else
			pxe_buf_put_le32(b, 0);
		pxe_buf_put_le64(b, fi->file_id);
	}
	if (put_name(b, fi->name, fi->name_len) < 0 || !pxe_buf_ok(b))
		return -ENOSPC;
	return 0;
}

/* ---- security descriptor ---- */

#define OWNER_SECURITY_INFORMATION	0x1
#define GROUP_SECURITY_INFORMATION	0x2
#define DACL_SECURITY_INFORMATION	0x4

/* S-1-5-32-544 (BUILTIN\Administrators) and S-1-1-0 (Everyone). */
static const uint8_t sid_admins[16] = {
	1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x20, 0x02, 0, 0,
};
static const uint8_t sid_everyone[12] = {
	1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0,
};

int
smb2_put_security(struct pxe_buf *b, uint32_t additional, bool dir)
{
	size_t start = b->off, owner = 0, group = 0, dacl = 0, ace;
	uint16_t control = 0x8000;	/* SE_SELF_RELATIVE */

	if (additional & DACL_SECURITY_INFORMATION)
		control |= 0x0004;	/* SE_DACL_PRESENT */
	pxe_buf_put_u8(b, 1);
	pxe_buf_put_u8(b, 0);
	pxe_buf_put_le16(b, control);
	pxe_buf_put_bytes(b, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	if (additional & OWNER_SECURITY_INFORMATION) {
		owner = b->off - start;
		pxe_buf_put_bytes(b, sid_admins, sizeof(sid_admins));
	}
	if (additional & GROUP_SECURITY_INFORMATION) {
		group = b->off - start;
		pxe_buf_put_bytes(b, sid_admins, sizeof(sid_admins));
	}
	if (additional & DACL_SECURITY_INFORMATION) {
		dacl = b->off - start;
		ace = 8 + sizeof(sid_everyone);
		pxe_buf_put_u8(b, 2);		/* ACL_REVISION */
		pxe_buf_put_u8(b, 0);
		pxe_buf_put_le16(b, (uint16_t)(8 + ace));
		pxe_buf_put_le16(b, 1);		/* AceCount */
		pxe_buf_put_le16(b, 0);
		pxe_buf_put_u8(b, 0);		/* ACCESS_ALLOWED_ACE_TYPE */
		pxe_buf_put_u8(b, dir ? 0x03 : 0x00);	/* inherit */
		pxe_buf_put_le16(b, (uint16_t)ace);
		pxe_buf_put_le32(b, 0x001200a9);	/* read and execute */
		pxe_buf_put_bytes(b, sid_everyone, sizeof(sid_everyone));
	}
	if (!pxe_buf_ok(b))
		return -ENOSPC;
	b->data[start + 4] = (uint8_t)owner;
	b->data[start + 8] = (uint8_t)group;
	b->data[start + 16] = (uint8_t)dacl;
	return 0;
}

/* ---- wildcards ---- */

#define MAXCP	512	/* code points in a name or pattern */

/* Decode UTF-8 into code points (bad bytes kept as themselves). */
static size_t
decode(const char *s, size_t n, uint32_t *out, size_t cap)
{
	const char *end = s + n;
	size_t k = 0;
	int32_t c;

	while (s < end && k < cap) {
		const char *at = s;

		c = pxe_utf8_next(&s, end);
		out[k++] = c < 0 ? 0xdc00u + (uint8_t)*at : (uint32_t)c;
	}
	return k;
}

bool
smb2_has_wildcard(const char *pat, size_t plen)
{
	size_t i;

	for (i = 0; i < plen; i++)
		if (strchr("*?<>\"", pat[i]) != NULL && pat[i] != '\0')
			return true;
	return false;
}

/* Position of the last '.' in name[0..n), or n if none. */
static size_t
last_dot(const uint32_t *name, size_t n)
{
	size_t i;

	for (i = n; i > 0; i--)
		if (name[i - 1] == '.')
			return i - 1;
	return n;
}

/*
 * Pattern from i matches name from j, row by row from the pattern's end:
 * nxt is row i + 1, cur row i, each filled from the name's end, so a cell
 * reads only cells already computed.  Every cell costs O(1) (a '<' keeps
 * a running OR of the row below instead of scanning it), so a match costs
 * P x N, whatever the pattern: a 500-character '<' pattern used to cost
 * P x N^2 per name and held the loop for seconds.
 */
static bool
match_dp(const uint32_t *p, size_t P, const uint32_t *n, size_t N,
    bool *cur, bool *nxt)
{
	size_t i, j, dot = last_dot(n, N);
	bool v, run = false, *t;

	for (j = 0; j <= N; j++)
		nxt[j] = j == N;
	for (i = P; i-- > 0;) {
		for (j = N + 1; j-- > 0;) {
			switch (p[i]) {
			case '*':
				v = nxt[j] || (j < N && cur[j + 1]);
				break;
			case '?':
				v = j < N && nxt[j + 1];
				break;
			case '>':
				if (j == N || n[j] == '.')
					v = nxt[j];
				else
					v = nxt[j + 1];
				break;
			case '"':
				v = (j < N && n[j] == '.' && nxt[j + 1]) ||
				    (j == N && nxt[j]);
				break;
			case '<':
				/* Any run from j that does not pass the last
				 * dot (nxt[j..dot], or nxt[j..N] after it),
				 * or one through the last dot itself. */
				run = nxt[j] || (j < N && j != dot && run);
				v = run || (dot < N && dot >= j && nxt[dot + 1]);
				break;
			default:
				v = j < N && pxe_unicode_upper(p[i]) ==
				    pxe_unicode_upper(n[j]) && nxt[j + 1];
				break;
			}
			cur[j] = v;
		}
		t = nxt;
		nxt = cur;
		cur = t;
	}
	return nxt[0];
}

bool
smb2_wildcard_match(const char *pat, size_t plen, const char *name,
    size_t nlen)
{
	uint32_t *p, *n;
	size_t P, N;
	bool *rows, r = false;

	if (plen == 1 && pat[0] == '*')
		return true;
	p = malloc(MAXCP * sizeof(*p));
	n = malloc(MAXCP * sizeof(*n));
	rows = malloc(2 * (MAXCP + 1) * sizeof(*rows));
	if (p == NULL || n == NULL || rows == NULL)
		goto done;
	P = decode(pat, plen, p, MAXCP);
	N = decode(name, nlen, n, MAXCP);
	r = match_dp(p, P, n, N, rows, rows + MAXCP + 1);
done:
	free(p);
	free(n);
	free(rows);
	return r;
}
