/* capture.h: turn one output stream's bytes into lines (doc/api.md
 * "The job object" and "Streams"): terminal escapes stripped, other
 * control bytes dropped, invalid UTF-8 replaced with U+FFFD, lines cut
 * at OUT_LINE_MAX with a mark, and '\r' redraws reported as replacements
 * of their line.  Pure: it calls back into the sink and knows nothing
 * about jobs. */
#ifndef CAPTURE_H
#define CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/limits.h"

struct capture_sink {
	void	*arg;
	/* A new line; reserve is the room to keep for later redraws.
	 * Returns the line's number. */
	uint64_t (*append)(void *arg, const char *s, size_t len,
	    size_t reserve, bool complete);
	/* Replace line n; returns 0, or -1 when it is no longer held. */
	int	(*replace)(void *arg, uint64_t n, const char *s, size_t len,
	    bool complete);
};

struct capture {
	char		raw[OUT_LINE_MAX];	/* current line, escapes gone */
	size_t		len;
	bool		cut;		/* bytes were dropped past raw */
	bool		cr;		/* a '\r' waits for its next byte */
	bool		redraw;		/* this line has been redrawn */
	bool		has_open;	/* open_line holds this redraw line */
	uint8_t		esc;		/* escape sequence parser state */
	uint64_t	open_line;
};

void capture_init(struct capture *c);
/* capture_feed: consume n bytes; lines go to the sink as they complete,
 * and a redrawn line is shown as it stands at the end of the chunk. */
void capture_feed(struct capture *c, const char *buf, size_t n,
    const struct capture_sink *sink);
/* capture_eof: a last line without a newline is still a line. */
void capture_eof(struct capture *c, const struct capture_sink *sink);

/* capture_clean: repair UTF-8 and cut raw[0..len) into out (at least
 * OUT_LINE_MAX bytes), marking the cut when cut or too long.  Returns the
 * length written. */
size_t capture_clean(const char *raw, size_t len, bool cut, char *out);

#endif
