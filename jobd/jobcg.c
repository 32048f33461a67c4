/* jobcg.c: the cgroup every job runs in (see jobcg.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jobcg.h"

uint32_t
jobcg_shares(uint32_t weight)
{
	uint64_t s = (uint64_t)weight * 1024 / 100;

	/* v1 takes 2 to 262144. */
	return s < 2 ? 2 : s > 262144 ? 262144 : (uint32_t)s;
}

/* jobcg_file: open path/name for writing; the fd, or -1 with errno. */
static int
jobcg_file(const char *path, const char *name)
{
	char file[4096];

	if (snprintf(file, sizeof(file), "%s/%s", path, name) >=
	    (int)sizeof(file)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return open(file, O_WRONLY | O_CLOEXEC);
}

/* jobcg_put: write text into path/name; 0, or -1 with errno. */
static int
jobcg_put(const char *path, const char *name, const char *text)
{
	size_t n = strlen(text);
	ssize_t w;
	int fd;

	if ((fd = jobcg_file(path, name)) == -1)
		return -1;
	w = write(fd, text, n);
	close(fd);
	return w == (ssize_t)n ? 0 : -1;
}

int
jobcg_open(const char *path, uint32_t weight, char *err, size_t errsz)
{
	char text[32];
	int fd;

	if (mkdir(path, 0755) == -1 && errno != EEXIST) {
		snprintf(err, errsz, "job_cgroup: cannot make '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	/* v2 names it cpu.weight; v1's cpu controller cpu.shares. */
	snprintf(text, sizeof(text), "%u", weight);
	if (jobcg_put(path, "cpu.weight", text) == -1) {
		int v2 = errno;

		snprintf(text, sizeof(text), "%u", jobcg_shares(weight));
		if (jobcg_put(path, "cpu.shares", text) == -1) {
			snprintf(err, errsz, "job_cgroup: cannot set the cpu "
			    "weight of '%s' (cpu.weight: %s; cpu.shares: %s): "
			    "is it a cgroup with the cpu controller, and "
			    "jobd's to write?", path, strerror(v2),
			    strerror(errno));
			return -1;
		}
	}
	if ((fd = jobcg_file(path, "cgroup.procs")) == -1) {
		snprintf(err, errsz, "job_cgroup: cannot open '%s/cgroup.procs': "
		    "%s", path, strerror(errno));
		return -1;
	}
	return fd;
}
