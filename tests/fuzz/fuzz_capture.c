/* fuzz_capture.c: libFuzzer target: a job's output bytes through
 * jobd/capture.c, fed in chunks as reads return them, into a sink that
 * checks every line: valid UTF-8 (no NUL), no control byte but '\t', at
 * most OUT_LINE_MAX bytes, within its reserve, and that only the line a
 * redraw opened (and no completed one) is ever replaced.  When the
 * output is plain (valid UTF-8, no '\r', escape or other control byte
 * but '\t' and '\n'), the lines must be exactly its lines, each over
 * OUT_LINE_MAX cut on a character boundary with OUT_CUT_MARK.
 * Input: the first byte seeds the chunk sizes; the rest is the output,
 * where the byte 0xfe followed by n repeats the next byte n * 64 times
 * (long lines from short inputs; 256 KiB in all at most); 0xfe itself
 * passes through otherwise. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobd/capture.h"
#include "shared/valid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LINES_MAX	(1 << 16)

static struct line {
	size_t	reserve;
	bool	complete;
} *lines;
static uint64_t nlines, completed;
/* For plain output: the completed lines appended, each followed by
 * '\n' (at most 2n + 1 bytes for n bytes of output). */
static bool record;
static char *got;
static size_t gotlen;

static void
check_text(const char *s, size_t len)
{
	if (len > OUT_LINE_MAX || !valid_utf8(s, len))
		abort();
	for (size_t i = 0; i < len; i++) {
		unsigned char b = (unsigned char)s[i];

		if ((b < 0x20 && b != '\t') || b == 0x7f)
			abort();
	}
}

static uint64_t
sink_append(void *arg, const char *s, size_t len, size_t reserve,
    bool complete)
{
	(void)arg;
	check_text(s, len);
	if (reserve < len || reserve > OUT_LINE_MAX)
		abort();
	if (nlines < LINES_MAX) {
		lines[nlines].reserve = reserve;
		lines[nlines].complete = complete;
	}
	completed += complete;
	if (record && complete) {
		memcpy(got + gotlen, s, len);
		gotlen += len;
		got[gotlen++] = '\n';
	}
	return nlines++;
}

static int
sink_replace(void *arg, uint64_t n, const char *s, size_t len, bool complete)
{
	(void)arg;
	check_text(s, len);
	/* Only a line appended and still open, within its reserve. */
	if (n >= nlines)
		abort();
	if (n < LINES_MAX && (lines[n].complete || len > lines[n].reserve))
		abort();
	if (n < LINES_MAX)
		lines[n].complete = complete;
	completed += complete;
	return 0;
}

static const struct capture_sink sink = { NULL, sink_append, sink_replace };

/* expand: data[1..size) with its repeats into out (NULL: count only),
 * up to OUT_MAX bytes. */
#define OUT_MAX		(256 * 1024)
static size_t
expand(const uint8_t *data, size_t size, char *out)
{
	size_t n = 0;

	for (size_t i = 1; i < size && n < OUT_MAX - 255 * 64; i++) {
		if (data[i] == 0xfe && i + 2 < size && data[i + 1] > 0) {
			size_t k = (size_t)data[i + 1] * 64;

			if (out != NULL)
				memset(out + n, data[i + 2], k);
			n += k;
			i += 2;
		} else {
			if (out != NULL)
				out[n] = (char)data[i];
			n++;
		}
	}
	return n;
}

/* plain: whether out[0..n) is plain output (see the top). */
static bool
plain(const char *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char b = (unsigned char)out[i];

		if ((b < 0x20 && b != '\t' && b != '\n') || b == 0x7f)
			return false;
	}
	return valid_utf8(out, n);
}

/* expect: the lines plain output out[0..n) must give, as got holds
 * them, into want; returns the length. */
static size_t
expect(const char *out, size_t n, char *want)
{
	const size_t mark = sizeof(OUT_CUT_MARK) - 1;
	size_t w = 0;

	for (size_t i = 0; i < n;) {
		size_t len = strcspn(out + i, "\n"), k = len;

		if (i + len > n)
			len = k = n - i;
		if (len > OUT_LINE_MAX) {
			k = OUT_LINE_MAX - mark;
			while (k > 0 &&
			    ((unsigned char)out[i + k] & 0xc0) == 0x80)
				k--;
		}
		memcpy(want + w, out + i, k);
		w += k;
		if (len > OUT_LINE_MAX) {
			memcpy(want + w, OUT_CUT_MARK, mark);
			w += mark;
		}
		want[w++] = '\n';
		i += len + 1;
	}
	return w;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct capture c;
	size_t n, newlines = 0;
	unsigned seed;
	char *out;

	if (size == 0)
		return 0;
	if (lines == NULL &&
	    (lines = calloc(LINES_MAX, sizeof(*lines))) == NULL)
		abort();
	n = expand(data, size, NULL);
	if ((out = malloc(n + 1)) == NULL ||
	    (got = malloc(2 * n + 16)) == NULL)
		abort();
	expand(data, size, out);
	out[n] = '\0';
	gotlen = 0;
	record = plain(out, n);
	for (size_t i = 0; i < n; i++)
		newlines += out[i] == '\n';
	seed = data[0];
	nlines = completed = 0;
	capture_init(&c);
	/* Chunks of 1 to 512 bytes, sized by a tiny LCG from the seed. */
	for (size_t off = 0; off < n;) {
		size_t k;

		seed = seed * 1103515245u + 12345u;
		k = 1 + (seed >> 16) % 512;
		if (k > n - off)
			k = n - off;
		capture_feed(&c, out + off, k, &sink);
		off += k;
	}
	capture_eof(&c, &sink);
	/* Lines end at '\n' (escapes may swallow some) and at the end. */
	if (completed > newlines + 1)
		abort();
	if (record) {
		char *want = malloc(2 * n + 16);
		size_t w = expect(out, n, want);

		if (w != gotlen || memcmp(want, got, w) != 0)
			abort();
		free(want);
	}
	free(got);
	free(out);
	return 0;
}
