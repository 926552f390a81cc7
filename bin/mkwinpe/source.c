/*
 * source: the Windows media mkwinpe reads, either an ISO image through
 * lib/libpxe/isofs (no mount) or an extracted tree through fsroot (names
 * matched case-insensitively in both), and the table of the files each
 * output takes from it.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mkwinpe.h"

/* The files taken from the media: required by, or copied into if present. */
const struct boot_file boot_files[] = {
	{ "sources/boot.wim", NEED_ALL, 0 },
	{ "bootmgr", NEED_ISO | NEED_TFTP, 0 },
	{ "boot/bcd", NEED_ISO | NEED_TFTP, 0 },
	{ "boot/boot.sdi", NEED_ISO | NEED_TFTP, 0 },
	{ "boot/etfsboot.com", NEED_ISO, 0 },
	{ "efi/microsoft/boot/efisys.bin", 0, NEED_ISO },
	{ "efi/microsoft/boot/bcd", 0, NEED_ISO | NEED_TFTP },
	{ "efi/boot/bootx64.efi", 0, NEED_ISO | NEED_TFTP },
	{ "efi/boot/bootia32.efi", 0, NEED_ISO | NEED_TFTP },
	{ "efi/boot/bootaa64.efi", 0, NEED_ISO | NEED_TFTP },
	{ NULL, 0, 0 },
};

int
source_open(struct mkwinpe *m)
{
	struct source *s = &m->src;
	const char *path = m->cfg.iso_in ? m->cfg.iso_in : m->cfg.dir_in;
	int r;

	memset(s, 0, sizeof(*s));
	s->name = path;
	if (realpath(path, s->abspath) == NULL) {
		fail(m, "cannot open '%s': %s", path, strerror(errno));
		return 1;
	}
	if (m->cfg.dir_in) {
		if ((r = pxe_fsroot_open(&s->dir, path)) < 0) {
			fail(m, "--windows-dir: cannot open '%s': %s", path,
			    strerror(-r));
			return 1;
		}
		s->have_dir = true;
		return 0;
	}
	if ((r = isofs_open(&s->iso, path, 0)) == -EMEDIUMTYPE) {
		fail(m, "'%s' is not an ISO image (neither UDF nor ISO9660)",
		    path);
		return 1;
	}
	if (r < 0) {
		fail(m, "cannot open '%s': %s", path, strerror(-r));
		return 1;
	}
	return 0;
}

void
source_close(struct source *s)
{
	isofs_close(s->iso);
	s->iso = NULL;
	if (s->have_dir)
		pxe_fsroot_close(&s->dir);
	s->have_dir = false;
}

int
source_file(struct source *s, const char *name, struct src_file *f)
{
	char found[PXE_FSROOT_MAXNAME + 1];
	const struct isofs_stat *st;
	int r, fd;

	memset(f, 0, sizeof(*f));
	f->name = name;
	f->fd = -1;
	f->pread_fd = -1;
	if (s->iso) {
		if ((r = isofs_fopen(s->iso, name, &f->isof)) < 0)
			return r;
		st = isofs_fstat(f->isof);
		f->size = st->size;
		if (st->offset != ISOFS_NO_OFFSET) {
			snprintf(f->path, sizeof(f->path), "%s", s->abspath);
			f->pread_fd = isofs_fd(s->iso);
			f->off = st->offset;
		}
		return 0;
	}
	fd = pxe_fsroot_open_read(&s->dir, name, strlen(name), found,
	    sizeof(found), &f->size);
	if (fd < 0)
		return fd;
	f->fd = f->pread_fd = fd;
	if ((size_t)snprintf(f->path, sizeof(f->path), "%s/%s", s->abspath,
	    found) >= sizeof(f->path)) {
		source_file_close(f);
		return -ENAMETOOLONG;
	}
	return 0;
}

ssize_t
source_pread(struct src_file *f, void *buf, size_t len, uint64_t off)
{
	ssize_t n;

	if (f->pread_fd < 0)
		return isofs_read(f->isof, buf, len, off);
	if (off >= f->size)
		return 0;
	if (len > f->size - off)
		len = (size_t)(f->size - off);
	do
		n = pread(f->pread_fd, buf, len, (off_t)(f->off + off));
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

void
source_file_close(struct src_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	isofs_fclose(f->isof);
	f->fd = f->pread_fd = -1;
	f->isof = NULL;
}

int
source_check(struct mkwinpe *m, unsigned outputs)
{
	struct src_file f;
	char missing[512];
	size_t len = 0;
	int i, r;

	missing[0] = '\0';
	for (i = 0; boot_files[i].name; i++) {
		if (!(boot_files[i].need & outputs))
			continue;
		if ((r = source_file(&m->src, boot_files[i].name, &f)) == 0) {
			source_file_close(&f);
			continue;
		}
		if (r != -ENOENT && r != -EISDIR && r != -ENOTDIR &&
		    r != -EACCES) {
			fail(m, "'%s': cannot read %s: %s", m->src.name,
			    boot_files[i].name, strerror(-r));
			return 1;
		}
		len += (size_t)snprintf(missing + len, sizeof(missing) - len,
		    "%s%s", len ? ", " : "", boot_files[i].name);
		if (len >= sizeof(missing))
			len = sizeof(missing) - 1;
	}
	if (len == 0)
		return 0;
	fail(m, "'%s' is not a Windows %s: no %s", m->src.name,
	    m->src.iso ? (isofs_format(m->src.iso) == ISOFS_UDF ?
	    "ISO (read as UDF)" : "ISO (read as ISO9660, it has no UDF)") :
	    "tree", missing);
	return 1;
}
