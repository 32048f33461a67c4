/* test_ring.c: the bounded output ring. */
#include <stdbool.h>
#include <stdlib.h>

#include "shared/ring.h"
#include "test.h"

static struct ring *
ring_new(void)
{
	struct ring *r = calloc(1, sizeof(*r));

	ring_reset(r);
	return r;
}

static void
test_basic(void)
{
	struct ring *r = ring_new();
	uint32_t len;
	const char *l;

	T_CHECK(ring_held(r) == 0);
	T_CHECK(ring_append(r, "one", 3, 3) == 0);
	T_CHECK(ring_append(r, "two", 3, 3) == 1);
	l = ring_line(r, 1, &len);
	T_CHECK(l != NULL && len == 3 && memcmp(l, "two", 3) == 0);
	T_CHECK(ring_line(r, 2, &len) == NULL);
	T_CHECK(ring_append(r, "", 0, 0) == 2);
	l = ring_line(r, 2, &len);
	T_CHECK(l != NULL && len == 0);
	free(r);
}

/* The line count bounds the ring: 600 lines keep the last 500. */
static void
test_count_bound(void)
{
	struct ring *r = ring_new();
	char buf[32];
	uint32_t len;
	const char *l;

	for (int i = 0; i < 600; i++) {
		int n = snprintf(buf, sizeof(buf), "line %d", i);

		ring_append(r, buf, (uint32_t)n, (uint32_t)n);
	}
	T_CHECK(ring_held(r) == OUT_LINES_MAX);
	T_CHECK(r->first == 100 && r->next == 600);
	l = ring_line(r, 100, &len);
	T_CHECK(l != NULL && len == 8 && memcmp(l, "line 100", 8) == 0);
	T_CHECK(ring_line(r, 99, &len) == NULL);
	free(r);
}

/* Lines of the largest size still keep 500 held, across many wraps. */
static void
test_bytes_bound(void)
{
	struct ring *r = ring_new();
	static char big[OUT_LINE_MAX];
	uint32_t len;
	bool ok = true;

	for (int i = 0; i < 3000; i++) {
		memset(big, 'a' + i % 26, sizeof(big));
		ring_append(r, big, (i % 3) ? OUT_LINE_MAX : 100, OUT_LINE_MAX);
		if (i >= OUT_LINES_MAX && ring_held(r) != OUT_LINES_MAX)
			ok = false;
	}
	T_CHECK(ok);
	/* Every held line still has its own bytes. */
	for (uint64_t n = r->first; n < r->next; n++) {
		const char *l = ring_line(r, n, &len);

		if (l == NULL || l[0] != 'a' + (char)(n % 26) ||
		    l[len - 1] != 'a' + (char)(n % 26))
			ok = false;
	}
	T_CHECK(ok);
	free(r);
}

static void
test_replace(void)
{
	struct ring *r = ring_new();
	uint32_t len;
	const char *l;
	uint64_t n;

	n = ring_append(r, "10%", 3, OUT_LINE_MAX);
	ring_append(r, "other", 5, 5);
	T_CHECK(ring_replace(r, n, "100% done", 9) == 0);
	l = ring_line(r, n, &len);
	T_CHECK(l != NULL && len == 9 && memcmp(l, "100% done", 9) == 0);
	l = ring_line(r, n + 1, &len);
	T_CHECK(l != NULL && len == 5 && memcmp(l, "other", 5) == 0);
	/* No room beyond the reserve; no such line. */
	T_CHECK(ring_replace(r, n + 1, "longer line", 11) == -1);
	T_CHECK(ring_replace(r, 99, "x", 1) == -1);
	free(r);
}

/* test_scribbled: whatever is written over the ring's counters and
 * index (anything that can write the shared memory could), the writer
 * neither loops for ever nor writes outside the arena (ASan would say),
 * and goes on numbering lines. */
static void
test_scribbled(void)
{
	struct ring *r = ring_new();
	unsigned seed = 12345;
	char line[OUT_LINE_MAX];
	uint32_t len;
	bool ok = true;

	memset(line, 'x', sizeof(line));
	for (int round = 0; round < 200; round++) {
		uint64_t n;

		for (int i = 0; i < 20; i++)
			ring_append(r, line, (uint32_t)(rand_r(&seed) % 300),
			    OUT_LINE_MAX);
		/* Scribble: counters, and a few index entries. */
		switch (round % 4) {
		case 0: r->first = r->next + 1 + (uint64_t)rand_r(&seed); break;
		case 1: r->head = 0xffffffffu - (uint32_t)rand_r(&seed) % 100; break;
		case 2: r->next = r->first + 100000; break;
		default:
			for (int i = 0; i < 5; i++) {
				struct ring_line *l = &r->idx[rand_r(&seed) %
				    OUT_LINES_MAX];

				l->off = (uint32_t)rand_r(&seed) * 7u;
				l->cap = (uint32_t)rand_r(&seed);
				l->len = (uint32_t)rand_r(&seed);
			}
		}
		n = ring_append(r, "after", 5, 5);
		ok &= ring_held(r) <= OUT_LINES_MAX;
		ok &= ring_line(r, n, &len) != NULL && len == 5;
		ring_replace(r, n, "AFTER", 5);
		for (uint64_t k = r->first; k < r->next; k++)
			(void)ring_line(r, k, &len);
	}
	T_CHECK(ok);
	free(r);
}

int
main(void)
{
	test_scribbled();
	test_basic();
	test_count_bound();
	test_bytes_bound();
	test_replace();
	return t_done("test_ring");
}
