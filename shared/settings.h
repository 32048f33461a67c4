/* settings.h: the admin-tunable settings, their ranges and defaults. */
#ifndef SETTINGS_H
#define SETTINGS_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

struct settings {
	int64_t	job_expiry_days;
	int64_t	max_concurrent_jobs;
	int64_t	cancel_grace_seconds;
	int64_t	max_live_jobs_per_user;
	int64_t	max_job_seconds;
	int64_t	max_queued_jobs;	/* rows waiting; they hold no slot */
};

struct setting_def {
	const char	*name;
	unsigned	 offset;	/* into struct settings */
	int64_t		 min;
	int64_t		 max;
	int64_t		 def;
};

extern const struct setting_def settings_defs[];
extern const unsigned settings_count;

/* settings_defaults: fill s with the built-in defaults. */
void settings_defaults(struct settings *s);
/* settings_find: the definition named name, or NULL. */
const struct setting_def *settings_find(const char *name);
int64_t *settings_field(struct settings *s, const struct setting_def *d);
int64_t settings_get(const struct settings *s, const struct setting_def *d);

/* settings_change: apply the JSON object o of changes to a copy of *s,
 * all or nothing: an unknown key or a value outside its range leaves *s
 * as it was and puts a sentence in err.  Returns 0 or -1. */
int settings_change(struct settings *s, json_object *o, char *err,
    size_t errsz);

#endif
