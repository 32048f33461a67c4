/* fakefcgi.h: an FCGX_Request held in memory for unit tests and fuzz
 * targets: its params from NAME=value strings, its body read from a
 * buffer and its answer written to one, through libfcgi's own
 * FCGX_GetStr/FCGX_PutStr on FCGX_Streams, as from a socket. */
#ifndef FAKEFCGI_H
#define FAKEFCGI_H

#include <fcgiapp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAKE_PARAMS_MAX	16
#define FAKE_OUT_MAX	(256 * 1024)

struct fake_fcgi {
	FCGX_Request	 fr;
	FCGX_Stream	 in, out, err;
	char		*envp[FAKE_PARAMS_MAX + 1];
	unsigned	 nenv;
	unsigned char	*body;
	unsigned char	 outbuf[FAKE_OUT_MAX + 1];
	unsigned char	 errbuf[1024];
};

/* The body is all there is: at its end the stream is closed, as a
 * FastCGI stream is after its empty FCGI_STDIN record. */
static inline void
fake_fill(FCGX_Stream *s)
{
	s->isClosed = 1;
}

/* A full answer buffer ends the stream with an error, as a dead socket
 * would: the writer sees -1. */
static inline void
fake_empty(FCGX_Stream *s, int doClose)
{
	(void)doClose;
	if (s->wrNext == s->stop)
		s->isClosed = 1;
}

static inline void
fake_writer(FCGX_Stream *s, unsigned char *buf, size_t size)
{
	memset(s, 0, sizeof(*s));
	s->wrNext = s->stopUnget = buf;
	s->stop = buf + size;
	s->rdNext = s->stop;
	s->emptyBuffProc = fake_empty;
}

/* fake_reset: a new request with body[0..len) and no params. */
static inline void
fake_reset(struct fake_fcgi *f, const void *body, size_t len)
{
	for (unsigned i = 0; i < f->nenv; i++)
		free(f->envp[i]);
	free(f->body);
	f->nenv = 0;
	f->envp[0] = NULL;
	/* A copy of its own, so ASan sees a read past the body. */
	f->body = malloc(len ? len : 1);
	if (len)
		memcpy(f->body, body, len);
	memset(&f->in, 0, sizeof(f->in));
	f->in.rdNext = f->in.stopUnget = f->body;
	f->in.stop = f->in.wrNext = f->body + len;
	f->in.isReader = 1;
	f->in.fillBuffProc = fake_fill;
	fake_writer(&f->out, f->outbuf, FAKE_OUT_MAX);
	fake_writer(&f->err, f->errbuf, sizeof(f->errbuf));
	memset(&f->fr, 0, sizeof(f->fr));
	f->fr.in = &f->in;
	f->fr.out = &f->out;
	f->fr.err = &f->err;
	f->fr.envp = f->envp;
	f->fr.ipcFd = -1;
}

/* fake_param: add NAME=value (value may hold any byte but NUL). */
static inline void
fake_param(struct fake_fcgi *f, const char *name, const char *value)
{
	size_t n = strlen(name), v = strlen(value);
	char *s;

	if (f->nenv == FAKE_PARAMS_MAX || (s = malloc(n + v + 2)) == NULL)
		abort();
	memcpy(s, name, n);
	s[n] = '=';
	memcpy(s + n + 1, value, v + 1);
	f->envp[f->nenv++] = s;
	f->envp[f->nenv] = NULL;
}

static inline void
fake_free(struct fake_fcgi *f)
{
	fake_reset(f, NULL, 0);
	free(f->body);
	f->body = NULL;
}

/* fake_answer: what was written, NUL-terminated. */
static inline const char *
fake_answer(struct fake_fcgi *f)
{
	*f->out.wrNext = '\0';
	return (const char *)f->outbuf;
}

/* fake_status: the answer's status, or 0 when nothing was answered. */
static inline int
fake_status(struct fake_fcgi *f)
{
	int st = 0;

	if (sscanf(fake_answer(f), "Status: %d ", &st) != 1)
		return 0;
	return st;
}

/* fake_header: whether the answer's head holds the line hdr. */
static inline int
fake_header(struct fake_fcgi *f, const char *hdr)
{
	const char *a = fake_answer(f), *end = strstr(a, "\r\n\r\n");
	size_t n = strlen(hdr);

	for (const char *p = a; end != NULL && p != NULL && p <= end; ) {
		if (strncmp(p, hdr, n) == 0 && p[n] == '\r')
			return 1;
		if ((p = strstr(p, "\r\n")) != NULL)
			p += 2;
	}
	return 0;
}

/* fake_body: the answer's body (after the blank line), or "". */
static inline const char *
fake_body(struct fake_fcgi *f)
{
	const char *end = strstr(fake_answer(f), "\r\n\r\n");

	return end ? end + 4 : "";
}

#endif
