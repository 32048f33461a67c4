/* clock.c: the project's clocks (see clock.h). */
#include <time.h>

#include "clock.h"

static struct timespec
clock_now(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts;
}

double
clock_mono(void)
{
	struct timespec ts = clock_now(CLOCK_MONOTONIC);

	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

uint64_t
clock_mono_ms(void)
{
	struct timespec ts = clock_now(CLOCK_MONOTONIC);

	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

double
clock_wall(void)
{
	struct timespec ts = clock_now(CLOCK_REALTIME);

	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

uint64_t
clock_wall_ms(void)
{
	struct timespec ts = clock_now(CLOCK_REALTIME);

	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
