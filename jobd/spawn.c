/* spawn.c: fork and exec a job's process (see spawn.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "sig.h"
#include "spawn.h"

/* spawn_child: between fork and exec: only async-signal-safe calls. */
static void __attribute__((noreturn))
spawn_child(char *const *argv, char *const *envp, int dir_fd, int null_fd,
    int out_w, int err_w, int exec_w, pid_t parent)
{
	int e;

	setpgid(0, 0);
	/* rule 5: no orphan keeps downloading unobserved. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	sig_child_reset();
	if (dup2(null_fd, 0) == -1 || dup2(out_w, 1) == -1 ||
	    dup2(err_w, 2) == -1 || fchdir(dir_fd) == -1)
		goto fail;
	execve(argv[0], argv, envp);
fail:
	e = errno;
	(void)!write(exec_w, &e, sizeof(e));
	_exit(127);
}

int
spawn_start(char *const *argv, char *const *envp, int dir_fd,
    struct spawn *sp)
{
	int out[2] = { -1, -1 }, err[2] = { -1, -1 }, ex[2] = { -1, -1 };
	int null_fd;
	pid_t parent = getpid();

	if ((null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (pipe2(out, O_CLOEXEC) == -1 || pipe2(err, O_CLOEXEC) == -1 ||
	    pipe2(ex, O_CLOEXEC) == -1)
		goto fail;
	sp->pid = fork();
	if (sp->pid == -1)
		goto fail;
	if (sp->pid == 0)
		spawn_child(argv, envp, dir_fd, null_fd, out[1], err[1], ex[1],
		    parent);
	/* Both sides set the group, so a cancel right away reaches it. */
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
