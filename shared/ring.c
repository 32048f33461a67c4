/* ring.c: the bounded per-job output ring (see ring.h for the layout). */
#include <assert.h>
#include <stdbool.h>
#include <string.h>

#include "ring.h"

_Static_assert(OUT_LINE_JSON_MAX <= OUT_ARENA, "a line fits an empty arena");

void
ring_reset(struct ring *r)
{
	r->first = 0;
	r->next = 0;
	r->head = 0;
}

uint64_t
ring_held(const struct ring *r)
{
	return r->next - r->first;
}

static struct ring_line *
ring_slot(struct ring *r, uint64_t n)
{
	return &r->idx[n % OUT_LINES_MAX];
}

/* ring_sane: whether the counters the writer reads back are ones it
 * could have written.  The ring lives in shared memory: anything that can
 * write there could have changed them, and the writer must neither loop
 * on them nor write outside the arena. */
static bool
ring_sane(const struct ring *r)
{
	return r->first <= r->next && r->next - r->first <= OUT_LINES_MAX &&
	    r->head <= OUT_ARENA;
}

/* ring_line_sane: whether held line l lies inside the arena. */
static bool
ring_line_sane(const struct ring_line *l)
{
	return l->cap <= OUT_LINE_JSON_MAX && l->len <= l->cap &&
	    l->off <= OUT_ARENA - l->cap;
}

/* ring_place: find cap contiguous bytes, evicting the oldest lines until
 * they fit.  Used bytes run from the oldest line's offset (tail) to head,
 * wrapping once when head <= tail.  At most OUT_LINES_MAX turns: each
 * evicts a line.  head and the oldest line are read once into locals:
 * the ring is shared memory, and what was checked must be what is used. */
static uint32_t
ring_place(struct ring *r, uint32_t cap)
{
	uint32_t head = r->head, off;
	struct ring_line oldest;

	for (;;) {
		if (ring_held(r) == 0) {
			r->first = r->next;
			off = 0;
			break;
		}
		oldest = *ring_slot(r, r->first);
		if (!ring_line_sane(&oldest) || head > OUT_ARENA) {
			/* A line (or head) out of bounds: the held ones
			 * cannot be trusted; start the arena afresh. */
			r->first = r->next;
			off = 0;
			break;
		}
		if (ring_held(r) < OUT_LINES_MAX) {
			if (head > oldest.off) {
				if (OUT_ARENA - head >= cap) {
					off = head;
					break;
				}
				if (oldest.off >= cap) {
					off = 0;
					break;
				}
			} else if (oldest.off - head >= cap) {
				off = head;
				break;
			}
		}
		r->first++;
	}
	/* Only checked locals made off: whatever the shared memory holds,
	 * the line lies inside the arena (ring_append clamps cap). */
	assert(cap <= OUT_LINE_JSON_MAX && off <= OUT_ARENA - cap);
	return off;
}

uint64_t
ring_append(struct ring *r, const char *s, uint32_t len, uint32_t reserve)
{
	struct ring_line *l;
	uint32_t off;

	if (len > OUT_LINE_JSON_MAX)
		len = OUT_LINE_JSON_MAX;
	if (reserve < len)
		reserve = len;
	if (reserve > OUT_LINE_JSON_MAX)
		reserve = OUT_LINE_JSON_MAX;
	if (reserve == 0)
		reserve = 1;	/* keep offsets distinct so ordering holds */
	if (!ring_sane(r)) {
		/* Changed under us: drop what is held, keep counting. */
		if (r->first > r->next)
			r->next = r->first;
		r->first = r->next;
		r->head = 0;
	}
	off = ring_place(r, reserve);
	memcpy(r->arena + off, s, len);
	l = ring_slot(r, r->next);
	l->off = off;
	l->len = len;
	l->cap = reserve;
	r->head = off + reserve;
	return r->next++;
}

int
ring_replace(struct ring *r, uint64_t n, const char *s, uint32_t len)
{
	struct ring_line *l, line;

	if (n < r->first || n >= r->next)
		return -1;
	l = ring_slot(r, n);
	/* Checked and used from one copy (shared memory, as ring_place). */
	line = *l;
	if (len > line.cap || !ring_line_sane(&line))
		return -1;
	memcpy(r->arena + line.off, s, len);
	l->len = len;
	return 0;
}

const char *
ring_line(const struct ring *r, uint64_t n, uint32_t *len)
{
	const struct ring_line *l;

	if (n < r->first || n >= r->next)
		return NULL;
	l = &r->idx[n % OUT_LINES_MAX];
	/* A ring a killed jobd left half-written may hold anything. */
	if (l->len > OUT_LINE_JSON_MAX || l->off > OUT_ARENA - l->len)
		return NULL;
	*len = l->len;
	return r->arena + l->off;
}
