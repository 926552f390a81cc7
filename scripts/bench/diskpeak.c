/*
 * diskpeak: the peak of a filesystem's used space while a command runs.
 * usage: diskpeak DIR CMD [ARG]...
 * Samples statvfs(DIR) every millisecond from just before CMD starts until
 * it exits, then prints "base PEAK_BYTES_USED_AT_START peak BYTES end BYTES
 * status N" on stderr (bytes used on the filesystem: before, the highest
 * seen, after) and exits with CMD's status.  Used by scripts/bench/winpe.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/statvfs.h>
#include <sys/wait.h>

static uint64_t
used(const char *dir)
{
	struct statvfs v;

	if (statvfs(dir, &v) < 0) {
		perror(dir);
		exit(125);
	}
	return (uint64_t)(v.f_blocks - v.f_bfree) * v.f_frsize;
}

int
main(int argc, char **argv)
{
	struct timespec ms = { 0, 1000000 };
	uint64_t base, peak, u;
	pid_t pid;
	int st = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: diskpeak DIR CMD [ARG]...\n");
		return 2;
	}
	base = peak = used(argv[1]);
	if ((pid = fork()) < 0) {
		perror("fork");
		return 125;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	while (waitpid(pid, &st, WNOHANG) == 0) {
		if ((u = used(argv[1])) > peak)
			peak = u;
		nanosleep(&ms, NULL);
	}
	u = used(argv[1]);
	if (u > peak)
		peak = u;
	fprintf(stderr, "base %llu peak %llu end %llu status %d\n",
	    (unsigned long long)base, (unsigned long long)peak,
	    (unsigned long long)u, WIFEXITED(st) ? WEXITSTATUS(st) : 128);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
