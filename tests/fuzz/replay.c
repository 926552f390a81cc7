/*
 * replay: the main() a fuzz target gets when built without libFuzzer.
 * With file arguments it runs the target on each; with none it runs it on
 * every file of $top_srcdir/tests/fuzz/corpus/FUZZ_CORPUS/ (the seeds and
 * every crash ever found) and prints one TAP line per file.  A crash fails
 * the test by killing the program, as it should.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../tap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Run the target on one file.  0, or -1 if it cannot be read. */
static int
run_file(const char *path)
{
	static uint8_t buf[1 << 20];
	size_t n;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	return 0;
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
	const char *top = getenv("top_srcdir");
	char dir[4096], path[8192], *names[4096];
	struct dirent *de;
	size_t n = 0, i;
	DIR *d;
	int k;

	if (argc > 1) {
		for (k = 1; k < argc; k++)
			tap_ok(run_file(argv[k]) == 0, "%s", argv[k]);
		return tap_done();
	}
	snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s", top ? top : ".",
	    FUZZ_CORPUS);
	if ((d = opendir(dir)) == NULL) {
		printf("Bail out! cannot open %s: %s\n", dir, strerror(errno));
		return 1;
	}
	while ((de = readdir(d)) != NULL && n < 4096)
		if (de->d_name[0] != '.')
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp);
	tap_ok(n > 0, "corpus %s has %zu files", FUZZ_CORPUS, n);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		tap_ok(run_file(path) == 0, "%s", names[i]);
		free(names[i]);
	}
	return tap_done();
}
