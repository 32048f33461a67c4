/* test_config.c: the responders' thread bound and the jobs' niceness are
 * read in their ranges, have their defaults, and a value out of range
 * fails the load with a sentence instead of being taken. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/config.h"
#include "test.h"

/* load: a config of the minimum and extra; 0 or -1 as config_load. */
static int
load(struct config *c, const char *jobd_extra, const char *fcgi_extra,
    char *err, size_t errsz)
{
	char path[] = "/tmp/test_config.XXXXXX";
	int fd = mkstemp(path), rc;
	FILE *f = fd == -1 ? NULL : fdopen(fd, "w");

	if (f == NULL)
		return -2;
	fprintf(f, "[jobd]\nstate_dir = /tmp\ndownload_dir = /tmp\n%s\n"
	    "[fcgi]\n%s\n[runner votify]\nexecutable = /bin/true\n"
	    "url_regex = ^https://\n", jobd_extra, fcgi_extra);
	fclose(f);
	err[0] = '\0';
	rc = config_load(c, path, err, errsz);
	unlink(path);
	return rc;
}

int
main(void)
{
	struct config c;
	char err[512];

	T_CHECK(load(&c, "", "", err, sizeof(err)) == 0);
	if (err[0])
		printf("# %s\n", err);
	T_CHECK(c.threads == 16 && c.job_nice == 10 && c.wal_limit_mib == 64);
	config_release(&c);
	T_CHECK(load(&c, "wal_limit_mib = 1", "", err, sizeof(err)) == 0);
	T_CHECK(c.wal_limit_mib == 1);
	config_release(&c);
	T_CHECK(load(&c, "wal_limit_mib = 4096", "", err, sizeof(err)) == 0);
	T_CHECK(c.wal_limit_mib == 4096);
	config_release(&c);
	T_CHECK(load(&c, "wal_limit_mib = 0", "", err, sizeof(err)) == -1);
	T_CHECK(strstr(err, "wal_limit_mib") != NULL);
	config_release(&c);
	T_CHECK(load(&c, "wal_limit_mib = 4097", "", err, sizeof(err)) == -1);
	config_release(&c);
	/* No job cgroup unless named; a named one is an absolute path. */
	T_CHECK(load(&c, "", "", err, sizeof(err)) == 0);
	T_CHECK(c.job_cgroup[0] == '\0' && c.job_cpu_weight == 10);
	config_release(&c);
	T_CHECK(load(&c, "job_cgroup = /sys/fs/cgroup/cpu/jobs\n"
	    "job_cpu_weight = 10000", "", err, sizeof(err)) == 0);
	T_STREQ(c.job_cgroup, "/sys/fs/cgroup/cpu/jobs");
	T_CHECK(c.job_cpu_weight == 10000);
	config_release(&c);
	T_CHECK(load(&c, "job_cgroup = jobs", "", err, sizeof(err)) == -1);
	T_CHECK(strstr(err, "job_cgroup") != NULL);
	config_release(&c);
	T_CHECK(load(&c, "job_cpu_weight = 0", "", err, sizeof(err)) == -1);
	config_release(&c);
	T_CHECK(load(&c, "job_cpu_weight = 10001", "", err, sizeof(err)) == -1);
	config_release(&c);
	T_CHECK(load(&c, "job_nice = 0", "threads = 1", err, sizeof(err)) == 0);
	T_CHECK(c.threads == 1 && c.job_nice == 0);
	config_release(&c);
	T_CHECK(load(&c, "job_nice = 19", "threads = 64", err, sizeof(err)) == 0);
	T_CHECK(c.threads == 64 && c.job_nice == 19);
	config_release(&c);
	/* Released after a failed load too (config.h). */
	T_CHECK(load(&c, "", "threads = 0", err, sizeof(err)) == -1);
	T_CHECK(strstr(err, "threads") != NULL);
	config_release(&c);
	T_CHECK(load(&c, "", "threads = 65", err, sizeof(err)) == -1);
	config_release(&c);
	T_CHECK(load(&c, "", "threads = many", err, sizeof(err)) == -1);
	config_release(&c);
	T_CHECK(load(&c, "job_nice = 20", "", err, sizeof(err)) == -1);
	T_CHECK(strstr(err, "job_nice") != NULL);
	config_release(&c);
	T_CHECK(load(&c, "job_nice = -1", "", err, sizeof(err)) == -1);
	config_release(&c);
	return t_done("test_config");
}
