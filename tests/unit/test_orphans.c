/* test_orphans.c: processes are found by the marker in their environment,
 * whatever their session, and only those of the right job or instance. */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "jobd/orphans.h"
#include "test.h"

static const uint8_t job_a[16] = { 0xaa, 1 }, job_b[16] = { 0xbb, 2 };

/* start: a sleep in a session of its own whose environment holds env0. */
static pid_t
start(const char *env0)
{
	pid_t pid = fork();

	if (pid == 0) {
		char *argv[] = { "sleep", "30", NULL };
		char *envp[] = { "PATH=/usr/bin:/bin", (char *)env0, NULL };

		setsid();
		execve("/bin/sleep", argv, envp);
		_exit(127);
	}
	return pid;
}

/* ended: whether pid exited by signal sig within about two seconds. */
static bool
ended(pid_t pid, int sig)
{
	int st;

	for (int i = 0; i < 200; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFSIGNALED(st) && WTERMSIG(st) == sig;
		nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	}
	return false;
}

/* started: wait until pid has exec'd sleep (its environment is then the
 * one given), for at most about two seconds. */
static void
started(pid_t pid)
{
	char path[64], buf[64];

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	for (int i = 0; i < 200; i++) {
		FILE *f = fopen(path, "r");
		bool ok = f != NULL && fgets(buf, sizeof(buf), f) != NULL &&
		    strcmp(buf, "sleep\n") == 0;

		if (f != NULL)
			fclose(f);
		if (ok)
			return;
		nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	}
}

int
main(void)
{
	char ma[128], mb[128], inst[128], other[128];
	pid_t a, b, c;

	T_CHECK(orphans_marker(ma, sizeof(ma), "unit", job_a) == 0);
	T_CHECK(orphans_marker(mb, sizeof(mb), "unit", job_b) == 0);
	T_CHECK(orphans_marker(inst, sizeof(inst), "unit", NULL) == 0);
	T_CHECK(orphans_marker(other, sizeof(other), "unit2", job_a) == 0);
	T_STREQ(ma, "JOBD_JOB=unit/aa010000-0000-0000-0000-000000000000");
	T_STREQ(inst, "JOBD_JOB=unit/");
	T_CHECK(orphans_marker(ma, 20, "unit", job_a) == -1);
	orphans_marker(ma, sizeof(ma), "unit", job_a);

	a = start(ma);
	b = start(mb);
	c = start(other);	/* another instance whose name starts alike */
	started(a);
	started(b);
	started(c);
	/* One job's marker: that job's process alone. */
	T_CHECK(orphans_kill("unit", job_a, 0) == 1);
	T_CHECK(ended(a, SIGKILL));
	/* A process group to skip is skipped. */
	T_CHECK(orphans_kill("unit", job_b, b) == 0);
	/* The instance's prefix: every job of it, not unit2's. */
	T_CHECK(orphans_kill("unit", NULL, 0) == 1);
	T_CHECK(ended(b, SIGKILL));
	T_CHECK(kill(c, 0) == 0);
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
	return t_done("test_orphans");
}
