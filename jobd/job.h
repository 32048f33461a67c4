/* job.h: a job's life once it is in the live table: start, capture, end;
 * and the table helpers act.c and sweep.c build on. */
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

/* job_load: write a queued job into j's cleared slot: the identity in id
 * (seq, uuid, user_id, runner, created_at) and its urls, options and
 * command texts.  Returns 0, or -1 (slot left free) when the texts do
 * not fit or there is no memory for jobd's copy. */
int job_load(struct job *j, const struct job_meta *id, const char *urls,
    const char *options, const char *command);
/* job_say: a line jobd writes itself, numbered like the program's. */
void job_say(struct job *j, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* job_publish: j's metadata (j->m) into its slot, for readers, with a
 * new change count. */
void job_publish(struct job *j);
/* job_reset: free j's slot (no job, no lines) and give its pages back. */
void job_reset(struct job *j);
/* job_set_status: change status (and times) in the slot and the row;
 * output_json (may be NULL) is written with the row.  Returns -1 when
 * the row could not be written (it is retried: job_save_rows). */
int job_set_status(struct job *j, enum job_status st, const char *output_json);
/* job_save_rows: write the rows whose last write failed; stops at the
 * first that fails again (the database still takes no writes). */
void job_save_rows(struct jobd *d);
/* job_output_json: j's held lines as a JSON array text; caller frees. */
char *job_output_json(struct job *j);
/* ring_output_json: the lines first .. next-1 that r holds (at most
 * OUT_LINES_MAX), the same way.  Safe on a ring a killed jobd left
 * half-written. */
char *ring_output_json(const struct ring *r, uint64_t first, uint64_t next);
/* job_stop: SIGTERM the group now, SIGKILL it after the grace. */
void job_stop(struct job *j);

/* job_schedule: start queued jobs, oldest first, while fewer than
 * max_concurrent_jobs run: each takes a slot (a free one, or that of the
 * finished job that ended first) only now. */
void job_schedule(struct jobd *d);
/* job_reap: collect every exited child (SIGCHLD). */
void job_reap(struct jobd *d);
/* job_deadlines: act on passed deadlines; returns ms to the next one,
 * or -1 when none. */
int job_deadlines(struct jobd *d);
/* job_kill_all: at shutdown, SIGKILL every job's process group. */
void job_kill_all(struct jobd *d);
/* job_kill_orphans: SIGKILL every process that carries a job marker of
 * this instance (orphans.h): at start, what a killed jobd's jobs left. */
void job_kill_orphans(struct jobd *d);
/* job_count_end: count a job that ended with st (metrics). */
void job_count_end(struct jobd *d, enum job_status st);
/* job_publish_counts: refresh the header's queued/running counts. */
void job_publish_counts(struct jobd *d);

#endif
