/* spawn.c: start a job's process (see spawn.h).
 *
 * The child shares jobd's memory until it execs (clone with CLONE_VM and
 * CLONE_VFORK, as posix_spawn does; posix_spawn itself cannot set
 * PR_SET_PDEATHSIG).  A fork would copy jobd's page tables, and every
 * page jobd then wrote would fault and flush the TLB of both cores: with
 * runs of short jobs that cost jobd most of a core (make bench,
 * "creates").
 *
 * Where the kernel allows it, the child starts a PID namespace of its
 * own with jobs-init as its first process (jobinit.c): when the job ends,
 * the kernel kills whatever it left, whatever it did to leave its process
 * group, session or environment. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jobinit.h"
#include "shared/limits.h"
#include "sig.h"
#include "spawn.h"

#define SPAWN_STACK	(64 * 1024)

struct spawn_args {
	char *const	*argv, *const *envp;
	int		 dir_fd, null_fd, out_w, err_w, exec_w;
	pid_t		 parent;
	bool		 in_ns;		/* argv[0] is jobs-init */
};

/* Set once by spawn_init: the clone flags of a job's own PID namespace
 * (0: none could be made) and jobs-init's path. */
static int spawn_ns_flags;
static int spawn_nice;
static int spawn_cgroup_fd = -1;	/* cgroup.procs of job_cgroup */
static char spawn_init_path[PATH_MAX];
/* In a user namespace of its own (jobd not root), the child maps jobd's
 * uid and gid to 0 there before it execs jobs-init, which then keeps the
 * capabilities it needs for its mounts within the namespace (jobinit.c
 * drops them all before the program starts). */
static char spawn_uid_map[32], spawn_gid_map[32];
/* The state folder jobs-init hides ("-": none, without a mount
 * namespace, or when downloads lie inside it). */
static char spawn_hide[PATH_MAX] = "-";

/* spawn_write: put text into the file path (only system calls). */
static int __attribute__((no_sanitize("address")))
spawn_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t n = strlen(text);
	ssize_t w;

	if (fd == -1)
		return -1;
	w = write(fd, text, n);
	close(fd);
	return w == (ssize_t)n ? 0 : -1;
}

/* spawn_child: runs on a stack of its own in jobd's memory, with jobd
 * stopped, until execve: only system calls, nothing that allocates.
 * Not instrumented by ASan, which would warn into the job's stderr that
 * _exit is called on a stack it does not know. */
static int __attribute__((no_sanitize("address")))
spawn_child(void *arg)
{
	const struct spawn_args *a = arg;

	int32_t rec[2] = { JOBINIT_EXEC_ERRNO, 0 };

	setpgid(0, 0);
	/* Downloads are background work: polls and pages come first. */
	setpriority(PRIO_PROCESS, 0, spawn_nice);
	/* And all of them together weigh job_cpu_weight (jobcg.h).  Through
	 * jobd's descriptor: its credentials are the ones checked, also
	 * from a user namespace of the child's own. */
	if (spawn_cgroup_fd != -1 && write(spawn_cgroup_fd, "0", 1) != 1)
		goto fail;
	/* No orphan keeps downloading unobserved: jobd's death kills this
	 * process, and with it its PID namespace if it has one. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* jobd died before the line above (in a namespace of its own, the
	 * parent is outside it and reads as 0: the kill then comes from
	 * the namespace's end). */
	if (!a->in_ns && getppid() != a->parent)
		_exit(127);
	sig_child_reset();
	if (a->in_ns && (spawn_ns_flags & CLONE_NEWUSER) &&
	    (spawn_write("/proc/self/setgroups", "deny") == -1 ||
	    spawn_write("/proc/self/uid_map", spawn_uid_map) == -1 ||
	    spawn_write("/proc/self/gid_map", spawn_gid_map) == -1))
		goto fail;
	if (dup2(a->null_fd, 0) == -1 || dup2(a->out_w, 1) == -1 ||
	    dup2(a->err_w, 2) == -1 || fchdir(a->dir_fd) == -1 ||
	    (a->in_ns && dup2(a->exec_w, JOBINIT_STATUS_FD) == -1))
		goto fail;
	execve(a->argv[0], a->argv, a->envp);
fail:
	rec[1] = errno;
	(void)!write(a->exec_w, rec, sizeof(rec));
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
	    CLONE_VM | CLONE_VFORK | SIGCHLD | (a->in_ns ? spawn_ns_flags : 0),
	    a);
}

void
spawn_set_nice(int nice)
{
	spawn_nice = nice;
}

void
spawn_set_cgroup(int procs_fd)
{
	spawn_cgroup_fd = procs_fd;
}

static int
spawn_probe_child(void *arg)
{
	(void)arg;
	_exit(0);
}

/* spawn_probe: whether a child can be cloned with flags. */
static bool
spawn_probe(int flags)
{
	static char stack[4096] __attribute__((aligned(16)));
	pid_t pid = clone(spawn_probe_child, stack + sizeof(stack),
	    CLONE_VM | CLONE_VFORK | SIGCHLD | flags, NULL);

	if (pid == -1)
		return false;
	waitpid(pid, NULL, 0);
	return true;
}

const char *
spawn_init(const char *state_dir, const char *download_dir)
{
	/* Namespaces to try, the most confining first. */
	static const int tries[] = {
		CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNS,
		CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNS,
		CLONE_NEWPID,
		CLONE_NEWUSER | CLONE_NEWPID,
	};
	size_t n_state = strlen(state_dir);
	char self[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	spawn_ns_flags = 0;
	if (n <= 0)
		return "cannot find jobd's own path";
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) != NULL)
		*slash = '\0';
	if (snprintf(spawn_init_path, sizeof(spawn_init_path), "%s/%s", self,
	    JOBINIT_NAME) >= (int)sizeof(spawn_init_path) ||
	    access(spawn_init_path, X_OK) == -1)
		return "no " JOBINIT_NAME " beside jobd";
	/* root may make namespaces; anyone else needs a user namespace of
	 * its own first, where the kernel allows them. */
	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++)
		if (spawn_probe(tries[i])) {
			spawn_ns_flags = tries[i];
			break;
		}
	if (spawn_ns_flags == 0)
		return "the kernel lets jobd make no PID namespace";
	snprintf(spawn_uid_map, sizeof(spawn_uid_map), "0 %u 1\n",
	    (unsigned)geteuid());
	snprintf(spawn_gid_map, sizeof(spawn_gid_map), "0 %u 1\n",
	    (unsigned)getegid());
	if ((spawn_ns_flags & CLONE_NEWNS) &&
	    !(strncmp(download_dir, state_dir, n_state) == 0 &&
	    (download_dir[n_state] == '/' || download_dir[n_state] == '\0')))
		snprintf(spawn_hide, sizeof(spawn_hide), "%s", state_dir);
	return NULL;
}

bool
spawn_confined(void)
{
	return spawn_ns_flags != 0;
}

const char *
spawn_confinement(void)
{
	if (spawn_ns_flags == 0)
		return "none";
	return spawn_hide[0] == '/' ? "PID, IPC and mount namespaces" :
	    (spawn_ns_flags & CLONE_NEWNS) ? "PID and IPC namespaces (the "
	    "downloads lie in state_dir, which is not hidden)" :
	    "a PID namespace";
}

int
spawn_start(char *const *argv, char *const *envp, int dir_fd,
    struct spawn *sp)
{
	int out[2] = { -1, -1 }, err[2] = { -1, -1 }, ex[2] = { -1, -1 };
	char *iargv[ARGV_MAX + 3];
	struct spawn_args args;
	bool in_ns = spawn_ns_flags != 0;
	int null_fd, n = 0;

	/* In a namespace, jobs-init runs first and starts the program. */
	if (in_ns) {
		iargv[n++] = spawn_init_path;
		iargv[n++] = spawn_hide;
	}
	for (int i = 0; argv[i] != NULL && n < ARGV_MAX + 2; i++)
		iargv[n++] = argv[i];
	iargv[n] = NULL;

	if ((null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (pipe2(out, O_CLOEXEC) == -1 || pipe2(err, O_CLOEXEC) == -1 ||
	    pipe2(ex, O_CLOEXEC) == -1)
		goto fail;
	args = (struct spawn_args){ iargv, envp, dir_fd, null_fd, out[1],
	    err[1], ex[1], getpid(), in_ns };
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
