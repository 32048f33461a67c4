/* recover.c: what a jobd start finds and a jobd stop leaves: the lines
 * and ends a killed jobd's table still held, the rows of jobs it was
 * running, its jobs' processes and temp folders. */
#include <stdatomic.h>
#include <stdlib.h>

#include "job.h"
#include "jobdir.h"
#include "jobrun.h"
#include "jobsink.h"
#include "recover.h"
#include "shared/jobmodel.h"
#include "shared/log.h"

/* recover_slot: a slot of the table a killed jobd left: its lines,
 * and its end when it had one, into its row.  Anything may be in it: its
 * texts are cut to their size, the ring checks its lines (ring.h). */
static void
recover_slot(void *arg, const struct jobtab_slot *sl)
{
	struct jobd *d = arg;
	struct job_meta m = sl->m;
	/* A record left mid-write has no end to trust, only lines. */
	bool ended = (atomic_load(&sl->gen) & 1) == 0 &&
	    m.status < JOB__COUNT && job_is_finished((enum job_status)m.status) &&
	    m.has_return_code;
	char id[JOB_ID_LEN + 1], *out;
	int rc = -1;

	m.user_id[sizeof(m.user_id) - 1] = '\0';
	m.runner[sizeof(m.runner) - 1] = '\0';
	m.slurm_node[sizeof(m.slurm_node) - 1] = '\0';
	m.out_next = sl->out.next;
	job_id_str(m.uuid, id);
	if ((out = ring_output_json(&sl->out, sl->out.first, m.out_next)) != NULL)
		rc = ended ? store_job_close_open(&d->store, &m, out) :
		    store_save_output(&d->store, id, out, m.out_next);
	if (rc == -1)
		log_warn("job %s: what it had before jobd restarted is lost",
		    id);
	else if (ended && rc == 1)
		log_info("job %s: its end, which jobd had not written before "
		    "it stopped, is written now", id);
	free(out);
}

void
recover_save_running(struct jobd *d)
{
	for (uint32_t i = 0; i < d->cfg.slots; i++) {
		struct job *j = &d->jobs[i];
		char id[JOB_ID_LEN + 1], *out;

		if (j->pid == 0 || j->exited || (j->m.status != JOB_RUNNING &&
		    j->m.status != JOB_CANCELLED))
			continue;
		job_id_str(j->m.uuid, id);
		if ((out = job_output_json(j)) == NULL ||
		    store_save_output(&d->store, id, out, j->m.out_next) == -1)
			log_warn("job %s: its lines could not be saved", id);
		free(out);
	}
}

void
recover_harvest(struct jobd *d)
{
	livetab_harvest(d->cfg.instance, recover_slot, d);
}

int
recover_start(struct jobd *d)
{
	/* No job of this jobd runs yet: whatever carries the instance's
	 * marker was left running by the previous one. */
	job_kill_orphans(d);
	if (jobdir_clean_temps(&d->cfg) == -1)
		log_warn("cannot clean up the jobs' temp folders in '%s/tmp'",
		    d->cfg.state_dir);
	if (store_recover(&d->store, "jobd: this job was interrupted because "
	    "jobd restarted; retry it to run it again") == -1 ||
	    store_queued_count(&d->store, &d->queued_rows) == -1)
		return -1;
	d->load_after = 0;
	job_publish_counts(d);
	return 0;
}
