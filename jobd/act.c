/* act.c: what commands ask of jobd about jobs: create (and retry),
 * cancel, delete, and the queued jobs found at start.  Each checks again
 * whatever the sender checked. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>

#include "act.h"
#include "job.h"
#include "jobrow.h"
#include "jobrun.h"
#include "jobsink.h"
#include "jobdir.h"
#include "rate.h"
#include "shared/clock.h"
#include "shared/db.h"
#include "shared/jobmodel.h"
#include "shared/log.h"
#include "shared/runner.h"
#include "shared/valid.h"

/* Creates per user and minute (rate.h). */
static struct rate_table rates;

/* Which commands each status allows (s6 actions[state][event]). */
enum act_kind { ACT_CANCEL, ACT_DELETE, ACT_RETRY, ACT__COUNT };
static const enum err act_allowed[JOB__COUNT][ACT__COUNT] = {
	[JOB_QUEUED] = { ERR_OK, ERR_CONFLICT, ERR_CONFLICT },
	[JOB_RUNNING] = { ERR_OK, ERR_CONFLICT, ERR_CONFLICT },
	[JOB_COMPLETED] = { ERR_CONFLICT, ERR_OK, ERR_OK },
	[JOB_FAILED] = { ERR_CONFLICT, ERR_OK, ERR_OK },
	[JOB_CANCELLED] = { ERR_OK, ERR_OK, ERR_OK },
};

static const char *const act_conflict[ACT__COUNT] = {
	"The job has already finished; only a queued or running job can be "
	    "cancelled.",
	"The job is still queued or running; cancel it first, then delete it.",
	"The job is still queued or running; only a finished job can be "
	    "retried.",
};

static void __attribute__((format(printf, 3, 4)))
act_answer(struct act_answer *a, enum err e, const char *fmt, ...)
{
	va_list ap;

	a->err = e;
	va_start(ap, fmt);
	vsnprintf(a->msg, sizeof(a->msg), fmt, ap);
	va_end(ap);
}

/* act_check: parse and check a create's JSON texts.  On success *urls
 * and *opts are new references the caller puts. */
static const struct runner *
act_check(struct jobd *d, const struct msg_cmd *c, json_object **urls,
    json_object **opts, struct act_answer *a)
{
	const struct runner *r = config_runner(&d->cfg, c->runner);

	*urls = *opts = NULL;
	if (c->user == NULL || !valid_user(c->user) || c->urls == NULL) {
		act_answer(a, ERR_INVALID, "The request is incomplete.");
		return NULL;
	}
	if (r == NULL) {
		act_answer(a, ERR_INVALID, "Unknown runner.");
		return NULL;
	}
	*urls = json_tokener_parse(c->urls);
	*opts = c->options ? json_tokener_parse(c->options) :
	    json_object_new_object();
	if (runner_check_urls(r, *urls, a->msg, sizeof(a->msg)) == -1 ||
	    *opts == NULL ||
	    runner_check_options(r, *opts, a->msg, sizeof(a->msg)) == -1) {
		if (*opts == NULL)
			snprintf(a->msg, sizeof(a->msg), "'options' is not JSON.");
		a->err = ERR_INVALID;
		json_object_put(*urls);
		json_object_put(*opts);
		*urls = *opts = NULL;
		return NULL;
	}
	return r;
}

/* act_command: the job's command line as shown, built as jobd will run
 * it, into a new string (caller frees); NULL with a reason in a. */
static char *
act_command(struct jobd *d, const struct job_meta *id,
    const struct runner *r, json_object *urls, json_object *opts,
    struct act_answer *a)
{
	char user_dir[PATH_MAX], temp[PATH_MAX];
	char *argv[ARGV_MAX], *cmd = malloc(SPEC_MAX);

	argv[0] = NULL;
	if (cmd == NULL)
		act_answer(a, ERR_INTERNAL, "Out of memory.");
	else if (jobdir_user(&d->cfg, id->user_id, user_dir,
	    sizeof(user_dir)) == -1 ||
	    jobdir_temp(&d->cfg, r, id->uuid, temp, sizeof(temp)) == -1)
		act_answer(a, ERR_INTERNAL, "The job's folders have names too "
		    "long for this system.");
	else if (runner_argv(r, urls, opts, user_dir, temp, argv,
	    ARGV_MAX) == -1 || (config_launcher(&d->cfg, r) != NULL &&
	    launcher_wrap(config_launcher(&d->cfg, r), d->cfg.instance,
	    id->uuid, d->settings.max_job_seconds, argv, ARGV_MAX) == -1))
		act_answer(a, ERR_INVALID, "The job has too many arguments.");
	else if (runner_command(argv, cmd, SPEC_MAX) == -1)
		act_answer(a, ERR_INVALID, "The job's command line is too long.");
	else {
		runner_argv_free(argv);
		return cmd;
	}
	runner_argv_free(argv);
	free(cmd);
	return NULL;
}

/* act_admit: whether the user and the queue may take one more job. */
static bool
act_admit(struct jobd *d, const char *user, struct act_answer *a)
{
	int64_t live, stored;

	if (store_user_counts(&d->store, user, &live, &stored) == -1) {
		act_answer(a, ERR_UNAVAILABLE, "%s", STORE_UNWRITABLE);
		return false;
	}
	if (stored >= d->cfg.max_jobs_per_user) {
		act_answer(a, ERR_LIMIT, "You have %lld stored jobs, the most "
		    "allowed; delete some finished ones first.",
		    (long long)stored);
		return false;
	}
	if (!rate_take(&rates, user, d->cfg.creates_per_minute,
	    clock_mono())) {
		act_answer(a, ERR_LIMIT, "You created %u jobs in the last "
		    "minute, the most allowed; wait a moment.",
		    d->cfg.creates_per_minute);
		return false;
	}
	if (live >= d->settings.max_live_jobs_per_user) {
		act_answer(a, ERR_LIMIT, "You already have %lld queued or "
		    "running jobs, the most allowed; wait for one to finish or "
		    "cancel one.", (long long)d->settings.max_live_jobs_per_user);
		return false;
	}
	if (d->queued_rows >= d->settings.max_queued_jobs) {
		act_answer(a, ERR_FULL, "The queue holds %lld jobs, the most it "
		    "may; try again when some have started.",
		    (long long)d->queued_rows);
		return false;
	}
	return true;
}

void
act_create(struct jobd *d, const struct msg_cmd *c, struct act_answer *a)
{
	const struct runner *r;
	json_object *urls, *opts;
	struct job_meta id = { .seq = d->next_seq, .created_at = clock_wall() };
	char *cmd = NULL;

	if ((r = act_check(d, c, &urls, &opts, a)) == NULL)
		return;
	if (!act_admit(d, c->user, a))
		goto out;
	uuid_generate_random(id.uuid);
	snprintf(id.user_id, sizeof(id.user_id), "%s", c->user);
	snprintf(id.runner, sizeof(id.runner), "%s", r->name);
	if ((cmd = act_command(d, &id, r, urls, opts, a)) == NULL)
		goto out;
	/* The row is durable before the client hears 201; the job takes a
	 * live slot only when it can start (job_schedule). */
	if (store_job_insert(&d->store, &id, json_object_to_json_string_ext(
	    urls, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
	    json_object_to_json_string_ext(opts, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE), cmd) == -1) {
		act_answer(a, ERR_UNAVAILABLE, "The job could not be saved: "
		    STORE_UNWRITABLE);
		goto out;
	}
	d->next_seq++;
	d->queued_rows++;
	a->err = ERR_OK;
	a->slot = -1;
	job_id_str(id.uuid, a->id);
	log_info("job %s created by '%s'", a->id, c->user);
	job_publish_counts(d);
out:
	free(cmd);
	json_object_put(urls);
	json_object_put(opts);
}

/* act_lookup: the caller's job by id, live or stored.  Another user's job
 * answers as a missing one (doc/api.md "Identity").  Returns the live job or
 * NULL; *b is filled for stored-only jobs (b->urls != NULL). */
static struct job *
act_lookup(struct jobd *d, const struct msg_cmd *c, struct store_brief *b,
    struct act_answer *a)
{
	struct job *j = job_find(d, c->id);
	uint8_t uuid[16];

	memset(b, 0, sizeof(*b));
	if (c->id == NULL || c->user == NULL ||
	    valid_uuid(c->id, strlen(c->id), uuid) == -1)
		goto missing;
	if (j != NULL) {
		if (!(c->flags & MSG_F_ADMIN) &&
		    strcmp(j->m.user_id, c->user) != 0)
			goto missing;
		a->err = ERR_OK;
		a->slot = (int)j->slot;
		job_id_str(uuid, a->id);
		return j;
	}
	switch (store_job_brief(&d->store, c->id, b)) {
	case 0:
		goto missing;
	case -1:
		act_answer(a, ERR_UNAVAILABLE, "The job could not be read; try "
		    "again in a moment.");
		return NULL;
	}
	if (!(c->flags & MSG_F_ADMIN) && strcmp(b->user_id, c->user) != 0) {
		store_brief_release(b);
		goto missing;
	}
	a->err = ERR_OK;
	job_id_str(uuid, a->id);
	return NULL;
missing:
	act_answer(a, ERR_NOT_FOUND, "No job with that id.");
	return NULL;
}

static enum err
act_may(enum job_status st, enum act_kind act, struct act_answer *a)
{
	enum err e = (unsigned)st < JOB__COUNT ? act_allowed[st][act] :
	    ERR_INTERNAL;

	if (e != ERR_OK)
		act_answer(a, e, "%s", act_conflict[act]);
	return e;
}

void
act_cancel(struct jobd *d, const struct msg_cmd *c, struct act_answer *a)
{
	struct store_brief b;
	struct job *j = act_lookup(d, c, &b, a);
	enum job_status was;

	if (j == NULL) {
		char line[USER_MAX + 32];

		/* A finished row (409), one cancelled already, or a queued
		 * one still waiting for a slot (cancelled in its row). */
		snprintf(line, sizeof(line), "jobd: cancelled by %s", c->user);
		if (b.urls != NULL && act_may(b.status, ACT_CANCEL, a) == ERR_OK &&
		    b.status == JOB_QUEUED) {
			int rc = store_cancel_queued(&d->store, a->id, line);

			if (rc == -1)
				act_answer(a, ERR_UNAVAILABLE, "The job could not "
				    "be cancelled: " STORE_UNWRITABLE);
			else if (rc == 1) {
				d->queued_rows--;
				job_count_end(d, JOB_CANCELLED);
				job_publish_counts(d);
				log_info("job %s cancelled by '%s'", a->id,
				    c->user);
			}
		}
		store_brief_release(&b);
		return;
	}
	was = (enum job_status)j->m.status;
	if (act_may(was, ACT_CANCEL, a) != ERR_OK || was == JOB_CANCELLED)
		return;
	j->cancelled = true;
	job_say(j, "jobd: cancelled by %s", c->user);
	if (was == JOB_QUEUED) {
		char *out = job_output_json(j);

		job_set_status(j, JOB_CANCELLED, out);
		job_count_end(d, JOB_CANCELLED);
		free(out);
	} else {
		/* The row is final once the process has been reaped. */
		job_set_status(j, JOB_CANCELLED, NULL);
		job_stop(j);
	}
	log_info("job %s cancelled by '%s'", a->id, c->user);
}

void
act_delete(struct jobd *d, const struct msg_cmd *c, struct act_answer *a)
{
	struct store_brief b;
	struct job *j = act_lookup(d, c, &b, a);
	enum job_status st = j ? (enum job_status)j->m.status : b.status;

	if (j == NULL && b.urls == NULL)
		return;
	store_brief_release(&b);
	if (act_may(st, ACT_DELETE, a) != ERR_OK)
		return;
	if (j != NULL && j->pid != 0) {
		act_answer(a, ERR_CONFLICT, "The job's process is still being "
		    "stopped; try again in a moment.");
		return;
	}
	if (store_job_delete(&d->store, a->id) == -1) {
		act_answer(a, ERR_UNAVAILABLE, "The job could not be deleted: "
		    STORE_UNWRITABLE);
		return;
	}
	if (j != NULL)
		job_reset(j);	/* and there is no row to write now */
	a->slot = -1;
	log_info("job %s deleted by '%s'", a->id, c->user);
}

void
act_retry(struct jobd *d, const struct msg_cmd *c, struct act_answer *a)
{
	struct store_brief b;
	struct job *j = act_lookup(d, c, &b, a);
	struct msg_cmd create = *c;
	enum job_status st;

	if (j == NULL && b.urls == NULL)
		return;
	st = j ? (enum job_status)j->m.status : b.status;
	if (act_may(st, ACT_RETRY, a) != ERR_OK) {
		store_brief_release(&b);
		return;
	}
	if (j != NULL) {
		b.urls = strdup(j->spec);
		b.options = strdup(job_meta_options(j->spec, &j->m));
		snprintf(b.runner, sizeof(b.runner), "%s", j->m.runner);
		snprintf(b.user_id, sizeof(b.user_id), "%s", j->m.user_id);
	}
	create.user = b.user_id;
	create.urls = b.urls;
	create.options = b.options;
	create.runner = b.runner;
	memset(a, 0, sizeof(*a));
	if (b.urls == NULL || b.options == NULL)
		act_answer(a, ERR_INTERNAL, "Out of memory.");
	else
		act_create(d, &create, a);
	store_brief_release(&b);
}

/* act_load_row: a queued row into the slot j (cleared). */
static void
act_load_row(void *arg, sqlite3_stmt *q)
{
	struct job *j = arg;
	struct job_meta id = { .seq = (uint64_t)sqlite3_column_int64(q, 0),
	    .created_at = sqlite3_column_double(q, 7) };
	const char *texts[3];

	j->d->load_after = id.seq;
	for (int i = 0; i < 3; i++)
		texts[i] = (const char *)sqlite3_column_text(q, 4 + i);
	if (texts[0] == NULL || texts[1] == NULL || texts[2] == NULL ||
	    valid_uuid((const char *)sqlite3_column_text(q, 1),
	    (size_t)sqlite3_column_bytes(q, 1), id.uuid) == -1) {
		log_warn("queued row %llu cannot be read; skipped",
		    (unsigned long long)id.seq);
		return;
	}
	snprintf(id.user_id, sizeof(id.user_id), "%s",
	    (const char *)sqlite3_column_text(q, 2));
	snprintf(id.runner, sizeof(id.runner), "%s",
	    (const char *)sqlite3_column_text(q, 3));
	if (job_load(j, &id, texts[0], texts[1], texts[2]) == -1)
		log_warn("queued job %s does not fit a slot; skipped", (const
		    char *)sqlite3_column_text(q, 1));
}

int
act_load_next(struct jobd *d)
{
	struct job *j;
	int rc;

	if (d->queued_rows <= 0 || (j = job_free_slot(d)) == NULL)
		return 0;
	rc = store_next_queued(&d->store, d->load_after, act_load_row, j);
	if (rc == 0)
		d->queued_rows = 0;	/* the count had drifted: none left */
	else if (rc == 1)
		d->queued_rows--;
	return rc;
}
