/* job.c: the job state machine.  A job is queued, then running, then
 * completed, failed or cancelled; it ends only after its leader exited and
 * stdout, stderr and the exec-status pipe all reached EOF (slowcgi). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include "job.h"
#include "shared/db.h"
#include "shared/jobjson.h"
#include "shared/log.h"
#include "shared/runner.h"
#include "shared/valid.h"
#include "spawn.h"

#define DRAIN_SECONDS	2.0	/* wait for strays' pipes after exit */
#define READS_PER_EVENT	4	/* stay fair between noisy jobs */

/* Which commands each status allows (s6 actions[state][event]). */
enum job_action { ACT_CANCEL, ACT_DELETE, ACT_RETRY, ACT__COUNT };
static const enum err job_allowed[JOB__COUNT][ACT__COUNT] = {
	[JOB_QUEUED] = { ERR_OK, ERR_CONFLICT, ERR_CONFLICT },
	[JOB_RUNNING] = { ERR_OK, ERR_CONFLICT, ERR_CONFLICT },
	[JOB_COMPLETED] = { ERR_CONFLICT, ERR_OK, ERR_OK },
	[JOB_FAILED] = { ERR_CONFLICT, ERR_OK, ERR_OK },
	[JOB_CANCELLED] = { ERR_OK, ERR_OK, ERR_OK },
};
static const char *const job_action_conflict[ACT__COUNT] = {
	"The job has already finished; only a queued or running job can be "
	    "cancelled.",
	"The job is still queued or running; cancel it first, then delete it.",
	"The job is still queued or running; only a finished job can be "
	    "retried.",
};

static void job_try_finish(struct job *j);

double
jobd_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct jobtab_slot *
job_slot(struct job *j)
{
	return shm_slot(&j->d->shm, j->slot);
}

static void
job_answer(struct job_answer *a, enum err e, const char *fmt, ...)
{
	va_list ap;

	a->err = e;
	va_start(ap, fmt);
	vsnprintf(a->msg, sizeof(a->msg), fmt, ap);
	va_end(ap);
}

/* --- the capture sink: lines go into the slot's ring ------------------ */

static void
job_read_facts(struct job *j, const char *s, size_t len, bool complete)
{
	struct jobtab_slot *sl = job_slot(j);
	const struct runner *r = config_runner(&j->d->cfg, sl->m.runner);
	struct line_facts f;
	char line[OUT_LINE_MAX + 1];

	if (r == NULL)
		return;
	memcpy(line, s, len);
	line[len] = '\0';
	runner_read_line(r, line, &f);
	if (complete && f.failure)
		j->failure_seen = true;
	if (complete && f.errors >= 0)
		sl->m.errors = f.errors;
	if (f.progress.known & PROGRESS_URL) {
		sl->m.progress.url = f.progress.url;
		/* A new URL starts its tracks and percent afresh. */
		sl->m.progress.known &= ~(unsigned)(PROGRESS_TRACK | PROGRESS_PERCENT);
	}
	if (f.progress.known & PROGRESS_URLS)
		sl->m.progress.urls = f.progress.urls;
	if (f.progress.known & PROGRESS_TRACK) {
		sl->m.progress.track = f.progress.track;
		sl->m.progress.known &= ~(unsigned)PROGRESS_PERCENT;
	}
	if (f.progress.known & PROGRESS_PERCENT)
		sl->m.progress.percent = f.progress.percent;
	sl->m.progress.known |= f.progress.known;
}

static void
job_sync_counters(struct jobtab_slot *sl)
{
	sl->m.out_first = sl->out.first;
	sl->m.out_next = sl->out.next;
	sl->m.changes++;
}

static uint64_t
job_sink_append(void *arg, const char *s, size_t len, size_t reserve,
    bool complete)
{
	struct job *j = arg;
	struct jobtab_slot *sl = job_slot(j);
	uint64_t n;

	n = ring_append(&sl->out, s, (uint32_t)len, (uint32_t)reserve);
	job_sync_counters(sl);
	job_read_facts(j, s, len, complete);
	return n;
}

static int
job_sink_replace(void *arg, uint64_t n, const char *s, size_t len,
    bool complete)
{
	struct job *j = arg;
	struct jobtab_slot *sl = job_slot(j);

	if (ring_replace(&sl->out, n, s, (uint32_t)len) == -1)
		return -1;
	job_sync_counters(sl);
	job_read_facts(j, s, len, complete);
	return 0;
}

/* job_say: a line jobd writes itself, numbered like the program's. */
static void __attribute__((format(printf, 2, 3)))
job_say(struct job *j, const char *fmt, ...)
{
	struct jobtab_slot *sl = job_slot(j);
	char line[OUT_LINE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	jobtab_write_begin(&sl->gen);
	ring_append(&sl->out, line, (uint32_t)n, (uint32_t)n);
	job_sync_counters(sl);
	jobtab_write_end(&sl->gen);
}

/* --- table ------------------------------------------------------------ */

int
job_table_init(struct jobd *d)
{
	d->jobs = calloc(d->cfg.slots, sizeof(*d->jobs));
	if (d->jobs == NULL)
		return -1;
	for (uint32_t i = 0; i < d->cfg.slots; i++) {
		d->jobs[i].d = d;
		d->jobs[i].slot = i;
		d->jobs[i].w_out.fd = d->jobs[i].w_err.fd =
		    d->jobs[i].w_exec.fd = -1;
	}
	return 0;
}

void
job_table_release(struct jobd *d)
{
	free(d->jobs);
	d->jobs = NULL;
}

void
job_publish_counts(struct jobd *d)
{
	uint32_t q = 0, r = 0;

	for (uint32_t i = 0; i < d->cfg.slots; i++) {
		uint32_t st = shm_slot(&d->shm, i)->m.status;

		q += st == JOB_QUEUED;
		r += st == JOB_RUNNING;
	}
	jobtab_write_begin(&d->shm.hdr->gen);
	d->shm.hdr->queued = q;
	d->shm.hdr->running = r;
	jobtab_write_end(&d->shm.hdr->gen);
}

/* job_find: the slot holding id (text), or NULL. */
static struct job *
job_find(struct jobd *d, const char *id)
{
	uint8_t uuid[16];

	if (id == NULL || valid_uuid(id, strlen(id), uuid) == -1)
		return NULL;
	for (uint32_t i = 0; i < d->cfg.slots; i++) {
		struct jobtab_slot *sl = shm_slot(&d->shm, i);

		if (sl->m.status != JOB_NONE && memcmp(sl->m.uuid, uuid, 16) == 0)
			return &d->jobs[i];
	}
	return NULL;
}

/* job_free_slot: a free slot, else the finished one that ended first;
 * its row in SQLite is final, so it stays readable from there. */
static struct job *
job_free_slot(struct jobd *d)
{
	struct job *best = NULL;
	double oldest = 0;

	for (uint32_t i = 0; i < d->cfg.slots; i++) {
		struct jobtab_slot *sl = shm_slot(&d->shm, i);

		if (sl->m.status == JOB_NONE)
			return &d->jobs[i];
		if (job_is_finished((enum job_status)sl->m.status) &&
		    d->jobs[i].pid == 0 &&
		    (best == NULL || sl->m.finished_at < oldest)) {
			best = &d->jobs[i];
			oldest = sl->m.finished_at;
		}
	}
	if (best != NULL)
		shm_slot_clear(&d->shm, best->slot);
	return best;
}

static unsigned
job_live_of(struct jobd *d, const char *user)
{
	unsigned n = 0;

	for (uint32_t i = 0; i < d->cfg.slots; i++) {
		struct jobtab_slot *sl = shm_slot(&d->shm, i);

		n += job_is_live((enum job_status)sl->m.status) &&
		    strcmp(sl->m.user_id, user) == 0;
	}
	return n;
}

/* --- paths ------------------------------------------------------------ */

static int
job_user_dir(struct jobd *d, const char *user, char *buf, size_t size)
{
	return snprintf(buf, size, "%s/%s", d->cfg.download_dir, user) >=
	    (int)size ? -1 : 0;
}

static int
job_temp_dir(struct jobd *d, const uint8_t uuid[16], char *buf, size_t size)
{
	char id[JOB_ID_LEN + 1];

	jobjson_uuid_str(uuid, id);
	return snprintf(buf, size, "%s/tmp/%s", d->cfg.state_dir, id) >=
	    (int)size ? -1 : 0;
}

/* job_open_dir: open (creating) user/sub below the download folder one
 * component at a time, refusing symlinks, so no option escapes it. */
static int
job_open_dir(struct jobd *d, const char *user, const char *sub)
{
	char path[PATH_MAX];
	char *p, *save = NULL;
	int fd, next;

	if ((fd = open(d->cfg.download_dir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return -1;
	snprintf(path, sizeof(path), "%s%s%s", user, sub ? "/" : "",
	    sub ? sub : "");
	for (p = strtok_r(path, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
		if (mkdirat(fd, p, 0750) == -1 && errno != EEXIST)
			goto fail;
		next = openat(fd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (next == -1)
			goto fail;
		close(fd);
		fd = next;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

static int
job_rm_entry(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void
job_rm_temp(struct job *j)
{
	if (j->temp_dir[0] != '\0')
		nftw(j->temp_dir, job_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	j->temp_dir[0] = '\0';
}

/* --- create ----------------------------------------------------------- */

/* job_check: parse and check a create's JSON texts.  On success *urls
 * and *opts are new references the caller puts. */
static const struct runner *
job_check(struct jobd *d, const struct mq_cmd *c, json_object **urls,
    json_object **opts, struct job_answer *a)
{
	const struct runner *r = config_runner(&d->cfg, c->runner);

	*urls = *opts = NULL;
	if (c->user == NULL || !valid_user(c->user) || c->urls == NULL) {
		job_answer(a, ERR_INVALID, "The request is incomplete.");
		return NULL;
	}
	if (r == NULL) {
		job_answer(a, ERR_INVALID, "Unknown runner.");
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

/* job_fill: write a new job into a cleared slot.  Texts are stored as
 * the canonical JSON json-c prints. */
static int
job_fill(struct jobd *d, struct job *j, const char *user,
    const struct runner *r, json_object *urls, json_object *opts)
{
	struct jobtab_slot *sl = job_slot(j);
	const char *u = json_object_to_json_string_ext(urls, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	const char *o = json_object_to_json_string_ext(opts, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	char user_dir[PATH_MAX], temp[PATH_MAX];
	char *argv[ARGV_MAX];
	size_t ulen = strlen(u), olen = strlen(o);
	uint8_t uuid[16];
	int rc = -1;

	uuid_generate_random(uuid);
	if (job_user_dir(d, user, user_dir, sizeof(user_dir)) == -1 ||
	    job_temp_dir(d, uuid, temp, sizeof(temp)) == -1 ||
	    runner_argv(r, urls, opts, user_dir, temp, argv, ARGV_MAX) == -1)
		return -1;
	jobtab_write_begin(&sl->gen);
	memset(&sl->m, 0, sizeof(sl->m));
	memcpy(sl->m.uuid, uuid, 16);
	sl->m.seq = d->next_seq;
	snprintf(sl->m.user_id, sizeof(sl->m.user_id), "%s", user);
	snprintf(sl->m.runner, sizeof(sl->m.runner), "%s", r->name);
	sl->m.created_at = db_now();
	sl->m.errors = -1;
	if (ulen + olen + 2 < SPEC_MAX) {
		memcpy(sl->spec, u, ulen + 1);
		memcpy(sl->spec + ulen + 1, o, olen + 1);
		sl->m.urls_len = (uint32_t)ulen;
		sl->m.options_len = (uint32_t)olen;
		if (runner_command(argv, sl->spec + ulen + olen + 2,
		    SPEC_MAX - ulen - olen - 2) == 0) {
			sl->m.command_len = (uint32_t)strlen(sl->spec + ulen +
			    olen + 2);
			sl->m.status = JOB_QUEUED;
			rc = 0;
		}
	}
	ring_reset(&sl->out);
	job_sync_counters(sl);
	jobtab_write_end(&sl->gen);
	runner_argv_free(argv);
	return rc;
}

void
job_create(struct jobd *d, const struct mq_cmd *c, struct job_answer *a)
{
	const struct runner *r;
	json_object *urls, *opts;
	struct job *j;

	if ((r = job_check(d, c, &urls, &opts, a)) == NULL)
		return;
	if (job_live_of(d, c->user) >= (unsigned)d->settings.max_live_jobs_per_user) {
		job_answer(a, ERR_LIMIT, "You already have %lld queued or "
		    "running jobs, the most allowed; wait for one to finish or "
		    "cancel one.", (long long)d->settings.max_live_jobs_per_user);
		goto out;
	}
	if ((j = job_free_slot(d)) == NULL) {
		job_answer(a, ERR_FULL, "All %u live job slots are taken; try "
		    "again when a job has finished.", d->cfg.slots);
		goto out;
	}
	if (job_fill(d, j, c->user, r, urls, opts) == -1) {
		shm_slot_clear(&d->shm, j->slot);
		job_answer(a, ERR_INVALID, "The job's command line is too long.");
		goto out;
	}
	/* rule 6: the row is durable before the client hears 201. */
	if (store_job_insert(&d->store, job_slot(j)) == -1) {
		shm_slot_clear(&d->shm, j->slot);
		job_answer(a, ERR_INTERNAL, "The job could not be saved.");
		goto out;
	}
	d->next_seq++;
	a->err = ERR_OK;
	a->slot = (int)j->slot;
	jobjson_uuid_str(job_slot(j)->m.uuid, a->id);
	log_info("job %s created by '%s'", a->id, c->user);
	job_publish_counts(d);
out:
	json_object_put(urls);
	json_object_put(opts);
}

/* --- starting --------------------------------------------------------- */

static char **
job_envp(const struct runner *r, const char *home, const char *temp)
{
	char **envp = calloc(r->nenv + 5, sizeof(char *));
	size_t n = 0;

	if (envp == NULL)
		return NULL;
	envp[n++] = strdup("PATH=/usr/local/bin:/usr/bin:/bin");
	envp[n++] = strdup("LANG=C.UTF-8");
	if (asprintf(&envp[n++], "HOME=%s", home) == -1)
		envp[n - 1] = NULL;
	if (asprintf(&envp[n++], "TMPDIR=%s", temp) == -1)
		envp[n - 1] = NULL;
	for (unsigned i = 0; i < r->nenv; i++)
		envp[n++] = strdup(r->env[i]);
	for (size_t i = 0; i < n; i++)
		if (envp[i] == NULL) {
			for (size_t k = 0; k < n; k++)
				free(envp[k]);
			free(envp);
			return NULL;
		}
	return envp;
}

static void
job_envp_free(char **envp)
{
	for (size_t i = 0; envp && envp[i]; i++)
		free(envp[i]);
	free(envp);
}

static void job_on_pipe(struct loop_watch *w, uint32_t events);

static void
job_watch(struct job *j, struct loop_watch *w, int fd)
{
	w->fd = fd;
	w->fn = job_on_pipe;
	w->arg = j;
	if (loop_add(&j->d->loop, w, EPOLLIN) == -1)
		log_warn("%s: epoll_ctl: %s", __func__, strerror(errno));
}

/* job_set_status: change status (and times) in the slot and the row. */
static void
job_set_status(struct job *j, enum job_status st, const char *output_json)
{
	struct jobtab_slot *sl = job_slot(j);

	jobtab_write_begin(&sl->gen);
	sl->m.status = st;
	if (st == JOB_RUNNING)
		sl->m.started_at = db_now();
	if (job_is_finished(st) && j->pid == 0 && sl->m.finished_at == 0)
		sl->m.finished_at = db_now();
	sl->m.changes++;
	jobtab_write_end(&sl->gen);
	if (store_job_update(&j->d->store, sl, output_json) == -1)
		log_warn("job row not updated; it will be on the next change");
	job_publish_counts(j->d);
}

/* job_launch: build everything, record 'running', then fork. */
static int
job_launch(struct job *j, const struct runner *r, char *why, size_t whysz)
{
	struct jobtab_slot *sl = job_slot(j);
	json_object *urls = json_tokener_parse(sl->spec);
	json_object *opts = json_tokener_parse(sl->spec + sl->m.urls_len + 1);
	char home[PATH_MAX], *argv[ARGV_MAX], **envp = NULL;
	struct spawn sp;
	int dir_fd = -1, rc = -1;

	argv[0] = NULL;
	if (job_user_dir(j->d, sl->m.user_id, home, sizeof(home)) == -1 ||
	    job_temp_dir(j->d, sl->m.uuid, j->temp_dir, sizeof(j->temp_dir)) == -1 ||
	    runner_argv(r, urls, opts, home, j->temp_dir, argv, ARGV_MAX) == -1) {
		snprintf(why, whysz, "cannot build the command line");
		goto out;
	}
	if ((dir_fd = job_open_dir(j->d, sl->m.user_id,
	    runner_subdir(r, opts))) == -1) {
		snprintf(why, whysz, "cannot use the output folder: %s",
		    errno == ELOOP || errno == ENOTDIR ? "it leaves your download "
		    "folder" : strerror(errno));
		goto out;
	}
	if (mkdir(j->temp_dir, 0700) == -1 && errno != EEXIST) {
		snprintf(why, whysz, "cannot create the temp folder: %s",
		    strerror(errno));
		goto out;
	}
	if ((envp = job_envp(r, home, j->temp_dir)) == NULL) {
		snprintf(why, whysz, "out of memory");
		goto out;
	}
	j->started_mono = jobd_mono();
	job_set_status(j, JOB_RUNNING, NULL);
	if (spawn_start(argv, envp, dir_fd, &sp) == -1) {
		snprintf(why, whysz, "cannot fork: %s", strerror(errno));
		goto out;
	}
	j->pid = sp.pid;
	job_watch(j, &j->w_out, sp.out_fd);
	job_watch(j, &j->w_err, sp.err_fd);
	job_watch(j, &j->w_exec, sp.exec_fd);
	log_debug("job in slot %u started, pid %d", j->slot, (int)sp.pid);
	rc = 0;
out:
	if (dir_fd != -1)
		close(dir_fd);
	runner_argv_free(argv);
	job_envp_free(envp);
	json_object_put(urls);
	json_object_put(opts);
	return rc;
}

/* job_start: a job that cannot start fails with 127 and a line saying
 * why (API.md "status"). */
static void
job_start(struct job *j)
{
	struct jobtab_slot *sl = job_slot(j);
	const struct runner *r = config_runner(&j->d->cfg, sl->m.runner);
	char why[512];

	capture_init(&j->cap_out);
	capture_init(&j->cap_err);
	j->exited = j->failure_seen = j->timed_out = j->cancelled = false;
	j->exec_errno = 0;
	j->t_kill = j->t_drain = 0;
	if (r == NULL)
		snprintf(why, sizeof(why), "runner '%s' is no longer configured",
		    sl->m.runner);
	else if (job_launch(j, r, why, sizeof(why)) == 0)
		return;
	job_say(j, "jobd: cannot start the job: %s", why);
	j->exited = true;
	j->wstatus = 127 << 8;
	job_rm_temp(j);
	if (sl->m.status != JOB_RUNNING)
		job_set_status(j, JOB_RUNNING, NULL);
	job_try_finish(j);
}

void
job_schedule(struct jobd *d)
{
	for (;;) {
		struct job *next = NULL;
		uint64_t best = UINT64_MAX;
		int64_t running = 0;

		for (uint32_t i = 0; i < d->cfg.slots; i++) {
			struct jobtab_slot *sl = shm_slot(&d->shm, i);

			running += sl->m.status == JOB_RUNNING;
			if (sl->m.status == JOB_QUEUED && sl->m.seq < best) {
				best = sl->m.seq;
				next = &d->jobs[i];
			}
		}
		if (next == NULL || d->stopping ||
		    running >= d->settings.max_concurrent_jobs)
			return;
		job_start(next);
	}
}

/* --- running ---------------------------------------------------------- */

static void
job_close_watch(struct job *j, struct loop_watch *w)
{
	if (w->fd < 0)
		return;
	loop_del(&j->d->loop, w);
	close(w->fd);
	w->fd = -1;
}

static void
job_on_exec_pipe(struct job *j)
{
	int e;
	ssize_t n = read(j->w_exec.fd, &e, sizeof(e));

	if (n == sizeof(e))
		j->exec_errno = e;
	if (n == -1 && errno == EAGAIN)
		return;
	job_close_watch(j, &j->w_exec);
	job_try_finish(j);
}

static void
job_on_pipe(struct loop_watch *w, uint32_t events)
{
	struct job *j = w->arg;
	struct jobtab_slot *sl = job_slot(j);
	struct capture *cap = w == &j->w_out ? &j->cap_out : &j->cap_err;
	struct capture_sink sink = { j, job_sink_append, job_sink_replace };
	char buf[65536];
	ssize_t n = 0;

	(void)events;
	if (w == &j->w_exec) {
		job_on_exec_pipe(j);
		return;
	}
	for (int i = 0; i < READS_PER_EVENT; i++) {
		n = read(w->fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		/* One bracket per chunk: readers see whole chunks. */
		jobtab_write_begin(&sl->gen);
		capture_feed(cap, buf, (size_t)n, &sink);
		jobtab_write_end(&sl->gen);
		/* A short read drained the pipe: epoll says when there is
		 * more, which spares a read that would say EAGAIN. */
		if ((size_t)n < sizeof(buf))
			return;
	}
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0)
		return;		/* more next turn */
	jobtab_write_begin(&sl->gen);
	capture_eof(cap, &sink);
	jobtab_write_end(&sl->gen);
	job_close_watch(j, w);
	job_try_finish(j);
}

/* job_output_json: the held lines as a JSON array text; caller frees. */
static char *
job_output_json(struct jobtab_slot *sl)
{
	json_object *a = json_object_new_array();
	char *s;

	for (uint64_t n = sl->out.first; n < sl->out.next; n++) {
		uint32_t len;
		const char *l = ring_line(&sl->out, n, &len);

		json_object_array_add(a, json_object_new_string_len(l, (int)len));
	}
	s = strdup(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(a);
	return s;
}

/* job_outcome: status and return code once everything has ended
 * (API.md "status", "Outcome"). */
static void
job_outcome(struct job *j, enum job_status *st, int *rc)
{
	struct jobtab_slot *sl = job_slot(j);

	if (WIFSIGNALED(j->wstatus))
		*rc = -WTERMSIG(j->wstatus);
	else
		*rc = WEXITSTATUS(j->wstatus);
	if (sl->m.status == JOB_CANCELLED)
		*st = JOB_CANCELLED;
	else if (j->timed_out || j->exec_errno != 0 || *rc != 0 ||
	    j->failure_seen || sl->m.errors > 0)
		*st = JOB_FAILED;
	else
		*st = JOB_COMPLETED;
}

static void
job_try_finish(struct job *j)
{
	struct jobtab_slot *sl = job_slot(j);
	enum job_status st;
	char *out;
	int rc;

	if (!j->exited || j->w_out.fd >= 0 || j->w_err.fd >= 0 ||
	    j->w_exec.fd >= 0)
		return;
	if (j->exec_errno != 0)
		job_say(j, "jobd: cannot run '%s': %s",
		    config_runner(&j->d->cfg, sl->m.runner) ?
		    config_runner(&j->d->cfg, sl->m.runner)->exe : "?",
		    strerror(j->exec_errno));
	job_outcome(j, &st, &rc);
	j->pid = 0;
	j->t_kill = j->t_drain = 0;
	jobtab_write_begin(&sl->gen);
	sl->m.return_code = rc;
	sl->m.has_return_code = 1;
	jobtab_write_end(&sl->gen);
	out = job_output_json(sl);
	job_set_status(j, st, out);
	free(out);
	job_rm_temp(j);
	log_info("job in slot %u ended %s, return code %d", j->slot,
	    job_status_str(st), rc);
	job_schedule(j->d);
}

static struct job *
job_by_pid(struct jobd *d, pid_t pid)
{
	for (uint32_t i = 0; i < d->cfg.slots; i++)
		if (d->jobs[i].pid == pid && !d->jobs[i].exited)
			return &d->jobs[i];
	return NULL;
}

void
job_reap(struct jobd *d)
{
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		struct job *j = job_by_pid(d, pid);

		if (j == NULL) {
			log_warn("%s: unknown child %d", __func__, (int)pid);
			continue;
		}
		j->exited = true;
		j->wstatus = st;
		/* Strays of the group would hold the pipes open. */
		kill(-pid, SIGKILL);
		j->t_drain = jobd_mono() + DRAIN_SECONDS;
		job_try_finish(j);
	}
}

/* job_stop: SIGTERM the group now, SIGKILL it after the grace. */
static void
job_stop(struct job *j)
{
	int64_t grace = j->d->settings.cancel_grace_seconds;

	if (j->pid == 0 || j->exited)
		return;
	kill(-j->pid, grace > 0 ? SIGTERM : SIGKILL);
	j->t_kill = jobd_mono() + (double)grace;
}

static void
job_drain_now(struct job *j)
{
	struct jobtab_slot *sl = job_slot(j);
	struct capture_sink sink = { j, job_sink_append, job_sink_replace };

	jobtab_write_begin(&sl->gen);
	capture_eof(&j->cap_out, &sink);
	capture_eof(&j->cap_err, &sink);
	jobtab_write_end(&sl->gen);
	job_close_watch(j, &j->w_out);
	job_close_watch(j, &j->w_err);
	job_close_watch(j, &j->w_exec);
	job_try_finish(j);
}

static double
job_min_deadline(double a, double b)
{
	if (a <= 0)
		return b;
	if (b <= 0)
		return a;
	return a < b ? a : b;
}

int
job_deadlines(struct jobd *d)
{
	double now = jobd_mono(), next = 0;

	for (uint32_t i = 0; i < d->cfg.slots; i++) {
		struct job *j = &d->jobs[i];
		double limit;

		if (j->pid == 0)
			continue;
		limit = j->started_mono + (double)d->settings.max_job_seconds;
		if (!j->exited && !j->timed_out && !j->cancelled && now >= limit) {
			j->timed_out = true;
			job_say(j, "jobd: stopped: the job ran longer than %lld "
			    "seconds (max_job_seconds)",
			    (long long)d->settings.max_job_seconds);
			job_stop(j);
		}
		if (j->t_kill > 0 && now >= j->t_kill) {
			if (!j->exited)
				kill(-j->pid, SIGKILL);
			j->t_kill = 0;
		}
		if (j->t_drain > 0 && now >= j->t_drain) {
			job_drain_now(j);
			continue;
		}
		if (!j->exited && !j->timed_out && !j->cancelled)
			next = job_min_deadline(next, limit);
		next = job_min_deadline(next, j->t_kill);
		next = job_min_deadline(next, j->t_drain);
	}
	if (next <= 0)
		return -1;
	return next <= now ? 0 : (int)((next - now) * 1000) + 1;
}

void
job_kill_all(struct jobd *d)
{
	for (uint32_t i = 0; i < d->cfg.slots; i++)
		if (d->jobs[i].pid > 0 && !d->jobs[i].exited)
			kill(-d->jobs[i].pid, SIGKILL);
	for (uint32_t i = 0; i < d->cfg.slots; i++)
		job_rm_temp(&d->jobs[i]);
}

/* --- cancel, delete, retry -------------------------------------------- */

/* job_lookup: the caller's job by id, live or stored.  Another user's job
 * answers as a missing one (API.md "Identity").  Returns the live job or
 * NULL; *b is filled for stored-only jobs (b->urls != NULL). */
static struct job *
job_lookup(struct jobd *d, const struct mq_cmd *c, struct store_brief *b,
    struct job_answer *a)
{
	struct job *j = job_find(d, c->id);
	uint8_t uuid[16];

	memset(b, 0, sizeof(*b));
	if (c->id == NULL || c->user == NULL ||
	    valid_uuid(c->id, strlen(c->id), uuid) == -1)
		goto missing;
	if (j != NULL) {
		if (!(c->flags & MQ_F_ADMIN) &&
		    strcmp(job_slot(j)->m.user_id, c->user) != 0)
			goto missing;
		a->err = ERR_OK;
		a->slot = (int)j->slot;
		jobjson_uuid_str(uuid, a->id);
		return j;
	}
	if (store_job_brief(&d->store, c->id, b) != 0)
		goto missing;
	if (!(c->flags & MQ_F_ADMIN) && strcmp(b->user_id, c->user) != 0) {
		store_brief_release(b);
		goto missing;
	}
	a->err = ERR_OK;
	jobjson_uuid_str(uuid, a->id);
	return NULL;
missing:
	job_answer(a, ERR_NOT_FOUND, "No job with that id.");
	return NULL;
}

static enum err
job_may(enum job_status st, enum job_action act, struct job_answer *a)
{
	enum err e = (unsigned)st < JOB__COUNT ? job_allowed[st][act] :
	    ERR_INTERNAL;

	if (e != ERR_OK)
		job_answer(a, e, "%s", job_action_conflict[act]);
	return e;
}

void
job_cancel(struct jobd *d, const struct mq_cmd *c, struct job_answer *a)
{
	struct store_brief b;
	struct job *j = job_lookup(d, c, &b, a);
	struct jobtab_slot *sl;
	enum job_status was;

	if (j == NULL) {
		if (b.urls != NULL && job_may(b.status, ACT_CANCEL, a) == ERR_OK)
			a->err = ERR_OK;	/* cancelled already */
		store_brief_release(&b);
		return;
	}
	sl = job_slot(j);
	was = (enum job_status)sl->m.status;
	if (job_may(was, ACT_CANCEL, a) != ERR_OK || was == JOB_CANCELLED)
		return;
	j->cancelled = true;
	job_say(j, "jobd: cancelled by %s", c->user);
	if (was == JOB_QUEUED) {
		char *out = job_output_json(sl);

		job_set_status(j, JOB_CANCELLED, out);
		free(out);
	} else {
		/* The row is final once the process has been reaped. */
		job_set_status(j, JOB_CANCELLED, NULL);
		job_stop(j);
	}
	log_info("job %s cancelled by '%s'", a->id, c->user);
	job_schedule(d);
}

void
job_delete(struct jobd *d, const struct mq_cmd *c, struct job_answer *a)
{
	struct store_brief b;
	struct job *j = job_lookup(d, c, &b, a);
	enum job_status st = j ? (enum job_status)job_slot(j)->m.status : b.status;

	if (j == NULL && b.urls == NULL)
		return;
	store_brief_release(&b);
	if (job_may(st, ACT_DELETE, a) != ERR_OK)
		return;
	if (j != NULL && j->pid != 0) {
		job_answer(a, ERR_CONFLICT, "The job's process is still being "
		    "stopped; try again in a moment.");
		return;
	}
	if (store_job_delete(&d->store, a->id) == -1) {
		job_answer(a, ERR_INTERNAL, "The job could not be deleted.");
		return;
	}
	if (j != NULL)
		shm_slot_clear(&d->shm, j->slot);
	a->slot = -1;
	log_info("job %s deleted by '%s'", a->id, c->user);
}

void
job_retry(struct jobd *d, const struct mq_cmd *c, struct job_answer *a)
{
	struct store_brief b;
	struct job *j = job_lookup(d, c, &b, a);
	struct mq_cmd create = *c;
	enum job_status st;

	if (j == NULL && b.urls == NULL)
		return;
	st = j ? (enum job_status)job_slot(j)->m.status : b.status;
	if (job_may(st, ACT_RETRY, a) != ERR_OK) {
		store_brief_release(&b);
		return;
	}
	if (j != NULL) {
		struct jobtab_slot *sl = job_slot(j);

		b.urls = strdup(sl->spec);
		b.options = strdup(sl->spec + sl->m.urls_len + 1);
		snprintf(b.runner, sizeof(b.runner), "%s", sl->m.runner);
		snprintf(b.user_id, sizeof(b.user_id), "%s", sl->m.user_id);
	}
	create.user = b.user_id;
	create.urls = b.urls;
	create.options = b.options;
	create.runner = b.runner;
	memset(a, 0, sizeof(*a));
	if (b.urls == NULL || b.options == NULL)
		job_answer(a, ERR_INTERNAL, "Out of memory.");
	else
		job_create(d, &create, a);
	store_brief_release(&b);
}

/* --- start-up and expiry ---------------------------------------------- */

static int
job_recover_row(void *arg, sqlite3_stmt *q)
{
	struct jobd *d = arg;
	struct job *j = job_free_slot(d);
	struct jobtab_slot *sl;
	const char *texts[3];
	size_t lens[3], off = 0;

	if (j == NULL) {
		log_warn("more queued jobs than live slots; the rest wait in "
		    "the database until the next start");
		return 1;
	}
	sl = job_slot(j);
	for (int i = 0; i < 3; i++) {
		texts[i] = (const char *)sqlite3_column_text(q, 4 + i);
		lens[i] = (size_t)sqlite3_column_bytes(q, 4 + i);
		if (texts[i] == NULL || off + lens[i] + 1 > SPEC_MAX)
			return 0;	/* skip a row that cannot fit */
		off += lens[i] + 1;
	}
	jobtab_write_begin(&sl->gen);
	memset(&sl->m, 0, sizeof(sl->m));
	sl->m.seq = (uint64_t)sqlite3_column_int64(q, 0);
	valid_uuid((const char *)sqlite3_column_text(q, 1),
	    (size_t)sqlite3_column_bytes(q, 1), sl->m.uuid);
	snprintf(sl->m.user_id, sizeof(sl->m.user_id), "%s",
	    (const char *)sqlite3_column_text(q, 2));
	snprintf(sl->m.runner, sizeof(sl->m.runner), "%s",
	    (const char *)sqlite3_column_text(q, 3));
	off = 0;
	for (int i = 0; i < 3; i++) {
		memcpy(sl->spec + off, texts[i], lens[i] + 1);
		off += lens[i] + 1;
	}
	sl->m.urls_len = (uint32_t)lens[0];
	sl->m.options_len = (uint32_t)lens[1];
	sl->m.command_len = (uint32_t)lens[2];
	sl->m.created_at = sqlite3_column_double(q, 7);
	sl->m.errors = -1;
	sl->m.status = JOB_QUEUED;
	ring_reset(&sl->out);
	job_sync_counters(sl);
	jobtab_write_end(&sl->gen);
	return 0;
}

int
job_recover(struct jobd *d)
{
	int rc = store_recover(&d->store, "jobd: this job was interrupted "
	    "because jobd restarted; retry it to run it again",
	    job_recover_row, d);

	job_publish_counts(d);
	return rc == -1 ? -1 : 0;
}

void
job_forget_deleted(struct jobd *d)
{
	char id[JOB_ID_LEN + 1];

	for (uint32_t i = 0; i < d->cfg.slots; i++) {
		struct jobtab_slot *sl = shm_slot(&d->shm, i);

		if (!job_is_finished((enum job_status)sl->m.status) ||
		    d->jobs[i].pid != 0)
			continue;
		jobjson_uuid_str(sl->m.uuid, id);
		if (store_job_exists(&d->store, id) == 0)
			shm_slot_clear(&d->shm, i);
	}
}
