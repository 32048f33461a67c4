/* jobrow.c: a live job's row in SQLite, written from jobd's copy of it;
 * a write that fails (database locked, disk full) is retried, and the
 * slot kept until it succeeds. */
#include <string.h>

#include "job.h"
#include "jobrow.h"
#include "jobsink.h"
#include "shared/clock.h"
#include "shared/db.h"
#include "shared/log.h"

/* job_write_row: the row of j from its slot.  A failed write marks the
 * row for job_save_rows; the row is written whole, so one that succeeds
 * saves whatever failed before.  Returns 0 or -1. */
static int
job_write_row(struct job *j, const char *output_json)
{
	if (store_job_update(&j->d->store, &j->m, output_json) == -1) {
		if (!j->row_unsaved)
			log_warn("job in slot %u: its row could not be written; "
			    "tried again every %.0f s", j->slot,
			    JOB_ROW_RETRY_S);
		j->row_unsaved = true;
		if (j->d->row_retry_at == 0)
			j->d->row_retry_at = clock_mono() + JOB_ROW_RETRY_S;
		return -1;
	}
	if (j->row_unsaved) {
		j->row_unsaved = false;
		log_info("job in slot %u: its row is written again", j->slot);
	}
	return 0;
}

/* job_set_status: change status (and times) in the slot and the row. */
int
job_set_status(struct job *j, enum job_status st, const char *output_json)
{
	struct jobtab_slot *sl;
	int rc;

	j->m.status = st;
	if (st == JOB_RUNNING)
		j->m.started_at = clock_wall();
	if (job_is_finished(st) && j->pid == 0 && j->m.finished_at == 0)
		j->m.finished_at = clock_wall();
	/* The texts too: a scribble over them lasts until the next status
	 * at most (the line path writes only the metadata). */
	j->m.changes++;
	sl = job_write_begin(j);
	memcpy(sl->spec, j->spec, job_meta_spec_size(&j->m));
	job_write_end(j, sl);
	rc = job_write_row(j, output_json);
	job_publish_counts(j->d);
	return rc;
}

void
job_save_rows(struct jobd *d)
{
	d->row_retry_at = 0;
	for (uint32_t i = 0; i < d->cfg.slots; i++) {
		struct job *j = &d->jobs[i];
		char *out = NULL;
		int rc;

		if (!j->row_unsaved)
			continue;
		/* A finished job's last write carried its output. */
		if (job_is_finished((enum job_status)j->m.status) && j->pid == 0)
			out = job_output_json(j);
		rc = job_write_row(j, out);
		free(out);
		if (rc == -1)
			return;		/* still unwritable; row_retry_at is set */
	}
}
