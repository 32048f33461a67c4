/* settings.c: names, ranges and defaults of the settings. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "settings.h"

#define SETTING(n, lo, hi, d) \
	{ #n, offsetof(struct settings, n), lo, hi, d }

const struct setting_def settings_defs[] = {
	SETTING(job_expiry_days, 0, 3650, 30),
	SETTING(max_concurrent_jobs, 0, 4096, 2),
	SETTING(cancel_grace_seconds, 0, 300, 10),
	SETTING(max_live_jobs_per_user, 1, 1000000, 20),
	SETTING(max_job_seconds, 1, 604800, 21600),
	SETTING(max_queued_jobs, 1, 10000000, 100000),
};
const unsigned settings_count = sizeof(settings_defs) / sizeof(settings_defs[0]);

int64_t *
settings_field(struct settings *s, const struct setting_def *d)
{
	return (int64_t *)((char *)s + d->offset);
}

int64_t
settings_get(const struct settings *s, const struct setting_def *d)
{
	return *(const int64_t *)((const char *)s + d->offset);
}

void
settings_defaults(struct settings *s)
{
	for (unsigned i = 0; i < settings_count; i++)
		*settings_field(s, &settings_defs[i]) = settings_defs[i].def;
}

const struct setting_def *
settings_find(const char *name)
{
	for (unsigned i = 0; i < settings_count; i++)
		if (strcmp(settings_defs[i].name, name) == 0)
			return &settings_defs[i];
	return NULL;
}

int
settings_change(struct settings *s, json_object *o, char *err, size_t errsz)
{
	struct settings next = *s;

	if (o == NULL || !json_object_is_type(o, json_type_object)) {
		snprintf(err, errsz, "The body must be a JSON object of settings.");
		return -1;
	}
	json_object_object_foreach(o, key, val) {
		const struct setting_def *d = settings_find(key);
		int64_t v = json_object_get_int64(val);

		if (d == NULL) {
			snprintf(err, errsz, "Unknown setting '%.64s'.", key);
			return -1;
		}
		if (!json_object_is_type(val, json_type_int) || v < d->min ||
		    v > d->max) {
			snprintf(err, errsz, "'%s' must be an integer from %lld "
			    "to %lld.", d->name, (long long)d->min,
			    (long long)d->max);
			return -1;
		}
		*settings_field(&next, d) = v;
	}
	*s = next;
	return 0;
}
