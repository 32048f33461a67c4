/* slurmend.h: ending Slurm jobs that jobd's own processes no longer
 * account for: after a cancel, a timeout or a killed srun (one job), at
 * jobd's stop (its running jobs), and at its start (every job named for
 * this instance that a previous jobd left).  scancel runs beside the
 * loop (helper.h), never waited for there; the names carry the instance
 * and the job's id (launcher_job_name). */
#ifndef SLURMEND_H
#define SLURMEND_H

#include <stdbool.h>

#include "jobd.h"

void slurmend_init(void);
/* slurmend_release: at shutdown, after the last scancel: the helpers
 * still running are killed and what waited is dropped. */
void slurmend_release(struct jobd *d);

/* slurmend_job: scancel --signal=KILL, then scancel, of the Slurm job
 * named name (the processes die at once, then the allocation ends). */
void slurmend_job(struct jobd *d, const struct launcher *l,
    const char *name);

/* slurmend_recover: at start: list this user's pending and running
 * Slurm jobs on each launcher's cluster (squeue) and end those named for
 * this instance that no live job owns.  slurmend_ready is false until
 * that is done or has failed (then it is tried again every 30 s). */
void slurmend_recover(struct jobd *d);
bool slurmend_ready(void);

/* slurmend_step: start what waited for a helper, retry a failed sweep;
 * ms to the next retry, or -1. */
int slurmend_step(struct jobd *d);

/* slurmend_stop_all: at shutdown, scancel the Slurm jobs of every job
 * still running, waiting at most a few seconds for each scancel. */
void slurmend_stop_all(struct jobd *d);

#endif
