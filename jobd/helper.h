/* helper.h: short admin commands jobd runs beside its jobs (squeue,
 * scancel: jobd/slurm.c), never waited for on the loop: each one's
 * stdout and stderr come back on one pipe the loop reads, and a function
 * gets all it said once the pipe closes.  jobd's SIGCHLD handling reaps
 * them like any child that is not a job's. */
#ifndef HELPER_H
#define HELPER_H

#include <stdbool.h>
#include <stddef.h>

#include "jobd.h"

#define HELPERS_MAX	16		/* running at once */
#define HELPER_OUT_MAX	(1024 * 1024)	/* bytes kept of one's output */
#define HELPER_TIMEOUT_S 30.0		/* then SIGKILL */

/* helper_fn: out holds what the command wrote (NUL-terminated, len
 * bytes); done is false when it could not be started or was killed
 * after HELPER_TIMEOUT_S. */
typedef void (*helper_fn)(struct jobd *d, void *arg, const char *out,
    size_t len, bool done);

/* helper_start: run argv (argv[0] a full path) with envp, stdin
 * /dev/null, in a process group of its own.  fn is called once, from
 * the loop, never from inside helper_start.  Returns 0, or -1 (fn is
 * not called) with errno EAGAIN when HELPERS_MAX run already (try again
 * later), another when it cannot be started. */
int helper_start(struct jobd *d, char *const *argv, char *const *envp,
    helper_fn fn, void *arg);

/* helper_step: kill helpers past their time; ms to the next deadline,
 * or -1. */
int helper_step(struct jobd *d);

/* helper_release: at shutdown, kill the helpers still running; each fn
 * is called with done false, and helper_start refuses from then on. */
void helper_release(struct jobd *d);

/* helper_run_sync: run argv and wait for it, at most timeout_s (then
 * SIGKILL); for jobd's shutdown, when the loop no longer turns.
 * Returns its exit status, or -1. */
int helper_run_sync(char *const *argv, char *const *envp, double timeout_s);

#endif
