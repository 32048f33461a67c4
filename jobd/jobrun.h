/* jobrun.h: a job's process: start, watch, stop, end. */
#ifndef JOBD_JOBRUN_H
#define JOBD_JOBRUN_H

#include "jobd.h"

/* job_schedule: start queued jobs, oldest first, while fewer than
 * max_concurrent_jobs run: each takes a slot (a free one, or that of the
 * finished job that ended first) only now. */
void job_schedule(struct jobd *d);
/* job_try_finish: end j once its leader exited and its pipes closed. */
void job_try_finish(struct job *j);
/* job_reap: collect every exited child (SIGCHLD). */
void job_reap(struct jobd *d);
/* job_stop: SIGTERM the group now, SIGKILL it after the grace. */
void job_stop(struct job *j);
/* job_deadlines: act on passed deadlines; returns ms to the next one,
 * or -1 when none (a loop deadline source, loop.h). */
int job_deadlines(struct jobd *d);
/* job_kill_all: at shutdown, SIGKILL every job's process group. */
void job_kill_all(struct jobd *d);
/* job_kill_orphans: SIGKILL every process that carries a job marker of
 * this instance (orphans.h): at start, what a killed jobd's jobs left. */
void job_kill_orphans(struct jobd *d);

#endif
