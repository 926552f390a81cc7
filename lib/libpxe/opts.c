/* opts: table-driven getopt_long, --help and -C FILE; see opts.h. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"
#include "str.h"

/* The options every program has, appended after the program's table. */
static const struct pxe_opt common[] = {
	{ "config", 'C', "FILE", PXE_OPT_CONFIG,
	  "read options from FILE (one long option per line, no \"--\")" },
	{ "help", 'h', NULL, PXE_OPT_HELP, "show this help and exit" },
	{ "version", 'V', NULL, PXE_OPT_VERSION, "show the version and exit" },
	{ NULL, 0, NULL, 0, NULL },
};

int
pxe_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	const char *p;

	if (s == NULL || *s == '\0')
		return -EINVAL;
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

const char *
pxe_range_msg(char *buf, size_t cap, uint64_t min, uint64_t max)
{
	snprintf(buf, cap, "is not a number in %llu..%llu",
	    (unsigned long long)min, (unsigned long long)max);
	return buf;
}

int
pxe_usage_error(const char *prog, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

static size_t
count(const struct pxe_opt *o)
{
	size_t n = 0;

	while (o[n].name)
		n++;
	return n;
}

/* The option with long name name (len bytes), or NULL. */
static const struct pxe_opt *
find_long(const struct pxe_opts_spec *spec, const char *name, size_t len)
{
	const struct pxe_opt *tabs[2] = { spec->opts, common };
	const struct pxe_opt *o;
	size_t t;

	for (t = 0; t < 2; t++)
		for (o = tabs[t]; o->name; o++)
			if (strlen(o->name) == len &&
			    strncmp(o->name, name, len) == 0)
				return o;
	return NULL;
}

static void
print_opt(FILE *f, const struct pxe_opt *o)
{
	char left[64];

	if (o->short_name)
		snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name,
		    o->name, o->metavar ? " " : "", o->metavar ? o->metavar : "");
	else
		snprintf(left, sizeof(left), "    --%s%s%s", o->name,
		    o->metavar ? " " : "", o->metavar ? o->metavar : "");
	fprintf(f, "  %-28s %s\n", left, o->help);
}

void
pxe_opts_help(const struct pxe_opts_spec *spec, FILE *f)
{
	const struct pxe_opt *o;

	fprintf(f, "Usage: %s %s\n%s\n\nOptions:\n", spec->prog,
	    spec->synopsis, spec->summary);
	for (o = spec->opts; o->name; o++)
		print_opt(f, o);
	for (o = common; o->name; o++)
		print_opt(f, o);
	if (spec->epilog)
		fprintf(f, "\n%s", spec->epilog);
}

static int read_file(const struct pxe_opts_spec *spec, const char *path,
    int depth);

void
pxe_opts_free(struct pxe_opts_mem *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->n; i++)
		free(m->v[i]);
	free(m->v);
	*m = (struct pxe_opts_mem){ NULL, 0, 0 };
}

/*
 * A copy of s kept in m for the life of the program (a file's line buffer
 * is reused for the next line), or NULL when out of memory.
 */
static char *
keep(struct pxe_opts_mem *m, const char *s)
{
	char **v, *c;

	if (m == NULL)
		return NULL;
	if (m->n == m->cap) {
		v = realloc(m->v, (m->cap ? m->cap * 2 : 16) * sizeof(*v));
		if (v == NULL)
			return NULL;
		m->v = v;
		m->cap = m->cap ? m->cap * 2 : 16;
	}
	if ((c = strdup(s)) == NULL)
		return NULL;
	m->v[m->n++] = c;
	return c;
}

/*
 * path as named inside the file from: relative to that file's folder.
 * Written into buf; NULL when it does not fit.
 */
static const char *
relative_to(const char *from, const char *path, char *buf, size_t cap)
{
	const char *slash = strrchr(from, '/');
	int n;

	if (path[0] == '/' || slash == NULL)
		n = snprintf(buf, cap, "%s", path);
	else
		n = snprintf(buf, cap, "%.*s/%s", (int)(slash - from), from,
		    path);
	return n < 0 || (size_t)n >= cap ? NULL : buf;
}

/*
 * Hand one option to the program (or handle a common one).  where is
 * "FILE:LINE: " or "".  0 to go on, 1 to exit 0, 2 on error.
 */
static int
apply(const struct pxe_opts_spec *spec, const struct pxe_opt *o,
    const char *arg, const char *where, int depth)
{
	const char *msg;

	switch (o->id) {
	case PXE_OPT_HELP:
		pxe_opts_help(spec, stdout);
		return 1;
	case PXE_OPT_VERSION:
		printf("%s (pxekit) %s\n", spec->prog, spec->version);
		return 1;
	case PXE_OPT_CONFIG:
		if (depth > 4) {
			fprintf(stderr, "%s: %s--config: files nest too deep\n",
			    spec->prog, where);
			return 2;
		}
		return read_file(spec, arg, depth + 1);
	}
	msg = spec->fn(spec->ctx, o->id, arg);
	if (msg == NULL)
		return 0;
	if (arg)
		fprintf(stderr, "%s: %s--%s: '%s' %s\n", spec->prog, where,
		    o->name, arg, msg);
	else
		fprintf(stderr, "%s: %s--%s: %s\n", spec->prog, where, o->name,
		    msg);
	return 2;
}

/* Read one configuration file, nested depth files deep. */
static int
read_file(const struct pxe_opts_spec *spec, const char *path, int depth)
{
	char line[4096], where[512], inc[4096], *s, *val;
	const struct pxe_opt *o;
	const char *arg;
	size_t nlen;
	FILE *f;
	int lineno = 0, r = 0;

	if ((f = fopen(path, "re")) == NULL) {
		fprintf(stderr, "%s: --config: cannot open '%s': %s\n",
		    spec->prog, path, strerror(errno));
		return 2;
	}
	while (r == 0 && fgets(line, sizeof(line), f)) {
		lineno++;
		snprintf(where, sizeof(where), "%s:%d: ", path, lineno);
		if ((s = strchr(line, '#')) != NULL)
			*s = '\0';
		s = pxe_str_trim(line);
		if (*s == '\0')
			continue;
		nlen = strcspn(s, " \t=");
		val = s + nlen;
		if (*val) {
			*val++ = '\0';	/* ends the name */
			val = pxe_str_trim(val);
			if (*val == '=')
				val = pxe_str_trim(val + 1);
		}
		o = find_long(spec, s, nlen);
		if (o == NULL && nlen == 7 && strncmp(s, "include", 7) == 0)
			o = find_long(spec, "config", 6);
		if (o == NULL || o->id == PXE_OPT_HELP ||
		    o->id == PXE_OPT_VERSION) {
			fprintf(stderr, "%s: %sunknown option '%.*s'\n",
			    spec->prog, where, (int)nlen, s);
			r = 2;
		} else if (o->metavar && *val == '\0') {
			fprintf(stderr, "%s: %s%s needs a value\n", spec->prog,
			    where, o->name);
			r = 2;
		} else if (!o->metavar && *val) {
			fprintf(stderr, "%s: %s%s takes no value\n", spec->prog,
			    where, o->name);
			r = 2;
		} else if (o->id == PXE_OPT_CONFIG) {
			if ((arg = relative_to(path, val, inc, sizeof(inc))) ==
			    NULL) {
				fprintf(stderr, "%s: %s%s: '%s' is too long\n",
				    spec->prog, where, s, val);
				r = 2;
			} else {
				r = apply(spec, o, arg, where, depth);
			}
		} else if (o->metavar && (arg = keep(spec->mem, val)) == NULL) {
			fprintf(stderr, "%s: %s%s: %s\n", spec->prog, where,
			    o->name, spec->mem ? "out of memory" :
			    "this program cannot keep values from a file");
			r = 2;
		} else {
			r = apply(spec, o, o->metavar ? arg : NULL, where,
			    depth);
		}
	}
	fclose(f);
	return r;
}

int
pxe_opts_file(const struct pxe_opts_spec *spec, const char *path)
{
	return read_file(spec, path, 1);
}

int
pxe_opts_parse(const struct pxe_opts_spec *spec, int argc, char **argv,
    int *argidx)
{
	size_t n = count(spec->opts), nc = count(common), i, k = 0;
	struct option *lo;
	const struct pxe_opt *o, *byidx;
	char shortopts[256];
	int c, li, r = 0;

	lo = calloc(n + nc + 1, sizeof(*lo));
	if (lo == NULL) {
		fprintf(stderr, "%s: out of memory\n", spec->prog);
		return 2;
	}
	shortopts[k++] = ':';
	for (i = 0; i < n + nc; i++) {
		o = i < n ? &spec->opts[i] : &common[i - n];
		lo[i].name = o->name;
		lo[i].has_arg = o->metavar ? required_argument : no_argument;
		lo[i].val = 0;
		if (o->short_name && k + 3 < sizeof(shortopts)) {
			shortopts[k++] = (char)o->short_name;
			if (o->metavar)
				shortopts[k++] = ':';
		}
	}
	shortopts[k] = '\0';
	opterr = 0;
	optind = 1;
	while (r == 0 &&
	    (c = getopt_long(argc, argv, shortopts, lo, &li)) != -1) {
		byidx = NULL;
		if (c == 0) {
			byidx = (size_t)li < n ? &spec->opts[li] :
			    &common[li - (int)n];
		} else if (c != '?' && c != ':') {
			for (i = 0; i < n + nc && !byidx; i++) {
				o = i < n ? &spec->opts[i] : &common[i - n];
				if (o->short_name == c)
					byidx = o;
			}
		}
		if (c == ':') {
			fprintf(stderr, "%s: %s needs a value (see --help)\n",
			    spec->prog, argv[optind - 1]);
			r = 2;
		} else if (byidx == NULL) {
			fprintf(stderr, "%s: unknown option '%s' (see --help)\n",
			    spec->prog, argv[optind - 1]);
			r = 2;
		} else {
			r = apply(spec, byidx, optarg, "", 0);
		}
	}
	free(lo);
	if (argidx)
		*argidx = optind;
	else if (r == 0 && optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s' (see --help)\n",
		    spec->prog, argv[optind]);
		r = 2;
	}
	/* --help, --version or an error: the program exits without them. */
	if (r != 0)
		pxe_opts_free(spec->mem);
	return r;
}

const char *
pxe_opt_secret_file(const char *path, char **out)
{
	char line[1024];
	FILE *f = fopen(path, "re");
	size_t n;

	if (f == NULL)
		return "cannot be read";
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	fclose(f);
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	if (n == 0)
		return "has an empty first line";
	free(*out);
	*out = strdup(line);
	memset(line, 0, sizeof(line));
	return *out ? NULL : "cannot be stored";
}
