/* fuzz_config.c: libFuzzer target: shared/config.c (libinih, every
 * section and key, runner and option sections) on a file written from
 * the input; config_release after every load, loaded or not (LSan finds
 * what it leaves).  A config that loads must keep its documented bounds,
 * name its default runner, and let that runner build an argv with no
 * options (defaults only), display it, and read an output line. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/config.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void
cleanup(void)
{
	unlink(path);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(path, sizeof(path), "/tmp/fuzz_config.%d.ini", (int)getpid());
	atexit(cleanup);
	return 0;
}

static void
check_loaded(const struct config *c)
{
	static char cmd[SPEC_MAX];
	const struct runner *r = config_runner(c, NULL);
	json_object *urls = json_object_new_array();
	struct line_facts lf;
	char *argv[ARGV_MAX];
	int argc;

	if (r == NULL || c->slots == 0 || c->slots > SLOTS_MAX ||
	    c->queue_depth == 0 || c->queue_depth > 1024 || c->workers == 0 ||
	    c->workers > FCGI_WORKERS_MAX || c->nrunners > RUNNERS_MAX ||
	    c->state_dir[0] == '\0' || c->download_dir[0] == '\0' ||
	    memchr(c->instance, '\0', sizeof(c->instance)) == NULL)
		abort();
	for (unsigned i = 0; i < c->nrunners; i++) {
		const struct runner *q = &c->runners[i];

		if (q->exe == NULL || q->nopts > RUNNER_OPTS_MAX ||
		    q->nargs > RUNNER_ARGS_MAX ||
		    q->nalways > RUNNER_ARGS_MAX || q->nenv > 15 ||
		    config_runner(c, q->name) == NULL)
			abort();
		for (unsigned k = 0; k < q->nopts; k++)
			if (q->opts[k].name == NULL ||
			    q->opts[k].nvalues > OPT_VALUES_MAX ||
			    (q->opts[k].type == OPT_INT &&
			    q->opts[k].min > q->opts[k].max))
				abort();
	}
	json_object_array_add(urls, json_object_new_string("https://x/y"));
	argv[0] = NULL;
	argc = runner_argv(r, urls, NULL, "/srv/d/u", "/srv/s/t", argv,
	    ARGV_MAX);
	/* Too many words for ARGV_MAX is a refusal, never an overflow. */
	if (argc >= 0) {
		if (argc >= ARGV_MAX || argv[argc] != NULL ||
		    strcmp(argv[argc - 1], "https://x/y") != 0)
			abort();
		runner_command(argv, cmd, sizeof(cmd));
	}
	runner_argv_free(argv);
	json_object_put(urls);
	runner_read_line(r, "[download]  42.5% [URL 3/7] [Track 12] CRITICAL "
	    "Finished with 2 errors", &lf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *c = malloc(sizeof(*c));
	char err[512];
	int fd;

	if (c == NULL)
		abort();
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    (size > 0 && write(fd, data, size) != (ssize_t)size) ||
	    close(fd) == -1)
		abort();
	err[0] = '\0';
	if (config_load(c, path, err, sizeof(err)) == 0)
		check_loaded(c);
	else if (err[0] == '\0' || memchr(err, '\0', sizeof(err)) == NULL)
		abort();	/* a refusal always says why */
	config_release(c);
	free(c);
	return 0;
}
