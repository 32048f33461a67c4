/* sweep.c: the expiry sweep (see sweep.h). */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "job.h"
#include "shared/clock.h"
#include "shared/db.h"
#include "shared/jobmodel.h"
#include "shared/log.h"
#include "sweep.h"

/* The sweep under way, and when the next one starts. */
static struct sweep {
	bool		active;
	double		cutoff;		/* finished before this: removed */
	long		removed;
	double		began;		/* monotonic */
	double		longest;	/* longest batch, seconds */
	char		reply_to[MSG_NAME_MAX];	/* a jobctl waiting, or "" */
	uint64_t	req_id;
	double		next_at;	/* monotonic; 0: at once */
} S;

/* sweep_forget: free finished slots whose row the sweep removed. */
static void
sweep_forget(struct jobd *d)
{
	char id[JOB_ID_LEN + 1];

	for (uint32_t i = 0; i < d->cfg.slots; i++) {
		struct job *j = &d->jobs[i];

		if (!job_is_finished((enum job_status)j->m.status) || j->pid != 0)
			continue;
		job_id_str(j->m.uuid, id);
		if (store_job_exists(&d->store, id) == 0)
			job_reset(j);
	}
}

void
sweep_start(struct jobd *d, const char *reply_to, uint64_t req_id)
{
	struct sweep *s = &S;

	if (s->reply_to[0] != '\0' && reply_to[0] != '\0') {
		/* One waiter at a time; the earlier one hears now. */
		struct msg_reply r = { .magic = MSG_MAGIC,
		    .version = MSG_VERSION, .type = MSG_REPLY, .req_id = s->req_id,
		    .err = ERR_OK, .slot = -1,
		    .msg = "superseded by a newer sweep" };

		cmd_reply_to(d, s->reply_to, &r);
	}
	/* The hourly start has no waiter and keeps one that is waiting. */
	if (reply_to[0] != '\0') {
		snprintf(s->reply_to, sizeof(s->reply_to), "%s", reply_to);
		s->req_id = req_id;
	}
	if (!s->active) {
		s->active = true;
		s->removed = 0;
		s->longest = 0;
		s->began = clock_mono();
		s->cutoff = clock_wall() -
		    (double)d->settings.job_expiry_days * 86400.0;
	}
	S.next_at = clock_mono() + SWEEP_EVERY;
}

static void
sweep_done(struct jobd *d)
{
	struct sweep *s = &S;
	struct msg_reply r = { .magic = MSG_MAGIC, .version = MSG_VERSION,
	    .type = MSG_REPLY, .req_id = s->req_id, .err = ERR_OK, .slot = -1 };

	s->active = false;
	if (s->removed > 0)
		sweep_forget(d);
	log_info("expiry sweep removed %ld jobs in %.0f ms; longest batch "
	    "%.1f ms", s->removed, (clock_mono() - s->began) * 1000,
	    s->longest * 1000);
	snprintf(r.msg, sizeof(r.msg), "removed %ld jobs", s->removed);
	cmd_reply_to(d, s->reply_to, &r);
	s->reply_to[0] = '\0';
}

int
sweep_step(struct jobd *d)
{
	struct sweep *s = &S;
	double now = clock_mono();
	int n;

	if (!s->active) {
		if (now < S.next_at)
			return (int)((S.next_at - now) * 1000) + 1;
		sweep_start(d, "", 0);
	}
	/* 0 days keeps jobs forever. */
	if (d->settings.job_expiry_days == 0) {
		sweep_done(d);
		return (int)(SWEEP_EVERY * 1000);
	}
	now = clock_mono();
	n = store_sweep(&d->store, s->cutoff, SWEEP_BATCH);
	if (clock_mono() - now > s->longest)
		s->longest = clock_mono() - now;
	if (n > 0)
		s->removed += n;
	if (n == SWEEP_BATCH)
		return 0;
	sweep_done(d);
	return (int)(SWEEP_EVERY * 1000);
}
