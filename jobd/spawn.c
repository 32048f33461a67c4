/* spawn.c: start a job's process (see spawn.h).
 *
 * The child shares jobd's memory until it execs (clone with CLONE_VM and
 * CLONE_VFORK, as posix_spawn does; posix_spawn itself cannot set
 * PR_SET_PDEATHSIG).  A fork would copy jobd's page tables, and every
 * page jobd then wrote would fault and flush the TLB of both cores: with
 * runs of short jobs that cost jobd most of a core (make bench,
 * "creates"). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "sig.h"
#include "spawn.h"

#define SPAWN_STACK	(64 * 1024)

struct spawn_args {
	char *const	*argv, *const *envp;
	int		 dir_fd, null_fd, out_w, err_w, exec_w;
	pid_t		 parent;
};

/* spawn_child: runs on a stack of its own in jobd's memory, with jobd
 * stopped, until execve: only system calls, nothing that allocates.
 * Not instrumented by ASan, which would warn into the job's stderr that
 * _exit is called on a stack it does not know. */
static int __attribute__((no_sanitize("address")))
spawn_child(void *arg)
{
	const struct spawn_args *a = arg;
	int e;

	setpgid(0, 0);
	/* rule 5: no orphan keeps downloading unobserved. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != a->parent)
		_exit(127);
	sig_child_reset();
	if (dup2(a->null_fd, 0) == -1 || dup2(a->out_w, 1) == -1 ||
	    dup2(a->err_w, 2) == -1 || fchdir(a->dir_fd) == -1)
		goto fail;
	execve(a->argv[0], a->argv, a->envp);
fail:
	e = errno;
	(void)!write(a->exec_w, &e, sizeof(e));
	_exit(127);
}

/* spawn_clone: start spawn_child; returns once it has exec'd or exited.
 * One stack serves every child: jobd waits while a child uses it. */
static pid_t
spawn_clone(struct spawn_args *a)
{
	static char *stack;

	if (stack == NULL) {
		void *p = mmap(NULL, SPAWN_STACK, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);

		if (p == MAP_FAILED)
			return -1;
		stack = p;
	}
	return clone(spawn_child, stack + SPAWN_STACK,
	    CLONE_VM | CLONE_VFORK | SIGCHLD, a);
}

int
spawn_start(char *const *argv, char *const *envp, int dir_fd,
    struct spawn *sp)
{
	int out[2] = { -1, -1 }, err[2] = { -1, -1 }, ex[2] = { -1, -1 };
	struct spawn_args args;
	int null_fd;

	if ((null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (pipe2(out, O_CLOEXEC) == -1 || pipe2(err, O_CLOEXEC) == -1 ||
	    pipe2(ex, O_CLOEXEC) == -1)
		goto fail;
	args = (struct spawn_args){ argv, envp, dir_fd, null_fd, out[1],
	    err[1], ex[1], getpid() };
	if ((sp->pid = spawn_clone(&args)) == -1)
		goto fail;
	/* The child has set its group by now (jobd waited for its exec),
	 * except under valgrind, which turns the clone into a fork: set it
	 * here too, so a cancel right away reaches it. */
	setpgid(sp->pid, sp->pid);
	close(null_fd);
	close(out[1]);
	close(err[1]);
	close(ex[1]);
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	fcntl(err[0], F_SETFL, O_NONBLOCK);
	fcntl(ex[0], F_SETFL, O_NONBLOCK);
	sp->out_fd = out[0];
	sp->err_fd = err[0];
	sp->exec_fd = ex[0];
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		if (out[i] != -1)
			close(out[i]);
		if (err[i] != -1)
			close(err[i]);
		if (ex[i] != -1)
			close(ex[i]);
	}
	close(null_fd);
	return -1;
}
