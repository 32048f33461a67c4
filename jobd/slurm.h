/* slurm.h: jobs run through a Slurm launcher (shared/launcher.h).  jobd
 * supervises one srun per job like any job's process; this module adds
 * what Slurm needs besides: it learns each job's Slurm job id and node
 * (srun's own lines, and squeue run beside the loop: jobd/helper.h),
 * reads the downloader's own exit status from srun's report, and has the
 * Slurm job ended (slurmend.h) when a cancel, a timeout or a killed srun
 * may leave it behind. */
#ifndef SLURM_H
#define SLURM_H

#include <stdbool.h>
#include <stddef.h>

#include "jobd.h"

#define SLURM_NAME_MAX		(INSTANCE_MAX + JOB_ID_LEN + 8)
#define SLURM_QUERY_NAMES	200	/* names per squeue or scancel */

/* slurm_init: after the job table is made.  Returns 0 or -1. */
int slurm_init(struct jobd *d);
void slurm_release(struct jobd *d);

/* slurm_ready: whether jobs may start (slurmend_recover is done). */
bool slurm_ready(void);
/* slurm_envp: the environment of l's commands (PATH, LANG, its env). */
char *const *slurm_envp(struct jobd *d, const struct launcher *l);
/* slurm_owns: whether a live job of this jobd owns the Slurm job name. */
bool slurm_owns(const char *name, size_t len);
/* slurm_running_targets: "--name=<name>" (allocated) of each job of l
 * whose srun still runs, at most max; returns how many. */
unsigned slurm_running_targets(const struct launcher *l, char **out,
    unsigned max);

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

/* slurm_step: run what is due (queries, retries, slurmend_step); ms to
 * the next, or -1 when nothing is. */
int slurm_step(struct jobd *d);

#endif
