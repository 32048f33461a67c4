/* test_launcher.c: [launcher NAME] sections: what they accept, and srun
 * put in front of a runner's argument vector (the command a job shows). */
#include <stdlib.h>
#include <unistd.h>

#include "shared/config.h"
#include "test.h"

static const char base[] =
	"[jobd]\ninstance = t1\nstate_dir = /tmp/s\ndownload_dir = /tmp/d\n"
	"[runner votify]\nexecutable = /usr/bin/votify\n"
	"always = --no-config-file\noutput_flag = --output\n"
	"[option votify cover_size]\ntype = enum\nflag = --cover-size\n"
	"value = small\n";

/* load: base plus extra; 0 or -1 from config_load. */
static int
load(struct config *c, const char *extra)
{
	char path[] = "/tmp/test_launcher_XXXXXX", err[256];
	int fd = mkstemp(path), rc;

	(void)!write(fd, base, sizeof(base) - 1);
	(void)!write(fd, extra, strlen(extra));
	close(fd);
	rc = config_load(c, path, err, sizeof(err));
	unlink(path);
	return rc;
}

static void
test_command(void)
{
	static const uint8_t uuid[16] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc,
	    0xde, 0xf0, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
	struct config c;
	const struct runner *r;
	const struct launcher *l = NULL;
	json_object *urls = json_tokener_parse("[\"https://x/y\"]");
	json_object *opts = json_tokener_parse("{\"cover_size\":\"small\"}");
	char *argv[ARGV_MAX], cmd[4096];
	int argc;

	T_CHECK(load(&c, "[runner votify]\nlauncher = hpc\n"
	    "[launcher hpc]\ntype = slurm\npartition = music\naccount = dl\n"
	    "arg = --cpus-per-task=2\narg = --mem=4G\n"
	    "env = SLURM_CONF=/etc/slurm/other.conf\n"
	    "temp_dir = /shared/tmp\n") == 0);
	r = config_runner(&c, NULL);
	T_CHECK(r != NULL && (l = config_launcher(&c, r)) != NULL);
	if (r == NULL || l == NULL)
		return;
	T_STREQ(l->srun, "/usr/bin/srun");
	T_STREQ(l->scancel, "/usr/bin/scancel");
	T_CHECK(l->nenv == 1);
	T_STREQ(l->temp_dir, "/shared/tmp");
	argc = runner_argv(r, urls, opts, "/d/alice", "/s/tmp/x", argv, ARGV_MAX);
	T_CHECK(argc == 8);
	argc = launcher_wrap(l, c.instance, uuid, 3600, argv, ARGV_MAX);
	T_CHECK(argc == 8 + 9);
	T_CHECK(runner_command(argv, cmd, sizeof(cmd)) == 0);
	/* srun's options, "--", then the runner's vector as it was. */
	T_STREQ(cmd, "/usr/bin/srun --unbuffered "
	    "--job-name=jobs.t1.12345678-9abc-def0-0123-456789abcdef "
	    "--partition=music --account=dl --time=61 --cpus-per-task=2 "
	    "--mem=4G -- /usr/bin/votify --no-config-file --output /d/alice "
	    "--cover-size small -- https://x/y");
	T_CHECK(argv[argc] == NULL);
	runner_argv_free(argv);
	/* Too long a vector fails whole, and frees what it had. */
	T_CHECK(runner_argv(r, urls, opts, "/d", "/t", argv, ARGV_MAX) == 8);
	T_CHECK(launcher_wrap(l, c.instance, uuid, 60, argv, 12) == -1);
	T_CHECK(argv[0] == NULL);
	json_object_put(urls);
	json_object_put(opts);
	config_release(&c);
	/* A runner without a launcher runs here. */
	T_CHECK(load(&c, "") == 0);
	T_CHECK(config_launcher(&c, config_runner(&c, NULL)) == NULL);
	config_release(&c);
}

static void
test_refused(void)
{
	static const char *const bad[] = {
		"[runner votify]\nlauncher = nosuch\n",
		"[launcher s]\ntype = pbs\n",
		"[launcher s]\nsrun = srun\n",		/* not a full path */
		"[launcher s]\npartition = a b\n",
		"[launcher s]\naccount = \n",
		"[launcher s]\narg = --\n",
		"[launcher s]\narg = /bin/sh\n",	/* not an option */
		"[launcher s]\nenv = NOEQUALS\n",
		"[launcher s]\nmystery = 1\n",
		"[launcher s]\ntemp_dir = relative/tmp\n",
		"[launcher a/b]\ntype = slurm\n",
	};
	struct config c;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		T_CHECK(load(&c, bad[i]) == -1);
		config_release(&c);
	}
}

static void
test_time(void)
{
	/* jobd's own limit, in whole minutes, plus one: jobd's timeout
	 * comes first, Slurm's is the backstop. */
	T_CHECK(launcher_time_minutes(1) == 2);
	T_CHECK(launcher_time_minutes(60) == 2);
	T_CHECK(launcher_time_minutes(61) == 3);
	T_CHECK(launcher_time_minutes(21600) == 361);
	T_CHECK(launcher_time_minutes(604800) == 10081);
}

int
main(void)
{
	test_command();
	test_refused();
	test_time();
	return t_done("test_launcher");
}
