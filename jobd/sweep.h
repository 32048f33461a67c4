/* sweep.h: expiry of old finished jobs (seed "Job Expiry"), done in
 * small batches between loop turns so capture and commands never wait. */
#ifndef SWEEP_H
#define SWEEP_H

#include <stdint.h>

#include "jobd.h"

#define SWEEP_BATCH	250
#define SWEEP_EVERY	3600.0	/* seconds */

/* sweep_start: begin a sweep now; reply_to ("" for none) is answered
 * when it is done. */
void sweep_start(struct jobd *d, const char *reply_to, uint64_t req_id);
/* sweep_step: one batch of an active sweep; starts the hourly one when
 * it is due.  Returns ms until it wants to run again (0: at once). */
int sweep_step(struct jobd *d);

#endif
