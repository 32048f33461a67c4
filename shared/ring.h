/* ring.h: a job's bounded output, held in shared memory.
 *
 * Lines are numbered from 0 in the order produced.  At most OUT_LINES_MAX
 * of them are held; their bytes live in a byte arena in production order,
 * so the oldest line is always the one just ahead of the write head.  A
 * line may reserve more space than it uses, so that a '\r' redraw can
 * replace it in place (doc/api.md "Streams").  A line's bytes are its text
 * escaped for a JSON string, without the quotes (OUT_LINE_JSON_MAX): jobd
 * escapes once, readers copy.  One writer (jobd); readers copy
 * under the slot's sequence counter (jobtab.h). */
#ifndef RING_H
#define RING_H

#include <stdint.h>

#include "limits.h"

struct ring_line {
	uint32_t	off;
	uint32_t	len;
	uint32_t	cap;
};

struct ring {
	uint64_t	first;		/* number of the oldest held line */
	uint64_t	next;		/* number the next line will get */
	uint32_t	head;		/* arena offset just past the newest line */
	uint32_t	pad;
	struct ring_line idx[OUT_LINES_MAX];	/* by line number % OUT_LINES_MAX */
	char		arena[OUT_ARENA];
};

/* ring_reset: empty the ring; line numbers restart at 0. */
void ring_reset(struct ring *r);

/* ring_append: add a line of len bytes (len <= reserve <= OUT_LINE_JSON_MAX),
 * dropping the oldest lines as needed.  Returns the line's number. */
uint64_t ring_append(struct ring *r, const char *s, uint32_t len,
    uint32_t reserve);

/* ring_replace: overwrite held line n with s (len <= its reserve).
 * Returns 0, or -1 when n is no longer held or s does not fit. */
int ring_replace(struct ring *r, uint64_t n, const char *s, uint32_t len);

/* ring_held: number of lines held. */
uint64_t ring_held(const struct ring *r);

/* ring_line: borrowed pointer to held line n and its length, or NULL
 * (not held, or its place out of bounds). */
const char *ring_line(const struct ring *r, uint64_t n, uint32_t *len);

#endif
