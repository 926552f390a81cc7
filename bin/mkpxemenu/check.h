/*
 * check.h: what check.c (the tree, loaders, modules, scripts) and
 * check_cfg.c (pxelinux configuration files) share for `mkpxemenu check`:
 * the checker's state and the way it reports.  Private to those two.
 */
#ifndef MKPXEMENU_CHECK_H
#define MKPXEMENU_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libpxe/fsroot.h"
#include "mkpxemenu.h"

#define MAX_BOOTDIRS	8
#define MAX_MODS	128
#define MAX_LABELS	256
#define MAX_DEPTH	8
#define MAX_PARSES	256	/* files parsed for one top-level config */
#define MAX_LOOPS	16	/* include loops remembered as reported */

struct mod {
	char name[64];
	struct elf_mod elf;
	int status;		/* elf_mod_parse's result */
};

struct chk {
	struct pxe_fsroot root;
	const char *rootpath;
	unsigned findings, notes, configs, labels, files, modules;
	bool quiet;
	/* the boot folder being checked */
	char bootdir[512];	/* relative to the root, "" or "efi64/" */
	bool efi;
	bool pxelinux;		/* a pxelinux config, not an iPXE/GRUB script */
	int version;		/* pxelinux.0's major version, 0 unknown */
	struct mod mods[MAX_MODS];
	unsigned nmods;
	char loops[MAX_LOOPS][512];	/* include loops reported */
	unsigned nloops;
};

/* A finding ("FILE:LINE: what, how to fix"; counted, exit 1) or a note. */
void finding(struct chk *c, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void note(struct chk *c, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Read root/rel whole (64 MiB at most; free it), or NULL. */
uint8_t *load(const struct chk *c, const char *rel, size_t *len);
/* The first word of s into w (NUL-terminated); the rest after it.
 * check_cfg.c. */
const char *word(const char *s, char *w, size_t cap);
/* snprintf's n fits cap. */
bool fits(int n, size_t cap);
/* A ".." component in s. */
bool has_dotdot(const char *s);
/* The name the loader asks TFTP for (req) and the file under the root it
 * means (rel): 0, 1 (another server, a URL), -ENAMETOOLONG. */
int loader_path(const struct chk *c, const char *name, char *req,
    size_t reqcap, char *rel, size_t relcap);
/* what (a keyword) at file:line names name: it must exist under the
 * root; ref_list for a comma-separated list of them. */
void ref(struct chk *c, const char *file, int line, const char *what,
    const char *name);
void ref_list(struct chk *c, const char *file, int line, const char *what,
    const char *list);
/* Check the pxelinux config rel (and what it includes).  check_cfg.c. */
void check_config(struct chk *c, const char *rel);

#endif
