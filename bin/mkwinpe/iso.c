/*
 * iso: the bootable ISO written with libisofs.  bootmgr, boot/bcd,
 * boot/boot.sdi, etfsboot.com and the EFI files are cut out of the source
 * (iso_tree_add_new_cut_out_node on the Windows ISO itself, or on the file
 * of the extracted tree), so nothing is copied before the image is
 * written; the new boot.wim comes from a descriptor through a small stream
 * class of our own, which also reads the rare source file that is not one
 * contiguous extent.  El Torito: BIOS no-emulation etfsboot.com loading 8
 * sectors, and UEFI (platform 0xEF) efisys.bin with its load size set, the
 * catalog hidden; ISO9660 level 1 names without version or trailing dot
 * (as mkwinpeimg's mkisofs -d -N), plus Joliet.
 *
 * When the ISO is the only output holding boot.wim, it is written in place
 * with no scratch copy: boot.wim is the image's last file (lowest sort
 * weight), so its position P does not depend on its size.  A dry run with
 * a placeholder finds P (padded to a filesystem block with a hidden file);
 * wimlib writes the WIM at the start of the output file, a
 * FALLOC_FL_INSERT_RANGE of P bytes moves it to P without copying, and the
 * real run writes everything around it, checking the directory records
 * point at P before skipping over the WIM.  Where the filesystem cannot
 * insert ranges (tmpfs, btrfs), the WIM goes to a scratch file instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

/* The public declaration of struct burn_source, as libisofs ships it for
 * programs that do not use libburn. */
#define LIBISOFS_WITHOUT_LIBBURN 1
#include <libisofs.h>

#include "libpxe/log.h"
#include "mkwinpe.h"

#define ETFSBOOT	"/boot/etfsboot.com"
#define EFISYS		"/efi/microsoft/boot/efisys.bin"
#define CATALOG		"/boot.catalog"
#define BUFSZ		(256u << 10)
#define STREAM_FS_ID	0x4d4b5750u	/* "MKWP": our streams' id space */

/* What the writer thread's streams report back. */
struct iso_job {
	int err;		/* errno of the first failed read */
	const char *what;	/* the file it was reading */
};

/* A stream: size bytes at off of fd, or of a source file. */
struct fd_stream {
	struct iso_job *job;
	struct src_file *sf;	/* read through the source, or NULL */
	int fd;			/* -1: zeros (a placeholder, see below) */
	uint64_t off, size, pos;
	const char *what;
};

static int
st_open(IsoStream *s)
{
	((struct fd_stream *)s->data)->pos = 0;
	return ISO_SUCCESS;
}

static int
st_close(IsoStream *s)
{
	(void)s;
	return ISO_SUCCESS;
}

static off_t
st_size(IsoStream *s)
{
	return (off_t)((struct fd_stream *)s->data)->size;
}

/* Fill all of count bytes (libisofs wants whole reads until the end). */
static int
st_read(IsoStream *s, void *buf, size_t count)
{
	struct fd_stream *d = s->data;
	size_t want, got = 0;
	ssize_t n;

	if (d->pos >= d->size)
		return 0;
	want = count < d->size - d->pos ? count : (size_t)(d->size - d->pos);
	if (d->sf == NULL && d->fd < 0) {
		memset(buf, 0, want);
		d->pos += want;
		return (int)want;
	}
	while (got < want) {
		if (d->sf)
			n = source_pread(d->sf, (uint8_t *)buf + got,
			    want - got, d->pos + got);
		else
			n = pread(d->fd, (uint8_t *)buf + got, want - got,
			    (off_t)(d->off + d->pos + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (d->job->err == 0) {
				d->job->err = n == 0 ? EIO : (d->sf ?
				    (int)-n : errno);
				d->job->what = d->what;
			}
			return ISO_FILE_READ_ERROR;
		}
		got += (size_t)n;
	}
	d->pos += got;
	return (int)got;
}

static int
st_repeatable(IsoStream *s)
{
	(void)s;
	return 1;
}

static void
st_id(IsoStream *s, unsigned int *fs_id, dev_t *dev_id, ino_t *ino_id)
{
	*fs_id = STREAM_FS_ID;
	*dev_id = 0;
	*ino_id = (ino_t)(uintptr_t)s;	/* unique while it lives */
}

static void
st_free(IsoStream *s)
{
	free(s->data);
}

static int
st_update_size(IsoStream *s)
{
	(void)s;
	return ISO_SUCCESS;
}

static IsoStreamIface fd_stream_class = {
	1, "user", st_open, st_close, st_size, st_read, st_repeatable,
	st_id, st_free, st_update_size, NULL, NULL, NULL,
};

/* The directory at path (made as needed) under the image root. */
static int
mkdirs(IsoImage *image, const char *path, IsoDir **dirp)
{
	char buf[512], *p, *slash;
	IsoDir *dir = iso_image_get_root(image);
	IsoNode *node;
	int r;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf; (slash = strchr(p, '/')) != NULL; p = slash + 1) {
		*slash = '\0';
		r = iso_dir_get_node(dir, p, &node);
		if (r == 1 && iso_node_get_type(node) == LIBISO_DIR)
			dir = (IsoDir *)node;
		else if (r == 1)
			return ISO_WRONG_ARG_VALUE;
		else if ((r = iso_tree_add_new_dir(dir, p, &dir)) < 0)
			return r;
	}
	*dirp = dir;
	return 0;
}

/* Everything one image needs, kept across the dry and the real run. */
struct iso_build {
	struct iso_job job;
	struct src_file files[16];
	int nf;
	uint64_t efisys;	/* its size, 0 if the media has none */
	IsoImage *image;
};

/* A new stream node at path: size bytes of fd at off, of the source file
 * sf, or zeros when both are absent. */
static int
add_stream(IsoImage *image, struct iso_job *job, const char *path,
    struct src_file *sf, int fd, uint64_t off, uint64_t size, IsoNode **nodep)
{
	const char *leaf = strrchr(path, '/') + 1;
	struct fd_stream *d;
	IsoStream *s;
	IsoDir *dir;
	IsoFile *file;
	int r;

	if ((r = mkdirs(image, path + 1, &dir)) < 0)
		return r;
	if ((d = calloc(1, sizeof(*d))) == NULL ||
	    (s = calloc(1, sizeof(*s))) == NULL) {
		free(d);
		return ISO_OUT_OF_MEM;
	}
	d->job = job;
	d->sf = sf;
	d->fd = fd;
	d->off = off;
	d->size = sf ? sf->size : size;
	d->what = sf ? sf->name : path + 1;
	s->class = &fd_stream_class;
	s->refcount = 1;
	s->data = d;
	/* The new node takes over our reference to s. */
	if ((r = iso_tree_add_new_file(dir, leaf, s, &file)) < 0)
		iso_stream_unref(s);
	else if (nodep)
		*nodep = (IsoNode *)file;
	return r;
}

/* Add one source file: cut out of the ISO or the tree's file, or through
 * a stream when its data is scattered (or it is empty). */
static int
add_source(IsoImage *image, struct iso_job *job, const char *path,
    struct src_file *sf)
{
	IsoDir *dir;
	int r;

	if (!sf->path[0] || sf->size == 0)
		return add_stream(image, job, path, sf, -1, 0, 0, NULL);
	if ((r = mkdirs(image, path + 1, &dir)) < 0)
		return r;
	return iso_tree_add_new_cut_out_node(image, dir, strrchr(path, '/') + 1,
	    sf->path, (off_t)sf->off, (off_t)sf->size, NULL);
}

/* El Torito entries: BIOS etfsboot.com, and UEFI efisys.bin if present. */
static int
add_boot(IsoImage *image, uint64_t efisys_size)
{
	ElToritoBootImage *bios, *efi;
	uint64_t sectors = (efisys_size + 511) / 512;
	int r;

	if ((r = iso_image_set_boot_image(image, ETFSBOOT, ELTORITO_NO_EMUL,
	    CATALOG, &bios)) < 0)
		return r;
	el_torito_set_load_size(bios, 8);
	iso_image_set_boot_catalog_hidden(image, LIBISO_HIDE_ON_RR |
	    LIBISO_HIDE_ON_JOLIET | LIBISO_HIDE_ON_1999);
	if (efisys_size == 0)
		return 0;
	if ((r = iso_image_add_boot_image(image, EFISYS, ELTORITO_NO_EMUL, 0,
	    &efi)) < 0)
		return r;
	el_torito_set_boot_platform_id(efi, 0xef);
	/* The catalog's count is 16 bits of 512-byte sectors. */
	el_torito_set_load_size(efi, (short)(sectors > 0xffff ? 0xffff :
	    sectors));
	return 0;
}

/* A libisofs error as text: its queued message if there is one. */
static void
iso_fail(struct mkwinpe *m, int r, const char *what)
{
	char text[4096], sev[80];
	int code = 0, imgid = 0;

	if (iso_obtain_msgs("FAILURE", &code, &imgid, text, sev) > 0)
		fail(m, "%s: %s", what, text);
	else
		fail(m, "%s: %s", what, iso_error_to_msg(r));
}

/* Open the source files the image takes, once for every run. */
static void
open_files(struct mkwinpe *m, struct iso_build *b)
{
	int i;

	for (i = 0; boot_files[i].name && b->nf < 16; i++) {
		if (!((boot_files[i].need | boot_files[i].want) & NEED_ISO) ||
		    strcmp(boot_files[i].name, "sources/boot.wim") == 0)
			continue;
		if (source_file(&m->src, boot_files[i].name,
		    &b->files[b->nf]) < 0)
			continue;	/* optional; required ones were checked */
		if (strcmp(boot_files[i].name, EFISYS + 1) == 0)
			b->efisys = b->files[b->nf].size;
		b->nf++;
	}
}

/*
 * The image tree: the source files, boot.wim (size bytes of wim_fd, or a
 * placeholder of zeros when wim_fd < 0) written last, and pad hidden bytes
 * written before it.
 */
static int
make_image(struct mkwinpe *m, struct iso_build *b, int wim_fd,
    uint64_t size, uint64_t pad)
{
	IsoNode *node = NULL;
	char path[300];
	int i, r;

	if (b->image)
		iso_image_unref(b->image);
	b->image = NULL;
	/* Every node's time, and the image's, is the epoch: the same inputs
	 * give the same bytes. */
	iso_nowtime(&m->epoch, 1);
	if ((r = iso_image_new(m->volume_id, &b->image)) < 0) {
		iso_fail(m, r, "cannot make the ISO");
		return 1;
	}
	iso_image_set_data_preparer_id(b->image, "PXEKIT MKWINPE");
	for (i = 0; i < b->nf; i++) {
		snprintf(path, sizeof(path), "/%s", b->files[i].name);
		r = add_source(b->image, &b->job, path, &b->files[i]);
		if (r < 0) {
			iso_fail(m, r, path);
			return 1;
		}
	}
	if ((r = add_stream(b->image, &b->job, "/sources/boot.wim", NULL,
	    wim_fd, 0, size, &node)) < 0 || (r = add_boot(b->image,
	    b->efisys)) < 0) {
		iso_fail(m, r, "cannot make the ISO");
		return 1;
	}
	iso_node_set_sort_weight(node, -1);	/* after everything else */
	if (pad > 0) {
		if ((r = add_stream(b->image, &b->job, "/mkwinpe.pad", NULL,
		    -1, 0, pad, &node)) < 0) {
			iso_fail(m, r, "cannot make the ISO");
			return 1;
		}
		iso_node_set_hidden(node, LIBISO_HIDE_ON_RR |
		    LIBISO_HIDE_ON_JOLIET | LIBISO_HIDE_ON_1999 |
		    LIBISO_HIDE_BUT_WRITE);
	}
	return 0;
}

static IsoWriteOpts *
write_opts(struct mkwinpe *m, uint64_t wim_size)
{
	char uuid[32];
	struct tm tm;
	IsoWriteOpts *o;

	if (iso_write_opts_new(&o, 0) < 0)
		return NULL;
	/* The volume's times, written as the digits of the epoch in UTC,
	 * and every file's: nothing of the clock when it is written. */
	gmtime_r(&m->epoch, &tm);
	strftime(uuid, sizeof(uuid), "%Y%m%d%H%M%S00", &tm);
	iso_write_opts_set_pvd_times(o, m->epoch, m->epoch, 0, 0, uuid);
	iso_write_opts_set_replace_timestamps(o, 2);
	iso_write_opts_set_default_timestamp(o, m->epoch);
	/* boot.wim of 4 GiB or more needs level 3's multi-extent files. */
	iso_write_opts_set_iso_level(o, wim_size >= 0xffffffffull ? 3 : 1);
	iso_write_opts_set_joliet(o, 1);
	iso_write_opts_set_rockridge(o, 0);
	iso_write_opts_set_omit_version_numbers(o, 1);
	iso_write_opts_set_no_force_dots(o, 3);	/* ISO9660 and Joliet */
	iso_write_opts_set_always_gmt(o, 1);
	/* The volume id as given ("Microsoft Windows PE (x64)"). */
	iso_write_opts_set_relaxed_vol_atts(o, 1);
	iso_write_opts_set_sort_files(o, 1);
	return o;
}

/* Where the ISO9660 records of the image in fd put sources/boot.wim. */
static int
wim_position(int fd, uint64_t *off, uint64_t *size)
{
	char path[64];
	struct isofs_stat st;
	struct isofs *fs;
	int r;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if ((r = isofs_open(&fs, path, ISOFS_NO_UDF)) < 0)
		return r;
	r = isofs_stat(fs, "sources/boot.wim", &st);
	isofs_close(fs);
	if (r < 0)
		return r;
	*off = st.offset;
	*size = st.size;
	return 0;
}

/* Where the writer is: the range of the file not to write, and where
 * boot.wim must be when the pump gets there. */
struct skip {
	uint64_t off, len;
	bool checked;
};

/* pwrite all of len bytes at off; 0 or -errno. */
static int
pwrite_all(int fd, const uint8_t *p, size_t len, uint64_t off)
{
	ssize_t w;

	while (len > 0) {
		w = pwrite(fd, p, len, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		len -= (size_t)w;
		off += (uint64_t)w;
	}
	return 0;
}

/* Write the chunk at [at, at + n) except what falls in the skipped range;
 * when the range starts, the records already written must point at it. */
static int
put_chunk(struct mkwinpe *m, int fd, const uint8_t *buf, size_t n,
    uint64_t at, struct skip *sk)
{
	uint64_t end = at + n, s0 = sk->off, s1 = sk->off + sk->len;
	uint64_t off, size;
	int r;

	if (sk->len == 0 || end <= s0 || at >= s1)
		r = pwrite_all(fd, buf, n, at);
	else {
		r = at < s0 ? pwrite_all(fd, buf, (size_t)(s0 - at), at) : 0;
		if (r == 0 && end > s1)
			r = pwrite_all(fd, buf + (s1 - at), (size_t)(end - s1),
			    s1);
	}
	if (r < 0) {
		fail(m, "cannot write '%s': %s", m->out_iso.final,
		    strerror(-r));
		return 1;
	}
	if (sk->len && !sk->checked && end >= s0) {
		sk->checked = true;
		if (wim_position(fd, &off, &size) < 0 || off != s0 ||
		    size != sk->len) {
			fail(m, "'%s': boot.wim is not where the dry run "
			    "put it", m->out_iso.final);
			return 1;
		}
	}
	return 0;
}

/* Generate b->image into fd from offset 0, skipping sk's range. */
static int
generate(struct mkwinpe *m, struct iso_build *b, int fd, uint64_t wim_size,
    struct skip *sk, const char *phase)
{
	struct burn_source *bs = NULL;
	IsoWriteOpts *opts;
	uint64_t done = 0, total;
	uint8_t *buf;
	int n = 0, r;

	if ((opts = write_opts(m, wim_size)) == NULL) {
		fail(m, "out of memory");
		return 1;
	}
	r = iso_image_create_burn_source(b->image, opts, &bs);
	iso_write_opts_free(opts);
	if (r < 0) {
		iso_fail(m, r, "cannot make the ISO");
		return 1;
	}
	if ((buf = malloc(BUFSZ)) == NULL) {
		bs->cancel(bs);
		bs->free_data(bs);
		free(bs);
		fail(m, "out of memory");
		return 1;
	}
	total = (uint64_t)bs->get_size(bs);
	progress_start(m, phase, phase ? total : 0);
	r = 0;
	/* read_xt gives a whole buffer or nothing: the last read must ask
	 * for exactly what is left. */
	while (done < total && (n = bs->read_xt(bs, buf, total - done <
	    BUFSZ ? (int)(total - done) : (int)BUFSZ)) > 0) {
		if ((r = put_chunk(m, fd, buf, (size_t)n, done, sk)) != 0)
			break;
		done += (uint64_t)n;
		progress_update(m, done);
		if ((r = interrupted(m)) != 0)
			break;
		/* Once boot.wim is reached and checked, only its sector's
		 * zero padding may follow: no need to have libisofs produce
		 * the placeholder's zeros, the file already holds them. */
		if (sk->checked && total == sk->off + (sk->len + 2047) /
		    2048 * 2048) {
			done = total;
			break;
		}
	}
	if (r == 0 && (n < 0 || done < total))
		r = -1;
	if (r != 0 || done < (uint64_t)bs->get_size(bs) || sk->checked)
		bs->cancel(bs);
	progress_end(m);
	free(buf);
	bs->free_data(bs);	/* waits for the generator thread */
	free(bs);
	if (r == 0 && ftruncate(fd, (off_t)total) < 0) {
		fail(m, "cannot write '%s': %s", m->out_iso.final,
		    strerror(errno));
		r = 1;
	}
	if (b->job.err)
		fail(m, "cannot read %s of '%s': %s", b->job.what, m->src.name,
		    strerror(b->job.err));
	else if (r < 0)
		iso_fail(m, ISO_WRITE_ERROR, "cannot make the ISO");
	return r ? 1 : 0;
}

static void
build_free(struct iso_build *b)
{
	int i;

	if (b->image)
		iso_image_unref(b->image);
	for (i = 0; i < b->nf; i++)
		source_file_close(&b->files[i]);
	iso_finish();
}

static int
build_init(struct mkwinpe *m, struct iso_build *b)
{
	memset(b, 0, sizeof(*b));
	if (iso_init() < 0) {
		fail(m, "cannot start libisofs");
		return 1;
	}
	iso_set_msgs_severities("FAILURE", "NEVER", "mkwinpe");
	open_files(m, b);
	if (b->efisys == 0)
		log_warn("no efi/microsoft/boot/efisys.bin in '%s': the ISO "
		    "boots on BIOS only", m->src.name);
	return 0;
}

uint64_t
iso_estimate(struct mkwinpe *m)
{
	struct src_file f;
	uint64_t sum = 1u << 20;	/* metadata, catalog, padding */
	int i;

	for (i = 0; boot_files[i].name; i++) {
		if (!((boot_files[i].need | boot_files[i].want) & NEED_ISO))
			continue;
		/* The new boot.wim replaces the source's: the caller adds it. */
		if (strcmp(boot_files[i].name, "sources/boot.wim") == 0)
			continue;
		if (source_file(&m->src, boot_files[i].name, &f) == 0) {
			sum += f.size + 2048;
			source_file_close(&f);
		}
	}
	return sum;
}

int
iso_write(struct mkwinpe *m, int fd)
{
	struct skip none = { 0, 0, false };
	struct iso_build b;
	int r;

	if (build_init(m, &b) != 0)
		return 1;
	r = make_image(m, &b, m->wim_fd, m->wim_size, 0) ||
	    generate(m, &b, fd, m->wim_size, &none, "writing the ISO");
	build_free(&b);
	return r;
}

/* The dry runs: where boot.wim will be, on a filesystem block.  0, or 2
 * when no padding puts it on one. */
static int
find_position(struct mkwinpe *m, struct iso_build *b, int fd,
    uint64_t *pos, uint64_t *pad)
{
	struct skip none = { 0, 0, false };
	struct stat sb;
	uint64_t blk, size;
	int tries;

	if (fstat(fd, &sb) < 0 || sb.st_blksize < 2048 ||
	    sb.st_blksize % 2048 != 0)
		return 2;
	blk = (uint64_t)sb.st_blksize;
	*pad = 0;
	for (tries = 0; tries < 2; tries++) {
		if (make_image(m, b, -1, 2048, *pad) != 0 ||
		    generate(m, b, fd, 2048, &none, NULL) != 0)
			return 1;
		if (wim_position(fd, pos, &size) < 0 || size != 2048)
			return 2;
		if (*pos % blk == 0)
			return 0;
		*pad += blk - *pos % blk;
	}
	return 2;
}

int
iso_plan(struct mkwinpe *m, int fd, struct iso_plan *p)
{
	struct iso_build b;
	int r;

	if (build_init(m, &b) != 0)
		return 1;
	r = find_position(m, &b, fd, &p->pos, &p->pad);
	build_free(&b);
	if (r == 0 && (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0)) {
		fail(m, "cannot write '%s': %s", m->out_iso.final,
		    strerror(errno));
		r = 1;
	}
	return r;
}

int
iso_finish_in_place(struct mkwinpe *m, int fd, const struct iso_plan *p)
{
	struct skip sk = { p->pos, m->wim_size, false };
	struct iso_build b;
	int r;

	if (fallocate(fd, FALLOC_FL_INSERT_RANGE, 0, (off_t)p->pos) < 0) {
		if (errno != EOPNOTSUPP && errno != EINVAL && errno != ENOSYS) {
			fail(m, "cannot write '%s': %s", m->out_iso.final,
			    strerror(errno));
			return 1;
		}
		log_info("no FALLOC_FL_INSERT_RANGE here (%s): boot.wim is "
		    "copied into the ISO", strerror(errno));
		return 3;
	}
	log_info("boot.wim moved to byte %llu of the ISO in place",
	    (unsigned long long)p->pos);
	if (build_init(m, &b) != 0)
		return 1;
	r = make_image(m, &b, -1, m->wim_size, p->pad) ||
	    generate(m, &b, fd, m->wim_size, &sk, "writing the ISO");
	build_free(&b);
	return r;
}

bool
iso_can_insert(int dirfd)
{
	char buf[8192];
	struct stat sb;
	bool ok = false;
	int fd;

	fd = openat(dirfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return false;
	memset(buf, 'x', sizeof(buf));
	if (fstat(fd, &sb) == 0 && sb.st_blksize >= 2048 &&
	    sb.st_blksize <= (blksize_t)sizeof(buf) / 2 &&
	    write(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf))
		ok = fallocate(fd, FALLOC_FL_INSERT_RANGE, 0,
		    sb.st_blksize) == 0;
	close(fd);
	return ok;
}
