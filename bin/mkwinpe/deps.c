/*
 * deps: every file one run reads besides its outputs -- the Windows ISO
 * (or the files of --windows-dir it takes), --start-script, --unattend,
 * --smb-password-file, and each file and folder inside --overlay and
 * --drivers -- for two uses: --depfile writes them as a make rule (the
 * way gcc -MD -MP does: the outputs depend on them, and an empty rule per
 * file so that a deleted one makes make rebuild instead of stop), and the
 * newest of their modification times is the time stamped into the outputs
 * when SOURCE_DATE_EPOCH does not give one, so that the same inputs give
 * the same bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <fts.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "libpxe/opts.h"
#include "mkwinpe.h"

/* Add a copy of path; 0 or -ENOMEM. */
static int
deps_add(struct deps *d, const char *path)
{
	char **v;

	if (d->n == d->cap) {
		v = realloc(d->v, (d->cap ? d->cap * 2 : 32) * sizeof(*v));
		if (v == NULL)
			return -ENOMEM;
		d->v = v;
		d->cap = d->cap ? d->cap * 2 : 32;
	}
	if ((d->v[d->n] = strdup(path)) == NULL)
		return -ENOMEM;
	d->n++;
	return 0;
}

static int
by_name(const FTSENT **a, const FTSENT **b)
{
	return strcmp((*a)->fts_name, (*b)->fts_name);
}

/* The folder and everything under it, in name order; 0 or -errno. */
static int
deps_add_tree(struct deps *d, const char *dir)
{
	char *const paths[] = { (char *)dir, NULL };
	FTSENT *e;
	FTS *fts;
	int r = 0;

	if ((fts = fts_open(paths, FTS_PHYSICAL | FTS_NOCHDIR, by_name)) == NULL)
		return -errno;
	while (r == 0 && (e = fts_read(fts)) != NULL)
		if (e->fts_info != FTS_DP)
			r = deps_add(d, e->fts_path);
	fts_close(fts);
	return r;
}

void
deps_free(struct deps *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->v[i]);
	free(d->v);
	memset(d, 0, sizeof(*d));
}

int
deps_collect(struct mkwinpe *m, unsigned outputs)
{
	const struct mkwinpe_config *c = &m->cfg;
	struct deps *d = &m->deps;
	const char *single[] = { c->iso_in, c->start_script, c->unattend,
	    c->password_file };
	const char *trees[] = { c->drivers, c->overlay };
	char path[PATH_MAX];
	struct src_file f;
	struct stat sb;
	size_t i, len = strlen(m->src.abspath);
	const char *sde;
	uint64_t t;
	int r = 0;

	for (i = 0; r == 0 && i < sizeof(single) / sizeof(single[0]); i++)
		if (single[i])
			r = deps_add(d, single[i]);
	/* From a tree: the files of it the outputs take, as found there. */
	for (i = 0; r == 0 && c->dir_in && boot_files[i].name; i++) {
		if (!((boot_files[i].need | boot_files[i].want) & outputs) ||
		    source_file(&m->src, boot_files[i].name, &f) < 0)
			continue;
		snprintf(path, sizeof(path), "%s%s", c->dir_in,
		    f.path + len);
		source_file_close(&f);
		r = deps_add(d, path);
	}
	for (i = 0; r == 0 && i < sizeof(trees) / sizeof(trees[0]); i++)
		if (trees[i])
			r = deps_add_tree(d, trees[i]);
	if (r < 0) {
		fail(m, "cannot list the inputs: %s", strerror(-r));
		return 1;
	}
	m->epoch = 0;
	if ((sde = getenv("SOURCE_DATE_EPOCH")) != NULL && *sde) {
		if (pxe_parse_u64(sde, 0, (uint64_t)INT32_MAX * 2, &t) < 0) {
			fail(m, "SOURCE_DATE_EPOCH: '%s' is not a number of "
			    "seconds since 1970", sde);
			return 1;
		}
		m->epoch = (time_t)t;
		return 0;
	}
	for (i = 0; i < d->n; i++)
		if (lstat(d->v[i], &sb) == 0 && sb.st_mtime > m->epoch)
			m->epoch = sb.st_mtime;
	return 0;
}

/*
 * One name for make: spaces and tabs after a backslash, '#' and ':'
 * escaped, '$' doubled.  -EINVAL for a newline, which make cannot read.
 */
static int
put_name(FILE *f, const char *s)
{
	size_t bs = 0;

	for (; *s; s++) {
		if (*s == '\n' || *s == '\r')
			return -EINVAL;
		if (*s == ' ' || *s == '\t') {
			for (; bs > 0; bs--)	/* double the backslashes */
				putc('\\', f);
			putc('\\', f);
		} else if (*s == '#' || *s == ':')
			putc('\\', f);
		else if (*s == '$')
			putc('$', f);
		bs = *s == '\\' ? bs + 1 : 0;
		putc(*s, f);
	}
	return 0;
}

/* The rule into f; 0, or -EINVAL for a name make cannot read. */
static int
put_rules(FILE *f, const struct mkwinpe *m)
{
	const char *outs[] = { m->cfg.out_iso, m->cfg.out_wim,
	    m->cfg.out_tftp };
	int r = 0, n = 0;
	size_t i;

	for (i = 0; i < sizeof(outs) / sizeof(outs[0]); i++) {
		if (outs[i] == NULL)
			continue;
		if (n++)
			putc(' ', f);
		r |= put_name(f, outs[i]);
	}
	putc(':', f);
	for (i = 0; i < m->deps.n; i++) {
		fputs(" \\\n ", f);
		r |= put_name(f, m->deps.v[i]);
	}
	putc('\n', f);
	for (i = 0; i < m->deps.n; i++) {
		putc('\n', f);
		r |= put_name(f, m->deps.v[i]);
		fputs(":\n", f);
	}
	return r ? -EINVAL : 0;
}

int
deps_write(struct mkwinpe *m)
{
	const char *path = m->cfg.depfile;
	char tmp[PATH_MAX];
	FILE *f = NULL;
	int fd, r, err = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.mkwinpe-XXXXXX", path) >=
	    sizeof(tmp)) {
		fail(m, "--depfile: '%s': %s", path, strerror(ENAMETOOLONG));
		return 1;
	}
	if ((fd = mkstemp(tmp)) < 0 || (f = fdopen(fd, "w")) == NULL) {
		fail(m, "--depfile: cannot write '%s': %s", path,
		    strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		return 1;
	}
	r = put_rules(f, m);
	if (fflush(f) != 0 || ferror(f) || fchmod(fd, 0644) < 0)
		err = errno ? errno : EIO;
	if (fclose(f) != 0 && err == 0)
		err = errno;
	if (r == 0 && err == 0 && rename(tmp, path) == 0)
		return 0;
	if (r == 0 && err == 0)
		err = errno;
	unlink(tmp);
	if (r < 0)
		fail(m, "--depfile: an input has a newline in its name, which "
		    "make cannot read: rename it");
	else
		fail(m, "--depfile: cannot write '%s': %s", path,
		    strerror(err));
	return 1;
}

const char *
deps_read_password(struct mkwinpe_config *c, const char *path)
{
	const char *why;

	c->password_file = path;
	if ((why = pxe_opt_secret_file(path, &c->password_buf)) != NULL)
		return why;
	c->smb_password = c->password_buf;
	if (script_check_value(SV_PASSWORD, c->smb_password) != NULL)
		return "has a first line the start script cannot carry (a "
		    "double quote, a control character, or over 127 bytes)";
	return NULL;
}
