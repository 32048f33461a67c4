/* job.c: the job state machine.  A job is queued, then running, then
 * completed, failed or cancelled; it ends only after its leader exited and
 * stdout, stderr and the exec-status pipe all reached EOF (slowcgi). */
#include <errno.h>
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

#include "act.h"
#include "jobinit.h"
#include "job.h"
#include "jobdir.h"
#include "orphans.h"
#include "shared/db.h"
#include "shared/jobjson.h"
#include "shared/log.h"
#include "shared/runner.h"
#include "shared/valid.h"
#include "slurm.h"
#include "spawn.h"

#define DRAIN_SECONDS	2.0	/* wait for strays' pipes after exit */
#define READS_PER_EVENT	4	/* stay fair between noisy jobs */

static void job_try_finish(struct job *j);

double
jobd_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct jobtab_slot *
job_slot(struct job *j)
{
	return shm_slot(&j->d->shm, j->slot);
}

/* job_write_begin, job_write_end: bracket a change of j's slot.  The
 * counter is stored from jobd's copy, never read back: a scribble over
 * it lasts until jobd's next write. */
static struct jobtab_slot *
job_write_begin(struct job *j)
{
	struct jobtab_slot *sl = job_slot(j);

	j->gen = (j->gen | 1) + 2;	/* odd: a write is under way */
	atomic_store_explicit(&sl->gen, j->gen, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	return sl;
}

static void
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

/* job_spec_size: bytes of j's texts, their NULs included. */
static size_t
job_spec_size(const struct job *j)
{
	return (size_t)j->m.urls_len + j->m.options_len + j->m.command_len + 3;
}

/* job_ring: j's ring, its line counters put back from jobd's copy (a
 * scribble cannot renumber the lines; the ring checks the rest, ring.h).
 * Inside a write. */
static struct ring *
job_ring(struct job *j, struct jobtab_slot *sl)
{
	sl->out.first = j->m.out_first;
	sl->out.next = j->m.out_next;
	return &sl->out;
}

/* job_ring_done: the ring's counters into jobd's copy after a change. */
static void
job_ring_done(struct job *j, const struct ring *r)
{
	j->m.out_first = r->first;
	j->m.out_next = r->next;
	j->m.changes++;
}

/* --- the capture sink: lines go into the slot's ring ------------------ */

/* job_line_facts: what a line says (the runner's regexes), read before
 * the slot is opened for writing so that readers wait as little as
 * possible.  False when the job's runner is gone from the config. */
static bool
job_line_facts(struct job *j, const char *s, size_t len,
    struct line_facts *f)
{
	const struct runner *r = config_runner(&j->d->cfg, j->m.runner);
	char line[OUT_LINE_MAX + 1];

	if (r == NULL)
		return false;
	memcpy(line, s, len);
	line[len] = '\0';
	runner_read_line(r, line, f);
	return true;
}

/* job_apply_facts: f into j's metadata. */
static void
job_apply_facts(struct job *j, const struct line_facts *f, bool complete)
{
	struct job_meta *m = &j->m;

	if (complete && f->failure)
		j->failure_seen = true;
	if (complete && f->errors >= 0)
		m->errors = f->errors;
	if (f->progress.known & PROGRESS_URL) {
		m->progress.url = f->progress.url;
		/* A new URL starts its tracks and percent afresh. */
		m->progress.known &= ~(unsigned)(PROGRESS_TRACK | PROGRESS_PERCENT);
	}
	if (f->progress.known & PROGRESS_URLS)
		m->progress.urls = f->progress.urls;
	if (f->progress.known & PROGRESS_TRACK) {
		m->progress.track = f->progress.track;
		m->progress.known &= ~(unsigned)PROGRESS_PERCENT;
	}
	if (f->progress.known & PROGRESS_PERCENT)
		m->progress.percent = f->progress.percent;
	m->progress.known |= f->progress.known;
}

/* The sink opens the slot for writing once per line, not per chunk read:
 * a chunk of 64 KiB can take milliseconds to clean and match, and a
 * reader copying 500 lines needs a quiet moment longer than the pause
 * between two chunks. */
static uint64_t
job_sink_append(void *arg, const char *s, size_t len, size_t reserve,
    bool complete)
{
	struct job *j = arg;
	struct line_facts f;
	bool known = job_line_facts(j, s, len, &f);
	struct jobtab_slot *sl = job_write_begin(j);
	struct ring *r = job_ring(j, sl);
	uint64_t n = ring_append(r, s, (uint32_t)len, (uint32_t)reserve);

	job_ring_done(j, r);
	if (known)
		job_apply_facts(j, &f, complete);
	job_write_end(j, sl);
	atomic_fetch_add_explicit(&j->d->shm.hdr->stats.lines, 1,
	    memory_order_relaxed);
	if (complete)
		slurm_job_line(j, s, len);
	return n;
}

static int
job_sink_replace(void *arg, uint64_t n, const char *s, size_t len,
    bool complete)
{
	struct job *j = arg;
	struct line_facts f;
	bool known = job_line_facts(j, s, len, &f);
	struct jobtab_slot *sl = job_write_begin(j);
	struct ring *r = job_ring(j, sl);
	int rc;

	if ((rc = ring_replace(r, n, s, (uint32_t)len)) == 0) {
		job_ring_done(j, r);
		if (known)
			job_apply_facts(j, &f, complete);
	}
	job_write_end(j, sl);
	return rc;
}

/* job_say: a line jobd writes itself, numbered like the program's. */
void
job_say(struct job *j, const char *fmt, ...)
{
	struct jobtab_slot *sl;
	struct ring *r;
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
	sl = job_write_begin(j);
	r = job_ring(j, sl);
	ring_append(r, line, (uint32_t)n, (uint32_t)n);
	job_ring_done(j, r);
	job_write_end(j, sl);
}

/* --- table ------------------------------------------------------------ */

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
	shm_slot_drop_pages(&j->d->shm, j->slot);
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
		/* shm_create left every slot free, its counter even. */
		d->jobs[i].gen = atomic_load(&shm_slot(&d->shm, i)->gen);
		d->jobs[i].m.changes = shm_slot(&d->shm, i)->m.changes;
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
	jobtab_write_begin(&d->shm.hdr->gen);
	d->shm.hdr->queued = q + (uint32_t)(d->queued_rows > 0 ?
	    d->queued_rows : 0);
	d->shm.hdr->running = r;
	d->shm.hdr->slots_free = d->cfg.slots - busy;
	jobtab_write_end(&d->shm.hdr->gen);
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
		atomic_fetch_add_explicit(&d->shm.hdr->stats.ended[st], 1,
		    memory_order_relaxed);
}

/* job_name: "<id> of '<user>'", for log lines: every line about a job
 * names it and its owner (never a token: jobd has none). */
static const char *
job_name(struct job *j)
{
	static char buf[JOB_ID_LEN + USER_MAX + 8];
	char id[JOB_ID_LEN + 1];

	jobjson_uuid_str(j->m.uuid, id);
	snprintf(buf, sizeof(buf), "%s of '%s'", id, j->m.user_id);
	return buf;
}

static void
job_rm_temp(struct job *j)
{
	if (j->temp_dir[0] != '\0')
		jobdir_remove(j->temp_dir);
	j->temp_dir[0] = '\0';
}

/* --- starting --------------------------------------------------------- */

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

/* How often rows that could not be written, and queued jobs that could
 * not be recorded 'running', are tried again. */
#define JOB_ROW_RETRY_S	2.0

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
			j->d->row_retry_at = jobd_mono() + JOB_ROW_RETRY_S;
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
		j->m.started_at = db_now();
	if (job_is_finished(st) && j->pid == 0 && j->m.finished_at == 0)
		j->m.finished_at = db_now();
	/* The texts too: a scribble over them lasts until the next status
	 * at most (the line path writes only the metadata). */
	j->m.changes++;
	sl = job_write_begin(j);
	memcpy(sl->spec, j->spec, job_spec_size(j));
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

/* job_launch: build everything, record 'running', then start it.
 * Returns 0, -1 (why says why), or 1 when it could not be recorded. */
static int
job_launch(struct job *j, const struct runner *r, char *why, size_t whysz)
{
	const struct job_meta *m = &j->m;
	const struct launcher *l = config_launcher(&j->d->cfg, r);
	json_object *urls = json_tokener_parse(j->spec);
	json_object *opts = json_tokener_parse(j->spec + m->urls_len + 1);
	char home[PATH_MAX], *argv[ARGV_MAX], **envp = NULL;
	char marker[ORPHANS_MARKER_MAX];
	struct spawn sp;
	int dir_fd = -1, rc = -1;

	argv[0] = NULL;
	if (jobdir_user(&j->d->cfg, m->user_id, home, sizeof(home)) == -1 ||
	    jobdir_temp(&j->d->cfg, r, m->uuid, j->temp_dir,
	    sizeof(j->temp_dir)) == -1 ||
	    runner_argv(r, urls, opts, home, j->temp_dir, argv, ARGV_MAX) == -1 ||
	    (l != NULL && launcher_wrap(l, j->d->cfg.instance, m->uuid,
	    j->d->settings.max_job_seconds, argv, ARGV_MAX) == -1)) {
		snprintf(why, whysz, "cannot build the command line");
		goto out;
	}
	if ((dir_fd = jobdir_open(&j->d->cfg, m->user_id,
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
	if (orphans_marker(marker, sizeof(marker), j->d->cfg.instance,
	    m->uuid) == -1 ||
	    (envp = jobdir_envp(r, l, marker, home, j->temp_dir)) == NULL) {
		snprintf(why, whysz, "out of memory");
		goto out;
	}
	j->started_mono = jobd_mono();
	if (job_set_status(j, JOB_RUNNING, NULL) == -1) {
		/* design rule 6: a job runs only once its row says 'running' (else a
		 * crash would run it twice).  Its row still says 'queued': it
		 * waits, queued, until the database takes writes again. */
		j->m.status = JOB_QUEUED;
		j->m.started_at = 0;
		job_publish(j);
		j->row_unsaved = false;
		job_publish_counts(j->d);
		log_warn("job in slot %u stays queued: it cannot be recorded "
		    "as running; tried again in %.0f s", j->slot,
		    JOB_ROW_RETRY_S);
		j->d->start_retry_at = jobd_mono() + JOB_ROW_RETRY_S;
		rc = 1;
		goto out;
	}
	if (spawn_start(argv, envp, dir_fd, &sp) == -1) {
		snprintf(why, whysz, "cannot start a process: %s",
		    strerror(errno));
		goto out;
	}
	j->pid = sp.pid;
	slurm_job_started(j, l);
	job_watch(j, &j->w_out, sp.out_fd);
	job_watch(j, &j->w_err, sp.err_fd);
	job_watch(j, &j->w_exec, sp.exec_fd);
	log_info("job %s started (slot %u, pid %d)", job_name(j), j->slot,
	    (int)sp.pid);
	atomic_fetch_add_explicit(&j->d->shm.hdr->stats.started, 1,
	    memory_order_relaxed);
	rc = 0;
out:
	if (dir_fd != -1)
		close(dir_fd);
	runner_argv_free(argv);
	jobdir_envp_free(envp);
	json_object_put(urls);
	json_object_put(opts);
	return rc;
}

/* job_start: a job that cannot start fails with 127 and a line saying
 * why (doc/api.md "Outcome"). */
static void
job_start(struct job *j)
{
	const struct runner *r = config_runner(&j->d->cfg, j->m.runner);
	char why[512];
	int rc;

	capture_init(&j->cap_out);
	capture_init(&j->cap_err);
	j->exited = j->failure_seen = j->timed_out = j->cancelled = false;
	j->exec_errno = 0;
	j->has_prog_status = false;
	j->t_kill = j->t_drain = 0;
	if (r == NULL)
		snprintf(why, sizeof(why), "runner '%s' is no longer configured",
		    j->m.runner);
	else if ((rc = job_launch(j, r, why, sizeof(why))) == 0)
		return;
	else if (rc == 1) {
		job_rm_temp(j);
		return;
	}
	job_say(j, "jobd: cannot start the job: %s", why);
	j->exited = true;
	j->wstatus = 127 << 8;
	job_rm_temp(j);
	if (j->m.status != JOB_RUNNING)
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

		/* Waiting for the database (job_launch): job_deadlines calls
		 * again when it is time. */
		if (d->start_retry_at > 0 || d->stopping || !slurm_ready())
			return;
		for (uint32_t i = 0; i < d->cfg.slots; i++) {
			const struct job_meta *m = &d->jobs[i].m;

			running += m->status == JOB_RUNNING;
			if (m->status == JOB_QUEUED && m->seq < best) {
				best = m->seq;
				next = &d->jobs[i];
			}
		}
		if (running >= d->settings.max_concurrent_jobs)
			break;
		/* A job still queued in a slot (its start could not be
		 * recorded) goes first; else the oldest queued row. */
		if (next == NULL && act_load_next(d) != 1)
			break;
		if (next == NULL)
			continue;
		job_start(next);
	}
	job_publish_counts(d);
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
	int32_t rec[2];
	ssize_t n;

	/* Records are 8 bytes, written whole (under PIPE_BUF). */
	while ((n = read(j->w_exec.fd, rec, sizeof(rec))) == sizeof(rec)) {
		if (rec[0] == JOBINIT_EXEC_ERRNO)
			j->exec_errno = rec[1];
		else if (rec[0] == JOBINIT_EXIT_STATUS) {
			j->prog_status = rec[1];
			j->has_prog_status = true;
		}
	}
	if (n == -1 && errno == EAGAIN)
		return;
	job_close_watch(j, &j->w_exec);
	job_try_finish(j);
}

static void
job_on_pipe(struct loop_watch *w, uint32_t events)
{
	struct job *j = w->arg;
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
		capture_feed(cap, buf, (size_t)n, &sink);
		/* A short read drained the pipe: epoll says when there is
		 * more, which spares a read that would say EAGAIN. */
		if ((size_t)n < sizeof(buf))
			return;
	}
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0)
		return;		/* more next turn */
	capture_eof(cap, &sink);
	job_close_watch(j, w);
	job_try_finish(j);
}

/* ring_output_json: the held lines of r as a JSON array text; caller
 * frees.  r may be what a killed jobd left (act_harvest): lines whose
 * place is out of bounds are skipped, never read. */
char *
ring_output_json(const struct ring *r, uint64_t first, uint64_t next)
{
	json_object *a = json_object_new_array();
	char *s;

	if (next < first || next - first > OUT_LINES_MAX)
		first = next >= OUT_LINES_MAX ? next - OUT_LINES_MAX : 0;
	for (uint64_t n = first; n < next; n++) {
		uint32_t len;
		const char *l = ring_line(r, n, &len);

		if (l != NULL)
			json_object_array_add(a,
			    json_object_new_string_len(l, (int)len));
	}
	s = strdup(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(a);
	return s;
}

char *
job_output_json(struct job *j)
{
	/* The ring's own counters put back first: ring_line reads them. */
	struct jobtab_slot *sl = job_write_begin(j);
	const struct ring *r = job_ring(j, sl);

	job_write_end(j, sl);
	return ring_output_json(r, j->m.out_first, j->m.out_next);
}

/* job_outcome: status and return code once everything has ended
 * (doc/api.md "Outcome"). */
static void
job_outcome(struct job *j, enum job_status *st, int *rc)
{
	/* In a namespace, jobd reaps jobs-init; the program's own status
	 * is what jobs-init reported (none: jobs-init was killed, and the
	 * program with it, by the same signal). */
	int ws = slurm_job_status(j,
	    j->has_prog_status ? j->prog_status : j->wstatus);

	if (WIFSIGNALED(ws))
		*rc = -WTERMSIG(ws);
	else
		*rc = WEXITSTATUS(ws);
	if (j->m.status == JOB_CANCELLED)
		*st = JOB_CANCELLED;
	else if (j->timed_out || j->exec_errno != 0 || *rc != 0 ||
	    j->failure_seen || j->m.errors > 0)
		*st = JOB_FAILED;
	else
		*st = JOB_COMPLETED;
}

static void
job_try_finish(struct job *j)
{
	const struct runner *r = config_runner(&j->d->cfg, j->m.runner);
	enum job_status st;
	char *out;
	int rc;

	if (!j->exited || j->w_out.fd >= 0 || j->w_err.fd >= 0 ||
	    j->w_exec.fd >= 0)
		return;
	if (j->exec_errno != 0)
		job_say(j, "jobd: cannot run '%s': %s", r ? r->exe : "?",
		    strerror(j->exec_errno));
	job_outcome(j, &st, &rc);
	slurm_job_ended(j);
	j->pid = 0;
	j->t_kill = j->t_drain = 0;
	j->m.return_code = rc;
	j->m.has_return_code = 1;
	out = job_output_json(j);
	job_set_status(j, st, out);
	free(out);
	job_rm_temp(j);
	log_info("job %s ended %s, return code %d", job_name(j),
	    job_status_str(st), rc);
	job_count_end(j->d, st);
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

/* job_kill_escaped: SIGKILL j's processes outside its process group. */
static void
job_kill_escaped(struct job *j)
{
	int n = orphans_kill(j->d->cfg.instance, j->m.uuid, j->pid);

	if (n > 0)
		log_info("job in slot %u: killed %d process(es) that had left "
		    "its process group", j->slot, n);
}

void
job_reap(struct jobd *d)
{
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		struct job *j = job_by_pid(d, pid);

		if (j == NULL) {
			/* An orphan of some job's tree (jobd is a subreaper). */
			log_debug("%s: reaped orphan %d", __func__, (int)pid);
			continue;
		}
		j->exited = true;
		j->wstatus = st;
		/* Strays of the group would hold the pipes open.  Those that
		 * left it died with the job's PID namespace; without one,
		 * they are found by their marker. */
		kill(-pid, SIGKILL);
		if (!spawn_confined())
			job_kill_escaped(j);
		j->t_drain = jobd_mono() + DRAIN_SECONDS;
		job_try_finish(j);
	}
}

/* job_stop: SIGTERM the group now, SIGKILL it after the grace. */
void
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
	struct capture_sink sink = { j, job_sink_append, job_sink_replace };

	capture_eof(&j->cap_out, &sink);
	capture_eof(&j->cap_err, &sink);
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
			log_info("job %s timed out after %lld s", job_name(j),
			    (long long)d->settings.max_job_seconds);
			job_say(j, "jobd: stopped: the job ran longer than %lld "
			    "seconds (max_job_seconds)",
			    (long long)d->settings.max_job_seconds);
			job_stop(j);
		}
		if (j->t_kill > 0 && now >= j->t_kill) {
			if (!j->exited) {
				kill(-j->pid, SIGKILL);
				slurm_job_kill(j);
			}
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
	if (d->row_retry_at > 0 && now >= d->row_retry_at)
		job_save_rows(d);
	if (d->start_retry_at > 0 && now >= d->start_retry_at) {
		d->start_retry_at = 0;
		job_schedule(d);
	}
	next = job_min_deadline(next, d->row_retry_at);
	next = job_min_deadline(next, d->start_retry_at);
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
	job_kill_orphans(d);
	for (uint32_t i = 0; i < d->cfg.slots; i++)
		job_rm_temp(&d->jobs[i]);
}

void
job_kill_orphans(struct jobd *d)
{
	int n = orphans_kill(d->cfg.instance, NULL, 0);

	if (n > 0)
		log_info("killed %d process(es) of this instance's jobs that "
		    "were outside any running job's process group", n);
}
