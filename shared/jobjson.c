/* jobjson.c: job objects (see jobjson.h). */
#include <json-c/printbuf.h>
#include <stdlib.h>
#include <string.h>

#include "jobjson.h"
#include "jsonin.h"

json_object *
jobjson_time(double t)
{
	return t > 0 ? json_object_new_double(t) : NULL;
}

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

static int
raw_to_json(json_object *jso, struct printbuf *pb, int level, int flags)
{
	const char *text = json_object_get_userdata(jso);

	(void)level;
	(void)flags;
	printbuf_memappend(pb, text, (int)strlen(text));
	return 0;
}

static void
raw_free(json_object *jso, void *userdata)
{
	(void)jso;
	free(userdata);
}

/* jobjson_raw: a job's urls or options text, as jobd stored it (compact
 * JSON, written with the flags every answer uses), written out as it is
 * when the answer is serialized: checked, not parsed into objects and
 * printed again (a list of 200 jobs spent most of its time so).  Text
 * that is not one JSON value of the wanted kind gives an empty one. */
static json_object *
jobjson_raw(const char *text, json_type want)
{
	json_object *o = want == json_type_array ? json_object_new_array() :
	    json_object_new_object();
	size_t len = strlen(text);
	char *copy;

	if (o == NULL || len == 0 ||
	    text[0] != (want == json_type_array ? '[' : '{') ||
	    !jsonin_valid(text, len) || (copy = strdup(text)) == NULL)
		return o;
	json_object_set_serializer(o, raw_to_json, copy, raw_free);
	return o;
}

json_object *
jobjson_new(const struct job_meta *m, const char *urls, const char *options,
    const char *command)
{
	json_object *o = json_object_new_object();
	char id[JOB_ID_LEN + 1];

	if (o == NULL)
		return NULL;
	job_id_str(m->uuid, id);
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "user_id", json_object_new_string(m->user_id));
	json_object_object_add(o, "runner", json_object_new_string(m->runner));
	json_object_object_add(o, "urls", jobjson_raw(urls, json_type_array));
	json_object_object_add(o, "options",
	    jobjson_raw(options, json_type_object));
	json_object_object_add(o, "status",
	    json_object_new_string(job_status_str((enum job_status)m->status)));
	json_object_object_add(o, "output_next",
	    json_object_new_int64((int64_t)m->out_next));
	json_object_object_add(o, "command", json_object_new_string(command));
	json_object_object_add(o, "return_code",
	    jobjson_int_or_null(m->has_return_code, m->return_code));
	json_object_object_add(o, "errors",
	    jobjson_int_or_null(m->errors >= 0, m->errors));
	json_object_object_add(o, "progress", jobjson_progress(&m->progress));
	json_object_object_add(o, "created_at", jobjson_time(m->created_at));
	json_object_object_add(o, "started_at", jobjson_time(m->started_at));
	json_object_object_add(o, "finished_at", jobjson_time(m->finished_at));
	/* null until known, and for jobs run on jobd's own host. */
	json_object_object_add(o, "slurm_job_id", m->slurm_job_id > 0 ?
	    json_object_new_int64((int64_t)m->slurm_job_id) : NULL);
	json_object_object_add(o, "slurm_node", m->slurm_node[0] != '\0' ?
	    json_object_new_string(m->slurm_node) : NULL);
	return o;
}

/* The held lines of a snapshot, owned by the "output" member and written
 * straight into the answer when it is serialized.  They are held escaped
 * (ring.h): each goes out between quotes as it is, with no per-byte work
 * (polling is almost all of the load). */
struct snap_out {
	uint32_t	 n;
	uint32_t	*len;
	char		*lines;
};

static void
snap_out_free(json_object *jso, void *userdata)
{
	struct snap_out *o = userdata;

	(void)jso;
	free(o->len);
	free(o->lines);
	free(o);
}

static int
snap_out_to_json(json_object *jso, struct printbuf *pb, int level, int flags)
{
	struct snap_out *o = json_object_get_userdata(jso);
	size_t off = 0;

	(void)level;
	(void)flags;
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
	return 0;
}

json_object *
jobjson_snap_output(struct job_snap *s)
{
	json_object *a = json_object_new_array();
	struct snap_out *o = malloc(sizeof(*o));

	if (a == NULL || o == NULL) {
		free(o);
		json_object_put(a);
		return NULL;	/* the lines stay with s, which frees them */
	}
	*o = (struct snap_out){ s->nlines, s->line_len, s->lines };
	s->line_len = NULL;
	s->lines = NULL;
	json_object_set_serializer(a, snap_out_to_json, o, snap_out_free);
	return a;
}
