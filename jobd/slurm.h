/* slurm.h: jobs run through a Slurm launcher (shared/launcher.h).  jobd
 * supervises one srun per job like any job's process; this module adds
 * what Slurm needs besides: it learns each job's Slurm job id and node
 * (srun's own lines, and squeue run beside the loop: jobd/helper.h),
 * reads the downloader's own exit status from srun's report, ends the
 * Slurm job with scancel when a cancel, a timeout or jobd's stop leaves
 * it behind, and at start ends every Slurm job of this instance that a
 * previous jobd left (their names carry the instance: launcher.h). */
#ifndef SLURM_H
#define SLURM_H

#include <stdbool.h>
#include <stddef.h>

#include "jobd.h"

/* slurm_init: after the job table is made.  Returns 0 or -1. */
int slurm_init(struct jobd *d);
void slurm_release(struct jobd *d);

/* slurm_recover: at start, before any job runs: find (squeue) and end
 * (scancel) every Slurm job named for this instance on each launcher's
 * cluster.  Jobs start only once that is done (slurm_ready), or once it
 * failed (it is then tried again every 30 s, sparing live jobs). */
void slurm_recover(struct jobd *d);
bool slurm_ready(void);

/* slurm_job_started: j's srun has started (launcher l). */
void slurm_job_started(struct job *j, const struct launcher *l);
/* slurm_job_line: a complete output line of j (srun's own lines say
 * the job is queued, its id, and how the downloader ended). */
void slurm_job_line(struct job *j, const char *s, size_t len);
/* slurm_job_status: the wait status to report for j: the downloader's
 * as srun reported it, else ws (srun's own; exit 1 when srun said an
 * error of Slurm's, a node failure, yet exits 0). */
int slurm_job_status(struct job *j, int ws);
/* slurm_job_kill: the grace is over: SIGKILL the job's processes on
 * its node, then end the Slurm job (scancel). */
void slurm_job_kill(struct job *j);
/* slurm_job_ended: j has ended; a Slurm job that a cancel, a timeout or
 * a killed srun may have left is ended too. */
void slurm_job_ended(struct job *j);

/* slurm_step: run what is due (queries, retries); ms to the next, or
 * -1 when nothing is. */
int slurm_step(struct jobd *d);
/* slurm_stop_all: at shutdown, end the Slurm jobs of every job still
 * running, waiting at most a few seconds. */
void slurm_stop_all(struct jobd *d);

#endif
