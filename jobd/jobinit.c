/* jobinit.c: jobs-init, the first process of a job's own PID namespace.
 *
 * jobd starts each job as "jobs-init PROGRAM ARGS..." in a new PID
 * namespace, with the status pipe on fd 3.  jobs-init starts the program
 * and waits.  When the program ends, jobs-init writes its wait status on
 * fd 3 and exits, and the kernel kills every process left in the
 * namespace: whatever the program started (a double fork, setsid, an
 * empty environment) cannot outlive it.  Killed itself (a cancel's
 * SIGKILL, or jobd's death through PR_SET_PDEATHSIG), it takes the
 * namespace with it too.
 *
 * As a namespace's init it receives only signals it has a handler for:
 * a cancel's SIGTERM to the job's process group reaches the program
 * (same group) and passes jobs-init by, so it stays to report. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jobinit.h"

static void
report(int32_t kind, int32_t value)
{
	int32_t rec[2] = { kind, value };

	(void)!write(JOBINIT_STATUS_FD, rec, sizeof(rec));
}

int
main(int argc, char *argv[])
{
	extern char **environ;
	pid_t child, pid;
	int st;

	if (argc < 2)
		return 127;
	fcntl(JOBINIT_STATUS_FD, F_SETFD, FD_CLOEXEC);
	if ((child = fork()) == -1) {
		report(JOBINIT_EXEC_ERRNO, errno);
		return 127;
	}
	if (child == 0) {
		execve(argv[1], argv + 1, environ);
		report(JOBINIT_EXEC_ERRNO, errno);
		_exit(127);
	}
	/* Reap everything (orphans of the tree come here) until the
	 * program itself ends. */
	for (;;) {
		pid = waitpid(-1, &st, 0);
		if (pid == child)
			break;
		if (pid == -1 && errno != EINTR)
			return 127;
	}
	report(JOBINIT_EXIT_STATUS, st);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
