/* test_capture.c: line assembly: escapes, UTF-8, cuts, '\r' redraws. */
#include <stdlib.h>

#include "jobd/capture.h"
#include "shared/ring.h"
#include "shared/valid.h"
#include "test.h"

static struct ring *R;

static uint64_t
sink_append(void *arg, const char *s, size_t len, size_t reserve, bool c)
{
	(void)arg;
	(void)c;
	return ring_append(R, s, (uint32_t)len, (uint32_t)reserve);
}

static int
sink_replace(void *arg, uint64_t n, const char *s, size_t len, bool c)
{
	(void)arg;
	(void)c;
	return ring_replace(R, n, s, (uint32_t)len);
}

static const struct capture_sink sink = { NULL, sink_append, sink_replace };

static const char *
line(uint64_t n)
{
	static char buf[OUT_LINE_MAX + 1];
	uint32_t len;
	const char *l = ring_line(R, n, &len);

	if (l == NULL)
		return NULL;
	memcpy(buf, l, len);
	buf[len] = '\0';
	return buf;
}

static void
feed(struct capture *c, const char *s)
{
	capture_feed(c, s, strlen(s), &sink);
}

static void
test_lines_and_escapes(void)
{
	struct capture c;

	ring_reset(R);
	capture_init(&c);
	feed(&c, "\033[32m[INFO] \033[0mhello\n");
	feed(&c, "split ");
	feed(&c, "line\r\n");
	feed(&c, "tab\there\x07\n");
	feed(&c, "\033]0;title\007osc gone\n");
	feed(&c, "no newline");
	T_CHECK(R->next == 4);
	capture_eof(&c, &sink);
	T_CHECK(R->next == 5);
	T_STREQ(line(0), "[INFO] hello");
	T_STREQ(line(1), "split line");
	T_STREQ(line(2), "tab\there");
	T_STREQ(line(3), "osc gone");
	T_STREQ(line(4), "no newline");
}

static void
test_utf8_repair(void)
{
	struct capture c;
	const char *l;

	ring_reset(R);
	capture_init(&c);
	feed(&c, "ok \xc3\xa9 bad \xff\xfe end \xe2\x82\n");
	l = line(0);
	T_CHECK(l != NULL && valid_utf8(l, strlen(l)));
	T_STREQ(l, "ok \xc3\xa9 bad \xef\xbf\xbd\xef\xbf\xbd end \xef\xbf\xbd\xef\xbf\xbd");
}

static void
test_long_line(void)
{
	struct capture c;
	static char big[100 * 1024 + 2];
	const char *l;

	ring_reset(R);
	capture_init(&c);
	memset(big, 'x', sizeof(big) - 2);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = '\0';
	feed(&c, big);
	feed(&c, "next\n");
	l = line(0);
	T_CHECK(l != NULL && strlen(l) <= OUT_LINE_MAX);
	T_CHECK(l != NULL && strstr(l, OUT_CUT_MARK) != NULL);
	T_STREQ(line(1), "next");
	/* A cut never splits a character. */
	{
		static char wide[OUT_LINE_MAX * 2];
		size_t n = 0;

		while (n + 3 < sizeof(wide) - 2) {
			memcpy(wide + n, "\xe2\x82\xac", 3);
			n += 3;
		}
		wide[n++] = '\n';
		wide[n] = '\0';
		feed(&c, wide);
		l = line(2);
		T_CHECK(l != NULL && valid_utf8(l, strlen(l)) &&
		    strlen(l) <= OUT_LINE_MAX);
	}
}

static void
test_redraw(void)
{
	struct capture out, err;

	ring_reset(R);
	capture_init(&out);
	capture_init(&err);
	feed(&out, "\r[download]   1.0%");
	T_CHECK(R->next == 1);
	T_STREQ(line(0), "[download]   1.0%");
	feed(&out, "\r[download]  50.0%");
	capture_feed(&err, "[INFO] a stderr line\n", 21, &sink);
	feed(&out, "\r[download] 100.0%\n");
	feed(&out, "after\n");
	T_CHECK(R->next == 3);
	T_STREQ(line(0), "[download] 100.0%");
	T_STREQ(line(1), "[INFO] a stderr line");
	T_STREQ(line(2), "after");
	/* Text then '\r': the text is the first state of the line. */
	feed(&out, "foo\rbar\n");
	T_CHECK(R->next == 4);
	T_STREQ(line(3), "bar");
	/* A '\r' at the end of a chunk waits for the next byte. */
	feed(&out, "crlf\r");
	feed(&out, "\nnext\n");
	T_STREQ(line(4), "crlf");
	T_STREQ(line(5), "next");
}

int
main(void)
{
	R = calloc(1, sizeof(*R));
	test_lines_and_escapes();
	test_utf8_repair();
	test_long_line();
	test_redraw();
	free(R);
	return t_done("test_capture");
}
