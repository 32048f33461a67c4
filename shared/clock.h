/* clock.h: the project's clocks, one home for each.  Monotonic for
 * deadlines and durations (a wall clock set back must not stretch them),
 * the wall clock for what users see and the rows keep. */
#ifndef CLOCK_H
#define CLOCK_H

#include <stdint.h>

/* clock_mono: CLOCK_MONOTONIC seconds with a fraction. */
double clock_mono(void);
/* clock_mono_ms: CLOCK_MONOTONIC milliseconds. */
uint64_t clock_mono_ms(void);
/* clock_wall: Unix seconds with a fraction (CLOCK_REALTIME). */
double clock_wall(void);
/* clock_wall_ms: Unix milliseconds. */
uint64_t clock_wall_ms(void);

#endif
