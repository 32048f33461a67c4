/* jobsink.c: a job's output: the lines its capture (capture.h) cuts go
 * into the slot's ring, and what they say (the runner's regexes) into
 * its metadata. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "job.h"
#include "jobsink.h"
#include "shared/jsonin.h"
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

/* line_json: s escaped as the inside of a JSON string, by json-c as
 * every other string of the API, into out (OUT_LINE_JSON_MAX bytes).
 * The ring holds lines so, and a poll copies them.  Returns the length;
 * 0 when s is empty or there is no memory (the line stays, empty). */
static size_t
line_json(const char *s, size_t len, char *out)
{
	json_object *o;
	const char *text;
	size_t n = 0;

	if (len == 0 || (o = json_object_new_string_len(s, (int)len)) == NULL)
		return 0;
	text = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE, &n);
	/* Within the quotes; at most twice the line (limits.h). */
	n = text != NULL && n >= 2 ? n - 2 : 0;
	if (n > OUT_LINE_JSON_MAX)
		n = 0;
	memcpy(out, text + 1, n);
	json_object_put(o);
	return n;
}

/* A captured line made ready before the slot is opened for writing, so
 * that readers wait as little as possible: what it says (the runner's
 * regexes) and its escaped form.  The sink opens the slot once per line,
 * not per chunk read: a chunk of 64 KiB can take milliseconds to clean
 * and match, and a reader copying 500 lines needs a quiet moment longer
 * than the pause between two chunks. */
struct sink_line {
	struct line_facts f;
	bool		 known;		/* f holds (the runner is configured) */
	size_t		 elen;
	char		 esc[OUT_LINE_JSON_MAX];
};

static void
sink_line_make(struct job *j, const char *s, size_t len, struct sink_line *l)
{
	l->known = job_line_facts(j, s, len, &l->f);
	l->elen = line_json(s, len, l->esc);
}

/* sink_line_done: after l went into the ring r (inside the write). */
static void
sink_line_done(struct job *j, const struct ring *r, const struct sink_line *l,
    bool complete)
{
	job_ring_done(j, r);
	if (l->known)
		job_apply_facts(j, &l->f, complete);
}

/* sink_append: l into the ring with room for reserve bytes, and its facts
 * (when known) into j's metadata, in one write of the slot. */
static uint64_t
sink_append(struct job *j, const struct sink_line *l, uint32_t reserve,
    bool complete)
{
	struct jobtab_slot *sl = job_write_begin(j);
	struct ring *r = job_ring(j, sl);
	uint64_t n = ring_append(r, l->esc, (uint32_t)l->elen, reserve);

	sink_line_done(j, r, l, complete);
	job_write_end(j, sl);
	return n;
}

static uint64_t
job_sink_append(void *arg, const char *s, size_t len, size_t reserve,
    bool complete)
{
	struct job *j = arg;
	struct sink_line l;
	uint64_t n;

	sink_line_make(j, s, len, &l);
	/* A redraw's reserve is raw bytes: room for its escaped form. */
	n = sink_append(j, &l, (uint32_t)(reserve > len ? 2 * reserve : l.elen),
	    complete);
	atomic_fetch_add_explicit(&j->d->tab.hdr->stats.lines, 1,
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
	struct sink_line l;
	struct jobtab_slot *sl;
	struct ring *r;
	int rc;

	sink_line_make(j, s, len, &l);
	sl = job_write_begin(j);
	r = job_ring(j, sl);
	if ((rc = ring_replace(r, n, l.esc, (uint32_t)l.elen)) == 0)
		sink_line_done(j, r, &l, complete);
	job_write_end(j, sl);
	return rc;
}

/* job_say: a line jobd writes itself, numbered like the program's; the
 * runner's regexes do not read it. */
void
job_say(struct job *j, const char *fmt, ...)
{
	struct sink_line l = { .known = false };
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
	l.elen = line_json(line, (size_t)n, l.esc);
	sink_append(j, &l, (uint32_t)l.elen, false);
}

/* ring_output_json: the held lines of r as a JSON array text; caller
 * frees.  Lines are held escaped (ring.h): the array is their copies
 * between quotes.  r may be what a killed jobd left (recover_harvest),
 * or scribbled on: a line out of bounds, or not a JSON string's inside,
 * is skipped, never read or written. */
char *
ring_output_json(const struct ring *r, uint64_t first, uint64_t next)
{
	size_t cap = 2, used = 0;
	char *s;

	if (next < first || next - first > OUT_LINES_MAX)
		first = next >= OUT_LINES_MAX ? next - OUT_LINES_MAX : 0;
	for (uint64_t n = first; n < next; n++) {
		uint32_t len;

		if (ring_line(r, n, &len) != NULL)
			cap += len + 3;
	}
	if ((s = malloc(cap + 1)) == NULL)
		return NULL;
	s[used++] = '[';
	for (uint64_t n = first; n < next; n++) {
		uint32_t len;
		const char *l = ring_line(r, n, &len);
		size_t at = used + (used > 1);	/* after the comma */

		/* Checked as copied: the table may change under the read. */
		if (l == NULL || len + 3 > cap - at)
			continue;
		memcpy(s + at + 1, l, len);
		if (!jsonin_string_body(s + at + 1, len))
			continue;
		if (used > 1)
			s[used] = ',';
		s[at] = '"';
		s[at + 1 + len] = '"';
		used = at + len + 2;
	}
	s[used++] = ']';
	s[used] = '\0';
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
