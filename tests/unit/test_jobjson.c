/* test_jobjson.c: a live snapshot's output (lines held escaped, as jobd
 * writes them) serializes to the JSON array of its lines, and reads back
 * byte for byte; a job object's text is what json-c writes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/jobjson.h"
#include "test.h"

static const char *lines[] = {
	"plain", "", "quote \" and backslash \\", "tab\tand\x01control",
	"slash / stays", "caf\xc3\xa9 \xe2\x9c\x93", "last",
};
#define NLINES (sizeof(lines) / sizeof(lines[0]))

/* snap_of: a snapshot holding lines[0..n), escaped by json-c as jobd
 * holds them, packed as jobtab_snapshot packs them. */
static void
snap_of(struct job_snap *s, uint32_t n)
{
	size_t off = 0;

	memset(s, 0, sizeof(*s));
	s->nlines = n;
	s->line_len = malloc(sizeof(uint32_t) * (n + 1));
	s->lines = malloc(4096);
	for (uint32_t i = 0; i < n; i++) {
		json_object *o = json_object_new_string(lines[i]);
		size_t len;
		const char *text = json_object_to_json_string_length(o,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);

		s->line_len[i] = (uint32_t)len - 2;	/* within the quotes */
		memcpy(s->lines + off, text + 1, s->line_len[i]);
		off += s->line_len[i];
		json_object_put(o);
	}
}

static void
round_trip(uint32_t n)
{
	struct job_meta m = { .status = JOB_RUNNING, .errors = -1 };
	struct job_snap s;
	json_object *job = jobjson_new(&m, "[]", "{}", "x"), *back, *out;

	snap_of(&s, n);
	T_CHECK(jobjson_add_output(job, &s) == 0);
	T_CHECK(s.lines == NULL && s.line_len == NULL);	/* taken over */
	job_snap_release(&s);
	back = json_tokener_parse(json_object_to_json_string_ext(job,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	T_CHECK(back != NULL);
	if (back == NULL ||
	    !json_object_object_get_ex(back, "output", &out) ||
	    !json_object_is_type(out, json_type_array)) {
		T_CHECK(false);
	} else {
		T_CHECK(json_object_array_length(out) == n);
		for (uint32_t i = 0; i < n && i < json_object_array_length(out); i++)
			T_STREQ(json_object_get_string(
			    json_object_array_get_idx(out, i)), lines[i]);
	}
	json_object_put(back);
	json_object_put(job);
}

#define FLAGS	(JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

/* parsed: jobjson_new's object as a client reads it (its fixed members
 * exist only in its text). */
static json_object *
parsed(const struct job_meta *m, const char *urls, const char *options,
    const char *command)
{
	json_object *o = jobjson_new(m, urls, options, command);
	json_object *back = o ? json_tokener_parse(json_object_to_json_string_ext(o,
	    FLAGS)) : NULL;

	json_object_put(o);
	T_CHECK(back != NULL);
	return back;
}

/* slurm_fields: the Slurm job id and node, null until known (and for
 * jobs run on jobd's host). */
static void
slurm_fields(void)
{
	struct job_meta m = { .status = JOB_RUNNING, .errors = -1 };
	json_object *o = parsed(&m, "[]", "{}", "x"), *v;

	T_CHECK(json_object_object_get_ex(o, "slurm_job_id", &v) && v == NULL);
	T_CHECK(json_object_object_get_ex(o, "slurm_node", &v) && v == NULL);
	json_object_put(o);
	m.slurm_job_id = 4242;
	snprintf(m.slurm_node, sizeof(m.slurm_node), "node07");
	o = parsed(&m, "[]", "{}", "x");
	T_CHECK(json_object_object_get_ex(o, "slurm_job_id", &v) &&
	    json_object_get_int64(v) == 4242);
	T_CHECK(json_object_object_get_ex(o, "slurm_node", &v) &&
	    strcmp(json_object_get_string(v), "node07") == 0);
	json_object_put(o);
}

/* raw_texts: urls and options go out as jobd stored them; text that is
 * not one JSON value of the right kind goes out empty. */
static void
raw_texts(void)
{
	struct job_meta m = { .status = JOB_QUEUED, .errors = -1 };
	static const struct {
		const char	*urls, *options, *want_urls, *want_options;
	} cases[] = {
		{ "[\"https://a/1\",\"https://b/\\u00e9\"]", "{\"k\":1,\"t\":[\"x\"]}",
		    "[\"https://a/1\",\"https://b/\\u00e9\"]", "{\"k\":1,\"t\":[\"x\"]}" },
		{ "[1,", "{\"k\":}", "[]", "{}" },
		{ "{}", "[]", "[]", "{}" },
		{ "[] []", "{\"a\":1,\"a\":2}", "[]", "{}" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_object *o = jobjson_new(&m, cases[i].urls, cases[i].options, "x");
		const char *text = json_object_to_json_string_ext(o, FLAGS);
		char want[256];

		snprintf(want, sizeof(want), "\"urls\":%s,\"options\":%s,",
		    cases[i].want_urls, cases[i].want_options);
		T_CHECK(strstr(text, want) != NULL);
		json_object_put(o);
	}
}

/* reference: the job object as json-c itself writes it from members. */
static char *
reference(const struct job_meta *m, const char *urls, const char *options,
    const char *command)
{
	json_object *o = json_object_new_object(), *p = json_object_new_object();
	const struct progress *g = &m->progress;
	char id[JOB_ID_LEN + 1];
	char *text;

	job_id_str(m->uuid, id);
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "user_id", json_object_new_string(m->user_id));
	json_object_object_add(o, "runner", json_object_new_string(m->runner));
	json_object_object_add(o, "urls", json_tokener_parse(urls));
	json_object_object_add(o, "options", json_tokener_parse(options));
	json_object_object_add(o, "status", json_object_new_string(
	    job_status_str((enum job_status)m->status)));
	json_object_object_add(o, "output_next",
	    json_object_new_int64((int64_t)m->out_next));
	json_object_object_add(o, "command", json_object_new_string(command));
	json_object_object_add(o, "return_code", m->has_return_code ?
	    json_object_new_int(m->return_code) : NULL);
	json_object_object_add(o, "errors", m->errors >= 0 ?
	    json_object_new_int(m->errors) : NULL);
	json_object_object_add(p, "url", (g->known & PROGRESS_URL) ?
	    json_object_new_int(g->url) : NULL);
	json_object_object_add(p, "urls", (g->known & PROGRESS_URLS) ?
	    json_object_new_int(g->urls) : NULL);
	json_object_object_add(p, "track", (g->known & PROGRESS_TRACK) ?
	    json_object_new_int(g->track) : NULL);
	json_object_object_add(p, "percent", (g->known & PROGRESS_PERCENT) ?
	    json_object_new_double(g->percent) : NULL);
	json_object_object_add(o, "progress", p);
	json_object_object_add(o, "created_at", m->created_at > 0 ?
	    json_object_new_double(m->created_at) : NULL);
	json_object_object_add(o, "started_at", m->started_at > 0 ?
	    json_object_new_double(m->started_at) : NULL);
	json_object_object_add(o, "finished_at", m->finished_at > 0 ?
	    json_object_new_double(m->finished_at) : NULL);
	json_object_object_add(o, "slurm_job_id", m->slurm_job_id > 0 ?
	    json_object_new_int64((int64_t)m->slurm_job_id) : NULL);
	json_object_object_add(o, "slurm_node", m->slurm_node[0] ?
	    json_object_new_string(m->slurm_node) : NULL);
	json_object_object_add(o, "output", json_tokener_parse("[\"a\\\"b\"]"));
	text = strdup(json_object_to_json_string_ext(o, FLAGS));
	json_object_put(o);
	return text;
}

/* same_as_json_c: the written members are byte for byte what json-c
 * writes for the same values: escapes, UTF-8, integers, doubles (whole,
 * tiny, huge, the times of today), nulls, and a member added after. */
static void
same_as_json_c(void)
{
	static const char *texts[] = {
		"plain", "quote \" back \\ slash /", "tab\tnl\ncontrol\x01\x1f",
		"caf\xc3\xa9 \xe2\x9c\x93", "del\x7f", "",
	};
	static const double times[] = {
		0, 1, 1796472108.747237, 1796472108.7489614, 0.1, 1e22, 3e-7,
		123456789012345678.0, 42.5,
	};
	unsigned n = 0;

	for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++)
		for (size_t d = 0; d < sizeof(times) / sizeof(times[0]); d++) {
			struct job_meta m = { .status = (uint32_t)(1 + d % 5),
			    .errors = (int32_t)d - 2, .has_return_code = (int32_t)(t & 1),
			    .return_code = -(int32_t)t, .out_next = d * 1000003,
			    .created_at = times[d], .started_at = times[(d + 1) % 9],
			    .finished_at = times[(d + 2) % 9],
			    .slurm_job_id = t * 7 };
			json_object *o, *extra;
			char *want;

			memset(m.uuid, (int)(t * 16 + d), sizeof(m.uuid));
			snprintf(m.user_id, sizeof(m.user_id), "u%zu", t);
			snprintf(m.runner, sizeof(m.runner), "r%zu", d);
			snprintf(m.slurm_node, sizeof(m.slurm_node), "%s",
			    d % 2 ? texts[t] : "");
			m.progress = (struct progress){ .url = (int32_t)t,
			    .urls = 9, .track = -1, .percent = times[d] / 7,
			    .known = (uint32_t)(d * 5 % 16) };
			want = reference(&m, "[\"https://x/caf\xc3\xa9\",\"q\\\"\"]",
			    "{\"k\":[1,{\"z\":null}]}", texts[t]);
			o = jobjson_new(&m, "[\"https://x/caf\xc3\xa9\",\"q\\\"\"]",
			    "{\"k\":[1,{\"z\":null}]}", texts[t]);
			extra = json_tokener_parse("[\"a\\\"b\"]");
			json_object_object_add(o, "output", extra);
			T_STREQ(json_object_to_json_string_ext(o, FLAGS), want);
			n += strcmp(json_object_to_json_string_ext(o, FLAGS), want) == 0;
			json_object_put(o);
			free(want);
		}
	T_CHECK(n == 6 * 9);
}

int
main(void)
{
	slurm_fields();
	raw_texts();
	same_as_json_c();
	round_trip(0);
	round_trip(1);
	round_trip(NLINES);
	/* Serialized twice (the same object): the same text. */
	{
		struct job_meta m = { .status = JOB_RUNNING, .errors = -1 };
		struct job_snap s;
		json_object *a = jobjson_new(&m, "[]", "{}", "x");
		char *first;

		snap_of(&s, NLINES);
		T_CHECK(jobjson_add_output(a, &s) == 0);
		first = strdup(json_object_to_json_string(a));
		T_STREQ(json_object_to_json_string(a), first);
		T_CHECK(strstr(first, "\"slash \\/ stays\"") != NULL ||
		    strstr(first, "\"slash / stays\"") != NULL);
		free(first);
		json_object_put(a);
		job_snap_release(&s);
	}
	return t_done("test_jobjson");
}
