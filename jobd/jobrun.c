/* jobrun.c: a job's process.  A job is queued, then running, then
 * completed, failed or cancelled; it ends only after its leader exited and
 * stdout, stderr and the exec-status pipe all reached EOF (slowcgi). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "act.h"
#include "jobinit.h"
#include "job.h"
#include "jobdir.h"
#include "jobrow.h"
#include "jobrun.h"
#include "jobsink.h"
#include "orphans.h"
#include "shared/clock.h"
#include "shared/log.h"
#include "shared/runner.h"
#include "slurm.h"
#include "spawn.h"

#define DRAIN_SECONDS	2.0	/* wait for strays' pipes after exit */
#define READS_PER_EVENT	4	/* stay fair between noisy jobs */

/* While a start cannot be recorded (the database takes no writes): when
 * to try again (monotonic; 0: starts go ahead). */
static double start_retry_at;

static void job_on_pipe(struct loop_watch *w, uint32_t events);

static void
job_rm_temp(struct job *j)
{
	if (j->temp_dir[0] != '\0')
		jobdir_remove(j->temp_dir);
	j->temp_dir[0] = '\0';
}

static void
job_watch(struct job *j, struct loop_watch *w, int fd)
{
	w->fd = fd;
	w->fn = job_on_pipe;
	w->arg = j;
	/* Output is bulk: read with the other jobs' (loop.h). */
	if (loop_add_bulk(&j->d->loop, w, EPOLLIN) == -1)
		log_warn("%s: epoll_ctl: %s", __func__, strerror(errno));
}

/* What a job's process is started with. */
struct job_cmd {
	const struct launcher	*l;	/* NULL: on this host */
	char			*argv[ARGV_MAX];
	char			**envp;
	int			 dir_fd;	/* its output folder */
};

static void
job_cmd_free(struct job_cmd *c)
{
	if (c->dir_fd != -1)
		close(c->dir_fd);
	runner_argv_free(c->argv);
	jobdir_envp_free(c->envp);
}

/* job_cmd_build: j's argument vector, environment, output folder and
 * temp folder (made).  Returns 0, or -1 with a sentence in why. */
static int
job_cmd_build(struct job *j, const struct runner *r, struct job_cmd *c,
    char *why, size_t whysz)
{
	const struct job_meta *m = &j->m;
	json_object *urls = json_tokener_parse(j->spec);
	json_object *opts = json_tokener_parse(job_meta_options(j->spec, m));
	char home[PATH_MAX], marker[ORPHANS_MARKER_MAX];
	int rc = -1;

	if (jobdir_user(&j->d->cfg, m->user_id, home, sizeof(home)) == -1 ||
	    jobdir_temp(&j->d->cfg, r, m->uuid, j->temp_dir,
	    sizeof(j->temp_dir)) == -1 ||
	    runner_argv(r, urls, opts, home, j->temp_dir, c->argv,
	    ARGV_MAX) == -1 ||
	    (c->l != NULL && launcher_wrap(c->l, j->d->cfg.instance, m->uuid,
	    j->d->settings.max_job_seconds, c->argv, ARGV_MAX) == -1))
		snprintf(why, whysz, "cannot build the command line");
	else if ((c->dir_fd = jobdir_open(&j->d->cfg, m->user_id,
	    runner_subdir(r, opts))) == -1)
		snprintf(why, whysz, "cannot use the output folder: %s",
		    errno == ELOOP || errno == ENOTDIR ? "it leaves your download "
		    "folder" : strerror(errno));
	else if (mkdir(j->temp_dir, 0700) == -1 && errno != EEXIST)
		snprintf(why, whysz, "cannot create the temp folder: %s",
		    strerror(errno));
	else if (orphans_marker(marker, sizeof(marker), j->d->cfg.instance,
	    m->uuid) == -1 ||
	    (c->envp = jobdir_envp(r, c->l, marker, home, j->temp_dir)) == NULL)
		snprintf(why, whysz, "out of memory");
	else
		rc = 0;
	json_object_put(urls);
	json_object_put(opts);
	return rc;
}

enum launch {
	LAUNCH_STARTED,
	LAUNCH_FAILED,		/* why says why: the job fails */
	LAUNCH_DEFERRED,	/* 'running' could not be recorded: it waits */
};

/* job_launch: build everything, record 'running', then start it. */
static enum launch
job_launch(struct job *j, const struct runner *r, char *why, size_t whysz)
{
	struct job_cmd c = { .l = config_launcher(&j->d->cfg, r), .dir_fd = -1 };
	enum launch rc = LAUNCH_FAILED;
	struct spawn sp;

	if (job_cmd_build(j, r, &c, why, whysz) == -1)
		goto out;
	j->started_mono = clock_mono();
	if (job_set_status(j, JOB_RUNNING, NULL) == -1) {
		/* design rule 6: a job runs only once its row says 'running'
		 * (else a crash would run it twice).  Its row still says
		 * 'queued': it waits, queued, until the database takes
		 * writes again. */
		j->m.status = JOB_QUEUED;
		j->m.started_at = 0;
		job_publish(j);
		j->row_unsaved = false;
		job_publish_counts(j->d);
		log_warn("job in slot %u stays queued: it cannot be recorded "
		    "as running; tried again in %.0f s", j->slot,
		    JOB_ROW_RETRY_S);
		start_retry_at = clock_mono() + JOB_ROW_RETRY_S;
		rc = LAUNCH_DEFERRED;
		goto out;
	}
	if (spawn_start(c.argv, c.envp, c.dir_fd, &sp) == -1) {
		snprintf(why, whysz, "cannot start a process: %s",
		    strerror(errno));
		goto out;
	}
	j->pid = sp.pid;
	slurm_job_started(j, c.l);
	job_watch(j, &j->w_out, sp.out_fd);
	job_watch(j, &j->w_err, sp.err_fd);
	job_watch(j, &j->w_exec, sp.exec_fd);
	log_info("job %s started (slot %u, pid %d)", job_name(j), j->slot,
	    (int)sp.pid);
	atomic_fetch_add_explicit(&j->d->tab.hdr->stats.started, 1,
	    memory_order_relaxed);
	rc = LAUNCH_STARTED;
out:
	job_cmd_free(&c);
	return rc;
}

/* job_start: a job that cannot start fails with 127 and a line saying
 * why (doc/api.md "Outcome"). */
static void
job_start(struct job *j)
{
	const struct runner *r = config_runner(&j->d->cfg, j->m.runner);
	char why[512];
	enum launch rc;

	capture_init(&j->cap_out);
	capture_init(&j->cap_err);
	j->exited = j->failure_seen = j->timed_out = j->cancelled = false;
	j->exec_errno = 0;
	j->has_prog_status = false;
	j->t_kill = j->t_drain = 0;
	if (r == NULL)
		snprintf(why, sizeof(why), "runner '%s' is no longer configured",
		    j->m.runner);
	else if ((rc = job_launch(j, r, why, sizeof(why))) == LAUNCH_STARTED)
		return;
	else if (rc == LAUNCH_DEFERRED) {
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
		if (start_retry_at > 0 || d->stopping || !slurm_ready())
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
	loop_close(&j->d->loop, &j->w_exec);
	job_try_finish(j);
}

static void
job_on_pipe(struct loop_watch *w, uint32_t events)
{
	struct job *j = w->arg;
	struct capture *cap = w == &j->w_out ? &j->cap_out : &j->cap_err;
	struct capture_sink sink = job_sink(j);
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
	loop_close(&j->d->loop, w);
	job_try_finish(j);
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

void
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

/* job_read_now: read what j's pipes hold, as their events would; j
 * (run as pid) may end meanwhile, and its slot be given to another. */
static void
job_read_now(struct job *j, pid_t pid)
{
	struct loop_watch *w[] = { &j->w_exec, &j->w_out, &j->w_err };

	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (j->pid == pid && w[i]->fd >= 0)
			job_on_pipe(w[i], EPOLLIN);
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
		j->t_drain = clock_mono() + DRAIN_SECONDS;
		/* Its last output is read now, not at the next bulk turn
		 * (loop.h): its end is known at once (1000 short jobs two
		 * at a time each waited up to 10 ms for it). */
		job_read_now(j, pid);
		if (j->pid == pid)
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
	j->t_kill = clock_mono() + (double)grace;
}

static void
job_drain_now(struct job *j)
{
	struct capture_sink sink = job_sink(j);

	capture_eof(&j->cap_out, &sink);
	capture_eof(&j->cap_err, &sink);
	loop_close(&j->d->loop, &j->w_out);
	loop_close(&j->d->loop, &j->w_err);
	loop_close(&j->d->loop, &j->w_exec);
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

/* job_scan_slots: what is due in the slots, done; the earliest deadline
 * left (0: none), and in *procs whether any job has a process. */
static double
job_scan_slots(struct jobd *d, double now, bool *procs)
{
	double next = 0;

	*procs = false;
	for (uint32_t i = 0; i < d->cfg.slots; i++) {
		struct job *j = &d->jobs[i];
		double limit;

		if (j->pid == 0)
			continue;
		*procs = true;
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
	return next;
}

/* The slots are scanned when their earliest deadline is due, and at
 * least every JOB_SCAN_S while jobs have processes, not at every turn of
 * the loop: with 1000 jobs printing, the loop turns thousands of times a
 * second, and a scan each time was most of jobd's CPU.  A deadline set
 * between scans (a cancel's grace, a start's time limit) is acted on at
 * most JOB_SCAN_S late (JOBTAB_BEAT_MS after a time with no process). */
#define JOB_SCAN_S	0.1
static double scan_at, scan_next;
static bool scan_procs;

int
job_deadlines(struct jobd *d)
{
	double now = clock_mono(), next;

	if (now >= scan_at + JOB_SCAN_S || (scan_next > 0 && now >= scan_next)) {
		scan_next = job_scan_slots(d, now, &scan_procs);
		scan_at = now;
	}
	next = scan_next;
	if (scan_procs)
		next = job_min_deadline(next, scan_at + JOB_SCAN_S);
	if (d->row_retry_at > 0 && now >= d->row_retry_at)
		job_save_rows(d);
	if (start_retry_at > 0 && now >= start_retry_at) {
		start_retry_at = 0;
		job_schedule(d);
	}
	next = job_min_deadline(next, d->row_retry_at);
	next = job_min_deadline(next, start_retry_at);
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
