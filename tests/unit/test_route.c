/* test_route.c: route matching and the order of checks (404, 405 with
 * Allow, 401, 403, then the handler) through route_dispatch, with an
 * in-memory database of users, tokens and one job, and no jobd. */
#include <stdlib.h>
#include <unistd.h>

#include "fcgi/app.h"
#include "fcgi/route.h"
#include "shared/db.h"
#include "shared/token.h"
#include "fakefcgi.h"
#include "test.h"

#define JOB	"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
#define JOB_UC	"0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D"
#define TOK_ALICE	"jm_alice"
#define TOK_ROOT	"jm_root"
#define TOK_BOB		"jm_bob"	/* a disabled user's */

static struct fake_fcgi F;
static struct app A;
static struct req R;

static void
setup(void)
{
	static const struct { const char *name, *role, *tok; int off; } u[] = {
		{ "alice", "user", TOK_ALICE, 0 },
		{ "root", "admin", TOK_ROOT, 0 },
		{ "bob", "user", TOK_BOB, 1 },
	};
	char err[256], sql[512], hex[TOKEN_HEX_LEN + 1];

	/* No jobd: its state_dir does not exist. */
	snprintf(A.cfg.instance, sizeof(A.cfg.instance), "troute%d",
	    (int)getpid());
	snprintf(A.cfg.state_dir, sizeof(A.cfg.state_dir),
	    "/nonexistent/test_route");
	settings_defaults(&A.cfg.initial);
	client_init(&A.jobd, &A.cfg);
	A.db = db_open(":memory:", true, err, sizeof(err));
	T_CHECK(A.db != NULL);
	for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
		token_hash(u[i].tok, strlen(u[i].tok), hex);
		snprintf(sql, sizeof(sql), "INSERT INTO users VALUES ('%s', "
		    "'%s', %d, 0); INSERT INTO tokens VALUES ('%s', '%s', 0);",
		    u[i].name, u[i].role, u[i].off, hex, u[i].name);
		T_CHECK(sqlite3_exec(A.db, sql, NULL, NULL, NULL) == SQLITE_OK);
	}
	T_CHECK(sqlite3_exec(A.db, "INSERT INTO jobs (id, user_id, runner, "
	    "urls, options, command, status, created_at, finished_at) VALUES "
	    "('" JOB "', 'alice', 'votify', '[\"u\"]', '{}', 'votify u', "
	    "'completed', 1, 2)", NULL, NULL, NULL) == SQLITE_OK);
	/* The statement main.c prepares. */
	T_CHECK(sqlite3_prepare_v2(A.db, "SELECT u.name, u.role FROM tokens t "
	    "JOIN users u ON u.name = t.user_name WHERE t.hash = ? AND "
	    "u.disabled = 0", -1, &A.auth_stmt, NULL) == SQLITE_OK);
}

/* call: dispatch method path?query with token (NULL: none) and body;
 * the status answered (-1 when req_init refused the path). */
static int
call_body(const char *method, const char *uri, const char *token,
    const char *body)
{
	char auth[64];
	const char *qs = strchr(uri, '?');

	fake_reset(&F, body, body ? strlen(body) : 0);
	fake_param(&F, "REQUEST_METHOD", method);
	fake_param(&F, "DOCUMENT_URI", uri);
	fake_param(&F, "QUERY_STRING", qs ? qs + 1 : "");
	if (token != NULL) {
		snprintf(auth, sizeof(auth), "Bearer %s", token);
		fake_param(&F, "HTTP_AUTHORIZATION", auth);
	}
	if (body != NULL) {
		char cl[24];

		snprintf(cl, sizeof(cl), "%zu", strlen(body));
		fake_param(&F, "CONTENT_LENGTH", cl);
		fake_param(&F, "CONTENT_TYPE", "application/json");
	}
	if (req_init(&R, &F.fr) == -1)
		return -1;
	route_dispatch(&A, &R);
	/* Exactly one answer, whatever the path. */
	T_CHECK(R.responded && fake_status(&F) != 0);
	return fake_status(&F);
}

static int
call(const char *method, const char *uri, const char *token)
{
	return call_body(method, uri, token, NULL);
}

static bool
says(const char *s)
{
	return strstr(fake_body(&F), s) != NULL;
}

/* nopath: uri is no route's: 404 "No such path." for any method, any
 * identity. */
static bool
nopath(const char *method, const char *uri)
{
	return call(method, uri, TOK_ROOT) == 404 && says("No such path.");
}

static void
test_every_route(void)
{
	/* No identity needed: the handler runs (jobd is down). */
	T_CHECK(call("GET", "/api/health", NULL) == 503);
	T_CHECK(says("\"status\":\"down\""));
	T_CHECK(call("GET", "/api/metrics", NULL) == 200);
	T_CHECK(fake_header(&F, "Content-Type: text/plain; version=0.0.4; "
	    "charset=utf-8"));
	T_CHECK(says("jobs_up 0"));
	/* Every other route wants an identity first. */
	T_CHECK(call("GET", "/api/jobs", NULL) == 401);
	T_CHECK(fake_header(&F, "WWW-Authenticate: Bearer"));
	T_CHECK(call("POST", "/api/jobs", NULL) == 401);
	T_CHECK(call("GET", "/api/jobs/" JOB, NULL) == 401);
	T_CHECK(call("DELETE", "/api/jobs/" JOB, NULL) == 401);
	T_CHECK(call("POST", "/api/jobs/" JOB "/cancel", NULL) == 401);
	T_CHECK(call("POST", "/api/jobs/" JOB "/retry", NULL) == 401);
	T_CHECK(call("GET", "/api/admin/users/alice/jobs", NULL) == 401);
	T_CHECK(call("GET", "/api/admin/settings", NULL) == 401);
	T_CHECK(call("PUT", "/api/admin/settings", NULL) == 401);
	/* With one, each reaches its handler. */
	T_CHECK(call("GET", "/api/jobs", TOK_ALICE) == 200);
	T_CHECK(says("\"id\":\"" JOB "\""));
	T_CHECK(call_body("POST", "/api/jobs", TOK_ALICE, "{\"x\": 1}") == 400);
	T_CHECK(says("Unknown field 'x'"));
	T_CHECK(call("GET", "/api/jobs/" JOB, TOK_ALICE) == 200);
	T_STREQ(R.args[0], JOB);
	T_CHECK(call("DELETE", "/api/jobs/" JOB, TOK_ALICE) == 503);
	T_STREQ(R.args[0], JOB);
	T_CHECK(call("POST", "/api/jobs/" JOB "/cancel", TOK_ALICE) == 503);
	T_STREQ(R.args[0], JOB);
	T_CHECK(call("POST", "/api/jobs/" JOB "/retry", TOK_ALICE) == 503);
	T_STREQ(R.args[0], JOB);
	T_CHECK(call("GET", "/api/admin/users/alice/jobs", TOK_ROOT) == 200);
	T_STREQ(R.args[0], "alice");
	T_CHECK(says("\"id\":\"" JOB "\""));
	T_CHECK(call("GET", "/api/admin/settings", TOK_ROOT) == 200);
	T_CHECK(says("\"max_concurrent_jobs\""));
	T_CHECK(call_body("PUT", "/api/admin/settings", TOK_ROOT,
	    "{\"max_concurrent_jobs\": 3}") == 503);
	/* The owner is the token's user: another's job is not found. */
	T_CHECK(call("GET", "/api/jobs/" JOB, TOK_ROOT) == 404);
	T_CHECK(says("No job with that id."));
}

static void
test_ids(void)
{
	static const char *const ids[] = {
		"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4",	/* short */
		"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4dd",	/* long */
		"0a1b2c3d4e5f4a6b8c7d9e0f1a2b3c4d",	/* no dashes */
		"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4g",	/* not hex */
		"x", "..", ".", "%2e%2e", "a b", "\xc3\xa9", "\xff", "-",
		"{" JOB "}", "123",
	};

	/* Any non-empty segment is an id to the route; its handler then
	 * finds no such job (404 in its own words, not "No such path."). */
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		char uri[128];

		snprintf(uri, sizeof(uri), "/api/jobs/%s", ids[i]);
		T_CHECK(call("GET", uri, TOK_ALICE) == 404);
		T_CHECK(says("No job with that id."));
		T_STREQ(R.args[0], ids[i]);
		snprintf(uri, sizeof(uri), "/api/jobs/%s/cancel", ids[i]);
		T_CHECK(call("POST", uri, TOK_ALICE) == 404);
		T_CHECK(says("No job with that id."));
	}
	/* Either case of a real id is that job. */
	T_CHECK(call("GET", "/api/jobs/" JOB_UC, TOK_ALICE) == 200);
	T_STREQ(R.args[0], JOB_UC);
	/* An admin's user segment is checked by its handler. */
	T_CHECK(call("GET", "/api/admin/users/..x/jobs", TOK_ROOT) == 404);
	T_CHECK(says("No such user."));
}

static void
test_no_such_path(void)
{
	char uri[PATH_MAX_API + 2];

	T_CHECK(nopath("GET", "/"));
	T_CHECK(nopath("GET", "/api"));
	T_CHECK(nopath("GET", "/api/"));
	T_CHECK(nopath("GET", ""));
	T_CHECK(nopath("GET", "api/jobs"));
	/* Trailing slashes. */
	T_CHECK(nopath("GET", "/api/jobs/"));
	T_CHECK(nopath("GET", "/api/health/"));
	T_CHECK(nopath("GET", "/api/jobs/" JOB "/"));
	T_CHECK(nopath("POST", "/api/jobs/" JOB "/cancel/"));
	T_CHECK(nopath("GET", "/api/admin/settings/"));
	/* Empty segments and double slashes. */
	T_CHECK(nopath("GET", "//api/jobs"));
	T_CHECK(nopath("GET", "/api//jobs"));
	T_CHECK(nopath("GET", "/api/jobs//" JOB));
	T_CHECK(nopath("POST", "/api/jobs//cancel"));
	T_CHECK(nopath("POST", "/api/jobs/" JOB "//cancel"));
	T_CHECK(nopath("GET", "/api/admin/users//jobs"));
	/* More or other segments, other case. */
	T_CHECK(nopath("GET", "/api/jobs/" JOB "/x"));
	T_CHECK(nopath("POST", "/api/jobs/" JOB "/cancelx"));
	T_CHECK(nopath("POST", "/api/jobs/" JOB "/CANCEL"));
	T_CHECK(nopath("GET", "/api/jobs/a/b/c"));
	T_CHECK(nopath("GET", "/API/jobs"));
	T_CHECK(nopath("GET", "/api/healthz"));
	T_CHECK(nopath("GET", "/api/health/x"));
	T_CHECK(nopath("GET", "/api/admin/users/alice"));
	T_CHECK(nopath("GET", "/api/admin/users/alice/jobs/x"));
	T_CHECK(nopath("GET", "/api/metrics.txt"));
	/* A path of PATH_MAX_API bytes is matched like any; one byte more is
	 * refused by req_init (main.c answers it 404). */
	memset(uri, 'a', sizeof(uri));
	memcpy(uri, "/api/jobs/", 10);
	uri[PATH_MAX_API] = '\0';
	T_CHECK(call("GET", uri, NULL) == 401);
	T_CHECK(strlen(R.args[0]) == PATH_MAX_API - 10);
	T_CHECK(call("GET", uri, TOK_ALICE) == 404);
	T_CHECK(says("No job with that id."));
	uri[PATH_MAX_API] = 'a';
	uri[PATH_MAX_API + 1] = '\0';
	T_CHECK(call("GET", uri, NULL) == -1);
}

static void
test_order(void)
{
	/* 404 comes first: an unknown path with an unknown method and no
	 * identity. */
	T_CHECK(call("BREW", "/nope", NULL) == 404);
	/* 405 with Allow comes before identity. */
	T_CHECK(call("HEAD", "/api/health", NULL) == 405);
	T_CHECK(fake_header(&F, "Allow: GET"));
	T_CHECK(call("PATCH", "/api/jobs", NULL) == 405);
	T_CHECK(fake_header(&F, "Allow: GET, POST"));
	T_CHECK(call("POST", "/api/jobs/" JOB, NULL) == 405);
	T_CHECK(fake_header(&F, "Allow: GET, DELETE"));
	T_CHECK(call("GET", "/api/jobs/" JOB "/cancel", NULL) == 405);
	T_CHECK(fake_header(&F, "Allow: POST"));
	T_CHECK(call("DELETE", "/api/jobs/" JOB "/retry", TOK_ALICE) == 405);
	T_CHECK(fake_header(&F, "Allow: POST"));
	T_CHECK(call("DELETE", "/api/admin/settings", NULL) == 405);
	T_CHECK(fake_header(&F, "Allow: GET, PUT"));
	T_CHECK(call("POST", "/api/admin/users/x/jobs", TOK_ALICE) == 405);
	T_CHECK(fake_header(&F, "Allow: GET"));
	T_CHECK(call("POST", "/api/metrics", NULL) == 405);
	/* Methods are case-sensitive. */
	T_CHECK(call("get", "/api/health", NULL) == 405);
	T_CHECK(call("", "/api/health", NULL) == 405);
	/* Then identity (401), then role (403). */
	T_CHECK(call("GET", "/api/admin/settings", NULL) == 401);
	T_CHECK(call("GET", "/api/admin/settings", "jm_nobody") == 401);
	T_CHECK(call("GET", "/api/admin/settings", TOK_BOB) == 401);
	T_CHECK(call("GET", "/api/admin/settings", TOK_ALICE) == 403);
	T_CHECK(call("PUT", "/api/admin/settings", TOK_ALICE) == 403);
	T_CHECK(call("GET", "/api/admin/users/alice/jobs", TOK_ALICE) == 403);
	T_CHECK(call("GET", "/api/jobs", TOK_BOB) == 401);
	/* The handler's own checks come last: a bad query is 400 only for
	 * someone allowed to ask. */
	T_CHECK(call("GET", "/api/jobs?limit=0", NULL) == 401);
	T_CHECK(call("GET", "/api/jobs?limit=0", TOK_ALICE) == 400);
	T_CHECK(call("GET", "/api/jobs?limit=%31%30", TOK_ALICE) == 200);
	T_CHECK(call("GET", "/api/jobs?limit=1000", TOK_ALICE) == 200);
	T_CHECK(call("GET", "/api/jobs?limit=1001", TOK_ALICE) == 400);
	T_CHECK(call("GET", "/api/jobs?status=completed,failed", TOK_ALICE)
	    == 200);
	T_CHECK(says("\"id\":\"" JOB "\""));
	T_CHECK(call("GET", "/api/jobs?status=running", TOK_ALICE) == 200);
	T_CHECK(!says(JOB));
	T_CHECK(call("GET", "/api/jobs?status=completed,", TOK_ALICE) == 400);
	T_CHECK(call("GET", "/api/jobs?status=bogus", TOK_ALICE) == 400);
	T_CHECK(call("GET", "/api/jobs?cursor=%zz", TOK_ALICE) == 400);
	T_CHECK(call("GET", "/api/jobs/" JOB "?since=%", TOK_ALICE) == 400);
	T_CHECK(call("GET", "/api/jobs/" JOB "?since=0", TOK_ALICE) == 200);
}

int
main(void)
{
	setup();
	test_every_route();
	test_ids();
	test_no_such_path();
	test_order();
	fake_free(&F);
	client_release(&A.jobd);
	sqlite3_finalize(A.auth_stmt);
	sqlite3_close(A.db);
	return t_done("test_route");
}
