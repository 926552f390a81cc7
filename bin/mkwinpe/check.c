/*
 * check: --check, whether the media is Windows media mkwinpe can use,
 * writing nothing.  The same checks as a run (UDF or ISO9660, the boot
 * files the outputs need, a boot.wim with the Windows Setup image 2), but
 * boot.wim is not handed to wimlib, which reads only named files: its
 * header and XML description are read in place through the source, which
 * is enough to know its images, their names and architectures.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wimlib.h>

#include "libpxe/utf16.h"
#include "mkwinpe.h"

#define WIM_HDR_SIZE	208
#define WIM_XML_MAX	(16u << 20)

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* The text of <TAG> in [s, end) into out, or "" when it has none. */
static void
xml_text(const char *s, const char *end, const char *tag, char *out,
    size_t cap)
{
	char open[32];
	const char *p, *q;
	size_t n;

	out[0] = '\0';
	snprintf(open, sizeof(open), "<%s>", tag);
	if ((p = strstr(s, open)) == NULL || p >= end)
		return;
	p += strlen(open);
	if ((q = strchr(p, '<')) == NULL || q > end)
		return;
	n = (size_t)(q - p) < cap - 1 ? (size_t)(q - p) : cap - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

/* boot.wim's XML as UTF-8 (malloc'd) and its image count; 0, or 1 after
 * reporting. */
static int
read_wim_xml(struct mkwinpe *m, struct src_file *f, char **xml,
    uint32_t *images)
{
	const char *what = m->cfg.dir_in ? f->path : "sources/boot.wim";
	uint8_t hdr[WIM_HDR_SIZE], *raw = NULL;
	uint64_t off, size;
	ssize_t n;

	n = source_pread(f, hdr, sizeof(hdr), 0);
	if (n < 0) {
		fail(m, "cannot read %s of '%s': %s", f->name, m->src.name,
		    strerror((int)-n));
		return 1;
	}
	if (n < (ssize_t)sizeof(hdr) || memcmp(hdr, "MSWIM\0\0\0", 8) != 0) {
		fail(m, "%s: %s", what,
		    wimlib_get_error_string(WIMLIB_ERR_NOT_A_WIM_FILE));
		return 1;
	}
	*images = le32(hdr + 44);
	size = le64(hdr + 72) & 0x00ffffffffffffffull;
	off = le64(hdr + 80);
	*xml = NULL;
	if (size < 2 || size > WIM_XML_MAX || size % 2 ||
	    (raw = malloc(size)) == NULL ||
	    source_pread(f, raw, size, off) != (ssize_t)size ||
	    (*xml = malloc(size * 2 + 1)) == NULL ||
	    pxe_utf16_to_utf8(raw[0] == 0xff && raw[1] == 0xfe ? raw + 2 : raw,
	    raw[0] == 0xff && raw[1] == 0xfe ? size - 2 : size, *xml,
	    size * 2 + 1) < 0) {
		free(raw);
		free(*xml);
		*xml = NULL;
		fail(m, "%s: %s", what,
		    wimlib_get_error_string(WIMLIB_ERR_XML));
		return 1;
	}
	free(raw);
	return 0;
}

/* What image 2 of boot.wim is: its name and architecture. */
static int
check_wim(struct mkwinpe *m, char *name, size_t ncap, const char **arch)
{
	static const struct {
		const char *id;
		const char *name;
	} arches[] = {
		{ "0", "x86" }, { "5", "arm" }, { "9", "x64" }, { "12", "arm64" },
	};
	char *xml = NULL, *img, *end, id[8];
	struct src_file f;
	uint32_t images = 0;
	size_t i;
	int r;

	if ((r = source_file(&m->src, "sources/boot.wim", &f)) < 0) {
		fail(m, "cannot read sources/boot.wim of '%s': %s",
		    m->src.name, strerror(-r));
		return 1;
	}
	r = read_wim_xml(m, &f, &xml, &images);
	source_file_close(&f);
	if (r != 0)
		return 1;
	if (images < 2 || (img = strstr(xml, "<IMAGE INDEX=\"2\"")) == NULL) {
		fail(m, "'%s': sources/boot.wim has %u image%s, not the "
		    "Windows Setup image 2 mkwinpe needs", m->src.name, images,
		    images == 1 ? "" : "s");
		free(xml);
		return 1;
	}
	if ((end = strstr(img, "</IMAGE>")) == NULL)
		end = img + strlen(img);
	xml_text(img, end, "NAME", name, ncap);
	xml_text(img, end, "ARCH", id, sizeof(id));
	free(xml);
	*arch = "unknown";
	for (i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
		if (strcmp(id, arches[i].id) == 0)
			*arch = arches[i].name;
	if (m->cfg.arch && strcmp(*arch, "unknown") != 0 &&
	    strcmp(m->cfg.arch, *arch) != 0) {
		fail(m, "--arch %s: boot.wim image 2 is %s", m->cfg.arch,
		    *arch);
		return 1;
	}
	return 0;
}

/*
 * The editions install.wim (or install.esd, whose header and XML are laid
 * out alike) holds, into buf: "; install.wim: Windows 11 Home, Windows 11
 * Pro, ..." -- or nothing when there is none or it cannot be read, since
 * mkwinpe does not need it.
 */
static void
editions(struct mkwinpe *m, char *buf, size_t cap)
{
	static const char *const names[] = { "sources/install.wim",
	    "sources/install.esd" };
	char *xml = NULL, *p, name[128], err[sizeof(m->err)];
	struct src_file f;
	uint32_t images = 0, n = 0;
	size_t i, len;

	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (source_file(&m->src, names[i], &f) == 0)
			break;
	if (i == sizeof(names) / sizeof(names[0]))
		return;
	memcpy(err, m->err, sizeof(err));
	if (read_wim_xml(m, &f, &xml, &images) != 0) {
		memcpy(m->err, err, sizeof(err));	/* not an error here */
		source_file_close(&f);
		return;
	}
	source_file_close(&f);
	len = (size_t)snprintf(buf, cap, "; %s:", names[i] + 8);
	for (p = xml; n < 3 && (p = strstr(p, "<IMAGE INDEX=")) != NULL; n++) {
		xml_text(p, p + strlen(p), "NAME", name, sizeof(name));
		if (len < cap)
			len += (size_t)snprintf(buf + len, cap - len, "%s %s",
			    n ? "," : "", name);
		p++;
	}
	if (images > 3 && len < cap)
		snprintf(buf + len, cap - len, " and %u more", images - 3);
	free(xml);
}

int
check_media(struct mkwinpe *m, unsigned outputs)
{
	const char *arch;
	char name[256], more[512];

	if (source_open(m) != 0 ||
	    source_check(m, outputs ? outputs : NEED_ALL) != 0 ||
	    check_wim(m, name, sizeof(name), &arch) != 0)
		return 1;
	editions(m, more, sizeof(more));
	printf("%s: Windows media (%s), boot.wim image 2 \"%s\", %s%s\n",
	    m->src.name, m->src.iso ? isofs_format_name(m->src.iso) :
	    "directory", name, arch, more);
	return fflush(stdout) == 0 ? 0 : 1;
}
