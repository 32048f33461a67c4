/* jobsink.c: a job's output: the lines its capture (capture.h) cuts go
 * into the slot's ring, and what they say (the runner's regexes) into
 * its metadata. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "job.h"
#include "jobsink.h"
#include "shared/log.h"
#include "shared/runner.h"
#include "slurm.h"

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

/* ring_output_json: the held lines of r as a JSON array text; caller
 * frees.  r may be what a killed jobd left (recover_harvest): lines whose
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

struct capture_sink
job_sink(struct job *j)
{
	return (struct capture_sink){ j, job_sink_append, job_sink_replace };
}
