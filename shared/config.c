/* config.c: INI configuration through libinih (see config.h). */
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "valid.h"

struct cfg_parse {
	struct config	*c;
	char		*err;
	size_t		 errsz;
	int		 failed;
};

static int
cfg_fail(struct cfg_parse *p, const char *section, const char *name,
    const char *why)
{
	if (!p->failed)
		snprintf(p->err, p->errsz, "[%s] %s: %s", section, name, why);
	p->failed = 1;
	return 0;
}

static int
cfg_num(const char *v, uint64_t max, uint64_t *out)
{
	return valid_u64(v, strlen(v), max, out);
}

static int
cfg_copy(char *dst, size_t size, const char *v)
{
	return snprintf(dst, size, "%s", v) >= (int)size ? -1 : 0;
}

static struct runner *
cfg_runner(struct config *c, const char *name)
{
	struct runner *r;

	for (unsigned i = 0; i < c->nrunners; i++)
		if (strcmp(c->runners[i].name, name) == 0)
			return &c->runners[i];
	if (c->nrunners == RUNNERS_MAX || strlen(name) > RUNNER_NAME_MAX ||
	    !valid_instance(name))
		return NULL;
	r = &c->runners[c->nrunners++];
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	return r;
}

static int
cfg_regex(regex_t *re, unsigned *has, unsigned bit, const char *v)
{
	if (*has & bit)
		regfree(re);
	*has &= ~bit;
	if (regcomp(re, v, REG_EXTENDED) != 0)
		return -1;
	*has |= bit;
	return 0;
}

static int
cfg_push(char **arr, unsigned *n, unsigned max, const char *v)
{
	if (*n >= max || (arr[*n] = strdup(v)) == NULL)
		return -1;
	(*n)++;
	return 0;
}

static int
cfg_jobd(struct config *c, const char *name, const char *v)
{
	uint64_t n;

	if (strcmp(name, "instance") == 0)
		return valid_instance(v) ? cfg_copy(c->instance,
		    sizeof(c->instance), v) : -1;
	if (strcmp(name, "state_dir") == 0)
		return cfg_copy(c->state_dir, sizeof(c->state_dir), v);
	if (strcmp(name, "download_dir") == 0)
		return cfg_copy(c->download_dir, sizeof(c->download_dir), v);
	if (strcmp(name, "default_runner") == 0)
		return cfg_copy(c->default_runner, sizeof(c->default_runner), v);
	if (strcmp(name, "live_slots") == 0) {
		if (cfg_num(v, SLOTS_MAX, &n) == -1 || n == 0)
			return -1;
		c->slots = (uint32_t)n;
		return 0;
	}
	if (strcmp(name, "queue_depth") == 0) {
		if (cfg_num(v, MSG_DEPTH_MAX, &n) == -1 || n == 0)
			return -1;
		c->queue_depth = (uint32_t)n;
		return 0;
	}
	if (strcmp(name, "job_nice") == 0) {
		if (cfg_num(v, JOB_NICE_MAX, &n) == -1)
			return -1;
		c->job_nice = (uint32_t)n;
		return 0;
	}
	if (strcmp(name, "job_cgroup") == 0)
		return v[0] == '\0' || v[0] == '/' ? cfg_copy(c->job_cgroup,
		    sizeof(c->job_cgroup), v) : -1;
	if (strcmp(name, "job_cpu_weight") == 0) {
		if (cfg_num(v, JOB_CPU_WEIGHT_MAX, &n) == -1 || n == 0)
			return -1;
		c->job_cpu_weight = (uint32_t)n;
		return 0;
	}
	if (strcmp(name, "wal_limit_mib") == 0) {
		if (cfg_num(v, WAL_LIMIT_MIB_MAX, &n) == -1 || n == 0)
			return -1;
		c->wal_limit_mib = (uint32_t)n;
		return 0;
	}
	if (strcmp(name, "confine_jobs") == 0) {
		if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0)
			return -1;
		c->confine_jobs = strcmp(v, "yes") == 0;
		return 0;
	}
	if (strcmp(name, "creates_per_minute") == 0) {
		if (cfg_num(v, CREATES_PER_MIN_MAX, &n) == -1)
			return -1;
		c->creates_per_minute = (uint32_t)n;
		return 0;
	}
	if (strcmp(name, "max_jobs_per_user") == 0) {
		if (cfg_num(v, USER_JOBS_MAX, &n) == -1 || n == 0)
			return -1;
		c->max_jobs_per_user = (uint32_t)n;
		return 0;
	}
	return -1;
}

static int
cfg_fcgi(struct config *c, const char *name, const char *v)
{
	uint64_t n;

	if (strcmp(name, "socket") == 0)
		return cfg_copy(c->socket, sizeof(c->socket), v);
	if (strcmp(name, "workers") == 0) {
		if (cfg_num(v, FCGI_WORKERS_MAX, &n) == -1 || n == 0)
			return -1;
		c->workers = (uint32_t)n;
		return 0;
	}
	if (strcmp(name, "threads") == 0) {
		if (cfg_num(v, FCGI_THREADS_MAX, &n) == -1 || n == 0)
			return -1;
		c->threads = (uint32_t)n;
		return 0;
	}
	if (strcmp(name, "auth") == 0) {
		if (strcmp(v, "token") == 0)
			c->auth = AUTH_TOKEN;
		else if (strcmp(v, "remote_user") == 0)
			c->auth = AUTH_REMOTE_USER;
		else
			return -1;
		return 0;
	}
	return -1;
}

static int
cfg_settings(struct config *c, const char *name, const char *v)
{
	const struct setting_def *d = settings_find(name);
	uint64_t n;

	if (d == NULL || cfg_num(v, (uint64_t)d->max, &n) == -1 ||
	    (int64_t)n < d->min)
		return -1;
	*settings_field(&c->initial, d) = (int64_t)n;
	return 0;
}

static int
cfg_runner_key(struct runner *r, const char *name, const char *v)
{
	static const struct { const char *key; unsigned bit; size_t off; } res[] = {
		{ "url_regex", RUNNER_URL_RE, offsetof(struct runner, url_re) },
		{ "fail_regex", RUNNER_FAIL_RE, offsetof(struct runner, fail_re) },
		{ "errors_regex", RUNNER_ERRORS_RE, offsetof(struct runner, errors_re) },
		{ "url_progress_regex", RUNNER_URLPROG_RE,
		    offsetof(struct runner, url_progress_re) },
		{ "track_regex", RUNNER_TRACK_RE, offsetof(struct runner, track_re) },
		{ "percent_regex", RUNNER_PERCENT_RE,
		    offsetof(struct runner, percent_re) },
	};

	for (size_t i = 0; i < sizeof(res) / sizeof(res[0]); i++)
		if (strcmp(name, res[i].key) == 0)
			return cfg_regex((regex_t *)((char *)r + res[i].off),
			    &r->has, res[i].bit, v);
	if (strcmp(name, "executable") == 0) {
		free(r->exe);
		return (r->exe = strdup(v)) ? 0 : -1;
	}
	if (strcmp(name, "arg") == 0)
		return cfg_push(r->args, &r->nargs, RUNNER_ARGS_MAX, v);
	if (strcmp(name, "always") == 0)
		return cfg_push(r->always, &r->nalways, RUNNER_ARGS_MAX, v);
	if (strcmp(name, "env") == 0)
		return strchr(v, '=') ? cfg_push(r->env, &r->nenv, ENV_LINES_MAX, v) : -1;
	if (strcmp(name, "output_flag") == 0) {
		free(r->output_flag);
		return (r->output_flag = strdup(v)) ? 0 : -1;
	}
	if (strcmp(name, "temp_flag") == 0) {
		free(r->temp_flag);
		return (r->temp_flag = strdup(v)) ? 0 : -1;
	}
	if (strcmp(name, "launcher") == 0)
		return cfg_copy(r->launcher, sizeof(r->launcher), v);
	return -1;
}

static struct launcher *
cfg_launcher(struct config *c, const char *name)
{
	struct launcher *l;

	for (unsigned i = 0; i < c->nlaunchers; i++)
		if (strcmp(c->launchers[i].name, name) == 0)
			return &c->launchers[i];
	if (c->nlaunchers == LAUNCHERS_MAX || strlen(name) > RUNNER_NAME_MAX ||
	    !valid_instance(name))
		return NULL;
	l = &c->launchers[c->nlaunchers++];
	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", name);
	return l;
}

static struct runner_opt *
cfg_opt(struct runner *r, const char *name)
{
	struct runner_opt *o;

	for (unsigned i = 0; i < r->nopts; i++)
		if (strcmp(r->opts[i].name, name) == 0)
			return &r->opts[i];
	if (r->nopts == RUNNER_OPTS_MAX || strlen(name) > OPT_NAME_MAX)
		return NULL;
	o = &r->opts[r->nopts++];
	memset(o, 0, sizeof(*o));
	o->max = -1;
	return (o->name = strdup(name)) ? o : NULL;
}

static int
cfg_opt_key(struct runner_opt *o, const char *name, const char *v)
{
	static const char *const types[] = {
		[OPT_BOOL] = "bool", [OPT_ENUM] = "enum", [OPT_LIST] = "list",
		[OPT_INT] = "int", [OPT_TAGS] = "tags", [OPT_SUBDIR] = "subdir",
	};
	uint64_t n;

	if (strcmp(name, "type") == 0) {
		for (unsigned t = 0; t < sizeof(types) / sizeof(types[0]); t++)
			if (strcmp(types[t], v) == 0) {
				o->type = (enum opt_type)t;
				return 0;
			}
		return -1;
	}
	if (strcmp(name, "flag") == 0) {
		free(o->flag);
		return (o->flag = strdup(v)) ? 0 : -1;
	}
	if (strcmp(name, "default") == 0) {
		free(o->def);
		return (o->def = strdup(v)) ? 0 : -1;
	}
	if (strcmp(name, "value") == 0)
		return cfg_push(o->values, &o->nvalues, OPT_VALUES_MAX, v);
	if (strcmp(name, "min") == 0 || strcmp(name, "max") == 0) {
		if (cfg_num(v, OPT_INT_BOUND, &n) == -1)
			return -1;
		*(name[1] == 'i' ? &o->min : &o->max) = (long long)n;
		return 0;
	}
	return -1;
}

/* cfg_handler: sections are [jobd], [fcgi], [settings], [runner NAME],
 * [option RUNNER NAME] and [launcher NAME]. */
static int
cfg_handler(void *user, const char *section, const char *name,
    const char *v)
{
	struct cfg_parse *p = user;
	struct config *c = p->c;
	char rname[64], oname[80];
	int rc = -1;

	if (strcmp(section, "jobd") == 0)
		rc = cfg_jobd(c, name, v);
	else if (strcmp(section, "fcgi") == 0)
		rc = cfg_fcgi(c, name, v);
	else if (strcmp(section, "settings") == 0)
		rc = cfg_settings(c, name, v);
	else if (sscanf(section, "runner %63s", rname) == 1) {
		struct runner *r = cfg_runner(c, rname);

		rc = r ? cfg_runner_key(r, name, v) : -1;
	} else if (sscanf(section, "option %63s %79s", rname, oname) == 2) {
		struct runner *r = cfg_runner(c, rname);
		struct runner_opt *o = r ? cfg_opt(r, oname) : NULL;

		rc = o ? cfg_opt_key(o, name, v) : -1;
	} else if (sscanf(section, "launcher %63s", rname) == 1) {
		struct launcher *l = cfg_launcher(c, rname);

		rc = l ? launcher_key(l, name, v) : -1;
	}
	return rc == 0 ? 1 : cfg_fail(p, section, name, "unknown key or bad value");
}

static int
cfg_check(struct config *c, char *err, size_t errsz)
{
	if (c->state_dir[0] == '\0' || c->download_dir[0] == '\0') {
		snprintf(err, errsz, "[jobd] state_dir and download_dir are required");
		return -1;
	}
	/* Jobs run elsewhere (their output folder) and hide state_dir by
	 * its path: both must be absolute. */
	if (c->state_dir[0] != '/' || c->download_dir[0] != '/') {
		snprintf(err, errsz, "[jobd] state_dir and download_dir must be "
		    "absolute paths");
		return -1;
	}
	for (unsigned i = 0; i < c->nlaunchers; i++)
		if (launcher_check(&c->launchers[i]) == -1) {
			snprintf(err, errsz, "[launcher %s]: out of memory",
			    c->launchers[i].name);
			return -1;
		}
	for (unsigned i = 0; i < c->nrunners; i++) {
		struct runner *r = &c->runners[i];

		if (r->launcher[0] != '\0' && config_launcher(c, r) == NULL) {
			snprintf(err, errsz, "[runner %s] launcher: no section "
			    "[launcher %s]", r->name, r->launcher);
			return -1;
		}
		if (r->exe == NULL) {
			snprintf(err, errsz, "[runner %s] executable is required",
			    r->name);
			return -1;
		}
		for (unsigned k = 0; k < r->nopts; k++)
			if (r->opts[k].type == OPT_INT &&
			    r->opts[k].max < r->opts[k].min) {
				snprintf(err, errsz, "[option %s %s] needs min "
				    "and max", r->name, r->opts[k].name);
				return -1;
			}
	}
	if (config_runner(c, NULL) == NULL) {
		snprintf(err, errsz, "the default runner '%s' is not configured",
		    c->default_runner);
		return -1;
	}
	return 0;
}

int
config_load(struct config *c, const char *path, char *err, size_t errsz)
{
	struct cfg_parse p = { c, err, errsz, 0 };
	int rc;

	memset(c, 0, sizeof(*c));
	snprintf(c->instance, sizeof(c->instance), "default");
	snprintf(c->default_runner, sizeof(c->default_runner), "votify");
	c->slots = SLOTS_DEFAULT;
	c->queue_depth = MSG_DEPTH_DEFAULT;
	c->max_jobs_per_user = USER_JOBS_DEFAULT;
	c->confine_jobs = true;
	c->workers = 4;
	c->job_nice = 10;
	c->wal_limit_mib = WAL_LIMIT_MIB_DEFAULT;
	c->job_cpu_weight = JOB_CPU_WEIGHT_DEFAULT;
	c->threads = 16;
	settings_defaults(&c->initial);
	rc = ini_parse(path, cfg_handler, &p);
	if (rc == -1) {
		snprintf(err, errsz, "cannot open '%s'", path);
		return -1;
	}
	if (rc > 0 && !p.failed)
		snprintf(err, errsz, "%s:%d: syntax error", path, rc);
	if (rc != 0 || p.failed)
		return -1;
	return cfg_check(c, err, errsz);
}

void
config_release(struct config *c)
{
	for (unsigned i = 0; i < c->nrunners; i++) {
		struct runner *r = &c->runners[i];
		regex_t *res[] = { &r->url_re, &r->fail_re, &r->errors_re,
		    &r->url_progress_re, &r->track_re, &r->percent_re };

		for (unsigned b = 0; b < 6; b++)
			if (r->has & (1u << b))
				regfree(res[b]);
		free(r->exe);
		free(r->output_flag);
		free(r->temp_flag);
		for (unsigned k = 0; k < r->nargs; k++)
			free(r->args[k]);
		for (unsigned k = 0; k < r->nalways; k++)
			free(r->always[k]);
		for (unsigned k = 0; k < r->nenv; k++)
			free(r->env[k]);
		for (unsigned k = 0; k < r->nopts; k++) {
			free(r->opts[k].name);
			free(r->opts[k].flag);
			free(r->opts[k].def);
			for (unsigned j = 0; j < r->opts[k].nvalues; j++)
				free(r->opts[k].values[j]);
		}
	}
	c->nrunners = 0;
	for (unsigned i = 0; i < c->nlaunchers; i++)
		launcher_release(&c->launchers[i]);
	c->nlaunchers = 0;
}

const struct launcher *
config_launcher(const struct config *c, const struct runner *r)
{
	if (r == NULL || r->launcher[0] == '\0')
		return NULL;
	for (unsigned i = 0; i < c->nlaunchers; i++)
		if (strcmp(c->launchers[i].name, r->launcher) == 0)
			return &c->launchers[i];
	return NULL;
}

const struct runner *
config_runner(const struct config *c, const char *name)
{
	if (name == NULL)
		name = c->default_runner;
	for (unsigned i = 0; i < c->nrunners; i++)
		if (strcmp(c->runners[i].name, name) == 0)
			return &c->runners[i];
	return NULL;
}

int
config_db_path(const struct config *c, char *buf, size_t size)
{
	return snprintf(buf, size, "%s/jobs.db", c->state_dir) >= (int)size ?
	    -1 : 0;
}

int
config_lock_path(const struct config *c, char *buf, size_t size)
{
	return snprintf(buf, size, "%s/jobd.lock", c->state_dir) >= (int)size ?
	    -1 : 0;
}
