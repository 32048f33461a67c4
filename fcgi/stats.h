/* stats.h: the responders' answers counted by status, for /api/metrics.
 * The pool's master maps the counters shared before it forks the
 * workers, so every worker adds to, and reads, the same ones. */
#ifndef STATS_H
#define STATS_H

#include <stdint.h>

/* The statuses the responders answer with, in the order counted. */
extern const int stats_codes[];
extern const unsigned stats_ncodes;

/* stats_init: map the counters (master, before forking).  0 or -1. */
int stats_init(void);
/* stats_count: one more answer of status (no-op before stats_init). */
void stats_count(int status);
/* stats_get: answers so far of stats_codes[i]. */
uint64_t stats_get(unsigned i);

#endif
