/* slurm.c: what jobs run through a Slurm launcher need besides their
 * srun process (see slurm.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "helper.h"
#include "job.h"
#include "shared/jobjson.h"
#include "shared/log.h"
#include "slurm.h"

#define SLURM_NAME_MAX		(INSTANCE_MAX + JOB_ID_LEN + 8)
#define SLURM_FIRST_QUERY_S	0.25	/* after srun starts */
#define SLURM_QUERY_EVERY_S	1.0	/* while id or node is unknown */
#define SLURM_QUERY_AFTER_S	5.0	/* still asked after the job ended */
#define SLURM_QUERY_NAMES	200	/* names per squeue */
#define SLURM_RETRY_S		30.0	/* a failed sweep at start */
#define SLURM_ROW_RETRY_S	2.0
#define SLURM_STOP_WAIT_S	3.0	/* each scancel at shutdown */

/* What jobd knows of the Slurm job of the job in one slot. */
struct slurm_run {
	bool			 active;	/* a Slurm job to follow */
	bool			 ended;		/* its srun ended */
	bool			 unsaved;	/* the row lacks id or node */
	bool			 has_task_status;
	int			 task_status;	/* the downloader's */
	/* srun said Slurm ended the step ("Node failure on X"): a job whose
	 * srun then exits 0 with no task status has failed. */
	bool			 slurm_error;
	bool			 ending;	/* scancel issued */
	const struct launcher	*l;
	uint8_t			 uuid[16];
	char			 name[SLURM_NAME_MAX];
	uint64_t		 job_id;
	char			 node[SLURM_NODE_MAX + 1];
	double			 ended_at, next_query;	/* monotonic */
};

/* scancel runs: -s KILL first (no KillWait: the processes die now),
 * then a plain cancel that ends the allocation; then `then`, if set. */
struct slurm_chain {
	struct slurm_chain	*next;		/* waiting for a helper */
	const struct launcher	*l;
	int			 stage;
	unsigned		 n;
	void			(*then)(struct jobd *d);
	char			*targets[];	/* --name=X, or job ids */
};

static struct {
	struct slurm_run	*runs;		/* one per slot */
	uint32_t		 nruns;
	char			**envp[LAUNCHERS_MAX];
	bool			 closing;	/* slurm_release: quiet */
	bool			 querying;	/* one squeue at a time */
	bool			 query_failing;	/* said once, until it answers */
	bool			 ready;		/* the start sweep is done */
	bool			 sweeping;
	unsigned		 sweep_at;	/* launcher being swept */
	bool			 sweep_failed;
	bool			 sweep_warned;	/* said once, until it works */
	double			 sweep_retry_at, row_retry_at;
	/* scancel runs waiting for a free helper (HELPERS_MAX busy). */
	struct slurm_chain	*waiting, **waiting_tail;
} S;

static void slurm_chain_next(struct jobd *d, struct slurm_chain *c);

static unsigned
slurm_lidx(struct jobd *d, const struct launcher *l)
{
	return (unsigned)(l - d->cfg.launchers);
}

/* slurm_envp: PATH, LANG and the launcher's env lines (SLURM_CONF...). */
static char **
slurm_envp(const struct launcher *l)
{
	char **e = calloc(l->nenv + 3, sizeof(char *));
	size_t n = 0;

	if (e == NULL)
		return NULL;
	e[n++] = strdup("PATH=/usr/local/bin:/usr/bin:/bin");
	e[n++] = strdup("LANG=C");
	for (unsigned i = 0; i < l->nenv; i++)
		e[n++] = strdup(l->env[i]);
	for (size_t i = 0; i < n; i++)
		if (e[i] == NULL) {
			for (size_t k = 0; k < n; k++)
				free(e[k]);
			free(e);
			return NULL;
		}
	return e;
}

int
slurm_init(struct jobd *d)
{
	memset(&S, 0, sizeof(S));
	S.ready = true;
	if (d->cfg.nlaunchers == 0)
		return 0;
	if ((S.runs = calloc(d->cfg.slots, sizeof(*S.runs))) == NULL)
		return -1;
	S.nruns = d->cfg.slots;
	for (unsigned i = 0; i < d->cfg.nlaunchers; i++)
		if ((S.envp[i] = slurm_envp(&d->cfg.launchers[i])) == NULL)
			return -1;
	return 0;
}

void
slurm_release(struct jobd *d)
{
	S.closing = true;
	helper_release(d);
	while (S.waiting != NULL) {
		struct slurm_chain *c = S.waiting;

		S.waiting = c->next;
		c->stage = 2;
		c->then = NULL;
		slurm_chain_next(d, c);		/* frees it */
	}
	for (unsigned i = 0; i < d->cfg.nlaunchers; i++) {
		for (size_t k = 0; S.envp[i] && S.envp[i][k]; k++)
			free(S.envp[i][k]);
		free(S.envp[i]);
	}
	free(S.runs);
	memset(&S, 0, sizeof(S));
}

bool
slurm_ready(void)
{
	return S.ready;
}

/* slurm_run_of: the run of the job j holds now, or NULL. */
static struct slurm_run *
slurm_run_of(struct job *j)
{
	struct slurm_run *r;

	if (S.runs == NULL || j->slot >= S.nruns)
		return NULL;
	r = &S.runs[j->slot];
	return r->active && memcmp(r->uuid, job_slot(j)->m.uuid, 16) == 0 ?
	    r : NULL;
}

/* --- the Slurm job id and node: into the slot and the row ------------ */

static void
slurm_save_row(struct jobd *d, struct slurm_run *r)
{
	char id[JOB_ID_LEN + 1];

	jobjson_uuid_str(r->uuid, id);
	r->unsaved = store_job_slurm(&d->store, id, r->job_id, r->node) == -1;
	if (r->unsaved && S.row_retry_at == 0)
		S.row_retry_at = jobd_mono() + SLURM_ROW_RETRY_S;
}

/* slurm_learn: what jobd learned of r (slot i): into the slot, if it
 * still holds that job, and into its row. */
static void
slurm_learn(struct jobd *d, uint32_t i, uint64_t job_id, const char *node)
{
	struct slurm_run *r = &S.runs[i];
	struct jobtab_slot *sl = shm_slot(&d->shm, i);
	bool changed = false;

	if (job_id > 0 && job_id != r->job_id) {
		r->job_id = job_id;
		changed = true;
	}
	if (node != NULL && node[0] != '\0' && strcmp(node, r->node) != 0) {
		snprintf(r->node, sizeof(r->node), "%s", node);
		changed = true;
	}
	if (!changed)
		return;
	if (memcmp(sl->m.uuid, r->uuid, 16) == 0 && sl->m.status != JOB_NONE) {
		jobtab_write_begin(&sl->gen);
		sl->m.slurm_job_id = r->job_id;
		memcpy(sl->m.slurm_node, r->node, sizeof(sl->m.slurm_node));
		sl->m.changes++;
		jobtab_write_end(&sl->gen);
	}
	slurm_save_row(d, r);
}

static struct slurm_run *
slurm_run_named(const char *name, size_t len, uint32_t *slot)
{
	for (uint32_t i = 0; i < S.nruns; i++)
		if (S.runs[i].active && strlen(S.runs[i].name) == len &&
		    memcmp(S.runs[i].name, name, len) == 0) {
			*slot = i;
			return &S.runs[i];
		}
	return NULL;
}

/* slurm_on_query: squeue's lines "id|name|state|nodes". */
static void
slurm_on_query(struct jobd *d, void *arg, const char *out, size_t len,
    bool done)
{
	const char *p = out, *end = out + len;

	(void)arg;
	S.querying = false;
	if (!done) {
		if (!S.query_failing && !S.closing)
			log_warn("slurm: squeue did not answer in time");
		S.query_failing = true;
		return;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end, *f[4];
		char node[SLURM_NODE_MAX + 1] = "", *stop;
		unsigned long long id;
		struct slurm_run *r;
		uint32_t slot;
		int k = 1;

		f[0] = p;
		for (const char *c = p; c < e && k < 4; c++)
			if (*c == '|')
				f[k++] = c + 1;
		id = strtoull(p, &stop, 10);
		if (k < 4 || stop != f[1] - 1 || id == 0) {
			if (!S.query_failing)
				log_warn("slurm: squeue said: %.*s; the Slurm job "
				    "ids and nodes of jobs are asked again every "
				    "%.0f s", (int)(e - p), p, SLURM_QUERY_EVERY_S);
			S.query_failing = true;
			return;
		}
		if ((r = slurm_run_named(f[1], (size_t)(f[2] - 1 - f[1]),
		    &slot)) != NULL) {
			size_t nl_len = (size_t)(e - f[3]);

			if (nl_len > SLURM_NODE_MAX)
				nl_len = SLURM_NODE_MAX;
			memcpy(node, f[3], nl_len);
			node[nl_len] = '\0';
			slurm_learn(d, slot, id, node);
		}
		p = nl ? nl + 1 : end;
	}
	if (S.query_failing)
		log_info("slurm: squeue answers again");
	S.query_failing = false;
}

/* slurm_query: one squeue for the runs of one launcher whose id or
 * node is not known yet and whose turn has come. */
static void
slurm_query(struct jobd *d, double now)
{
	const struct launcher *l = NULL;
	char *argv[8 + 1], *names = NULL;
	size_t used = 0, cap = 0;
	unsigned n = 0;

	for (uint32_t i = 0; i < S.nruns && n < SLURM_QUERY_NAMES; i++) {
		struct slurm_run *r = &S.runs[i];
		size_t k = strlen(r->name);

		if (!r->active || (r->job_id > 0 && r->node[0] != '\0') ||
		    now < r->next_query ||
		    (r->ended && now > r->ended_at + SLURM_QUERY_AFTER_S) ||
		    (l != NULL && r->l != l))
			continue;
		if (used + k + 2 > cap) {
			char *b = realloc(names, cap = (cap + k + 2) * 2);

			if (b == NULL)
				break;
			names = b;
		}
		if (used > 0)
			names[used++] = ',';
		memcpy(names + used, r->name, k + 1);
		used += k;
		l = r->l;
		r->next_query = now + SLURM_QUERY_EVERY_S;
		n++;
	}
	if (n == 0)
		return;
	argv[0] = l->squeue;
	argv[1] = "--me";
	argv[2] = "--noheader";
	argv[3] = "--states=all";
	argv[4] = "--format=%i|%j|%T|%N";
	argv[5] = "--name";
	argv[6] = names;
	argv[7] = NULL;
	if (helper_start(d, argv, S.envp[slurm_lidx(d, l)], slurm_on_query,
	    NULL) == 0)
		S.querying = true;
	free(names);
}

/* --- scancel ---------------------------------------------------------- */

/* slurm_said: what a helper printed, on one line of the log.  Errors of
 * scancel are expected (a job that ended meanwhile, or one with no step
 * left to signal): info, not warnings. */
static void
slurm_said(const char *what, const char *out, size_t len)
{
	char line[512];
	size_t n = 0;

	for (size_t i = 0; i < len && n + 3 < sizeof(line); i++) {
		if (out[i] != '\n')
			line[n++] = out[i];
		else if (i + 1 < len) {
			line[n++] = ';';
			line[n++] = ' ';
		}
	}
	line[n] = '\0';
	log_info("slurm: %s said: %s", what, line);
}

static void
slurm_on_scancel(struct jobd *d, void *arg, const char *out, size_t len,
    bool done)
{
	struct slurm_chain *c = arg;

	if (!done && !S.closing)
		log_warn("slurm: scancel did not answer in time");
	else if (len > 0)
		slurm_said("scancel", out, len);
	c->stage++;
	slurm_chain_next(d, c);
}

static void
slurm_chain_next(struct jobd *d, struct slurm_chain *c)
{
	char *argv[4 + SLURM_QUERY_NAMES + 1];
	size_t n = 0;

	if (c->stage < 2) {
		argv[n++] = c->l->scancel;
		argv[n++] = "--me";
		if (c->stage == 0)
			argv[n++] = "--signal=KILL";
		for (unsigned i = 0; i < c->n; i++)
			argv[n++] = c->targets[i];
		argv[n] = NULL;
		if (helper_start(d, argv, S.envp[slurm_lidx(d, c->l)],
		    slurm_on_scancel, c) == 0)
			return;
		if (errno == EAGAIN) {	/* every helper busy: soon */
			c->next = NULL;
			if (S.waiting == NULL)
				S.waiting_tail = &S.waiting;
			*S.waiting_tail = c;
			S.waiting_tail = &c->next;
			return;
		}
		if (!S.closing)
			log_warn("slurm: cannot run scancel; the next start of "
			    "jobd ends what is left");
	}
	if (c->then != NULL)
		c->then(d);
	for (unsigned i = 0; i < c->n; i++)
		free(c->targets[i]);
	free(c);
}

/* slurm_chain: scancel -s KILL, then scancel, of the n targets. */
static void
slurm_chain(struct jobd *d, const struct launcher *l, char **targets,
    unsigned n, void (*then)(struct jobd *d))
{
	struct slurm_chain *c = calloc(1, sizeof(*c) + n * sizeof(char *));

	if (c == NULL) {
		for (unsigned i = 0; i < n; i++)
			free(targets[i]);
		if (then != NULL)
			then(d);
		return;
	}
	c->l = l;
	c->n = n;
	c->then = then;
	memcpy(c->targets, targets, n * sizeof(char *));
	slurm_chain_next(d, c);
}

static void
slurm_end_job(struct jobd *d, struct slurm_run *r)
{
	char *t;

	if (r->ending || asprintf(&t, "--name=%s", r->name) == -1)
		return;
	r->ending = true;
	slurm_chain(d, r->l, &t, 1, NULL);
}

/* --- the jobs a previous jobd left ------------------------------------ */

static void slurm_sweep_next(struct jobd *d);

static void
slurm_sweep_done(struct jobd *d)
{
	S.sweeping = false;
	if (!S.ready) {
		S.ready = true;
		job_schedule(d);
	}
}

static void
slurm_sweep_launcher_done(struct jobd *d)
{
	S.sweep_at++;
	slurm_sweep_next(d);
}

/* slurm_owned: whether a live job of this jobd owns the Slurm job name. */
static bool
slurm_owned(const char *name, size_t len)
{
	uint32_t slot;
	struct slurm_run *r = slurm_run_named(name, len, &slot);

	return r != NULL && !r->ended;
}

/* slurm_on_sweep: squeue's "id|name" of this user's pending and running
 * jobs: those named for this instance and owned by no live job end. */
static void
slurm_on_sweep(struct jobd *d, void *arg, const char *out, size_t len,
    bool done)
{
	const struct launcher *l = arg;
	char prefix[SLURM_NAME_MAX], *ids[SLURM_QUERY_NAMES];
	const char *p = out, *end = out + len;
	unsigned n = 0;

	launcher_job_name(prefix, sizeof(prefix), d->cfg.instance, NULL);
	while (done && p < end && n < SLURM_QUERY_NAMES) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end, *bar = memchr(p, '|', (size_t)(e - p));
		char *stop;
		unsigned long long id = strtoull(p, &stop, 10);

		if (bar == NULL || stop != bar || id == 0) {
			log_warn("slurm: [launcher %s]: squeue said: %.*s",
			    l->name, (int)(e - p), p);
			done = false;
			break;
		}
		if ((size_t)(e - bar - 1) > strlen(prefix) &&
		    memcmp(bar + 1, prefix, strlen(prefix)) == 0 &&
		    !slurm_owned(bar + 1, (size_t)(e - bar - 1)) &&
		    asprintf(&ids[n], "%llu", id) != -1) {
			log_info("slurm: [launcher %s]: ending Slurm job %llu "
			    "(%.*s), which no job of this jobd owns", l->name, id,
			    (int)(e - bar - 1), bar + 1);
			n++;
		}
		p = nl ? nl + 1 : end;
	}
	if (!done) {
		for (unsigned i = 0; i < n; i++)
			free(ids[i]);
		if (!S.sweep_warned && !S.closing)
			log_warn("slurm: [launcher %s]: cannot list the cluster's "
			    "jobs; jobs start anyway, and the Slurm jobs a "
			    "previous jobd may have left are looked for again "
			    "every %.0f s", l->name, SLURM_RETRY_S);
		S.sweep_warned = true;
		S.sweep_failed = true;
		slurm_sweep_launcher_done(d);
		return;
	}
	if (n == 0)
		slurm_sweep_launcher_done(d);
	else
		slurm_chain(d, l, ids, n, slurm_sweep_launcher_done);
}

/* slurm_same_cluster: whether launchers a and b reach the same cluster
 * (the same squeue and env lines): it is swept once. */
static bool
slurm_same_cluster(const struct launcher *a, const struct launcher *b)
{
	if (strcmp(a->squeue, b->squeue) != 0 || a->nenv != b->nenv)
		return false;
	for (unsigned i = 0; i < a->nenv; i++)
		if (strcmp(a->env[i], b->env[i]) != 0)
			return false;
	return true;
}

static void
slurm_sweep_next(struct jobd *d)
{
	const struct launcher *l;
	char *argv[] = { NULL, "--me", "--noheader", "--format=%i|%j", NULL };

	for (bool seen = true; seen && S.sweep_at < d->cfg.nlaunchers; ) {
		seen = false;
		for (unsigned i = 0; i < S.sweep_at && !seen; i++)
			seen = slurm_same_cluster(&d->cfg.launchers[i],
			    &d->cfg.launchers[S.sweep_at]);
		if (seen)
			S.sweep_at++;
	}
	if (S.sweep_at >= d->cfg.nlaunchers) {
		if (S.sweep_failed)
			S.sweep_retry_at = jobd_mono() + SLURM_RETRY_S;
		else if (S.sweep_warned) {
			log_info("slurm: the cluster answers again; no Slurm job "
			    "of this instance is left unowned");
			S.sweep_warned = false;
		}
		slurm_sweep_done(d);
		return;
	}
	l = &d->cfg.launchers[S.sweep_at];
	argv[0] = l->squeue;
	if (helper_start(d, argv, S.envp[S.sweep_at], slurm_on_sweep,
	    (void *)l) == -1) {
		S.sweep_failed = true;
		slurm_sweep_launcher_done(d);
	}
}

static void
slurm_sweep(struct jobd *d)
{
	S.sweeping = true;
	S.sweep_failed = false;
	S.sweep_retry_at = 0;
	S.sweep_at = 0;
	slurm_sweep_next(d);
}

void
slurm_recover(struct jobd *d)
{
	if (d->cfg.nlaunchers == 0)
		return;
	S.ready = false;
	slurm_sweep(d);
}

/* --- a job's life ------------------------------------------------------ */

void
slurm_job_started(struct job *j, const struct launcher *l)
{
	struct slurm_run *r;

	if (S.runs == NULL || l == NULL || j->slot >= S.nruns)
		return;
	r = &S.runs[j->slot];
	memset(r, 0, sizeof(*r));
	r->active = true;
	r->l = l;
	memcpy(r->uuid, job_slot(j)->m.uuid, 16);
	launcher_job_name(r->name, sizeof(r->name), j->d->cfg.instance, r->uuid);
	r->next_query = jobd_mono() + SLURM_FIRST_QUERY_S;
}

/* slurm_signal_named: the signal strsignal names desc, or 0. */
static int
slurm_signal_named(const char *desc)
{
	for (int sig = 1; sig < SIGRTMIN; sig++) {
		const char *s = strsignal(sig);

		if (s != NULL && strcmp(s, desc) == 0)
			return sig;
	}
	return 0;
}

void
slurm_job_line(struct job *j, const char *s, size_t len)
{
	struct slurm_run *r;
	char line[512], node[SLURM_NODE_MAX + 1], *task, *what;
	unsigned long long id;
	int code, n = 0;

	if (len < 6 || memcmp(s, "srun: ", 6) != 0 ||
	    len >= sizeof(line) || (r = slurm_run_of(j)) == NULL || r->ended)
		return;
	memcpy(line, s, len);
	line[len] = '\0';
	/* While Slurm has not started it: "srun: job N queued and waiting
	 * for resources", then "... has been allocated resources". */
	if (sscanf(line, "srun: job %llu queued and waiting for %n", &id,
	    &n) == 1 && n > 0) {
		if (r->job_id == 0)
			slurm_learn(j->d, j->slot, id, NULL);
		return;
	}
	if (sscanf(line, "srun: job %llu has been allocated %n", &id, &n) == 1 &&
	    n > 0) {
		r->next_query = jobd_mono();	/* ask for its node now */
		return;
	}
	/* Slurm ended the step, not the downloader: srun may still exit 0
	 * ("srun: error: Node failure on X", "srun: Job step aborted"). */
	if (strncmp(line, "srun: error: Node failure", 25) == 0 ||
	    strncmp(line, "srun: Job step aborted", 22) == 0) {
		r->slurm_error = true;
		return;
	}
	/* How a task ended: "srun: error: NODE: task N: Exited with exit
	 * code C", or "...: task N: <signal>[ (core dumped)]". */
	if (strncmp(line, "srun: error: ", 13) != 0 ||
	    (task = strstr(line + 13, ": task ")) == NULL ||
	    (what = strstr(task + 7, ": ")) == NULL)
		return;
	snprintf(node, sizeof(node), "%.*s", (int)(task - line - 13), line + 13);
	what += 2;
	if (sscanf(what, "Exited with exit code %d", &code) == 1) {
		r->task_status = (code & 0xff) << 8;
		r->has_task_status = true;
	} else {
		char *core = strstr(what, " (core dumped)");
		int sig;

		if (core != NULL)
			*core = '\0';
		if ((sig = slurm_signal_named(what)) == 0)
			return;
		r->task_status = sig | (core != NULL ? 0x80 : 0);
		r->has_task_status = true;
	}
	if (r->node[0] == '\0' && strchr(node, ' ') == NULL)
		slurm_learn(j->d, j->slot, 0, node);
}

int
slurm_job_status(struct job *j, int ws)
{
	struct slurm_run *r = slurm_run_of(j);

	if (r == NULL)
		return ws;
	if (r->has_task_status)
		return r->task_status;
	/* A node failure: srun exits 0, its tasks' end unknown. */
	if (r->slurm_error && WIFEXITED(ws) && WEXITSTATUS(ws) == 0)
		return 1 << 8;
	return ws;
}

void
slurm_job_kill(struct job *j)
{
	struct slurm_run *r = slurm_run_of(j);

	if (r != NULL)
		slurm_end_job(j->d, r);
}

void
slurm_job_ended(struct job *j)
{
	struct slurm_run *r = slurm_run_of(j);
	int ws = j->has_prog_status ? j->prog_status : j->wstatus;

	if (r == NULL || r->ended)
		return;
	r->ended = true;
	r->ended_at = jobd_mono();
	/* srun ends its Slurm job when it exits by itself; not when it was
	 * killed, nor (to be sure) after a cancel or a timeout. */
	if (j->cancelled || j->timed_out || !WIFEXITED(ws) || j->exec_errno)
		slurm_end_job(j->d, r);
}

/* --- the loop's turn --------------------------------------------------- */

static double
slurm_min(double a, double b)
{
	return a <= 0 ? b : b <= 0 ? a : a < b ? a : b;
}

int
slurm_step(struct jobd *d)
{
	double now = jobd_mono(), next = 0;
	int h = helper_step(d);

	if (S.runs == NULL)
		return h;
	/* scancel runs that waited for a helper, while one is free. */
	for (struct slurm_chain *c; (c = S.waiting) != NULL; ) {
		if ((S.waiting = c->next) == NULL)
			S.waiting_tail = &S.waiting;
		slurm_chain_next(d, c);
		if (S.waiting_tail == &c->next)
			break;		/* it waits again: none is free */
	}
	if (S.sweep_retry_at > 0 && now >= S.sweep_retry_at && !S.sweeping)
		slurm_sweep(d);
	if (S.row_retry_at > 0 && now >= S.row_retry_at) {
		S.row_retry_at = 0;
		for (uint32_t i = 0; i < S.nruns; i++)
			if (S.runs[i].active && S.runs[i].unsaved)
				slurm_save_row(d, &S.runs[i]);
	}
	if (!S.querying)
		slurm_query(d, now);
	for (uint32_t i = 0; i < S.nruns && !S.querying; i++) {
		struct slurm_run *r = &S.runs[i];

		if (r->active && (r->job_id == 0 || r->node[0] == '\0') &&
		    !(r->ended && now > r->ended_at + SLURM_QUERY_AFTER_S))
			next = slurm_min(next, r->next_query);
	}
	next = slurm_min(next, S.sweep_retry_at);
	next = slurm_min(next, S.row_retry_at);
	if (next <= 0)
		return h;
	next = next <= now ? 0 : (next - now) * 1000 + 1;
	return h < 0 || next < h ? (int)next : h;
}

void
slurm_stop_all(struct jobd *d)
{
	for (unsigned li = 0; li < d->cfg.nlaunchers; li++) {
		const struct launcher *l = &d->cfg.launchers[li];
		char *argv[4 + SLURM_QUERY_NAMES + 1];
		unsigned n = 0;

		for (uint32_t i = 0; i < S.nruns && n < SLURM_QUERY_NAMES; i++) {
			struct slurm_run *r = &S.runs[i];

			if (r->active && !r->ended && r->l == l &&
			    asprintf(&argv[3 + n], "--name=%s", r->name) != -1)
				n++;
		}
		if (n == 0)
			continue;
		argv[0] = l->scancel;
		argv[1] = "--me";
		for (int stage = 0; stage < 2; stage++) {
			argv[2] = stage == 0 ? "--signal=KILL" : "--me";
			argv[3 + n] = NULL;
			if (helper_run_sync(argv, S.envp[li], SLURM_STOP_WAIT_S) != 0)
				log_warn("slurm: [launcher %s]: scancel failed; "
				    "the next start of jobd ends what is left",
				    l->name);
		}
		log_info("slurm: [launcher %s]: ended the Slurm jobs of %u "
		    "running job(s)", l->name, n);
		for (unsigned k = 0; k < n; k++)
			free(argv[3 + k]);
	}
}
