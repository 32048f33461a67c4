/* ticker.c: a downloader stand-in for the scale benchmark: prints
 * "line N" LINES times, RATE a second, flushing each, then exits 0.
 * Thousands of these run at once, so it is a small C program rather
 * than a script that forks a sleep per line.
 * usage: bench-ticker [ARGS...]; BENCH_LINES (400), BENCH_RATE (10). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int
main(void)
{
	const char *l = getenv("BENCH_LINES"), *r = getenv("BENCH_RATE");
	long lines = l ? strtol(l, NULL, 10) : 400;
	long rate = r ? strtol(r, NULL, 10) : 10;
	struct timespec next;

	if (lines < 0 || rate < 1 || rate > 1000)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (long i = 0; i < lines; i++) {
		printf("line %ld\n", i);
		fflush(stdout);
		next.tv_nsec += 1000000000L / rate;
		if (next.tv_nsec >= 1000000000L) {
			next.tv_sec++;
			next.tv_nsec -= 1000000000L;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	return 0;
}
