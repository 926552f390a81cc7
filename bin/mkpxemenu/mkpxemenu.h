/*
 * mkpxemenu: what the commands share.  See main.c.
 */
#ifndef MKPXEMENU_H
#define MKPXEMENU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "menu.h"

/* files.c: create path's parent folders; write a file by temp + rename
 * (0 or -errno); a whole regular file (64 MiB at most), malloc'd with one
 * byte to spare, or NULL; dir/name is a regular file. */
int mk_parents(const char *path);
int write_atomic(const char *path, const void *data, size_t len,
    mode_t mode);
uint8_t *read_file(const char *path, size_t *len);
bool file_exists(const char *dir, const char *name);

/* menucmd.c: the menu command; the same for the options of a spec file
 * alone, written in format into root (0, 1 runtime failure, 2 usage). */
int menu_main(int argc, char **argv);
int menu_write_spec(const char *spec, enum menu_format format,
    const char *root);

/* check.c */
int cmd_check(int argc, char **argv);

/* install.c */
int cmd_install(int argc, char **argv);

/* Where a syslinux installation keeps its files. */
struct syslinux_dirs {
	char pxelinux[512];	/* folder with pxelinux.0 */
	char bios[512];		/* BIOS .c32 modules (ldlinux.c32 ...) */
	char memdisk[512];	/* folder with memdisk */
	char efi64[512];	/* folder with syslinux.efi, or "" */
	char efi64mods[512];	/* folder with ldlinux.e64 ..., or "" */
};

/*
 * Find syslinux: under dir when given (any of the layouts below inside
 * it), else where Debian, Fedora and Arch put it.  0 or -ENOENT.
 */
int syslinux_find(const char *dir, struct syslinux_dirs *d);

/*
 * elf.c: the dynamic linking facts of a syslinux module (.c32, ELF32 for
 * BIOS, ELF64 for EFI): the libraries it needs (DT_NEEDED) and the
 * symbols it imports and exports.  Pure: bytes in.  Strings point into a
 * copy owned by the struct.
 */
struct elf_mod {
	char **needed, **undef, **def;
	size_t nneeded, nundef, ndef;
	char *strings;		/* owns the names */
	bool elf64;
};

/* 0, -ENOEXEC (not ELF: a syslinux 4 COM32 module), -EBADMSG, -ENOMEM. */
int elf_mod_parse(const uint8_t *p, size_t n, struct elf_mod *m);
void elf_mod_free(struct elf_mod *m);
bool elf_mod_defines(const struct elf_mod *m, const char *sym);

#endif
