/*
 * Fuzz target for mkpxemenu's two parsers: the first byte picks one.
 * Even: the rest is entry strings, one per line, fed to menu_add_entry,
 * and whatever menu results is written in all three formats.  Odd: the
 * rest is a syslinux module for elf_mod_parse, whose lists are then read
 * whole.  Built as a libFuzzer target with --enable-fuzzing (clang), else
 * linked with replay.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../bin/mkpxemenu/menu.h"
#include "../../bin/mkpxemenu/mkpxemenu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
entries(const uint8_t *data, size_t size)
{
	struct menu m;
	struct out o;
	char *text, *line, *save;
	unsigned skipped, f;

	if ((text = malloc(size + 1)) == NULL)
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	menu_init(&m);
	for (line = strtok_r(text, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save))
		menu_add_entry(&m, line);
	if (menu_validate(&m) == NULL)
		for (f = FMT_PXELINUX; f <= FMT_GRUB; f++) {
			memset(&o, 0, sizeof(o));
			menu_write(&m, (enum menu_format)f, &o, &skipped);
			out_free(&o);
		}
	menu_free(&m);
	free(text);
}

static void
module(const uint8_t *data, size_t size)
{
	struct elf_mod em;
	uint8_t *copy;
	size_t i, total = 0;

	/* A private copy so that reads past the end are caught by ASan. */
	if ((copy = malloc(size ? size : 1)) == NULL)
		return;
	memcpy(copy, data, size);
	if (elf_mod_parse(copy, size, &em) == 0) {
		for (i = 0; i < em.nneeded; i++)
			total += strlen(em.needed[i]);
		for (i = 0; i < em.nundef; i++)
			total += strlen(em.undef[i]);
		for (i = 0; i < em.ndef; i++)
			total += strlen(em.def[i]);
		elf_mod_defines(&em, "strcpy");
		elf_mod_free(&em);
	}
	(void)total;
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 1)
		module(data + 1, size - 1);
	else
		entries(data + 1, size - 1);
	return 0;
}
