/* capture.c: line assembly for one stream (see capture.h). */
#include <string.h>

#include "capture.h"
#include "shared/valid.h"

enum esc_state {
	ESC_NONE,
	ESC_START,	/* after ESC */
	ESC_CSI,	/* ESC [ ... final byte 0x40-0x7e */
	ESC_OSC,	/* ESC ] ... BEL or ESC \ */
	ESC_OSC_ESC,	/* ESC inside OSC */
};

void
capture_init(struct capture *c)
{
	memset(c, 0, sizeof(*c));
}

size_t
capture_clean(const char *raw, size_t len, bool cut, char *out)
{
	static const char repl[] = "\xef\xbf\xbd";
	const size_t mark = sizeof(OUT_CUT_MARK) - 1;
	size_t i = 0, o = 0, room = OUT_LINE_MAX;

	while (i < len) {
		size_t n = utf8_seq_len(raw + i, len - i);
		const char *src = n ? raw + i : repl;
		size_t k = n ? n : 3;

		if (o + k > room) {
			cut = true;
			break;
		}
		memcpy(out + o, src, k);
		o += k;
		i += n ? n : 1;
	}
	if (cut) {
		/* Cut on a character boundary that leaves room for the mark:
		 * out[o] is a written byte whenever o was lowered. */
		if (o > OUT_LINE_MAX - mark) {
			o = OUT_LINE_MAX - mark;
			while (o > 0 && ((unsigned char)out[o] & 0xc0) == 0x80)
				o--;
		}
		memcpy(out + o, OUT_CUT_MARK, mark);
		o += mark;
	}
	return o;
}

/* capture_emit: publish the current line, as new or as a redraw. */
static void
capture_emit(struct capture *c, const struct capture_sink *sink,
    bool complete)
{
	char out[OUT_LINE_MAX];
	size_t n = capture_clean(c->raw, c->len, c->cut, out);

	if (c->has_open && sink->replace(sink->arg, c->open_line, out, n,
	    complete) == 0)
		;
	else if (c->redraw && !complete) {
		c->open_line = sink->append(sink->arg, out, n, OUT_LINE_MAX,
		    false);
		c->has_open = true;
	} else
		sink->append(sink->arg, out, n, n, complete);
	if (complete)
		c->has_open = c->redraw = false;
}

static void
capture_newline(struct capture *c, const struct capture_sink *sink)
{
	capture_emit(c, sink, true);
	c->len = 0;
	c->cut = false;
}

/* capture_cr: a '\r' not followed by '\n' redraws the line. */
static void
capture_cr(struct capture *c, const struct capture_sink *sink)
{
	c->redraw = true;
	if (c->len > 0 || c->cut)
		capture_emit(c, sink, false);
	c->len = 0;
	c->cut = false;
}

static bool
capture_escape(struct capture *c, unsigned char b)
{
	switch (c->esc) {
	case ESC_NONE:
		if (b != 0x1b)
			return false;
		c->esc = ESC_START;
		return true;
	case ESC_START:
		c->esc = b == '[' ? ESC_CSI : b == ']' ? ESC_OSC : ESC_NONE;
		return true;
	case ESC_CSI:
		if (b >= 0x40 && b <= 0x7e)
			c->esc = ESC_NONE;
		return true;
	case ESC_OSC:
		if (b == 0x07)
			c->esc = ESC_NONE;
		else if (b == 0x1b)
			c->esc = ESC_OSC_ESC;
		return true;
	default:
		c->esc = b == '\\' ? ESC_NONE : ESC_OSC;
		return true;
	}
}

void
capture_feed(struct capture *c, const char *buf, size_t n,
    const struct capture_sink *sink)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char b = (unsigned char)buf[i];

		if (c->cr) {
			c->cr = false;
			if (b != '\n')
				capture_cr(c, sink);
		}
		if (capture_escape(c, b))
			continue;
		if (b == '\n')
			capture_newline(c, sink);
		else if (b == '\r')
			c->cr = true;
		else if ((b < 0x20 && b != '\t') || b == 0x7f)
			continue;
		else if (c->len < sizeof(c->raw))
			c->raw[c->len++] = (char)b;
		else
			c->cut = true;
	}
	/* Show a progress line as it stands, not one redraw late. */
	if (c->redraw && !c->cr && (c->len > 0 || c->cut))
		capture_emit(c, sink, false);
}

void
capture_eof(struct capture *c, const struct capture_sink *sink)
{
	if (c->cr) {
		c->cr = false;
		c->redraw = true;
	}
	if (c->len > 0 || c->cut)
		capture_newline(c, sink);
	c->has_open = c->redraw = false;
	c->esc = ESC_NONE;
}
