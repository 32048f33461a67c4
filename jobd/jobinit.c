/* jobinit.c: jobs-init, the first process of a job's own namespaces.
 *
 *   jobs-init STATE_DIR PROGRAM ARGS...   (STATE_DIR "-": hide nothing)
 *
 * jobd starts each job this way in new PID, IPC and mount namespaces,
 * with the status pipe on fd 3, its output folder as working folder and
 * TMPDIR its temp folder.  Before it starts the program, jobs-init
 * confines the job: in its mount namespace an empty tmpfs covers
 * /dev/shm (jobd's live table) and the state folder (the database, the
 * locks, other jobs' temp folders), its own temp folder bound back in;
 * its IPC namespace has none of jobd's queues; and Landlock, where the
 * kernel has it, lets it write only below its output and temp folders
 * (and to /dev).  Then it starts the program and waits.  When the
 * program ends, jobs-init writes its wait status on fd 3 and exits, and
 * the kernel kills every process left in the namespace: whatever the
 * program started (a double fork, setsid, an empty environment) cannot
 * outlive it.  Killed itself (a cancel's SIGKILL, or jobd's death through
 * PR_SET_PDEATHSIG), it takes the namespace with it too.
 *
 * As a namespace's init it receives only signals it has a handler for:
 * a cancel's SIGTERM to the job's process group reaches the program
 * (same group) and passes jobs-init by, so it stays to report. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/landlock.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jobinit.h"

/* Landlock ABI 3 (Linux 6.2); Debian 12's headers stop at ABI 2. */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE	(1ULL << 14)
#endif

static void
report(int32_t kind, int32_t value)
{
	int32_t rec[2] = { kind, value };

	(void)!write(JOBINIT_STATUS_FD, rec, sizeof(rec));
}

static int __attribute__((format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "jobs-init: cannot confine the job: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(errno));
	return -1;
}

/* mkdirs: path and its parents (inside the fresh tmpfs). */
static int
mkdirs(char *path)
{
	for (char *p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(path, 0700) == -1 && errno != EEXIST ? -1 : 0;
}

/* hide: cover /dev/shm and state_dir with empty tmpfs; the temp folder,
 * which lies in state_dir, is bound back in. */
static int
hide(const char *state_dir, const char *tmp)
{
	char fdpath[64], path[PATH_MAX];
	int tfd;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
		return fail("mount --make-rprivate /");
	if (mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV,
	    "size=16m,mode=1777") == -1)
		return fail("tmpfs on /dev/shm");
	if ((tfd = open(tmp, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		return fail("open '%s'", tmp);
	if (mount("tmpfs", state_dir, "tmpfs", MS_NOSUID | MS_NODEV,
	    "size=1m,mode=0700") == -1)
		return fail("tmpfs on '%s'", state_dir);
	snprintf(path, sizeof(path), "%s", tmp);
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", tfd);
	if (mkdirs(path) == -1 || mount(fdpath, tmp, NULL, MS_BIND, NULL) == -1)
		return fail("bind '%s'", tmp);
	close(tfd);
	return 0;
}

/* landlock_allow: let the ruleset write below path. */
static int
landlock_allow(int rs, const char *path, uint64_t rights)
{
	struct landlock_path_beneath_attr pb = { .allowed_access = rights };
	int rc;

	if ((pb.parent_fd = open(path, O_PATH | O_CLOEXEC)) == -1)
		return -1;
	rc = (int)syscall(SYS_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH,
	    &pb, 0);
	close(pb.parent_fd);
	return rc;
}

/* write_only_below: Landlock lets nothing be written but below the
 * working folder (the output), tmp and /dev.  Where the kernel has no
 * Landlock, the namespaces above are the confinement. */
static int
write_only_below(const char *tmp)
{
	uint64_t w = LANDLOCK_ACCESS_FS_WRITE_FILE |
	    LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
	    LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR |
	    LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |
	    LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
	    LANDLOCK_ACCESS_FS_MAKE_SYM;
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	struct landlock_ruleset_attr ra;
	int rs;

	if (abi < 1)
		return 0;
	if (abi >= 2)
		w |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		w |= LANDLOCK_ACCESS_FS_TRUNCATE;
	ra = (struct landlock_ruleset_attr){ .handled_access_fs = w };
	if ((rs = (int)syscall(SYS_landlock_create_ruleset, &ra, sizeof(ra),
	    0)) == -1)
		return fail("landlock ruleset");
	if (landlock_allow(rs, ".", w) == -1 || landlock_allow(rs, tmp, w) == -1 ||
	    landlock_allow(rs, "/dev", LANDLOCK_ACCESS_FS_WRITE_FILE) == -1)
		return fail("landlock rule");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    syscall(SYS_landlock_restrict_self, rs, 0) == -1)
		return fail("landlock");
	close(rs);
	return 0;
}

/* drop_caps: the program gets no capability, even where it runs as uid
 * 0 (jobd run by root, or root of the job's own user namespace): it
 * could otherwise unmount what hides jobd's state. */
static int
drop_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	for (int c = 0; c <= 63; c++)
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) == -1 && errno != EINVAL)
			return fail("drop capability %d", c);
	if (prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
	    SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED |
	    SECBIT_KEEP_CAPS_LOCKED) == -1)
		return fail("securebits");
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capset, &h, d) == -1)
		return fail("capset");
	return 0;
}

int
main(int argc, char *argv[])
{
	extern char **environ;
	const char *tmp = getenv("TMPDIR");
	pid_t child, pid;
	int st;

	if (argc < 3 || tmp == NULL || tmp[0] != '/')
		return 127;
	fcntl(JOBINIT_STATUS_FD, F_SETFD, FD_CLOEXEC);
	if ((strcmp(argv[1], "-") != 0 && hide(argv[1], tmp) == -1) ||
	    write_only_below(tmp) == -1 || drop_caps() == -1)
		return 127;
	if ((child = fork()) == -1) {
		report(JOBINIT_EXEC_ERRNO, errno);
		return 127;
	}
	if (child == 0) {
		execve(argv[2], argv + 2, environ);
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
