/* runner.c: options checking, argument vectors and output reading, all
 * driven by a runner's configuration. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"
#include "valid.h"

static const struct runner_opt *
runner_opt(const struct runner *r, const char *name)
{
	for (unsigned i = 0; i < r->nopts; i++)
		if (strcmp(r->opts[i].name, name) == 0)
			return &r->opts[i];
	return NULL;
}

int
runner_check_urls(const struct runner *r, json_object *urls, char *err,
    size_t errsz)
{
	size_t n;

	if (urls == NULL) {
		snprintf(err, errsz, "'urls' is required: a list of 1 to %d URLs.",
		    URLS_MAX);
		return -1;
	}
	if (!json_object_is_type(urls, json_type_array)) {
		snprintf(err, errsz, "'urls' must be a list of strings.");
		return -1;
	}
	n = json_object_array_length(urls);
	if (n == 0 || n > URLS_MAX) {
		snprintf(err, errsz, "'urls' must hold 1 to %d URLs, not %zu.",
		    URLS_MAX, n);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		json_object *u = json_object_array_get_idx(urls, i);
		const char *s;

		if (!json_object_is_type(u, json_type_string)) {
			snprintf(err, errsz, "urls[%zu] must be a string.", i);
			return -1;
		}
		s = json_object_get_string(u);
		if ((size_t)json_object_get_string_len(u) != strlen(s) ||
		    strlen(s) > URL_LEN_MAX || s[0] == '-' ||
		    ((r->has & RUNNER_URL_RE) &&
		    regexec(&r->url_re, s, 0, NULL, 0) != 0)) {
			snprintf(err, errsz, "urls[%zu] is not a URL the '%s' "
			    "runner accepts.", i, r->name);
			return -1;
		}
	}
	return 0;
}

static bool
opt_in_values(const struct runner_opt *o, const char *v, size_t len)
{
	for (unsigned i = 0; i < o->nvalues; i++)
		if (strlen(o->values[i]) == len &&
		    memcmp(o->values[i], v, len) == 0)
			return true;
	return false;
}

static bool
opt_tag_ok(const char *v, size_t len)
{
	/* A leading '-' could pass for a flag in a runner whose parser
	 * takes "--exclude-tags -x" as two options. */
	if (len == 0 || len > OPT_TAG_MAX || v[0] == '-')
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = v[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

static bool
opt_item_ok(const struct runner_opt *o, const char *v, size_t len)
{
	if (o->nvalues > 0)
		return opt_in_values(o, v, len);
	return opt_tag_ok(v, len);
}

/* opt_join: a list value (array of strings, or one comma-separated
 * string) checked item by item and joined with commas into buf. */
static int
opt_join(const struct runner_opt *o, json_object *v, char *buf, size_t size)
{
	size_t used = 0, n;

	if (json_object_is_type(v, json_type_string)) {
		const char *s = json_object_get_string(v);

		if (strlen(s) >= size || strlen(s) == 0)
			return -1;
		for (const char *p = s; ; ) {
			size_t k = strcspn(p, ",");

			if (!opt_item_ok(o, p, k))
				return -1;
			if (p[k] == '\0')
				break;
			p += k + 1;
		}
		memcpy(buf, s, strlen(s) + 1);
		return 0;
	}
	if (!json_object_is_type(v, json_type_array) ||
	    (n = json_object_array_length(v)) == 0 || n > OPT_VALUES_MAX * 2)
		return -1;
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(v, i);
		const char *s;
		size_t k;

		if (!json_object_is_type(e, json_type_string))
			return -1;
		s = json_object_get_string(e);
		k = strlen(s);
		if (!opt_item_ok(o, s, k) || used + k + 2 > size)
			return -1;
		if (used > 0)
			buf[used++] = ',';
		memcpy(buf + used, s, k);
		used += k;
	}
	buf[used] = '\0';
	return 0;
}

/* has_nul: whether a string value, or one in a list, holds a NUL
 * (\u0000 in JSON): exec would cut the argument there. */
static bool
has_nul(json_object *v)
{
	if (json_object_is_type(v, json_type_string))
		return strlen(json_object_get_string(v)) !=
		    (size_t)json_object_get_string_len(v);
	if (json_object_is_type(v, json_type_array))
		for (size_t i = 0; i < json_object_array_length(v); i++)
			if (has_nul(json_object_array_get_idx(v, i)))
				return true;
	return false;
}

/* opt_value: the argument text of a checked option value, into buf.
 * Returns 1 when the flag takes this value, 0 when the flag alone is
 * passed (a true boolean), -2 when nothing is passed, -1 when invalid. */
static int
opt_value(const struct runner_opt *o, json_object *v, char *buf, size_t size)
{
	const char *s;

	if (has_nul(v))
		return -1;
	switch (o->type) {
	case OPT_BOOL:
		if (!json_object_is_type(v, json_type_boolean))
			return -1;
		return json_object_get_boolean(v) ? 0 : -2;
	case OPT_ENUM:
		if (!json_object_is_type(v, json_type_string))
			return -1;
		s = json_object_get_string(v);
		if (!opt_in_values(o, s, strlen(s)))
			return -1;
		snprintf(buf, size, "%s", s);
		return 1;
	case OPT_LIST:
	case OPT_TAGS:
		return opt_join(o, v, buf, size) == 0 ? 1 : -1;
	case OPT_INT:
		if (!json_object_is_type(v, json_type_int) ||
		    json_object_get_int64(v) < o->min ||
		    json_object_get_int64(v) > o->max)
			return -1;
		snprintf(buf, size, "%lld", (long long)json_object_get_int64(v));
		return 1;
	case OPT_SUBDIR:
		if (!json_object_is_type(v, json_type_string) ||
		    !valid_subdir(json_object_get_string(v)))
			return -1;
		return -2;	/* joins the output folder instead */
	}
	return -1;
}

static void
opt_explain(const struct runner_opt *o, char *err, size_t errsz)
{
	char vals[1024] = "";
	size_t used = 0;

	for (unsigned i = 0; i < o->nvalues && used < sizeof(vals); i++)
		used += (size_t)snprintf(vals + used, sizeof(vals) - used,
		    "%s%s", i ? ", " : "", o->values[i]);
	switch (o->type) {
	case OPT_BOOL:
		snprintf(err, errsz, "Option '%s' must be true or false.", o->name);
		break;
	case OPT_ENUM:
		snprintf(err, errsz, "Option '%s' must be one of: %s.", o->name,
		    vals);
		break;
	case OPT_LIST:
		snprintf(err, errsz, "Option '%s' must be a list of: %s.",
		    o->name, vals);
		break;
	case OPT_TAGS:
		snprintf(err, errsz, "Option '%s' must be a list of names "
		    "(letters, digits, '_', '-').", o->name);
		break;
	case OPT_INT:
		snprintf(err, errsz, "Option '%s' must be an integer from %lld "
		    "to %lld.", o->name, o->min, o->max);
		break;
	case OPT_SUBDIR:
		snprintf(err, errsz, "Option '%s' must be a relative folder "
		    "inside your download folder.", o->name);
		break;
	}
}

int
runner_check_options(const struct runner *r, json_object *options,
    char *err, size_t errsz)
{
	char buf[OPTION_STR_MAX * 4];

	if (options == NULL)
		return 0;
	if (!json_object_is_type(options, json_type_object)) {
		snprintf(err, errsz, "'options' must be an object.");
		return -1;
	}
	if (json_object_object_length(options) > OPTIONS_MAX) {
		snprintf(err, errsz, "'options' has too many keys.");
		return -1;
	}
	json_object_object_foreach(options, key, val) {
		const struct runner_opt *o = runner_opt(r, key);

		if (o == NULL) {
			snprintf(err, errsz, "Unknown option '%.64s' for the "
			    "'%s' runner.", key, r->name);
			return -1;
		}
		if (opt_value(o, val, buf, sizeof(buf)) == -1) {
			opt_explain(o, err, errsz);
			return -1;
		}
	}
	return 0;
}

const char *
runner_subdir(const struct runner *r, json_object *options)
{
	for (unsigned i = 0; i < r->nopts; i++) {
		json_object *v;

		if (r->opts[i].type == OPT_SUBDIR && options != NULL &&
		    json_object_object_get_ex(options, r->opts[i].name, &v))
			return json_object_get_string(v);
	}
	return NULL;
}

static int
argv_push(char **argv, size_t max, int *argc, const char *s)
{
	if ((size_t)*argc + 1 >= max || (argv[*argc] = strdup(s)) == NULL)
		return -1;
	argv[++*argc] = NULL;
	return 0;
}

static int
argv_push_opt(const struct runner_opt *o, json_object *v, char **argv,
    size_t max, int *argc)
{
	char buf[OPTION_STR_MAX * 4];
	int rc;

	if (v == NULL) {
		if (o->def == NULL)
			return 0;
		if (o->type == OPT_BOOL)
			return strcmp(o->def, "true") == 0 ?
			    argv_push(argv, max, argc, o->flag) : 0;
		return argv_push(argv, max, argc, o->flag) == 0 &&
		    argv_push(argv, max, argc, o->def) == 0 ? 0 : -1;
	}
	if ((rc = opt_value(o, v, buf, sizeof(buf))) == -1)
		return -1;
	if (rc == -2 || o->flag == NULL)
		return 0;
	if (argv_push(argv, max, argc, o->flag) == -1)
		return -1;
	return rc == 1 ? argv_push(argv, max, argc, buf) : 0;
}

int
runner_argv(const struct runner *r, json_object *urls, json_object *options,
    const char *out_dir, const char *temp_dir, char **argv, size_t max)
{
	char path[4096];
	const char *sub = runner_subdir(r, options);
	int argc = 0;

	argv[0] = NULL;
	if (argv_push(argv, max, &argc, r->exe) == -1)
		goto fail;
	for (unsigned i = 0; i < r->nargs; i++)
		if (argv_push(argv, max, &argc, r->args[i]) == -1)
			goto fail;
	for (unsigned i = 0; i < r->nalways; i++)
		if (argv_push(argv, max, &argc, r->always[i]) == -1)
			goto fail;
	if (r->output_flag != NULL) {
		if (snprintf(path, sizeof(path), "%s%s%s", out_dir,
		    sub ? "/" : "", sub ? sub : "") >= (int)sizeof(path) ||
		    argv_push(argv, max, &argc, r->output_flag) == -1 ||
		    argv_push(argv, max, &argc, path) == -1)
			goto fail;
	}
	if (r->temp_flag != NULL &&
	    (argv_push(argv, max, &argc, r->temp_flag) == -1 ||
	    argv_push(argv, max, &argc, temp_dir) == -1))
		goto fail;
	for (unsigned i = 0; i < r->nopts; i++) {
		json_object *v = NULL;

		if (options != NULL)
			json_object_object_get_ex(options, r->opts[i].name, &v);
		if (argv_push_opt(&r->opts[i], v, argv, max, &argc) == -1)
			goto fail;
	}
	if (argv_push(argv, max, &argc, "--") == -1)
		goto fail;
	for (size_t i = 0; i < json_object_array_length(urls); i++)
		if (argv_push(argv, max, &argc, json_object_get_string(
		    json_object_array_get_idx(urls, i))) == -1)
			goto fail;
	return argc;
fail:
	runner_argv_free(argv);
	return -1;
}

void
runner_argv_free(char **argv)
{
	for (size_t i = 0; argv[i] != NULL; i++) {
		free(argv[i]);
		argv[i] = NULL;
	}
}

/* quote_needed: whether s must be quoted to read as one shell word. */
static bool
quote_needed(const char *s)
{
	if (*s == '\0')
		return true;
	for (; *s != '\0'; s++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789@%+=:,./_-", *s) == NULL)
			return true;
	return false;
}

int
runner_command(char *const *argv, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; argv[i] != NULL; i++) {
		const char *s = argv[i];
		bool q = quote_needed(s);

		if (used + 4 >= size)
			return -1;
		if (i > 0)
			buf[used++] = ' ';
		if (q)
			buf[used++] = '\'';
		for (; *s != '\0'; s++) {
			const char *piece = *s == '\'' ? "'\\''" : NULL;
			size_t k = piece ? 4 : 1;

			if (used + k + 2 >= size)
				return -1;
			if (piece)
				memcpy(buf + used, piece, k);
			else
				buf[used] = *s;
			used += k;
		}
		if (q)
			buf[used++] = '\'';
		buf[used] = '\0';
	}
	return 0;
}

static bool
match_int(const regex_t *re, const char *line, int group, long *out)
{
	regmatch_t m[3];
	char num[16];
	size_t len;

	if (regexec(re, line, 3, m, 0) != 0 || m[group].rm_so < 0)
		return false;
	len = (size_t)(m[group].rm_eo - m[group].rm_so);
	if (len == 0 || len >= sizeof(num))
		return false;
	memcpy(num, line + m[group].rm_so, len);
	num[len] = '\0';
	*out = strtol(num, NULL, 10);
	return true;
}

void
runner_read_line(const struct runner *r, const char *line,
    struct line_facts *f)
{
	regmatch_t m[2];
	long a;

	memset(f, 0, sizeof(*f));
	f->errors = -1;
	if ((r->has & RUNNER_FAIL_RE) && regexec(&r->fail_re, line, 0, NULL, 0) == 0)
		f->failure = true;
	if ((r->has & RUNNER_ERRORS_RE) && match_int(&r->errors_re, line, 1, &a))
		f->errors = a > OUT_ERRORS_MAX ? OUT_ERRORS_MAX : (int)a;
	if ((r->has & RUNNER_URLPROG_RE) &&
	    match_int(&r->url_progress_re, line, 1, &a)) {
		f->progress.url = (int32_t)(a > OUT_URL_NUM_MAX ? OUT_URL_NUM_MAX : a);
		f->progress.known |= PROGRESS_URL;
		if (match_int(&r->url_progress_re, line, 2, &a)) {
			f->progress.urls = (int32_t)(a > OUT_URL_NUM_MAX ? OUT_URL_NUM_MAX : a);
			f->progress.known |= PROGRESS_URLS;
		}
	}
	if ((r->has & RUNNER_TRACK_RE) && match_int(&r->track_re, line, 1, &a)) {
		f->progress.track = (int32_t)(a > OUT_TRACK_NUM_MAX ? OUT_TRACK_NUM_MAX : a);
		f->progress.known |= PROGRESS_TRACK;
	}
	if ((r->has & RUNNER_PERCENT_RE) &&
	    regexec(&r->percent_re, line, 2, m, 0) == 0 && m[1].rm_so >= 0) {
		double p = strtod(line + m[1].rm_so, NULL);

		if (p >= 0 && p <= 100) {
			f->progress.percent = p;
			f->progress.known |= PROGRESS_PERCENT;
		}
	}
}
