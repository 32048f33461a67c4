/* launcher.c: srun in front of a runner's argument vector (launcher.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobmodel.h"
#include "launcher.h"
#include "runner.h"

static int
launcher_set(char **dst, const char *v)
{
	free(*dst);
	return (*dst = strdup(v)) ? 0 : -1;
}

/* launcher_word: a value srun gets as one option's argument: no blank,
 * no control character, not empty. */
static int
launcher_word(const char *v)
{
	if (*v == '\0')
		return 0;
	for (; *v != '\0'; v++)
		if ((unsigned char)*v <= ' ' || *v == 0x7f)
			return 0;
	return 1;
}

int
launcher_key(struct launcher *l, const char *name, const char *v)
{
	if (strcmp(name, "type") == 0)
		return strcmp(v, "slurm") == 0 ? 0 : -1;
	if (strcmp(name, "srun") == 0 || strcmp(name, "squeue") == 0 ||
	    strcmp(name, "scancel") == 0) {
		if (v[0] != '/')
			return -1;	/* exec'd without a PATH search */
		return launcher_set(name[1] == 'r' ? &l->srun : name[1] == 'q' ?
		    &l->squeue : &l->scancel, v);
	}
	if (strcmp(name, "temp_dir") == 0)
		return v[0] == '/' && strlen(v) < 1024 ?
		    launcher_set(&l->temp_dir, v) : -1;
	if (strcmp(name, "partition") == 0 || strcmp(name, "account") == 0)
		return launcher_word(v) ? launcher_set(name[0] == 'p' ?
		    &l->partition : &l->account, v) : -1;
	if (strcmp(name, "arg") == 0) {
		/* Options only: the program's vector follows "--". */
		if (v[0] != '-' || strcmp(v, "--") == 0 ||
		    l->nargs >= RUNNER_ARGS_MAX ||
		    (l->args[l->nargs] = strdup(v)) == NULL)
			return -1;
		l->nargs++;
		return 0;
	}
	if (strcmp(name, "env") == 0) {
		if (strchr(v, '=') == NULL || l->nenv >= ENV_LINES_MAX ||
		    (l->env[l->nenv] = strdup(v)) == NULL)
			return -1;
		l->nenv++;
		return 0;
	}
	return -1;
}

int
launcher_check(struct launcher *l)
{
	if ((l->srun == NULL && launcher_set(&l->srun, "/usr/bin/srun") == -1) ||
	    (l->squeue == NULL &&
	    launcher_set(&l->squeue, "/usr/bin/squeue") == -1) ||
	    (l->scancel == NULL &&
	    launcher_set(&l->scancel, "/usr/bin/scancel") == -1))
		return -1;
	return 0;
}

void
launcher_release(struct launcher *l)
{
	free(l->srun);
	free(l->squeue);
	free(l->scancel);
	free(l->partition);
	free(l->account);
	free(l->temp_dir);
	for (unsigned i = 0; i < l->nargs; i++)
		free(l->args[i]);
	for (unsigned i = 0; i < l->nenv; i++)
		free(l->env[i]);
	memset(l, 0, sizeof(*l));
}

int
launcher_job_name(char *buf, size_t size, const char *instance,
    const uint8_t *uuid)
{
	char id[JOB_ID_LEN + 1] = "";
	int n;

	if (uuid != NULL)
		job_id_str(uuid, id);
	n = snprintf(buf, size, "jobs.%s.%s", instance, id);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

long long
launcher_time_minutes(long long max_job_seconds)
{
	return (max_job_seconds + 59) / 60 + 1;
}

int
launcher_wrap(const struct launcher *l, const char *instance,
    const uint8_t uuid[16], long long max_job_seconds, char **argv,
    size_t max)
{
	char *pre[RUNNER_ARGS_MAX + 8], name[INSTANCE_MAX + JOB_ID_LEN + 8];
	size_t n = 0, argc = 0;

	while (argv[argc] != NULL)
		argc++;
	if (launcher_job_name(name, sizeof(name), instance, uuid) == -1)
		goto fail;
	if ((pre[n++] = strdup(l->srun)) == NULL ||
	    (pre[n++] = strdup("--unbuffered")) == NULL ||
	    asprintf(&pre[n++], "--job-name=%s", name) == -1 ||
	    (l->partition != NULL &&
	    asprintf(&pre[n++], "--partition=%s", l->partition) == -1) ||
	    (l->account != NULL &&
	    asprintf(&pre[n++], "--account=%s", l->account) == -1) ||
	    asprintf(&pre[n++], "--time=%lld",
	    launcher_time_minutes(max_job_seconds)) == -1) {
		pre[n - 1] = NULL;
		goto fail_pre;
	}
	for (unsigned i = 0; i < l->nargs; i++)
		if ((pre[n++] = strdup(l->args[i])) == NULL)
			goto fail_pre;
	if ((pre[n++] = strdup("--")) == NULL)
		goto fail_pre;
	if (argc + n + 1 > max)
		goto fail_pre;
	memmove(argv + n, argv, (argc + 1) * sizeof(*argv));
	memcpy(argv, pre, n * sizeof(*argv));
	return (int)(argc + n);
fail_pre:
	for (size_t i = 0; i < n; i++)
		free(pre[i]);
fail:
	runner_argv_free(argv);
	return -1;
}
