/* slurmend.c: ending Slurm jobs with scancel (see slurmend.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helper.h"
#include "jobrun.h"
#include "shared/clock.h"
#include "shared/log.h"
#include "slurm.h"
#include "slurmend.h"

#define SLURMEND_RETRY_S	30.0	/* a failed sweep at start */
#define SLURMEND_STOP_WAIT_S	3.0	/* each scancel at shutdown */
#define SLURMEND_TARGETS_MAX	SLURM_QUERY_NAMES

/* scancel runs: --signal=KILL first (no KillWait: the processes die
 * now), then a plain cancel that ends the allocation; then `then`. */
struct slurmend_chain {
	struct slurmend_chain	*next;		/* waiting for a helper */
	const struct launcher	*l;
	int			 stage;
	unsigned		 n;
	void			(*then)(struct jobd *d);
	char			*targets[];	/* --name=X, or job ids */
};

static struct {
	bool			 closing;	/* slurmend_release: quiet */
	bool			 ready;		/* the start sweep is done */
	bool			 sweeping;
	unsigned		 sweep_at;	/* launcher being swept */
	bool			 sweep_failed;
	bool			 sweep_warned;	/* said once, until it works */
	double			 sweep_retry_at;
	/* scancel runs waiting for a free helper (HELPERS_MAX busy). */
	struct slurmend_chain	*waiting, **waiting_tail;
} E = { .ready = true };

void
slurmend_init(void)
{
	memset(&E, 0, sizeof(E));
	E.ready = true;
}

bool
slurmend_ready(void)
{
	return E.ready;
}

/* slurmend_said: what scancel printed, on one line of the log.  Its
 * errors are expected (a job that ended meanwhile, or one with no step
 * left to signal): info, not warnings. */
static void
slurmend_said(const char *out, size_t len)
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
	log_info("slurm: scancel said: %s", line);
}

static void slurmend_next(struct jobd *d, struct slurmend_chain *c);

static void
slurmend_on_scancel(struct jobd *d, void *arg, const char *out, size_t len,
    bool done)
{
	struct slurmend_chain *c = arg;

	if (!done && !E.closing)
		log_warn("slurm: scancel did not answer in time");
	else if (done && len > 0)
		slurmend_said(out, len);
	c->stage++;
	slurmend_next(d, c);
}

/* slurmend_next: run c's next stage, or end it (then, free). */
static void
slurmend_next(struct jobd *d, struct slurmend_chain *c)
{
	char *argv[4 + SLURMEND_TARGETS_MAX + 1];
	size_t n = 0;

	if (c->stage < 2) {
		argv[n++] = c->l->scancel;
		argv[n++] = "--me";
		if (c->stage == 0)
			argv[n++] = "--signal=KILL";
		for (unsigned i = 0; i < c->n; i++)
			argv[n++] = c->targets[i];
		argv[n] = NULL;
		if (helper_start(d, argv, slurm_envp(d, c->l),
		    slurmend_on_scancel, c) == 0)
			return;
		if (errno == EAGAIN) {	/* every helper busy: soon */
			c->next = NULL;
			if (E.waiting == NULL)
				E.waiting_tail = &E.waiting;
			*E.waiting_tail = c;
			E.waiting_tail = &c->next;
			return;
		}
		if (!E.closing)
			log_warn("slurm: cannot run scancel; the next start of "
			    "jobd ends what is left");
	}
	if (c->then != NULL)
		c->then(d);
	for (unsigned i = 0; i < c->n; i++)
		free(c->targets[i]);
	free(c);
}

/* slurmend_chain: scancel --signal=KILL, then scancel, of the n targets
 * (allocated strings, owned from here on). */
static void
slurmend_chain(struct jobd *d, const struct launcher *l, char **targets,
    unsigned n, void (*then)(struct jobd *d))
{
	struct slurmend_chain *c = calloc(1, sizeof(*c) + n * sizeof(char *));

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
	slurmend_next(d, c);
}

void
slurmend_job(struct jobd *d, const struct launcher *l, const char *name)
{
	char *t;

	if (asprintf(&t, "--name=%s", name) != -1)
		slurmend_chain(d, l, &t, 1, NULL);
}

/* --- the jobs a previous jobd left ------------------------------------ */

static void slurmend_sweep_next(struct jobd *d);

static void
slurmend_sweep_done(struct jobd *d)
{
	E.sweeping = false;
	if (!E.ready) {
		E.ready = true;
		job_schedule(d);
	}
}

static void
slurmend_sweep_launcher_done(struct jobd *d)
{
	E.sweep_at++;
	slurmend_sweep_next(d);
}

/* slurmend_on_sweep: squeue's "id|name" of this user's pending and
 * running jobs: those named for this instance, owned by no live job,
 * end. */
static void
slurmend_on_sweep(struct jobd *d, void *arg, const char *out, size_t len,
    bool done)
{
	const struct launcher *l = arg;
	char prefix[SLURM_NAME_MAX], *ids[SLURMEND_TARGETS_MAX];
	const char *p = out, *end = out + len;
	unsigned n = 0;

	launcher_job_name(prefix, sizeof(prefix), d->cfg.instance, NULL);
	while (done && p < end && n < SLURMEND_TARGETS_MAX) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end, *bar = memchr(p, '|', (size_t)(e - p));
		char *stop;
		unsigned long long id = strtoull(p, &stop, 10);

		if (bar == NULL || stop != bar || id == 0) {
			if (!E.closing)
				log_warn("slurm: [launcher %s]: squeue said: "
				    "%.*s", l->name, (int)(e - p), p);
			done = false;
			break;
		}
		if ((size_t)(e - bar - 1) > strlen(prefix) &&
		    memcmp(bar + 1, prefix, strlen(prefix)) == 0 &&
		    !slurm_owns(bar + 1, (size_t)(e - bar - 1)) &&
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
		if (!E.sweep_warned && !E.closing)
			log_warn("slurm: [launcher %s]: cannot list the cluster's "
			    "jobs; jobs start anyway, and the Slurm jobs a "
			    "previous jobd may have left are looked for again "
			    "every %.0f s", l->name, SLURMEND_RETRY_S);
		E.sweep_warned = true;
		E.sweep_failed = true;
		slurmend_sweep_launcher_done(d);
		return;
	}
	if (n == 0)
		slurmend_sweep_launcher_done(d);
	else
		slurmend_chain(d, l, ids, n, slurmend_sweep_launcher_done);
}

/* slurmend_same_cluster: whether launchers a and b reach the same
 * cluster (the same squeue and env lines): it is swept once. */
static bool
slurmend_same_cluster(const struct launcher *a, const struct launcher *b)
{
	if (strcmp(a->squeue, b->squeue) != 0 || a->nenv != b->nenv)
		return false;
	for (unsigned i = 0; i < a->nenv; i++)
		if (strcmp(a->env[i], b->env[i]) != 0)
			return false;
	return true;
}

static void
slurmend_sweep_next(struct jobd *d)
{
	const struct launcher *l;
	char *argv[] = { NULL, "--me", "--noheader", "--format=%i|%j", NULL };

	for (bool seen = true; seen && E.sweep_at < d->cfg.nlaunchers; ) {
		seen = false;
		for (unsigned i = 0; i < E.sweep_at && !seen; i++)
			seen = slurmend_same_cluster(&d->cfg.launchers[i],
			    &d->cfg.launchers[E.sweep_at]);
		if (seen)
			E.sweep_at++;
	}
	if (E.sweep_at >= d->cfg.nlaunchers) {
		if (E.sweep_failed)
			E.sweep_retry_at = clock_mono() + SLURMEND_RETRY_S;
		else if (E.sweep_warned) {
			log_info("slurm: the cluster answers again; no Slurm job "
			    "of this instance is left unowned");
			E.sweep_warned = false;
		}
		slurmend_sweep_done(d);
		return;
	}
	l = &d->cfg.launchers[E.sweep_at];
	argv[0] = l->squeue;
	if (helper_start(d, argv, slurm_envp(d, l), slurmend_on_sweep,
	    (void *)l) == -1) {
		E.sweep_failed = true;
		slurmend_sweep_launcher_done(d);
	}
}

static void
slurmend_sweep(struct jobd *d)
{
	E.sweeping = true;
	E.sweep_failed = false;
	E.sweep_retry_at = 0;
	E.sweep_at = 0;
	slurmend_sweep_next(d);
}

void
slurmend_recover(struct jobd *d)
{
	if (d->cfg.nlaunchers == 0)
		return;
	E.ready = false;
	slurmend_sweep(d);
}

int
slurmend_step(struct jobd *d)
{
	double now = clock_mono();

	/* scancel runs that waited for a helper, while one is free. */
	for (struct slurmend_chain *c; (c = E.waiting) != NULL; ) {
		if ((E.waiting = c->next) == NULL)
			E.waiting_tail = &E.waiting;
		slurmend_next(d, c);
		if (E.waiting_tail == &c->next)
			break;		/* it waits again: none is free */
	}
	if (E.sweep_retry_at > 0 && now >= E.sweep_retry_at && !E.sweeping)
		slurmend_sweep(d);
	if (E.sweep_retry_at <= 0)
		return -1;
	return E.sweep_retry_at <= now ? 0 :
	    (int)((E.sweep_retry_at - now) * 1000) + 1;
}

void
slurmend_release(struct jobd *d)
{
	E.closing = true;
	helper_release(d);	/* their chains end (or wait, below) */
	while (E.waiting != NULL) {
		struct slurmend_chain *c = E.waiting;

		E.waiting = c->next;
		c->stage = 2;
		c->then = NULL;
		slurmend_next(d, c);		/* frees it */
	}
}

void
slurmend_stop_all(struct jobd *d)
{
	for (unsigned li = 0; li < d->cfg.nlaunchers; li++) {
		const struct launcher *l = &d->cfg.launchers[li];
		char *argv[3 + SLURMEND_TARGETS_MAX + 1];
		unsigned n = slurm_running_targets(l, argv + 3,
		    SLURMEND_TARGETS_MAX);

		if (n == 0)
			continue;
		argv[0] = l->scancel;
		argv[1] = "--me";
		argv[3 + n] = NULL;
		for (int stage = 0; stage < 2; stage++) {
			argv[2] = stage == 0 ? "--signal=KILL" : "--me";
			if (helper_run_sync(argv, slurm_envp(d, l),
			    SLURMEND_STOP_WAIT_S) != 0)
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
