/* jobjson.c: job objects (see jobjson.h). */
#include <uuid/uuid.h>

#include "jobjson.h"

void
jobjson_uuid_str(const uint8_t uuid[16], char *buf)
{
	uuid_unparse_lower(uuid, buf);
}

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

static json_object *
jobjson_parse_or(const char *text, json_type want)
{
	json_object *o = json_tokener_parse(text);

	if (o != NULL && json_object_is_type(o, want))
		return o;
	json_object_put(o);
	return want == json_type_array ? json_object_new_array() :
	    json_object_new_object();
}

json_object *
jobjson_new(const struct job_meta *m, const char *urls, const char *options,
    const char *command)
{
	json_object *o = json_object_new_object();
	char id[JOB_ID_LEN + 1];

	if (o == NULL)
		return NULL;
	jobjson_uuid_str(m->uuid, id);
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "user_id", json_object_new_string(m->user_id));
	json_object_object_add(o, "runner", json_object_new_string(m->runner));
	json_object_object_add(o, "urls", jobjson_parse_or(urls, json_type_array));
	json_object_object_add(o, "options",
	    jobjson_parse_or(options, json_type_object));
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
	return o;
}

json_object *
jobjson_snap_output(const struct job_snap *s)
{
	json_object *a = json_object_new_array_ext((int)s->nlines);
	size_t off = 0;

	for (uint32_t i = 0; i < s->nlines; i++) {
		json_object_array_add(a, json_object_new_string_len(
		    s->lines + off, (int)s->line_len[i]));
		off += s->line_len[i];
	}
	return a;
}
