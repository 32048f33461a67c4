/* jobdir.c: the folders and environment a job runs in: the user's
 * download folder (no symlink leads out of it), the job's temp folder. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jobdir.h"
#include "shared/jobmodel.h"

int
jobdir_user(const struct config *c, const char *user, char *buf, size_t size)
{
	return snprintf(buf, size, "%s/%s", c->download_dir, user) >=
	    (int)size ? -1 : 0;
}

int
jobdir_temp(const struct config *c, const struct runner *r,
    const uint8_t uuid[16], char *buf, size_t size)
{
	const struct launcher *l = config_launcher(c, r);
	char id[JOB_ID_LEN + 1];

	job_id_str(uuid, id);
	if (l != NULL && l->temp_dir != NULL)
		return snprintf(buf, size, "%s/%s/%s", l->temp_dir, c->instance,
		    id) >= (int)size ? -1 : 0;
	return snprintf(buf, size, "%s/tmp/%s", c->state_dir, id) >=
	    (int)size ? -1 : 0;
}

/* job_open_dir: open (creating) user/sub below the download folder one
 * component at a time, refusing symlinks, so no option escapes it. */
int
jobdir_open(const struct config *c, const char *user, const char *sub)
{
	char path[PATH_MAX];
	char *p, *save = NULL;
	int fd, next;

	if ((fd = open(c->download_dir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return -1;
	snprintf(path, sizeof(path), "%s%s%s", user, sub ? "/" : "",
	    sub ? sub : "");
	for (p = strtok_r(path, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
		if (mkdirat(fd, p, 0750) == -1 && errno != EEXIST)
			goto fail;
		next = openat(fd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (next == -1)
			goto fail;
		close(fd);
		fd = next;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

static int
jobdir_rm_entry(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

char **
jobdir_envp(const struct runner *r, const struct launcher *l,
    const char *marker, const char *home, const char *temp)
{
	char **envp = calloc(r->nenv + (l ? l->nenv : 0) + 6, sizeof(char *));
	size_t n = 0;

	if (envp == NULL)
		return NULL;
	envp[n++] = strdup(marker);
	envp[n++] = strdup("PATH=/usr/local/bin:/usr/bin:/bin");
	envp[n++] = strdup("LANG=C.UTF-8");
	if (asprintf(&envp[n++], "HOME=%s", home) == -1)
		envp[n - 1] = NULL;
	if (asprintf(&envp[n++], "TMPDIR=%s", temp) == -1)
		envp[n - 1] = NULL;
	for (unsigned i = 0; i < r->nenv; i++)
		envp[n++] = strdup(r->env[i]);
	/* srun's own settings (SLURM_CONF ...); srun passes them on. */
	for (unsigned i = 0; l != NULL && i < l->nenv; i++)
		envp[n++] = strdup(l->env[i]);
	for (size_t i = 0; i < n; i++)
		if (envp[i] == NULL) {
			for (size_t k = 0; k < n; k++)
				free(envp[k]);
			free(envp);
			return NULL;
		}
	return envp;
}

void
jobdir_envp_free(char **envp)
{
	for (size_t i = 0; envp && envp[i]; i++)
		free(envp[i]);
	free(envp);
}

void
jobdir_remove(const char *path)
{
	nftw(path, jobdir_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int
jobdir_clean_temps(const struct config *c)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/tmp", c->state_dir) >=
	    (int)sizeof(path))
		return -1;
	jobdir_remove(path);
	if (mkdir(path, 0750) == -1 && errno != EEXIST)
		return -1;
	/* A launcher's shared temp folder: this instance's part only. */
	for (unsigned i = 0; i < c->nlaunchers; i++) {
		const char *t = c->launchers[i].temp_dir;

		if (t == NULL || snprintf(path, sizeof(path), "%s/%s", t,
		    c->instance) >= (int)sizeof(path))
			continue;
		jobdir_remove(path);
		if ((mkdir(t, 0750) == -1 && errno != EEXIST) ||
		    (mkdir(path, 0750) == -1 && errno != EEXIST))
			return -1;
	}
	return 0;
}
