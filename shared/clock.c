/* clock.c: the project's clocks (see clock.h). */
#include <time.h>

#include "clock.h"

static double
clock_secs(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t
clock_msecs(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

double
clock_mono(void)
{
	return clock_secs(CLOCK_MONOTONIC);
}

uint64_t
clock_mono_ms(void)
{
	return clock_msecs(CLOCK_MONOTONIC);
}

double
clock_wall(void)
{
	return clock_secs(CLOCK_REALTIME);
}

uint64_t
clock_wall_ms(void)
{
	return clock_msecs(CLOCK_REALTIME);
}
