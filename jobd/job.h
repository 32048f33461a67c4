/* job.h: the job state machine: create, schedule, run, capture, end. */
#ifndef JOBD_JOB_H
#define JOBD_JOB_H

#include <stdbool.h>
#include <stddef.h>

#include "jobd.h"
#include "shared/err.h"

/* The answer to a command: an error with a sentence, and the job's slot. */
struct job_answer {
	enum err	err;
	int		slot;
	char		id[JOB_ID_LEN + 1];
	char		msg[200];
};

int job_table_init(struct jobd *d);
void job_table_release(struct jobd *d);

/* Commands (checked again here, whatever the sender checked). */
void job_create(struct jobd *d, const struct mq_cmd *c, struct job_answer *a);
void job_cancel(struct jobd *d, const struct mq_cmd *c, struct job_answer *a);
void job_delete(struct jobd *d, const struct mq_cmd *c, struct job_answer *a);
void job_retry(struct jobd *d, const struct mq_cmd *c, struct job_answer *a);

/* job_schedule: start queued jobs, oldest first, while fewer than
 * max_concurrent_jobs run. */
void job_schedule(struct jobd *d);
/* job_reap: collect every exited child (SIGCHLD). */
void job_reap(struct jobd *d);
/* job_deadlines: act on passed deadlines; returns ms to the next one,
 * or -1 when none. */
int job_deadlines(struct jobd *d);
/* job_kill_all: at shutdown, SIGKILL every job's process group. */
void job_kill_all(struct jobd *d);
/* job_publish_counts: refresh the header's queued/running counts. */
void job_publish_counts(struct jobd *d);
/* job_recover: load the queued rows from SQLite at start (rule 6). */
int job_recover(struct jobd *d);
/* job_forget_deleted: free finished slots whose row is gone (swept). */
void job_forget_deleted(struct jobd *d);

#endif
