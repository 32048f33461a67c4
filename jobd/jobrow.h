/* jobrow.h: a live job's row in SQLite. */
#ifndef JOBD_JOBROW_H
#define JOBD_JOBROW_H

#include "jobd.h"

/* How often rows that could not be written, and queued jobs that could
 * not be recorded 'running', are tried again (seconds). */
#define JOB_ROW_RETRY_S	2.0

/* job_set_status: change status (and times) in j, its slot and its row;
 * output_json (may be NULL) is written with the row.  Returns -1 when
 * the row could not be written (it is retried: job_save_rows). */
int job_set_status(struct job *j, enum job_status st, const char *output_json);
/* job_save_rows: write the rows whose last write failed; stops at the
 * first that fails again (the database still takes no writes). */
void job_save_rows(struct jobd *d);

#endif
