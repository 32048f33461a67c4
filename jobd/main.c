/* main.c: jobd's start-up, its one event loop, and its shutdown.
 * jobd owns the live table, the job processes and the job rows. */
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "job.h"
#include "jobrow.h"
#include "jobrun.h"
#include "recover.h"
#include "jobd.h"
#include "shared/clock.h"
#include "shared/db.h"
#include "shared/log.h"
#include "notify.h"
#include "sig.h"
#include "slurm.h"
#include "slurmend.h"
#include "jobcg.h"
#include "spawn.h"
#include "sweep.h"

static void
usage(void)
{
	fprintf(stderr, "usage: jobd -c config.ini [-v]\n");
	exit(2);
}

/* Keep fds 0-2 open so no file we open lands on them (s6 fd_sanitize),
 * and let no descriptor jobd inherited reach a job: jobd opens its own
 * close-on-exec, and marks every other one so here. */
static void
fd_sanitize(void)
{
	int fd;

	while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd < 3)
		;
	if (fd > 2)
		close(fd);
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == -1)
		for (fd = 3; fd < 1024; fd++)
			fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static void
mkdir_or_die(const char *path, mode_t mode)
{
	if (mkdir(path, mode) == -1 && errno != EEXIST)
		log_fatal("cannot create '%s': %s", path, strerror(errno));
}

/* lock_take: hold the instance's lock while jobd runs.  Responders test
 * it to answer 503 at once when jobd is down. */
static int
lock_take(const struct config *c)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	char path[PATH_MAX];
	int fd;

	if (config_lock_path(c, path, sizeof(path)) == -1)
		log_fatal("state_dir is too long");
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640)) == -1)
		log_fatal("cannot open '%s': %s", path, strerror(errno));
	if (fcntl(fd, F_OFD_SETLK, &fl) == -1)
		log_fatal("another jobd runs for instance '%s' (%s is locked)",
		    c->instance, path);
	return fd;
}

static void
on_signal(struct loop_watch *w, uint32_t events)
{
	struct jobd *d = w->arg;
	int sig;

	(void)events;
	while ((sig = sig_read(w->fd)) != 0) {
		if (sig == SIGCHLD)
			job_reap(d);
		else if (sig == SIGTERM || sig == SIGINT) {
			log_info("stopping on signal %d", sig);
			d->stopping = true;
		} else
			log_info("signal %d ignored", sig);
	}
}

/* The loop's deadline sources (loop_due). */
static int
due_jobs(void *d)
{
	return job_deadlines(d);
}

static int
due_sweep(void *d)
{
	return sweep_step(d);
}

static int
due_slurm(void *d)
{
	return slurm_step(d);
}

static void
watch(struct jobd *d, struct loop_watch *w, int fd, loop_fn fn)
{
	w->fd = fd;
	w->fn = fn;
	w->arg = d;
	if (fd == -1 || loop_add(&d->loop, w, EPOLLIN) == -1)
		log_fatal("cannot watch fd: %s", strerror(errno));
}

/* Three descriptors a running job: take all the hard limit allows. */
static void
raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* setup_loop: the loop's watches (signals, the command queue) and its
 * deadline sources (jobs, the expiry sweep, Slurm). */
static void
setup_loop(struct jobd *d, int sigfd)
{
	if (loop_init(&d->loop) == -1)
		log_fatal("epoll: %s", strerror(errno));
	watch(d, &d->w_sig, sigfd, on_signal);
	watch(d, &d->w_mq, (int)d->mq, cmd_on_readable);
	if (loop_due(&d->loop, due_jobs, d) == -1 ||
	    loop_due(&d->loop, due_sweep, d) == -1 ||
	    loop_due(&d->loop, due_slurm, d) == -1)
		log_fatal("loop: too many deadline sources");
}

/* setup_cgroup: the cgroup jobs join (jobcg.h), before any shared
 * object or queue exists: a jobd that cannot have it leaves nothing. */
static void
setup_cgroup(struct jobd *d)
{
	char err[PATH_MAX + 256];
	int fd;

	if (d->cfg.job_cgroup[0] == '\0')
		return;
	if ((fd = jobcg_open(d->cfg.job_cgroup, d->cfg.job_cpu_weight, err,
	    sizeof(err))) == -1)
		log_fatal("%s", err);
	spawn_set_cgroup(fd);
	log_info("jobs run in the cgroup %s, cpu weight %u in all",
	    d->cfg.job_cgroup, d->cfg.job_cpu_weight);
}

/* setup_confinement: how jobs will run, said once in the log. */
static void
setup_confinement(struct jobd *d)
{
	const char *why;

	spawn_set_nice((int)d->cfg.job_nice);
	if (!d->cfg.confine_jobs)
		log_warn("jobs run unconfined (confine_jobs = no): they can reach "
		    "jobd's state, and a process that leaves a job's group is "
		    "found by its environment marker only");
	else if ((why = spawn_init(d->cfg.state_dir, d->cfg.download_dir)) !=
	    NULL)
		log_warn("jobs run without a PID namespace of their own (%s): "
		    "a process that leaves a job's group is found by its "
		    "environment marker only", why);
	else
		log_info("each job runs in %s of its own",
		    spawn_confinement());
}

static void
setup(struct jobd *d, const char *path)
{
	char err[512], dbpath[PATH_MAX], tmp[PATH_MAX];
	int64_t seq;
	/* Block the signals before any thread starts (the SQLite checkpoint
	 * thread), so that they reach the signalfd and nothing else. */
	int sigfd = sig_open();

	if (config_load(&d->cfg, path, err, sizeof(err)) == -1)
		log_fatal("%s", err);
	umask(007);
	raise_nofile();
	/* Orphans of a job's tree are reparented to jobd and reaped here,
	 * not left as zombies for an init that may not reap them. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		log_warn("cannot become a subreaper (%s): orphans of jobs go to "
		    "init", strerror(errno));
	mkdir_or_die(d->cfg.state_dir, 0750);
	if (snprintf(tmp, sizeof(tmp), "%s/tmp", d->cfg.state_dir) >=
	    (int)sizeof(tmp))
		log_fatal("state_dir is too long");
	mkdir_or_die(tmp, 0750);
	mkdir_or_die(d->cfg.download_dir, 0750);
	lock_take(&d->cfg);
	setup_cgroup(d);
	if (config_db_path(&d->cfg, dbpath, sizeof(dbpath)) == -1 ||
	    store_open(&d->store, dbpath, d->cfg.wal_limit_mib,
	    err, sizeof(err)) == -1)
		log_fatal("%s", err);
	d->settings = d->cfg.initial;
	if (store_settings_load(&d->store, &d->settings) == -1)
		log_fatal("cannot read the settings: %s",
		    sqlite3_errmsg(d->store.db));
	if ((seq = store_max_seq(&d->store)) == -1)
		log_fatal("cannot read the job numbers: %s",
		    sqlite3_errmsg(d->store.db));
	d->next_seq = (uint64_t)seq + 1;
	recover_harvest(d);
	if (livetab_create(&d->tab, d->cfg.instance, d->cfg.slots) == -1)
		log_fatal("cannot create the live table '/dev/shm%s': %s",
		    d->tab.name, errno == EEXIST ? "another user owns an object "
		    "of that name; remove it (as root) and start again" :
		    strerror(errno));
	jobtab_write_begin(&d->tab.hdr->gen);
	d->tab.hdr->settings = d->settings;
	d->tab.hdr->started_at = clock_wall();
	jobtab_write_end(&d->tab.hdr->gen);
	if (job_table_init(d) == -1 || slurm_init(d) == -1)
		log_fatal("out of memory");
	if (cmd_open(d, err, sizeof(err)) == -1) {
		livetab_retire(&d->tab);	/* leave nothing behind */
		log_fatal("%s", err);
	}
	setup_loop(d, sigfd);
	setup_confinement(d);
	if (recover_start(d) == -1)
		log_fatal("cannot recover jobs: %s", sqlite3_errmsg(d->store.db));
	/* Slurm jobs a killed jobd left: ended before any job starts. */
	slurmend_recover(d);
}

static void
teardown(struct jobd *d)
{
	bool unsaved = false;

	slurmend_stop_all(d);
	job_kill_all(d);
	job_save_rows(d);
	recover_save_running(d);
	for (uint32_t i = 0; i < d->cfg.slots; i++)
		if (d->jobs[i].row_unsaved) {
			log_warn("job in slot %u: its last row could not be "
			    "written; the next start writes it from the live "
			    "table, which stays", i);
			unsaved = true;
		}
	/* Before the table and the loop its helpers use go. */
	slurm_release(d);
	for (int i = 0; i < REPLYQ_MAX; i++)
		free(d->reasm[i].buf);
	if (unsaved)
		livetab_leave(&d->tab);
	else
		livetab_retire(&d->tab);
	cmd_close(d);
	close(d->w_sig.fd);
	loop_release(&d->loop);
	job_table_release(d);
	store_close(&d->store);
	config_release(&d->cfg);
}

/* publish_stats: the loop's and SQLite's figures for /api/metrics. */
static void
publish_stats(struct jobd *d)
{
	struct jobtab_stats *s = &d->tab.hdr->stats;
	uint64_t us = d->loop.busy_us;

	atomic_fetch_add_explicit(&s->turns, 1, memory_order_relaxed);
	if (us > atomic_load_explicit(&s->turn_max_us, memory_order_relaxed))
		atomic_store_explicit(&s->turn_max_us, us, memory_order_relaxed);
	atomic_store_explicit(&s->db_writes, d->store.writes,
	    memory_order_relaxed);
	atomic_store_explicit(&s->db_write_us,
	    (uint64_t)(d->store.write_total * 1e6), memory_order_relaxed);
	atomic_store_explicit(&s->db_write_max_us,
	    (uint64_t)(d->store.write_longest * 1e6), memory_order_relaxed);
}

int
main(int argc, char *argv[])
{
	static struct jobd d = { .mq = (mqd_t)-1, .replyfd = -1 };
	const char *config = NULL;
	bool verbose = false;
	int ch;

	fd_sanitize();
	while ((ch = getopt(argc, argv, "c:v")) != -1) {
		if (ch == 'c')
			config = optarg;
		else if (ch == 'v')
			verbose = true;
		else
			usage();
	}
	if (config == NULL || optind != argc)
		usage();
	log_init("jobd", verbose);
	setup(&d, config);
	log_info("ready: instance '%s', %u slots, %lld concurrent",
	    d.cfg.instance, d.cfg.slots,
	    (long long)d.settings.max_concurrent_jobs);
	job_schedule(&d);
	if (notify_send("READY=1") == -1)
		log_warn("cannot tell the service manager jobd is ready: %s",
		    strerror(errno));
	while (!d.stopping) {
		/* The heartbeat: readers tell a hung jobd from an idle one. */
		atomic_store_explicit(&d.tab.hdr->heartbeat_ms,
		    clock_mono_ms(), memory_order_relaxed);
		if (loop_once(&d.loop, JOBTAB_BEAT_MS) == -1)
			log_fatal("epoll_wait: %s", strerror(errno));
		publish_stats(&d);
	}
	notify_send("STOPPING=1");
	teardown(&d);
	log_info("stopped");
	return 0;
}
