/* fuzz_route.c: libFuzzer target: a request's identity, method, path and
 * query through req_init, req_query and route_dispatch (fcgi/req.c,
 * fcgi/route.c, and the handlers' query parsing), checked against a
 * route table and a query decoder written here.
 * Input: one byte choosing the identity (bits 0-1: none, a user, an
 * admin, a bad token; bit 2: the Authorization header is the input's
 * fourth field), then "METHOD\nPATH\nQUERY\nAUTHORIZATION". */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "fcgi/app.h"
#include "fcgi/route.h"
#include "shared/db.h"
#include "shared/token.h"
#include "tests/unit/fakefcgi.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fake_fcgi F;
static struct app A;

static const char *const tokens[] = { NULL, "jm_alice", "jm_root", "jm_x" };

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256], hex[TOKEN_HEX_LEN + 1], sql[512];

	(void)argc;
	(void)argv;
	snprintf(A.cfg.instance, sizeof(A.cfg.instance), "fzroute%d",
	    (int)getpid());
	snprintf(A.cfg.state_dir, sizeof(A.cfg.state_dir), "/nonexistent/fz");
	settings_defaults(&A.cfg.initial);
	client_init(&A.jobd, &A.cfg);
	if ((A.db = db_open(":memory:", true, err, sizeof(err))) == NULL)
		abort();
	token_hash("jm_alice", 8, hex);
	snprintf(sql, sizeof(sql), "INSERT INTO users VALUES ('alice', 'user', "
	    "0, 0); INSERT INTO tokens VALUES ('%s', 'alice', 0);", hex);
	if (sqlite3_exec(A.db, sql, NULL, NULL, NULL) != SQLITE_OK)
		abort();
	token_hash("jm_root", 7, hex);
	snprintf(sql, sizeof(sql), "INSERT INTO users VALUES ('root', 'admin', "
	    "0, 0); INSERT INTO tokens VALUES ('%s', 'root', 0);", hex);
	if (sqlite3_exec(A.db, sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(A.db, "INSERT INTO jobs (id, user_id, runner, urls, "
	    "options, command, status, created_at, finished_at) VALUES "
	    "('0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', 'alice', 'votify', "
	    "'[\"u\"]', '{}', 'votify u', 'completed', 1, 2)", NULL, NULL,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(A.db, "SELECT u.name, u.role FROM tokens t JOIN "
	    "users u ON u.name = t.user_name WHERE t.hash = ? AND "
	    "u.disabled = 0", -1, &A.auth_stmt, NULL) != SQLITE_OK)
		abort();
	return 0;
}

/* The routes, written apart from route.c, matched segment by segment. */
static const struct { const char *method, *segs[6]; } table[] = {
	{ "GET", { "api", "health" } },
	{ "GET", { "api", "metrics" } },
	{ "GET", { "api", "jobs" } },
	{ "POST", { "api", "jobs" } },
	{ "GET", { "api", "jobs", "*" } },
	{ "DELETE", { "api", "jobs", "*" } },
	{ "POST", { "api", "jobs", "*", "cancel" } },
	{ "POST", { "api", "jobs", "*", "retry" } },
	{ "GET", { "api", "admin", "users", "*", "jobs" } },
	{ "GET", { "api", "admin", "settings" } },
	{ "PUT", { "api", "admin", "settings" } },
};

static int
shape_matches(const char *const *segs, const char *path)
{
	size_t i = 0;

	if (*path++ != '/')
		return 0;
	for (;; i++) {
		size_t n = strcspn(path, "/");

		if (segs[i] == NULL || n == 0)
			return 0;
		if (strcmp(segs[i], "*") != 0 && (strlen(segs[i]) != n ||
		    memcmp(segs[i], path, n) != 0))
			return 0;
		path += n;
		if (*path == '\0')
			return segs[i + 1] == NULL;
		path++;
	}
}

/* ref_query: query decoding as documented in req.h, written apart. */
static int
ref_query(const char *q, const char *name, char *out, size_t size)
{
	if (strlen(q) > QUERY_MAX)
		return -1;
	for (const char *p = q;;) {
		const char *amp = strchr(p, '&');
		size_t seg = amp ? (size_t)(amp - p) : strlen(p);
		const char *eq = memchr(p, '=', seg);
		size_t klen = eq ? (size_t)(eq - p) : seg, o = 0;

		if (klen == strlen(name) && memcmp(p, name, klen) == 0) {
			for (const char *v = eq ? eq + 1 : p + seg; v < p + seg;
			    v++) {
				unsigned x = (unsigned char)*v;

				if (x == '%') {
					if (p + seg - v < 3 ||
					    !isxdigit(v[1]) || !isxdigit(v[2]))
						return -1;
					sscanf(v + 1, "%2x", &x);
					v += 2;
				} else if (x == '+')
					x = ' ';
				if (x == 0 || o + 1 >= size)
					return -1;
				out[o++] = (char)x;
			}
			out[o] = '\0';
			return 1;
		}
		if (amp == NULL)
			return 0;
		p = amp + 1;
	}
}

static void
check_query(struct req *r, const char *name)
{
	static const size_t sizes[] = { 1, 2, 8, 32, 256, QUERY_MAX + 1 };
	static char got[QUERY_MAX + 2], want[QUERY_MAX + 2];

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		int a, b;

		memset(got, 0x55, sizeof(got));
		a = req_query(r, name, got, sizes[i]);
		b = ref_query(r->query, name, want, sizes[i]);
		if (a != b || (a == 1 && strcmp(got, want) != 0) ||
		    (unsigned char)got[sizes[i]] != 0x55) {
			fprintf(stderr, "req_query('%s', '%s', %zu) = %d '%s', "
			    "want %d '%s'\n", r->query, name, sizes[i], a,
			    a == 1 ? got : "", b, b == 1 ? want : "");
			abort();
		}
	}
}

/* field: the next '\n'-ended field of data, as a C string (stops at a
 * NUL: FastCGI params are C strings to libfcgi). */
static char *
field(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
	size_t n = nl ? (size_t)(nl - *p) : (size_t)(end - *p);
	char *s = strndup((const char *)*p, n);

	*p = nl ? nl + 1 : end;
	if (s == NULL)
		abort();
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data + (size > 0), *end = data + size;
	const char *tok = size ? tokens[data[0] & 3] : NULL;
	char *method = field(&p, end), *path = field(&p, end);
	char *query = field(&p, end), *rawauth = field(&p, end), auth[32];
	char allow[128] = "", key[40];
	size_t used = 0;
	bool shaped = false, hit = false;
	struct req r;
	int st;

	fake_reset(&F, NULL, 0);
	fake_param(&F, "REQUEST_METHOD", method);
	fake_param(&F, "DOCUMENT_URI", path);
	fake_param(&F, "QUERY_STRING", query);
	if (size > 0 && (data[0] & 4)) {
		fake_param(&F, "HTTP_AUTHORIZATION", rawauth);
		tok = "?";	/* whoever that is */
	} else if (tok != NULL) {
		snprintf(auth, sizeof(auth), "Bearer %s", tok);
		fake_param(&F, "HTTP_AUTHORIZATION", auth);
	}
	if (req_init(&r, &F.fr) == -1) {
		if (strcspn(path, "?") <= PATH_MAX_API)
			abort();
		goto out;
	}
	/* Decoding, for the names the handlers ask and the query's first. */
	snprintf(key, sizeof(key), "%.*s", (int)strcspn(query, "=&"), query);
	check_query(&r, "since");
	check_query(&r, "limit");
	check_query(&r, "status");
	check_query(&r, "cursor");
	if (key[0] != '\0')
		check_query(&r, key);
	/* Routing: 404 for no shape, 405 with every method of the shape,
	 * else past the route (the handler, or 401/403). */
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (!shape_matches(table[i].segs, r.path))
			continue;
		shaped = true;
		if (strcmp(table[i].method, r.method) == 0) {
			hit = true;
			break;
		}
		used += (size_t)snprintf(allow + used, sizeof(allow) - used,
		    "%s%s", used ? ", " : "", table[i].method);
	}
	route_dispatch(&A, &r);
	st = fake_status(&F);
	if (!r.responded || st == 0 || strstr(fake_answer(&F), "\r\n\r\n") ==
	    NULL)
		abort();
	if (!shaped && (st != 404 || !strstr(fake_body(&F), "No such path.")))
		abort();
	if (shaped && !hit) {
		char want[160];

		snprintf(want, sizeof(want), "Allow: %s", allow);
		if (st != 405 || !fake_header(&F, want))
			abort();
	}
	if (hit && (st == 405 || strstr(fake_body(&F), "No such path.")))
		abort();
	/* Past the route: identity, then role, for all but two. */
	if (hit && strcmp(tok ? tok : "", "?") != 0 &&
	    strcmp(r.path, "/api/health") != 0 &&
	    strcmp(r.path, "/api/metrics") != 0) {
		bool admin_route = strncmp(r.path, "/api/admin/", 11) == 0;

		if ((tok == NULL || tok == tokens[3]) != (st == 401))
			abort();
		if (tok == tokens[1] && admin_route && st != 403)
			abort();
		if (tok == tokens[2] && st == 403)
			abort();
	}
out:
	free(method);
	free(path);
	free(query);
	free(rawauth);
	return 0;
}
