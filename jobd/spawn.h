/* spawn.h: start a job's process (ARCHITECTURE.md rule 5): argv, never
 * a shell; its own process group; stdin /dev/null; stdout and stderr on
 * pipes of their own; a clean environment; killed if jobd dies. */
#ifndef SPAWN_H
#define SPAWN_H

#include <sys/types.h>

struct spawn {
	pid_t	pid;
	int	out_fd;		/* read end of stdout, non-blocking */
	int	err_fd;		/* read end of stderr, non-blocking */
	int	exec_fd;	/* errno of a failed execve, then EOF */
};

/* spawn_start: start argv with envp in the folder dir_fd.
 * Everything is built by the caller beforehand (style 25).  Returns 0
 * and fills sp, or -1 with errno when jobd could not start it. */
int spawn_start(char *const *argv, char *const *envp, int dir_fd,
    struct spawn *sp);

#endif
