/* spawn.h: start a job's process (design rule 5): argv, never
 * a shell; its own process group; stdin /dev/null; stdout and stderr on
 * pipes of their own; a clean environment; killed if jobd dies. */
#ifndef SPAWN_H
#define SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

struct spawn {
	pid_t	pid;
	int	out_fd;		/* read end of stdout, non-blocking */
	int	err_fd;		/* read end of stderr, non-blocking */
	/* Records of jobinit.h: errno of a failed execve, and (in a PID
	 * namespace) the program's wait status; then EOF. */
	int	exec_fd;
};

/* spawn_init: at start, find jobs-init beside jobd and see which
 * namespaces jobs can have: PID (the kernel ends every process in it when
 * the job ends), IPC (no way to jobd's queues) and mount (state_dir and
 * /dev/shm hidden; jobinit.c).  Returns NULL, or why there are none (jobs
 * then run without, and escaped processes are found by their marker
 * only). */
const char *spawn_init(const char *state_dir, const char *download_dir);
/* spawn_confined: whether jobs run in a PID namespace of their own. */
bool spawn_confined(void);
/* spawn_confinement: what confines jobs, in words, for the log. */
const char *spawn_confinement(void);

/* spawn_set_nice: the niceness every job starts at (config job_nice). */
void spawn_set_nice(int nice);

/* spawn_set_cgroup: the cgroup.procs every job joins before it execs
 * (jobcg_open; -1: none). */
void spawn_set_cgroup(int procs_fd);

/* spawn_start: start argv with envp in the folder dir_fd.
 * Everything is built by the caller beforehand (nothing is allocated
 * in the child).  Returns 0
 * and fills sp, or -1 with errno when jobd could not start it. */
int spawn_start(char *const *argv, char *const *envp, int dir_fd,
    struct spawn *sp);

#endif
