/* api_metrics.c: GET /api/metrics, the Prometheus text format (0.0.4),
 * read from the live table's header and the pool's answer counters: no
 * round trip to jobd.  No identity is asked; the shipped web server
 * configurations let only loopback reach it. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "api.h"
#include "resp.h"
#include "stats.h"

#define METRICS_MAX	8192

struct text {
	char	buf[METRICS_MAX];
	size_t	len;
};

static void __attribute__((format(printf, 2, 3)))
put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->len >= sizeof(t->buf))
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, sizeof(t->buf) - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n;
	if (t->len > sizeof(t->buf))
		t->len = sizeof(t->buf);
}

/* metric: the HELP and TYPE lines of a family. */
static void
metric(struct text *t, const char *name, const char *type, const char *help)
{
	put(t, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static uint64_t
get(const _Atomic uint64_t *v)
{
	return atomic_load_explicit(v, memory_order_relaxed);
}

static void
metrics_jobd(struct text *t, const struct jobtab_hdr *h)
{
	const struct jobtab_stats *s = &h->stats;

	metric(t, "jobs_live", "gauge", "Jobs queued or running now.");
	put(t, "jobs_live{status=\"queued\"} %" PRIu32 "\n", h->queued);
	put(t, "jobs_live{status=\"running\"} %" PRIu32 "\n", h->running);
	metric(t, "jobs_live_slots", "gauge", "Slots of the live table.");
	put(t, "jobs_live_slots %" PRIu32 "\n", h->nslots);
	metric(t, "jobs_live_slots_free", "gauge", "Slots free to start a job.");
	put(t, "jobs_live_slots_free %" PRIu32 "\n", h->slots_free);
	metric(t, "jobs_started_total", "counter", "Jobs started since jobd "
	    "started.");
	put(t, "jobs_started_total %" PRIu64 "\n", get(&s->started));
	metric(t, "jobs_ended_total", "counter", "Jobs ended since jobd "
	    "started, by final status.");
	for (int st = JOB_COMPLETED; st < JOB__COUNT; st++)
		put(t, "jobs_ended_total{status=\"%s\"} %" PRIu64 "\n",
		    job_status_str((enum job_status)st), get(&s->ended[st]));
	metric(t, "jobs_output_lines_total", "counter", "Output lines "
	    "captured.");
	put(t, "jobs_output_lines_total %" PRIu64 "\n", get(&s->lines));
	metric(t, "jobs_loop_turns_total", "counter", "Turns of jobd's loop.");
	put(t, "jobs_loop_turns_total %" PRIu64 "\n", get(&s->turns));
	metric(t, "jobs_loop_turn_max_seconds", "gauge", "Longest turn of "
	    "jobd's loop (time in handlers).");
	put(t, "jobs_loop_turn_max_seconds %.6f\n", (double)get(&s->turn_max_us) /
	    1e6);
	metric(t, "jobs_sqlite_writes_total", "counter", "SQLite writes jobd "
	    "made on its loop.");
	put(t, "jobs_sqlite_writes_total %" PRIu64 "\n", get(&s->db_writes));
	metric(t, "jobs_sqlite_write_seconds_total", "counter", "Time those "
	    "writes took.");
	put(t, "jobs_sqlite_write_seconds_total %.6f\n",
	    (double)get(&s->db_write_us) / 1e6);
	metric(t, "jobs_sqlite_write_max_seconds", "gauge", "Longest of those "
	    "writes.");
	put(t, "jobs_sqlite_write_max_seconds %.6f\n",
	    (double)get(&s->db_write_max_us) / 1e6);
}

void
api_metrics(struct app *a, struct req *r)
{
	struct text *t = calloc(1, sizeof(*t));
	const void *tab;

	if (t == NULL) {
		resp_error(r, ERR_INTERNAL, NULL);
		return;
	}
	metric(t, "jobs_up", "gauge", "Whether jobd runs and its loop turns.");
	put(t, "jobs_up %d\n", client_alive(&a->jobd) ? 1 : 0);
	if ((tab = client_table(&a->jobd)) != NULL)
		metrics_jobd(t, tab);
	metric(t, "jobs_http_responses_total", "counter", "Answers of the "
	    "responders by status.");
	for (unsigned i = 0; i < stats_ncodes; i++)
		put(t, "jobs_http_responses_total{code=\"%d\"} %" PRIu64 "\n",
		    stats_codes[i], stats_get(i));
	put(t, "jobs_http_responses_total{code=\"other\"} %" PRIu64 "\n",
	    stats_get(stats_ncodes));
	resp_text(r, 200, "text/plain; version=0.0.4; charset=utf-8", t->buf,
	    t->len);
	free(t);
}
