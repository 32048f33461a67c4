/* test_jobjson.c: a live snapshot's output (lines held escaped, as jobd
 * writes them) serializes to the JSON array of its lines, and reads back
 * byte for byte. */
#include <stdlib.h>

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
	struct job_snap s;
	json_object *job = json_object_new_object(), *back, *out;

	snap_of(&s, n);
	json_object_object_add(job, "output", jobjson_snap_output(&s));
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

/* slurm_fields: the Slurm job id and node, null until known (and for
 * jobs run on jobd's host). */
static void
slurm_fields(void)
{
	struct job_meta m = { .status = JOB_RUNNING, .errors = -1 };
	json_object *o = jobjson_new(&m, "[]", "{}", "x"), *v;

	T_CHECK(json_object_object_get_ex(o, "slurm_job_id", &v) && v == NULL);
	T_CHECK(json_object_object_get_ex(o, "slurm_node", &v) && v == NULL);
	json_object_put(o);
	m.slurm_job_id = 4242;
	snprintf(m.slurm_node, sizeof(m.slurm_node), "node07");
	o = jobjson_new(&m, "[]", "{}", "x");
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
		json_object *v;

		T_CHECK(json_object_object_get_ex(o, "urls", &v));
		T_STREQ(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN),
		    cases[i].want_urls);
		T_CHECK(json_object_object_get_ex(o, "options", &v));
		T_STREQ(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN),
		    cases[i].want_options);
		json_object_put(o);
	}
}

int
main(void)
{
	slurm_fields();
	raw_texts();
	round_trip(0);
	round_trip(1);
	round_trip(NLINES);
	/* Serialized twice (the same object): the same text. */
	{
		struct job_snap s;
		json_object *a;
		char *first;

		snap_of(&s, NLINES);
		a = jobjson_snap_output(&s);
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
