/* runner.h: a runner is a program plus the rules, all from configuration,
 * that turn a job's urls and options into its argument vector and that
 * read its output (doc/api.md "Runners and options").  No runner is special
 * in code: votify and yt-dlp differ only in their config sections. */
#ifndef RUNNER_H
#define RUNNER_H

#include <json-c/json.h>
#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "jobmodel.h"
#include "limits.h"

enum opt_type {
	OPT_BOOL,	/* true adds the flag, false adds nothing */
	OPT_ENUM,	/* one of values */
	OPT_LIST,	/* several of values, comma-joined into one argument */
	OPT_INT,	/* integer in min..max */
	OPT_TAGS,	/* several free names, comma-joined */
	OPT_SUBDIR,	/* a folder below the user's; joins the output flag */
};

struct runner_opt {
	char		*name;
	enum opt_type	 type;
	char		*flag;
	char		*values[OPT_VALUES_MAX];
	unsigned	 nvalues;
	long long	 min, max;
	char		*def;		/* passed when the user sets nothing */
};

struct runner {
	char		 name[RUNNER_NAME_MAX + 1];
	char		*exe;
	char		*args[RUNNER_ARGS_MAX];	 /* the admin's fixed flags */
	unsigned	 nargs;
	char		*always[RUNNER_ARGS_MAX]; /* flags jobd always passes */
	unsigned	 nalways;
	char		*env[ENV_LINES_MAX + 1];	 /* KEY=VALUE for the child */
	unsigned	 nenv;
	char		*output_flag;		 /* e.g. --output */
	char		*temp_flag;		 /* e.g. --temp */
	regex_t		 url_re, fail_re, errors_re;
	regex_t		 url_progress_re, track_re, percent_re;
	unsigned	 has;			 /* enum runner_has */
	struct runner_opt opts[RUNNER_OPTS_MAX];
	unsigned	 nopts;
	/* `launcher = NAME`: its jobs run through that launcher (config.h
	 * config_launcher); "" runs them here. */
	char		 launcher[RUNNER_NAME_MAX + 1];
};

enum runner_has {
	RUNNER_URL_RE = 1 << 0,
	RUNNER_FAIL_RE = 1 << 1,
	RUNNER_ERRORS_RE = 1 << 2,
	RUNNER_URLPROG_RE = 1 << 3,
	RUNNER_TRACK_RE = 1 << 4,
	RUNNER_PERCENT_RE = 1 << 5,
};

/* runner_check_urls: urls is a JSON array of 1..URLS_MAX strings the
 * runner accepts.  Returns 0, or -1 with a sentence in err. */
int runner_check_urls(const struct runner *r, json_object *urls,
    char *err, size_t errsz);

/* runner_check_options: options is a JSON object whose every key is one
 * of the runner's options with a value in its allowed set or range. */
int runner_check_options(const struct runner *r, json_object *options,
    char *err, size_t errsz);

/* runner_argv: build the argument vector for checked urls and options:
 * exe, admin flags, always flags, output and temp flags, user flags,
 * "--", urls.  out_dir is the user's download folder (the subdir option
 * is appended), temp_dir the job's own.  Strings are allocated into
 * argv; free with runner_argv_free.  Returns argc, or -1. */
int runner_argv(const struct runner *r, json_object *urls,
    json_object *options, const char *out_dir, const char *temp_dir,
    char **argv, size_t argv_max);
void runner_argv_free(char **argv);

/* runner_subdir: the subdir option's value in options, or NULL. */
const char *runner_subdir(const struct runner *r, json_object *options);

/* runner_command: argv shell-quoted for display into buf.  Returns 0, or
 * -1 when it does not fit. */
int runner_command(char *const *argv, char *buf, size_t size);

/* What a line of output says (doc/api.md "Outcome", "Progress"). */
struct line_facts {
	bool		failure;	/* a failure pattern matched */
	int		errors;		/* N of "Finished with N error(s)", or -1 */
	struct progress	progress;	/* fields set in progress.known */
};

/* runner_read_line: the facts in one output line (NUL-terminated). */
void runner_read_line(const struct runner *r, const char *line,
    struct line_facts *f);

#endif
