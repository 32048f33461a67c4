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
#include "shared/clock.h"
#include "shared/jobmodel.h"
#include "shared/log.h"
#include "slurm.h"
#include "slurmend.h"

#define SLURM_FIRST_QUERY_S	0.25	/* after srun starts */
#define SLURM_QUERY_EVERY_S	1.0	/* while id or node is unknown */
#define SLURM_QUERY_AFTER_S	5.0	/* still asked after the job ended */
#define SLURM_ROW_RETRY_S	2.0

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

static struct {
	struct slurm_run	*runs;		/* one per slot */
	uint32_t		 nruns;
	char			**envp[LAUNCHERS_MAX];
	bool			 closing;	/* slurm_release: quiet */
	bool			 querying;	/* one squeue at a time */
	bool			 query_failing;	/* said once, until it answers */
	double			 row_retry_at;
} S;

char *const *
slurm_envp(struct jobd *d, const struct launcher *l)
{
	return S.envp[l - d->cfg.launchers];
}

/* slurm_new_envp: PATH, LANG and the launcher's env lines. */
static char **
slurm_new_envp(const struct launcher *l)
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
	slurmend_init();
	if (d->cfg.nlaunchers == 0)
		return 0;
	if ((S.runs = calloc(d->cfg.slots, sizeof(*S.runs))) == NULL)
		return -1;
	S.nruns = d->cfg.slots;
	for (unsigned i = 0; i < d->cfg.nlaunchers; i++)
		if ((S.envp[i] = slurm_new_envp(&d->cfg.launchers[i])) == NULL)
			return -1;
	return 0;
}

void
slurm_release(struct jobd *d)
{
	S.closing = true;
	slurmend_release(d);
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
	return slurmend_ready();
}

/* slurm_run_of: the run of the job j holds now, or NULL. */
static struct slurm_run *
slurm_run_of(struct job *j)
{
	struct slurm_run *r;

	if (S.runs == NULL || j->slot >= S.nruns)
		return NULL;
	r = &S.runs[j->slot];
	return r->active && memcmp(r->uuid, j->m.uuid, 16) == 0 ?
	    r : NULL;
}

/* --- the Slurm job id and node: into the slot and the row ------------ */

static void
slurm_save_row(struct jobd *d, struct slurm_run *r)
{
	char id[JOB_ID_LEN + 1];

	job_id_str(r->uuid, id);
	r->unsaved = store_job_slurm(&d->store, id, r->job_id, r->node) == -1;
	if (r->unsaved && S.row_retry_at == 0)
		S.row_retry_at = clock_mono() + SLURM_ROW_RETRY_S;
}

/* slurm_learn: what jobd learned of r (slot i): into the slot, if it
 * still holds that job, and into its row. */
static void
slurm_learn(struct jobd *d, uint32_t i, uint64_t job_id, const char *node)
{
	struct slurm_run *r = &S.runs[i];
	struct job *j = &d->jobs[i];
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
	if (memcmp(j->m.uuid, r->uuid, 16) == 0 && j->m.status != JOB_NONE) {
		j->m.slurm_job_id = r->job_id;
		memcpy(j->m.slurm_node, r->node, sizeof(j->m.slurm_node));
		job_publish(j);
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

bool
slurm_owns(const char *name, size_t len)
{
	uint32_t slot;
	struct slurm_run *r = slurm_run_named(name, len, &slot);

	return r != NULL && !r->ended;
}

unsigned
slurm_running_targets(const struct launcher *l, char **out, unsigned max)
{
	unsigned n = 0;

	for (uint32_t i = 0; i < S.nruns && n < max; i++) {
		struct slurm_run *r = &S.runs[i];

		if (r->active && !r->ended && r->l == l &&
		    asprintf(&out[n], "--name=%s", r->name) != -1)
			n++;
	}
	return n;
}

/* slurm_end: end r's Slurm job (once). */
static void
slurm_end(struct jobd *d, struct slurm_run *r)
{
	if (r->ending)
		return;
	r->ending = true;
	slurmend_job(d, r->l, r->name);
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
	if (helper_start(d, argv, slurm_envp(d, l), slurm_on_query,
	    NULL) == 0)
		S.querying = true;
	free(names);
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
	memcpy(r->uuid, j->m.uuid, 16);
	launcher_job_name(r->name, sizeof(r->name), j->d->cfg.instance, r->uuid);
	r->next_query = clock_mono() + SLURM_FIRST_QUERY_S;
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
		r->next_query = clock_mono();	/* ask for its node now */
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
		slurm_end(j->d, r);
}

void
slurm_job_ended(struct job *j)
{
	struct slurm_run *r = slurm_run_of(j);
	int ws = j->has_prog_status ? j->prog_status : j->wstatus;

	if (r == NULL || r->ended)
		return;
	r->ended = true;
	r->ended_at = clock_mono();
	/* srun ends its Slurm job when it exits by itself; not when it was
	 * killed, nor (to be sure) after a cancel or a timeout. */
	if (j->cancelled || j->timed_out || !WIFEXITED(ws) || j->exec_errno)
		slurm_end(j->d, r);
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
	double now = clock_mono(), next = 0;
	int h = helper_step(d), e;

	if (S.runs == NULL)
		return h;
	e = slurmend_step(d);
	h = h < 0 ? e : e < 0 ? h : h < e ? h : e;
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
	next = slurm_min(next, S.row_retry_at);
	if (next <= 0)
		return h;
	next = next <= now ? 0 : (next - now) * 1000 + 1;
	return h < 0 || next < h ? (int)next : h;
}

