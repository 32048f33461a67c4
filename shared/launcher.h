/* launcher.h: how a runner's jobs are started elsewhere.  A [launcher
 * NAME] section (type slurm, the only kind) that a runner names with
 * `launcher = NAME` puts srun in front of the runner's own argument
 * vector: jobd still supervises one local process per job (srun), which
 * relays the job's output, while the downloader runs on a node. */
#ifndef LAUNCHER_H
#define LAUNCHER_H

#include <stddef.h>
#include <stdint.h>

#include "limits.h"

struct launcher {
	char		 name[RUNNER_NAME_MAX + 1];
	char		*srun, *squeue, *scancel;	/* full paths */
	char		*partition;			/* NULL: the default */
	char		*account;			/* NULL: the user's */
	char		*args[RUNNER_ARGS_MAX];		/* fixed srun flags */
	unsigned	 nargs;
	char		*env[ENV_LINES_MAX + 1]; /* KEY=VALUE, for srun and helpers */
	unsigned	 nenv;
	/* The jobs' temp folders, <temp_dir>/<instance>/<id>, on a file
	 * system the nodes share (NULL: state_dir/tmp, as for local jobs). */
	char		*temp_dir;
};

/* launcher_key: one `name = value` line of a [launcher NAME] section
 * into l.  Returns 0, or -1 for an unknown key or a bad value. */
int launcher_key(struct launcher *l, const char *name, const char *v);
/* launcher_check: fill the defaults (srun, squeue, scancel in
 * /usr/bin).  Returns 0 or -1. */
int launcher_check(struct launcher *l);
void launcher_release(struct launcher *l);

/* launcher_job_name: the name every Slurm job of this instance carries,
 * "jobs.<instance>.<id>" (uuid NULL: the prefix "jobs.<instance>."), so
 * that a restarted jobd finds them by name.  Returns 0 or -1. */
int launcher_job_name(char *buf, size_t size, const char *instance,
    const uint8_t *uuid);

/* launcher_time_minutes: srun's --time for max_job_seconds: jobd's own
 * limit rounded up to minutes, plus one, so jobd's timeout (and its line
 * in the log) always comes first and Slurm's is the backstop. */
long long launcher_time_minutes(long long max_job_seconds);

/* launcher_wrap: put srun and its options in front of the runner's
 * argument vector argv (argc entries, NULL-terminated, allocated strings
 * as runner_argv makes them):
 *   srun --unbuffered --job-name=jobs.<instance>.<id> [--partition=P]
 *   [--account=A] --time=M [args...] -- <argv>
 * Returns the new argc, or -1 (argv is then freed, as runner_argv does
 * on failure). */
int launcher_wrap(const struct launcher *l, const char *instance,
    const uint8_t uuid[16], long long max_job_seconds, char **argv,
    size_t max);

#endif
