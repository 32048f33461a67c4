/* fuzz_create.c: libFuzzer target: a create body as the responder takes
 * it (api_jobs_create: req_body_json, strict JSON by shared/jsonin.c,
 * runner_check_urls/options) and, when it is accepted, as jobd then
 * takes it (the command packed and unpacked, the texts parsed again,
 * checked again, runner_argv and runner_command).  Whatever the
 * responder accepts, jobd must accept and turn into an argv whose words
 * after "--" are the urls.  The configuration is scripts/jobs.ini.in
 * with its @...@ filled, plus a runner with an option of every type. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "fcgi/api.h"
#include "shared/jsonin.h"
#include "shared/mqmsg.h"
#include "tests/unit/fakefcgi.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fake_fcgi F;
static struct app A;

static const char *const fill[][2] = {
	{ "@INSTANCE@", "fuzz" },
	{ "@STATE_DIR@", "/nonexistent/fuzz-state" },
	{ "@DOWNLOAD_DIR@", "/nonexistent/fuzz-downloads" },
	{ "@SOCKET@", "/nonexistent/fuzz.sock" },
	{ "@VOTIFY@", "/usr/bin/votify" },
};

static const char more[] =
	"\n[runner other]\nexecutable = /bin/echo\narg = --fixed\n"
	"env = A=b\n"
	"[option other n]\ntype = int\nflag = -n\nmin = 0\nmax = 99\n"
	"default = 7\n"
	"[option other b]\ntype = bool\nflag = --b\ndefault = true\n"
	"[option other e]\ntype = enum\nflag = --e\nvalue = x\nvalue = y\n"
	"[option other l]\ntype = list\nflag = --l\nvalue = a\nvalue = b\n"
	"value = c\n"
	"[option other t]\ntype = tags\nflag = --t\n"
	"[option other noflag]\ntype = tags\n"
	"[option other dir]\ntype = subdir\n";

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *in = getenv("JOBS_INI_IN");
	char path[64], err[512], *text, *at;
	size_t len;
	FILE *f;
	int fd;

	(void)argc;
	(void)argv;
	/* scripts/jobs.ini.in, the shipped template, filled. */
	if ((f = fopen(in ? in : "scripts/jobs.ini.in", "r")) == NULL) {
		fprintf(stderr, "fuzz_create: run from the source tree, or set "
		    "JOBS_INI_IN\n");
		abort();
	}
	text = calloc(1, 1 << 20);
	len = fread(text, 1, (1 << 20) - sizeof(more) - 256, f);
	fclose(f);
	for (size_t i = 0; i < sizeof(fill) / sizeof(fill[0]); i++)
		while ((at = strstr(text, fill[i][0])) != NULL) {
			size_t k = strlen(fill[i][0]), v = strlen(fill[i][1]);

			memmove(at + v, at + k, strlen(at + k) + 1);
			memcpy(at, fill[i][1], v);
		}
	strcat(text, more);
	len = strlen(text);
	snprintf(path, sizeof(path), "/tmp/fuzz_create.%d.ini", (int)getpid());
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    write(fd, text, len) != (ssize_t)len || close(fd) == -1 ||
	    config_load(&A.cfg, path, err, sizeof(err)) == -1) {
		fprintf(stderr, "fuzz_create: %s: %s\n", path, err);
		abort();
	}
	unlink(path);
	free(text);
	client_init(&A.jobd, &A.cfg);
	return 0;
}

/* jobd_side: what jobd does with the command (act.c act_check and
 * act_command): nothing of it may fail for a body the responder took. */
static void
jobd_side(const uint8_t *data, size_t size)
{
	static char packed[MSG_CMD_MAX], cmdline[SPEC_MAX];
	json_object *body, *urls, *opts = NULL, *rn = NULL, *u2, *o2;
	const struct runner *run;
	struct msg_cmd c = { .type = MSG_CMD_CREATE, .user = "alice" }, d;
	char err[256], *argv[ARGV_MAX];
	int n, argc, dash = -1;

	body = jsonin_parse((const char *)data, size, err, sizeof(err));
	if (body == NULL || !json_object_object_get_ex(body, "urls", &urls))
		abort();
	json_object_object_get_ex(body, "options", &opts);
	json_object_object_get_ex(body, "runner", &rn);
	run = config_runner(&A.cfg, rn ? json_object_get_string(rn) : NULL);
	if (run == NULL)
		abort();
	/* As api_jobs_create sends it. */
	c.runner = run->name;
	c.urls = json_object_to_json_string_ext(urls, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	c.options = opts ? json_object_to_json_string_ext(opts,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE) : "{}";
	snprintf(c.reply_to, sizeof(c.reply_to), "/jobs.fuzz.r0");
	if ((n = msg_cmd_pack(&c, packed, sizeof(packed))) < 0 ||
	    msg_cmd_unpack(&d, packed, (size_t)n) != 0 ||
	    strcmp(d.urls, c.urls) != 0 || strcmp(d.options, c.options) != 0)
		abort();
	/* As act_check reads it. */
	u2 = json_tokener_parse(d.urls);
	o2 = json_tokener_parse(d.options);
	if (o2 == NULL || runner_check_urls(run, u2, err, sizeof(err)) != 0 ||
	    runner_check_options(run, o2, err, sizeof(err)) != 0) {
		fprintf(stderr, "jobd refuses what the responder took: %s\n",
		    err);
		abort();
	}
	/* As act_command and job_launch build it. */
	argv[0] = NULL;
	argc = runner_argv(run, u2, o2, "/srv/jobs/alice", "/srv/tmp/job",
	    argv, ARGV_MAX);
	if (argc < 2 || strcmp(argv[0], run->exe) != 0 ||
	    runner_command(argv, cmdline, sizeof(cmdline)) != 0)
		abort();
	for (int i = 0; i < argc && dash == -1; i++)
		if (strcmp(argv[i], "--") == 0)
			dash = i;
	if (dash == -1 || (size_t)(argc - dash - 1) !=
	    json_object_array_length(u2))
		abort();
	for (int i = dash + 1; i < argc; i++) {
		json_object *u = json_object_array_get_idx(u2,
		    (size_t)(i - dash - 1));

		if (strcmp(argv[i], json_object_get_string(u)) != 0 ||
		    argv[i][0] == '-')
			abort();
	}
	runner_argv_free(argv);
	json_object_put(u2);
	json_object_put(o2);
	json_object_put(body);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char cl[24];
	struct req r;
	int st;

	fake_reset(&F, data, size);
	snprintf(cl, sizeof(cl), "%zu", size);
	fake_param(&F, "REQUEST_METHOD", "POST");
	fake_param(&F, "DOCUMENT_URI", "/api/jobs");
	fake_param(&F, "CONTENT_LENGTH", cl);
	fake_param(&F, "CONTENT_TYPE", "application/json");
	if (req_init(&r, &F.fr) != 0)
		abort();
	snprintf(r.user, sizeof(r.user), "alice");
	api_jobs_create(&A, &r);
	st = fake_status(&F);
	/* 400 for a bad body, 413 over BODY_MAX, else jobd is called, and
	 * is down (503). */
	if (!r.responded || (st != 400 && st != 413 && st != 503) ||
	    (st == 413) != (size > BODY_MAX))
		abort();
	if (st == 503)
		jobd_side(data, size);
	return 0;
}
