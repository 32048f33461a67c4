/* fuzz_ring.c: libFuzzer target: shared/ring.c under arbitrary line
 * sizes and reserves, appends and redraws, against a model that keeps
 * every line written.  After each step: never more than OUT_LINES_MAX
 * lines held, and as many as that bound allows (the arena is sized so
 * that the line count is always the bound: ring.h, limits.h), the held
 * lines are the newest ones, and every held line reads back byte for
 * byte as last written (the line touched at each step, all of them
 * every 256 steps and at the end).
 * Input: 4-byte steps: an op byte, then 3 bytes.  op % 4 < 3 appends a
 * line of len = 12 bits (0..4095, 4096 when op's bit 2 is set) with
 * reserve = len + 12 bits; op % 4 == 3 replaces the line 12 bits back
 * from the newest with len from 12 bits.  Contents derive from the line
 * number and its write count, so every byte is checked.  At most 2048
 * steps. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/ring.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define STEPS_MAX	2048

static struct ring *R;
static struct model {
	uint32_t	len;
	uint32_t	cap;
	uint32_t	gen;	/* writes of this line */
} *M;

/* A line's bytes: a window of pat chosen by its number and its writes. */
static char pat[2 * OUT_LINE_MAX];

static const char *
content(uint64_t n, uint32_t gen)
{
	return pat + (n * 131 + gen * 977) % OUT_LINE_MAX;
}

static void
verify_line(uint64_t n)
{
	const char *s;
	uint32_t len;

	if ((s = ring_line(R, n, &len)) == NULL || len != M[n].len ||
	    memcmp(s, content(n, M[n].gen), len) != 0)
		abort();
}

/* verify: the counts, and the lines from..next (all: from = first). */
static void
verify(uint64_t appended, uint64_t from)
{
	uint64_t held = ring_held(R);

	if (held > OUT_LINES_MAX || R->next != appended ||
	    held != (appended < OUT_LINES_MAX ? appended : OUT_LINES_MAX))
		abort();
	if (from < R->first)
		from = R->first;
	for (uint64_t n = from; n < R->next; n++)
		verify_line(n);
	/* Lines no longer held are gone for readers too. */
	if (R->first > 0 && ring_line(R, R->first - 1, &(uint32_t){ 0 }))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t appended = 0;

	if (R == NULL) {
		if ((R = malloc(sizeof(*R))) == NULL ||
		    (M = calloc(STEPS_MAX, sizeof(*M))) == NULL)
			abort();
		for (size_t i = 0; i < sizeof(pat); i++)
			pat[i] = (char)(i * 7 + (i >> 8) + (i >> 13));
	}
	ring_reset(R);
	for (size_t i = 0; i + 4 <= size && i / 4 < STEPS_MAX; i += 4) {
		unsigned op = data[i];
		unsigned a = data[i + 1] | (data[i + 2] & 0x0f) << 8;
		unsigned b = data[i + 3] << 4 | data[i + 2] >> 4;

		if (op % 4 < 3) {
			uint32_t len = (op & 4) ? OUT_LINE_MAX : a;
			uint32_t reserve = len + b;
			uint64_t n;

			n = ring_append(R, content(appended, 0), len, reserve);
			if (n != appended)
				abort();
			M[n].len = len;
			M[n].gen = 0;
			M[n].cap = reserve > OUT_LINE_MAX ? OUT_LINE_MAX :
			    reserve == 0 ? 1 : reserve;
			appended++;
		} else if (appended > 0) {
			uint64_t n = appended - 1 - (a % appended);
			uint32_t len = b % (OUT_LINE_MAX + 1);
			bool held = n >= R->first;
			int rc;

			rc = ring_replace(R, n, content(n, M[n].gen + 1), len);
			/* Held and within its reserve: replaced; else not. */
			if (rc != (held && len <= M[n].cap ? 0 : -1))
				abort();
			if (rc == 0) {
				M[n].gen++;
				M[n].len = len;
				verify_line(n);
			}
		}
		/* Each step: the oldest and newest lines; every 256, all. */
		if (appended > 0)
			verify_line(R->first);
		verify(appended, i % 1024 == 1020 ? 0 :
		    appended - (appended > 0));
	}
	verify(appended, 0);
	return 0;
}
