/* job.h: the live table from jobd's side (job.c): jobd's own copy of
 * each job, published to its slot.  A job's process is in jobrun.h, its
 * output in jobsink.h, its row in jobrow.h. */
#ifndef JOBD_JOB_H
#define JOBD_JOB_H

#include <stdbool.h>
#include <stddef.h>

#include "jobd.h"

int job_table_init(struct jobd *d);
void job_table_release(struct jobd *d);

/* job_slot: the shared-memory record of j. */
struct jobtab_slot *job_slot(struct job *j);
/* job_find: the job holding id (text form), or NULL. */
struct job *job_find(struct jobd *d, const char *id);
/* job_free_slot: a cleared slot: a free one, else the finished one that
 * ended first (its row is final).  NULL when all hold live jobs. */
struct job *job_free_slot(struct jobd *d);

/* job_load: make j (cleared) a queued job: the identity in id (seq,
 * uuid, user_id, runner, created_at) and its urls, options and command
 * texts.  Returns 0, or -1 (slot left free) when the texts do not fit or
 * there is no memory for jobd's copy. */
int job_load(struct job *j, const struct job_meta *id, const char *urls,
    const char *options, const char *command);
/* job_reset: free j's slot (no job, no lines) and give its pages back. */
void job_reset(struct job *j);
/* job_publish: j's metadata (j->m) into its slot, for readers, with a
 * new change count. */
void job_publish(struct job *j);
/* job_write_begin, job_write_end: bracket a change of j's slot; the end
 * publishes j->m.  The slot's counter is stored from jobd's copy, never
 * read back: a scribble over it lasts until jobd's next write. */
struct jobtab_slot *job_write_begin(struct job *j);
void job_write_end(struct job *j, struct jobtab_slot *sl);
/* job_name: "<id> of '<user>'" for log lines (a static buffer). */
const char *job_name(struct job *j);

/* job_count_end: count a job that ended with st (metrics). */
void job_count_end(struct jobd *d, enum job_status st);
/* job_publish_counts: refresh the header's queued/running counts. */
void job_publish_counts(struct jobd *d);

#endif
