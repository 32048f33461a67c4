/* config.h: the deployment's INI configuration, read with libinih.
 * Both jobd and the responders read the same file, so both check a
 * request against the same runner rules. */
#ifndef CONFIG_H
#define CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "launcher.h"
#include "limits.h"
#include "runner.h"
#include "settings.h"

enum auth_mode {
	AUTH_TOKEN,
	AUTH_REMOTE_USER,
};

struct config {
	char		instance[INSTANCE_MAX + 1];
	char		state_dir[PATH_MAX];	/* SQLite file, lock, job temps */
	char		download_dir[PATH_MAX];	/* one folder per user below */
	uint32_t	slots;			/* live table capacity */
	uint32_t	queue_depth;		/* message queue depth */
	/* Abuse bounds per user: creates a minute (0: no limit; a token
	 * bucket that holds a minute's worth) and rows stored. */
	uint32_t	job_nice;		/* nice(1) value of every job */
	uint32_t	wal_limit_mib;		/* SQLite WAL started over past it */
	char		job_cgroup[PATH_MAX];	/* "": jobs stay in jobd's */
	uint32_t	job_cpu_weight;		/* of job_cgroup, all jobs together */
	uint32_t	creates_per_minute;
	bool		confine_jobs;		/* namespaces + Landlock */
	uint32_t	max_jobs_per_user;
	char		default_runner[RUNNER_NAME_MAX + 1];
	char		socket[PATH_MAX];	/* responders' FastCGI socket */
	uint32_t	workers;		/* responder processes */
	uint32_t	threads;		/* most threads of each */
	enum auth_mode	auth;
	struct settings	initial;		/* until an admin changes them */
	struct runner	runners[RUNNERS_MAX];
	unsigned	nrunners;
	struct launcher	launchers[LAUNCHERS_MAX];	/* [launcher NAME] */
	unsigned	nlaunchers;
};

/* config_load: read path into c.  Returns 0, or -1 with a message in err
 * naming the line.  Release with config_release either way. */
int config_load(struct config *c, const char *path, char *err, size_t errsz);
void config_release(struct config *c);

/* config_runner: the runner named name (NULL: the default), or NULL. */
const struct runner *config_runner(const struct config *c, const char *name);

/* config_launcher: the launcher r names, or NULL when its jobs run on
 * this host. */
const struct launcher *config_launcher(const struct config *c,
    const struct runner *r);

/* config_db_path: the SQLite file's path into buf.  Returns 0 or -1. */
int config_db_path(const struct config *c, char *buf, size_t size);
/* config_lock_path: the file jobd holds locked while it runs. */
int config_lock_path(const struct config *c, char *buf, size_t size);

#endif
