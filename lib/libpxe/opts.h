/*
 * opts: one option table per program drives getopt_long, --help and a
 * `-C FILE` configuration file whose lines are the long options without
 * "--" ("root /srv/tftp", "root=/srv/tftp", "write"; '#' starts a comment;
 * "include FILE" reads another file, relative to the one that names it).
 * A value read from a file is copied into the spec's pxe_opts_mem, so the
 * pointer a handler gets lives, as argv's do, until pxe_opts_free.
 * Every value goes through the program's one handler, so the command line
 * and the file accept exactly the same things, and a bad value is reported
 * the same way: "pxe-tftpd: --port: 'x' is not a number in 1..65535" (with
 * "FILE:LINE: " in front when it came from a file).  --help, --version and
 * -C are handled here.  Also the number parser every program uses.
 */
#ifndef PXE_OPTS_H
#define PXE_OPTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Ids opts handles itself; program ids must be >= PXE_OPT_USER. */
enum {
	PXE_OPT_HELP = 1,
	PXE_OPT_VERSION,
	PXE_OPT_CONFIG,
	PXE_OPT_USER = 256,
};

struct pxe_opt {
	const char *name;	/* long name, without "--" */
	int short_name;		/* 0 for none */
	const char *metavar;	/* NULL: takes no argument */
	int id;
	const char *help;	/* one line for --help */
};

/*
 * Handle one option.  Returns NULL when accepted, or a message saying what
 * is wrong with arg ("is not a number in 1..65535"), which opts prints after
 * the option's name and exits 2 with.
 */
typedef const char *(*pxe_opt_fn)(void *ctx, int id, const char *arg);

/* The strings read from -C files: owned here until pxe_opts_free. */
struct pxe_opts_mem {
	char **v;
	size_t n, cap;
};

struct pxe_opts_spec {
	const char *prog;	/* "pxe-tftpd" */
	const char *version;	/* PACKAGE_VERSION */
	const char *synopsis;	/* "[OPTION]..." */
	const char *summary;	/* one line: what the program does */
	const char *epilog;	/* text after the option list, or NULL */
	const struct pxe_opt *opts;	/* ends with a zeroed entry */
	pxe_opt_fn fn;
	void *ctx;
	struct pxe_opts_mem *mem;	/* keeps file values; needed for -C */
};

/*
 * Parse argv (and any -C files) through spec.  Returns 0 to go on; 1 when
 * --help or --version was printed (exit 0); 2 on a usage error, already
 * reported on stderr (exit 2); then the values kept from files are freed
 * already.  *argidx gets the index of the first non-option argument; with
 * argidx NULL the program takes none, and one is a usage error ("PROG:
 * unexpected argument 'x' (see --help)", 2).
 */
int pxe_opts_parse(const struct pxe_opts_spec *spec, int argc, char **argv,
    int *argidx);

/* Read a configuration file through spec; 0, or 2 after reporting. */
int pxe_opts_file(const struct pxe_opts_spec *spec, const char *path);

/* Free every string kept in m (the program is done with its options). */
void pxe_opts_free(struct pxe_opts_mem *m);

/* Print --help text to f. */
void pxe_opts_help(const struct pxe_opts_spec *spec, FILE *f);

/*
 * Parse a decimal unsigned number in [min, max] (digits only, no sign, no
 * spaces; leading zeros allowed).  0, or -EINVAL / -ERANGE.
 */
int pxe_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* "is not a number in MIN..MAX" for s; a static buffer per call site is
 * not needed: the text is written into buf. */
const char *pxe_range_msg(char *buf, size_t cap, uint64_t min, uint64_t max);

/*
 * A usage error found after the options were read (options that go
 * together, one that is missing): "PROG: MESSAGE" on stderr.  Returns 2,
 * the exit status for it.
 */
int pxe_usage_error(const char *prog, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * A --password-file: its first line (without the line end) into *out
 * (malloc'd; the old *out freed, the line buffer wiped).  NULL, or what is
 * wrong with the file, for the option handler to return.
 */
const char *pxe_opt_secret_file(const char *path, char **out);

#endif
