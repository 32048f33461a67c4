/* jobjson.c: job objects (see jobjson.h). */
#include <inttypes.h>
#include <json-c/printbuf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobjson.h"
#include "jsonin.h"

static json_object *
jobjson_int_or_null(bool known, int64_t v)
{
	return known ? json_object_new_int64(v) : NULL;
}

json_object *
jobjson_progress(const struct progress *p)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "url",
	    jobjson_int_or_null(p->known & PROGRESS_URL, p->url));
	json_object_object_add(o, "urls",
	    jobjson_int_or_null(p->known & PROGRESS_URLS, p->urls));
	json_object_object_add(o, "track",
	    jobjson_int_or_null(p->known & PROGRESS_TRACK, p->track));
	json_object_object_add(o, "percent", (p->known & PROGRESS_PERCENT) ?
	    json_object_new_double(p->percent) : NULL);
	return o;
}

/* The fixed members of a job object, written straight into the answer
 * when it is serialized: a list of 200 jobs built as json-c objects (16
 * members, a progress object, their hash tables) spent most of its time
 * in malloc and free.  The bytes are the ones json-c writes (strings
 * escaped by json-c where they need it, doubles as "%.17g"). */
struct jobtext {
	struct job_meta	 m;
	char		*urls;		/* NULL: not a JSON array, sent as [] */
	char		*options;	/* NULL: not a JSON object, sent as {} */
	char		*command;
	struct snap_out	*out;		/* jobjson_add_output's lines, or NULL */
};

/* The held lines of a snapshot (jobjson_add_output), written straight
 * into the answer.  They are held escaped (ring.h): each goes out
 * between quotes as it is, with no per-byte work, and in one copy
 * (polling is almost all of the load). */
struct snap_out {
	uint32_t	 n;
	uint32_t	*len;
	char		*lines;
};

static void
put_lines(struct printbuf *pb, const struct snap_out *o)
{
	size_t off = 0;

	printbuf_strappend(pb, "[");
	for (uint32_t i = 0; i < o->n; i++) {
		if (i > 0)
			printbuf_strappend(pb, ",\"");
		else
			printbuf_strappend(pb, "\"");
		printbuf_memappend(pb, o->lines + off, (int)o->len[i]);
		printbuf_strappend(pb, "\"");
		off += o->len[i];
	}
	printbuf_strappend(pb, "]");
}

#define JOBJSON_FLAGS	(JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

/* put_str: s as a JSON string.  Printable ASCII without quote or
 * backslash goes as it is; anything else is escaped by json-c. */
static void
put_str(struct printbuf *pb, const char *s)
{
	size_t n = strlen(s);
	json_object *o;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			goto escape;
	}
	printbuf_strappend(pb, "\"");
	printbuf_memappend(pb, s, (int)n);
	printbuf_strappend(pb, "\"");
	return;
escape:
	o = json_object_new_string_len(s, (int)n);
	s = o ? json_object_to_json_string_length(o, JOBJSON_FLAGS, &n) : NULL;
	if (s != NULL)
		printbuf_memappend(pb, s, (int)n);
	else
		printbuf_strappend(pb, "\"\"");
	json_object_put(o);
}

static void
put_i64(struct printbuf *pb, bool known, int64_t v)
{
	char buf[24];
	int n;

	if (!known) {
		printbuf_strappend(pb, "null");
		return;
	}
	n = snprintf(buf, sizeof(buf), "%" PRId64, v);
	printbuf_memappend(pb, buf, n);
}

/* put_double: as json-c writes a double: "%.17g", with ".0" added when
 * that looks like an integer. */
static void
put_double(struct printbuf *pb, bool known, double v)
{
	char buf[40];
	int n;

	if (!known || !isfinite(v)) {
		printbuf_strappend(pb, "null");
		return;
	}
	n = snprintf(buf, sizeof(buf) - 2, "%.17g", v);
	if (strpbrk(buf, ".e") == NULL) {
		memcpy(buf + n, ".0", 3);
		n += 2;
	}
	printbuf_memappend(pb, buf, n);
}

static void
put_key(struct printbuf *pb, const char *key)
{
	printbuf_strappend(pb, ",\"");
	printbuf_memappend(pb, key, (int)strlen(key));
	printbuf_strappend(pb, "\":");
}

static void
put_progress(struct printbuf *pb, const struct progress *p)
{
	printbuf_strappend(pb, "{\"url\":");
	put_i64(pb, p->known & PROGRESS_URL, p->url);
	printbuf_strappend(pb, ",\"urls\":");
	put_i64(pb, p->known & PROGRESS_URLS, p->urls);
	printbuf_strappend(pb, ",\"track\":");
	put_i64(pb, p->known & PROGRESS_TRACK, p->track);
	printbuf_strappend(pb, ",\"percent\":");
	put_double(pb, p->known & PROGRESS_PERCENT, p->percent);
	printbuf_strappend(pb, "}");
}

/* job_to_json: the fixed members, the held lines if any, then any
 * member the caller added (a stored job's "output"). */
static int
job_to_json(json_object *jso, struct printbuf *pb, int level, int flags)
{
	const struct jobtext *t = json_object_get_userdata(jso);
	const struct job_meta *m = &t->m;
	char id[JOB_ID_LEN + 1];

	(void)level;
	job_id_str(m->uuid, id);
	printbuf_strappend(pb, "{\"id\":\"");
	printbuf_memappend(pb, id, JOB_ID_LEN);
	printbuf_strappend(pb, "\"");
	put_key(pb, "user_id");
	put_str(pb, m->user_id);
	put_key(pb, "runner");
	put_str(pb, m->runner);
	put_key(pb, "urls");
	if (t->urls != NULL)
		printbuf_memappend(pb, t->urls, (int)strlen(t->urls));
	else
		printbuf_strappend(pb, "[]");
	put_key(pb, "options");
	if (t->options != NULL)
		printbuf_memappend(pb, t->options, (int)strlen(t->options));
	else
		printbuf_strappend(pb, "{}");
	put_key(pb, "status");
	put_str(pb, job_status_str((enum job_status)m->status));
	put_key(pb, "output_next");
	put_i64(pb, true, (int64_t)m->out_next);
	put_key(pb, "command");
	put_str(pb, t->command);
	put_key(pb, "return_code");
	put_i64(pb, m->has_return_code, m->return_code);
	put_key(pb, "errors");
	put_i64(pb, m->errors >= 0, m->errors);
	put_key(pb, "progress");
	put_progress(pb, &m->progress);
	put_key(pb, "created_at");
	put_double(pb, m->created_at > 0, m->created_at);
	put_key(pb, "started_at");
	put_double(pb, m->started_at > 0, m->started_at);
	put_key(pb, "finished_at");
	put_double(pb, m->finished_at > 0, m->finished_at);
	/* null until known, and for jobs run on jobd's own host. */
	put_key(pb, "slurm_job_id");
	put_i64(pb, m->slurm_job_id > 0, (int64_t)m->slurm_job_id);
	put_key(pb, "slurm_node");
	if (m->slurm_node[0] != '\0')
		put_str(pb, m->slurm_node);
	else
		printbuf_strappend(pb, "null");
	if (t->out != NULL) {
		put_key(pb, "output");
		put_lines(pb, t->out);
	}
	json_object_object_foreach(jso, key, val) {
		put_key(pb, key);
		const char *v = val == NULL ? "null" :
		    json_object_to_json_string_ext(val, flags);

		printbuf_memappend(pb, v, (int)strlen(v));
	}
	printbuf_strappend(pb, "}");
	return 0;
}

static void
jobtext_free(json_object *jso, void *userdata)
{
	struct jobtext *t = userdata;

	(void)jso;
	free(t->urls);
	free(t->options);
	free(t->command);
	if (t->out != NULL) {
		free(t->out->len);
		free(t->out->lines);
		free(t->out);
	}
	free(t);
}

/* raw_copy: a job's urls or options text, as jobd stored it (compact
 * JSON, written with the flags every answer uses), to be written out as
 * it is: checked, not parsed into objects and printed again.  NULL for
 * text that is not one JSON value of the wanted kind. */
static char *
raw_copy(const char *text, char open)
{
	size_t len = strlen(text);

	if (len == 0 || text[0] != open || !jsonin_valid(text, len))
		return NULL;
	return strdup(text);
}

json_object *
jobjson_new(const struct job_meta *m, const char *urls, const char *options,
    const char *command)
{
	json_object *o = json_object_new_object();
	struct jobtext *t = calloc(1, sizeof(*t));

	if (o == NULL || t == NULL ||
	    (t->command = strdup(command)) == NULL) {
		free(t);
		json_object_put(o);
		return NULL;
	}
	t->m = *m;
	t->urls = raw_copy(urls, '[');
	t->options = raw_copy(options, '{');
	json_object_set_serializer(o, job_to_json, t, jobtext_free);
	return o;
}

int
jobjson_add_output(json_object *job, struct job_snap *s)
{
	struct jobtext *t = json_object_get_userdata(job);
	struct snap_out *o;

	if (t == NULL || t->out != NULL || (o = malloc(sizeof(*o))) == NULL)
		return -1;	/* the lines stay with s, which frees them */
	*o = (struct snap_out){ s->nlines, s->line_len, s->lines };
	s->line_len = NULL;
	s->lines = NULL;
	t->out = o;
	return 0;
}
