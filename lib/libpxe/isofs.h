/*
 * isofs: a read-only view of an ISO image file.  The UDF side is read
 * first (through libcdio's libudf: modern Windows ISOs keep every file
 * there and only a README on the ISO9660 side), and ISO9660 with Joliet
 * (libiso9660) is the fallback for older and hand-made images.  Names are
 * paths with '/' or '\' between components, matched case-insensitively
 * component by component (the first match in the directory wins; Windows
 * media never have two names differing only in case).  The libraries walk
 * the directories; file data is read here, straight from the image with
 * pread() through the extent list of the file's UDF File Entry (or its
 * ISO9660 directory record), so any byte range can be read in any order,
 * and a file recorded as one contiguous extent reports its byte offset in
 * the image (mkwinpe cuts such files out of the source ISO instead of
 * copying them; pxe-smbd serves shares from them).  Limits: UDF directories must
 * be File Entries in one extent (libudf), ISO9660 files one extent below
 * 4 GiB (libiso9660 2.1); libcdio's own messages are silenced.  An isofs
 * is not safe to use from two threads at once.
 */
#ifndef PXE_ISOFS_H
#define PXE_ISOFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ISOFS_NAME_MAX		1023	/* bytes of one name, UTF-8 */
#define ISOFS_PATH_MAX		4095	/* bytes of a path */
#define ISOFS_NO_OFFSET		UINT64_MAX
#define ISOFS_MAX_EXTENTS	256	/* per file, UDF allocation descriptors */

struct isofs;
struct isofs_dir;
struct isofs_file;

enum isofs_format {
	ISOFS_UDF = 1,
	ISOFS_ISO9660,		/* with Joliet names when the image has them */
};

/* Flags for isofs_open. */
enum {
	ISOFS_NO_UDF = 1 << 0,	/* read the ISO9660/Joliet side even if UDF is there */
	ISOFS_NO_ISO9660 = 1 << 1,	/* UDF or nothing */
};

struct isofs_stat {
	uint64_t size;		/* bytes */
	int64_t mtime;		/* seconds since 1970-01-01 UTC */
	uint64_t offset;	/* byte offset of the data in the image when it
				   is one recorded extent (and not empty), else
				   ISOFS_NO_OFFSET */
	bool is_dir;
};

struct isofs_dirent {
	char name[ISOFS_NAME_MAX + 1];	/* as recorded (no ";1" version) */
	struct isofs_stat st;
};

/* One run of a file's data: len bytes at byte offset off of the image. */
struct isofs_extent {
	uint64_t off;
	uint64_t len;
	bool recorded;		/* false: allocated or sparse, reads as zeros */
};

/*
 * Open the image at path.  0 and *fsp set, or -errno: -ENOENT and the like
 * from open(), -EISDIR, -EMEDIUMTYPE when it is neither UDF nor ISO9660 (or
 * not the one flags allow), -ENOMEM.
 */
int isofs_open(struct isofs **fsp, const char *path, unsigned flags);
void isofs_close(struct isofs *fs);

enum isofs_format isofs_format(const struct isofs *fs);
/* "UDF", "ISO9660+Joliet" or "ISO9660", for messages. */
const char *isofs_format_name(const struct isofs *fs);
/* The image's file descriptor (for copy_file_range on known offsets). */
int isofs_fd(const struct isofs *fs);

/* Stat a path ("" and "/" are the root).  0, -ENOENT, -ENOTDIR, -EIO. */
int isofs_stat(struct isofs *fs, const char *path, struct isofs_stat *st);

/*
 * Like isofs_stat, and also the path as recorded in the image (components
 * joined with '/', no leading '/') in found (capacity cap).
 */
int isofs_resolve(struct isofs *fs, const char *path, struct isofs_stat *st,
    char *found, size_t cap);

/*
 * List a directory: isofs_readdir gives 1 and fills *e per entry ("." and
 * ".." are left out), 0 at the end, or -errno.  Close every opened dir.
 */
int isofs_opendir(struct isofs *fs, const char *path, struct isofs_dir **dp);
int isofs_readdir(struct isofs_dir *d, struct isofs_dirent *e);
void isofs_closedir(struct isofs_dir *d);

/* Open a regular file for reading; -EISDIR for a directory. */
int isofs_fopen(struct isofs *fs, const char *path, struct isofs_file **fp);
void isofs_fclose(struct isofs_file *f);
const struct isofs_stat *isofs_fstat(const struct isofs_file *f);
/*
 * Read up to len bytes at byte offset off of the file: the count read
 * (short only at the end of the file, 0 at or past it), or -errno.
 */
ssize_t isofs_read(struct isofs_file *f, void *buf, size_t len, uint64_t off);

/*
 * Decode a UDF File Entry or Extended File Entry (ECMA-167 4/14.9 and
 * 4/14.17; len bytes, one logical block) of a partition starting at block
 * part_start: its size, type and mtime into *st, its data as up to cap
 * extents into ext (*next set), or, for data recorded inside the entry,
 * *inl_off and *inl_len (bytes into fe; both 0 otherwise).  Pure; 0, or
 * -EIO for a malformed entry, -E2BIG for more than cap extents or a
 * continuation of the descriptor list, -ENOTSUP for extended descriptors.
 */
int isofs_udf_decode_fe(const uint8_t *fe, size_t len, uint32_t part_start,
    struct isofs_stat *st, struct isofs_extent *ext, unsigned cap,
    unsigned *next, size_t *inl_off, size_t *inl_len);

/*
 * Decode a UDF file identifier (OSTA CS0, len bytes: a compression id, 8
 * for one byte per character or 16 for big-endian UTF-16, then the
 * characters) into UTF-8 in out (capacity cap); pure.  The UTF-8 length,
 * -EILSEQ for an unknown id, an odd UTF-16 length, an unpaired surrogate
 * or a NUL, -ENAMETOOLONG when out is too small.
 */
ssize_t isofs_udf_name(const uint8_t *d, size_t len, char *out, size_t cap);

/*
 * A UDF timestamp (ECMA-167 1/7.3, 12 bytes) as seconds since the epoch,
 * UTC; pure.
 */
int64_t isofs_udf_time(const uint8_t ts[12]);

#endif
