/* job.c: the live table from jobd's side.  Each job's metadata and texts
 * live in jobd's own memory (struct job); this file finds, loads, resets
 * and publishes them to the job's slot, whose readers are the responders.
 * A job's life is in jobrun.c, its output in jobsink.c, its row in
 * jobrow.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "job.h"
#include "shared/jobmodel.h"
#include "shared/valid.h"

struct jobtab_slot *
job_slot(struct job *j)
{
	return livetab_slot(&j->d->tab, j->slot);
}

/* job_write_begin, job_write_end: bracket a change of j's slot.  The
 * counter is stored from jobd's copy, never read back: a scribble over
 * it lasts until jobd's next write. */
struct jobtab_slot *
job_write_begin(struct job *j)
{
	struct jobtab_slot *sl = job_slot(j);

	j->gen = (j->gen + 1) | 1;	/* odd: a write is under way */
	atomic_store_explicit(&sl->gen, j->gen, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	return sl;
}

void
job_write_end(struct job *j, struct jobtab_slot *sl)
{
	j->gen++;
	sl->m = j->m;
	atomic_store_explicit(&sl->gen, j->gen, memory_order_release);
}

void
job_publish(struct job *j)
{
	j->m.changes++;
	job_write_end(j, job_write_begin(j));
}

int
job_load(struct job *j, const struct job_meta *id, const char *urls,
    const char *options, const char *command)
{
	const char *texts[3] = { urls, options, command };
	size_t lens[3], off = 0;
	struct jobtab_slot *sl;

	for (int i = 0; i < 3; i++) {
		lens[i] = strlen(texts[i]);
		off += lens[i] + 1;
	}
	free(j->spec);
	if ((j->spec = off > SPEC_MAX ? NULL : malloc(off)) == NULL)
		return -1;
	off = 0;
	for (int i = 0; i < 3; i++) {
		memcpy(j->spec + off, texts[i], lens[i] + 1);
		off += lens[i] + 1;
	}
	j->m = (struct job_meta){
		.status = JOB_QUEUED,
		.seq = id->seq,
		.changes = j->m.changes + 1,
		.created_at = id->created_at,
		.errors = -1,
		.urls_len = (uint32_t)lens[0],
		.options_len = (uint32_t)lens[1],
		.command_len = (uint32_t)lens[2],
	};
	memcpy(j->m.uuid, id->uuid, 16);
	memcpy(j->m.user_id, id->user_id, sizeof(j->m.user_id));
	memcpy(j->m.runner, id->runner, sizeof(j->m.runner));
	sl = job_write_begin(j);
	memcpy(sl->spec, j->spec, off);
	ring_reset(&sl->out);
	job_write_end(j, sl);
	return 0;
}

void
job_reset(struct job *j)
{
	struct jobtab_slot *sl;

	free(j->spec);
	j->spec = NULL;
	j->row_unsaved = false;
	j->m = (struct job_meta){ .changes = j->m.changes + 1 };
	sl = job_write_begin(j);
	ring_reset(&sl->out);
	livetab_slot_drop_pages(&j->d->tab, j->slot);
	job_write_end(j, sl);
}

int
job_table_init(struct jobd *d)
{
	d->jobs = calloc(d->cfg.slots, sizeof(*d->jobs));
	if (d->jobs == NULL)
		return -1;
	for (uint32_t i = 0; i < d->cfg.slots; i++) {
		d->jobs[i].d = d;
		d->jobs[i].slot = i;
		/* livetab_create left every slot free, its counter even. */
		d->jobs[i].gen = atomic_load(&livetab_slot(&d->tab, i)->gen);
		d->jobs[i].m.changes = livetab_slot(&d->tab, i)->m.changes;
		d->jobs[i].w_out.fd = d->jobs[i].w_err.fd =
		    d->jobs[i].w_exec.fd = -1;
	}
	return 0;
}

void
job_table_release(struct jobd *d)
{
	for (uint32_t i = 0; d->jobs != NULL && i < d->cfg.slots; i++)
		free(d->jobs[i].spec);
	free(d->jobs);
	d->jobs = NULL;
}

void
job_publish_counts(struct jobd *d)
{
	uint32_t q = 0, r = 0, busy = 0;

	for (uint32_t i = 0; i < d->cfg.slots; i++) {
		uint32_t st = d->jobs[i].m.status;

		q += st == JOB_QUEUED;
		r += st == JOB_RUNNING;
		busy += job_is_live((enum job_status)st) || d->jobs[i].pid != 0 ||
		    d->jobs[i].row_unsaved;
	}
	jobtab_write_begin(&d->tab.hdr->gen);
	d->tab.hdr->queued = q + (uint32_t)(d->queued_rows > 0 ?
	    d->queued_rows : 0);
	d->tab.hdr->running = r;
	d->tab.hdr->slots_free = d->cfg.slots - busy;
	jobtab_write_end(&d->tab.hdr->gen);
}

/* job_find: the slot holding id (text), or NULL. */
struct job *
job_find(struct jobd *d, const char *id)
{
	uint8_t uuid[16];

	if (id == NULL || valid_uuid(id, strlen(id), uuid) == -1)
		return NULL;
	for (uint32_t i = 0; i < d->cfg.slots; i++) {
		const struct job_meta *m = &d->jobs[i].m;

		if (m->status != JOB_NONE && memcmp(m->uuid, uuid, 16) == 0)
			return &d->jobs[i];
	}
	return NULL;
}

/* job_free_slot: a free slot, else the finished one that ended first;
 * its row in SQLite is final, so it stays readable from there. */
struct job *
job_free_slot(struct jobd *d)
{
	struct job *best = NULL;
	double oldest = 0;

	for (uint32_t i = 0; i < d->cfg.slots; i++) {
		const struct job_meta *m = &d->jobs[i].m;

		if (m->status == JOB_NONE)
			return &d->jobs[i];
		if (job_is_finished((enum job_status)m->status) &&
		    d->jobs[i].pid == 0 && !d->jobs[i].row_unsaved &&
		    (best == NULL || m->finished_at < oldest)) {
			best = &d->jobs[i];
			oldest = m->finished_at;
		}
	}
	if (best != NULL)
		job_reset(best);
	return best;
}

void
job_count_end(struct jobd *d, enum job_status st)
{
	if ((unsigned)st < JOB__COUNT)
		atomic_fetch_add_explicit(&d->tab.hdr->stats.ended[st], 1,
		    memory_order_relaxed);
}

/* job_name: "<id> of '<user>'", for log lines: every line about a job
 * names it and its owner (never a token: jobd has none). */
const char *
job_name(struct job *j)
{
	static char buf[JOB_ID_LEN + USER_MAX + 8];
	char id[JOB_ID_LEN + 1];

	job_id_str(j->m.uuid, id);
	snprintf(buf, sizeof(buf), "%s of '%s'", id, j->m.user_id);
	return buf;
}
