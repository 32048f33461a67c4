/* test_runner.c: runner rules from an INI file: URL and option checks,
 * the argument vector, the display command, and line facts. */
#include <stdlib.h>
#include <unistd.h>

#include "shared/config.h"
#include "test.h"

static const char conf[] =
	"[jobd]\ninstance = t\nstate_dir = /tmp/s\ndownload_dir = /tmp/d\n"
	"[runner votify]\nexecutable = /usr/bin/votify\n"
	"arg = --cookies-path\narg = /etc/c.txt\n"
	"always = --no-config-file\noutput_flag = --output\ntemp_flag = --temp\n"
	"url_regex = ^https://open\\.spotify\\.com/(intl-[a-z]{2}/)?(album|track|artist)/[A-Za-z0-9]{22}([?][^[:space:]]*)?$\n"
	"fail_regex = CRITICAL\nerrors_regex = Finished with ([0-9]+) error\n"
	"url_progress_regex = \\[URL ([0-9]+)/([0-9]+)\\]\n"
	"track_regex = \\[Track ([0-9]+)\n"
	"percent_regex = \\[download\\] +([0-9]+(\\.[0-9]+)?)%\n"
	"[option votify audio_quality]\ntype = list\nflag = --audio-quality\n"
	"value = aac-medium\nvalue = aac-high\n"
	"[option votify cover_size]\ntype = enum\nflag = --cover-size\nvalue = small\n"
	"[option votify prefer_video]\ntype = bool\nflag = --prefer-video\n"
	"[option votify truncate]\ntype = int\nflag = --truncate\nmin = 4\nmax = 1000\n"
	"[option votify exclude_tags]\ntype = tags\nflag = --exclude-tags\n"
	"[option votify auto_media_option]\ntype = enum\nflag = --auto-media-option\n"
	"value = artist-albums\ndefault = artist-albums\n"
	"[option votify output]\ntype = subdir\n";

static const struct runner *
load(struct config *c)
{
	char path[] = "/tmp/test_runner_XXXXXX", err[256];
	int fd = mkstemp(path);

	(void)!write(fd, conf, sizeof(conf) - 1);
	close(fd);
	T_CHECK(config_load(c, path, err, sizeof(err)) == 0);
	unlink(path);
	return config_runner(c, NULL);
}

typedef int (*check_fn)(const struct runner *, json_object *, char *, size_t);

/* check: run a runner check on a JSON text. */
static int
check(check_fn fn, const struct runner *r, const char *json)
{
	json_object *o = json_tokener_parse(json);
	char err[256];
	int rc = fn(r, o, err, sizeof(err));

	json_object_put(o);
	return rc;
}

#define check_opts(r, j)	check(runner_check_options, r, j)
#define check_urls(r, j)	check(runner_check_urls, r, j)

static void
test_checks(const struct runner *r)
{
	T_CHECK(check_urls(r, "[\"https://open.spotify.com/album/1DFixLWuPkv3KT3TnV35m3\"]") == 0);
	T_CHECK(check_urls(r, "[\"https://open.spotify.com/intl-de/track/1DFixLWuPkv3KT3TnV35m3?si=x\"]") == 0);
	T_CHECK(check_urls(r, "[]") == -1);
	T_CHECK(check_urls(r, "\"https://open.spotify.com/album/1DFixLWuPkv3KT3TnV35m3\"") == -1);
	T_CHECK(check_urls(r, "[1]") == -1);
	T_CHECK(check_urls(r, "[\"--output=/etc\"]") == -1);
	T_CHECK(check_urls(r, "[\"https://open.spotify.com/album/short\"]") == -1);
	T_CHECK(check_urls(r, "[\"https://evil.example/album/1DFixLWuPkv3KT3TnV35m3\"]") == -1);
	T_CHECK(check_opts(r, "{}") == 0);
	T_CHECK(check_opts(r, "{\"audio_quality\":\"aac-medium,aac-high\"}") == 0);
	T_CHECK(check_opts(r, "{\"audio_quality\":[\"aac-high\"]}") == 0);
	T_CHECK(check_opts(r, "{\"audio_quality\":\"flac-flac\"}") == -1);
	T_CHECK(check_opts(r, "{\"audio_quality\":\"\"}") == -1);
	T_CHECK(check_opts(r, "{\"cover_size\":\"huge\"}") == -1);
	T_CHECK(check_opts(r, "{\"prefer_video\":\"yes\"}") == -1);
	T_CHECK(check_opts(r, "{\"truncate\":3}") == -1);
	T_CHECK(check_opts(r, "{\"truncate\":1000}") == 0);
	T_CHECK(check_opts(r, "{\"truncate\":4.5}") == -1);
	T_CHECK(check_opts(r, "{\"exclude_tags\":[\"lyrics\",\"cover\"]}") == 0);
	T_CHECK(check_opts(r, "{\"exclude_tags\":[\"a b\"]}") == -1);
	/* No value that could pass for a flag. */
	T_CHECK(check_opts(r, "{\"exclude_tags\":\"--overwrite\"}") == -1);
	T_CHECK(check_opts(r, "{\"exclude_tags\":[\"lyrics\",\"-x\"]}") == -1);
	T_CHECK(check_opts(r, "{\"output\":\"../x\"}") == -1);
	T_CHECK(check_opts(r, "{\"output\":\"ok/sub\"}") == 0);
	T_CHECK(check_opts(r, "{\"unknown\":1}") == -1);
	T_CHECK(check_opts(r, "[]") == -1);
}

static void
test_argv(const struct runner *r)
{
	json_object *urls = json_tokener_parse(
	    "[\"https://open.spotify.com/album/1DFixLWuPkv3KT3TnV35m3?a=1&b='\"]");
	json_object *opts = json_tokener_parse("{\"output\":\"my music\","
	    "\"audio_quality\":[\"aac-high\",\"aac-medium\"],\"prefer_video\":true,"
	    "\"truncate\":40}");
	char *argv[ARGV_MAX], cmd[4096];
	int argc = runner_argv(r, urls, opts, "/dl/alice", "/tmp/j1", argv,
	    ARGV_MAX);

	T_CHECK(argc == 17);
	if (argc == 17) {
		T_STREQ(argv[0], "/usr/bin/votify");
		T_STREQ(argv[1], "--cookies-path");
		T_STREQ(argv[3], "--no-config-file");
		T_STREQ(argv[5], "/dl/alice/my music");
		T_STREQ(argv[7], "/tmp/j1");
		T_STREQ(argv[9], "aac-high,aac-medium");
		T_STREQ(argv[15], "--");
		T_STREQ(argv[14], "artist-albums");
		T_CHECK(argv[17] == NULL);
	}
	T_CHECK(runner_command(argv, cmd, sizeof(cmd)) == 0);
	T_CHECK(strstr(cmd, "--output '/dl/alice/my music'") != NULL);
	T_CHECK(strstr(cmd, "?a=1&b='\\''") != NULL);
	T_CHECK(runner_command(argv, cmd, 20) == -1);
	runner_argv_free(argv);
	json_object_put(urls);
	json_object_put(opts);
}

static void
test_facts(const struct runner *r)
{
	struct line_facts f;

	runner_read_line(r, "[INFO] [URL 2/5] Processing", &f);
	T_CHECK(f.progress.known == (PROGRESS_URL | PROGRESS_URLS) &&
	    f.progress.url == 2 && f.progress.urls == 5 && !f.failure);
	runner_read_line(r, "[INFO] [Track 7] Downloading", &f);
	T_CHECK(f.progress.known == PROGRESS_TRACK && f.progress.track == 7);
	runner_read_line(r, "[download]  42.5% of 3MiB", &f);
	T_CHECK((f.progress.known & PROGRESS_PERCENT) && f.progress.percent == 42.5);
	runner_read_line(r, "[CRITICAL 12:00] cookies", &f);
	T_CHECK(f.failure);
	runner_read_line(r, "[INFO] Finished with 3 error(s)", &f);
	T_CHECK(f.errors == 3);
	runner_read_line(r, "[INFO] nothing here", &f);
	T_CHECK(f.errors == -1 && f.progress.known == 0 && !f.failure);
}

int
main(void)
{
	static struct config c;
	const struct runner *r = load(&c);

	T_CHECK(r != NULL);
	if (r != NULL) {
		test_checks(r);
		test_argv(r);
		test_facts(r);
	}
	config_release(&c);
	return t_done("test_runner");
}
