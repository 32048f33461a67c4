/* orphans.c: find a job's escaped processes by their environment. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <unistd.h>
#include "orphans.h"
#include "shared/jobmodel.h"

/* jobdir_envp puts the marker first and the whole environment it gives
 * is small; a child may reorder what it passes on, so read generously. */
#define ENV_READ	32768

int
orphans_marker(char *buf, size_t size, const char *instance,
    const uint8_t *uuid)
{
	char id[JOB_ID_LEN + 1] = "";
	int n;

	if (uuid != NULL)
		job_id_str(uuid, id);
	n = snprintf(buf, size, ORPHANS_VAR "%s/%s", instance, id);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* env_has: whether the NUL-separated entries in env[0..len) hold one
 * starting with marker.  A cut last entry still counts if its start
 * matches. */
static bool
env_has(const char *env, size_t len, const char *marker)
{
	size_t mlen = strlen(marker);

	for (size_t at = 0; at < len; ) {
		const char *e = env + at;
		size_t elen = strnlen(e, len - at);

		if (elen >= mlen && memcmp(e, marker, mlen) == 0)
			return true;
		at += elen + 1;
	}
	return false;
}

/* env_of_has: whether /proc/<pid>/environ holds marker. */
static bool
env_of_has(pid_t pid, const char *marker, char *buf)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return false;
	n = read(fd, buf, ENV_READ);
	close(fd);
	return n > 0 && env_has(buf, (size_t)n, marker);
}

/* orphans_check: signal pid if it carries marker.  Once it does, a pidfd
 * is taken and the environment read again, so the process signalled is
 * the one read, not a later one given the same pid. */
static int
orphans_check(pid_t pid, const char *marker, pid_t skip, char *buf)
{
	int pfd, hit = 0;

	if (!env_of_has(pid, marker, buf) || (skip > 0 && getpgid(pid) == skip))
		return 0;
	/* Kernels before 5.3 have no pidfd: plain kill, as pkill does. */
	if ((pfd = pidfd_open(pid, 0)) == -1)
		return errno == ENOSYS && kill(pid, SIGKILL) == 0;
	if (env_of_has(pid, marker, buf) &&
	    pidfd_send_signal(pfd, SIGKILL, NULL, 0) == 0)
		hit = 1;
	close(pfd);
	return hit;
}

int
orphans_kill(const char *instance, const uint8_t *uuid, pid_t skip)
{
	char marker[ORPHANS_MARKER_MAX];
	DIR *proc;
	struct dirent *de;
	pid_t self = getpid();
	char *buf;
	int killed = 0;

	if (orphans_marker(marker, sizeof(marker), instance, uuid) == -1 ||
	    (proc = opendir("/proc")) == NULL)
		return 0;
	if ((buf = malloc(ENV_READ)) == NULL) {
		closedir(proc);
		return 0;
	}
	while ((de = readdir(proc)) != NULL) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end != '\0' || pid <= 0 || pid == self)
			continue;
		killed += orphans_check((pid_t)pid, marker, skip, buf);
	}
	free(buf);
	closedir(proc);
	return killed;
}
