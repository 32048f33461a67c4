/* test_req.c: the responders' untrusted input: request params, query
 * decoding (req_query) and body reading (req_body_json), on an
 * FCGX_Request whose params and streams the test holds (fakefcgi.h). */
#include <stdarg.h>
#include <stdlib.h>

#include "fcgi/req.h"
#include "fakefcgi.h"
#include "test.h"

static struct fake_fcgi F;

/* start: a new request; params are name, value pairs ending in NULL. */
static void
start(struct req *r, const char *body, size_t len, ...)
{
	va_list ap;
	const char *n;

	fake_reset(&F, body, len);
	va_start(ap, len);
	while ((n = va_arg(ap, const char *)) != NULL)
		fake_param(&F, n, va_arg(ap, const char *));
	va_end(ap);
	T_CHECK(req_init(r, &F.fr) == 0);
}

/* q: req_query of name in query into a buffer of size; the value, or
 * "<absent>" / "<bad>". */
static const char *
q(const char *query, const char *name, size_t size)
{
	static char buf[QUERY_MAX + 8];
	struct req r;
	int rc;

	start(&r, NULL, 0, "QUERY_STRING", query, NULL);
	memset(buf, 'X', sizeof(buf));
	rc = req_query(&r, name, buf, size);
	if (rc == 0)
		return "<absent>";
	if (rc == -1)
		return "<bad>";
	/* Never a byte past the buffer, and always terminated in it. */
	T_CHECK(buf[size] == 'X' && memchr(buf, '\0', size) != NULL);
	return buf;
}

static void
test_init(void)
{
	char path[PATH_MAX_API + 2];
	struct req r;

	start(&r, NULL, 0, NULL);
	T_STREQ(r.method, "GET");
	T_STREQ(r.path, "/");
	T_STREQ(r.query, "");
	start(&r, NULL, 0, "REQUEST_METHOD", "DELETE", "SCRIPT_NAME",
	    "/api/jobs/x", NULL);
	T_STREQ(r.method, "DELETE");
	T_STREQ(r.path, "/api/jobs/x");
	/* DOCUMENT_URI wins; anything from a '?' on is not the path. */
	start(&r, NULL, 0, "SCRIPT_NAME", "/a", "DOCUMENT_URI",
	    "/api/jobs?since=1", "QUERY_STRING", "since=1", NULL);
	T_STREQ(r.path, "/api/jobs");
	T_STREQ(r.query, "since=1");
	/* PATH_MAX_API bytes is a path; one more is not. */
	memset(path, 'a', sizeof(path));
	path[0] = '/';
	path[PATH_MAX_API] = '\0';
	start(&r, NULL, 0, "DOCUMENT_URI", path, NULL);
	T_CHECK(strlen(r.path) == PATH_MAX_API);
	path[PATH_MAX_API] = 'a';
	path[PATH_MAX_API + 1] = '\0';
	fake_reset(&F, NULL, 0);
	fake_param(&F, "DOCUMENT_URI", path);
	T_CHECK(req_init(&r, &F.fr) == -1);
	/* ...unless the extra byte is the query's. */
	path[PATH_MAX_API] = '?';
	fake_reset(&F, NULL, 0);
	fake_param(&F, "DOCUMENT_URI", path);
	T_CHECK(req_init(&r, &F.fr) == 0);
}

static void
test_query(void)
{
	static char big[QUERY_MAX + 2];

	/* Plain, absent, empty. */
	T_STREQ(q("a=1&b=two", "a", 32), "1");
	T_STREQ(q("a=1&b=two", "b", 32), "two");
	T_STREQ(q("a=1&b=two", "c", 32), "<absent>");
	T_STREQ(q("", "a", 32), "<absent>");
	T_STREQ(q("a=&b=1", "a", 32), "");
	T_STREQ(q("a&b=1", "a", 32), "");
	T_STREQ(q("&&a=1&&", "a", 32), "1");
	T_STREQ(q("=1&a=2", "a", 32), "2");
	/* Percent-encoding, either case; '+' is a space, %2B a plus. */
	T_STREQ(q("q=%41%62%2f%2F", "q", 32), "Ab//");
	T_STREQ(q("q=a+b%20c", "q", 32), "a b c");
	T_STREQ(q("q=%2B", "q", 32), "+");
	T_STREQ(q("q=%26%3D", "q", 32), "&=");
	T_STREQ(q("q=%c3%a9", "q", 32), "\xc3\xa9");
	/* Bad escapes: not hex, short, trailing, or cut by '&'. */
	T_STREQ(q("q=%zz", "q", 32), "<bad>");
	T_STREQ(q("q=%g1", "q", 32), "<bad>");
	T_STREQ(q("q=%1g", "q", 32), "<bad>");
	T_STREQ(q("q=%4", "q", 32), "<bad>");
	T_STREQ(q("q=abc%", "q", 32), "<bad>");
	T_STREQ(q("q=%", "q", 32), "<bad>");
	T_STREQ(q("q=a%&b=1", "q", 32), "<bad>");
	T_STREQ(q("q=a%4&b=1", "q", 32), "<bad>");
	/* ...and they spoil only their own parameter. */
	T_STREQ(q("q=a%&b=1", "b", 32), "1");
	/* A NUL is never decoded into a value. */
	T_STREQ(q("q=a%00b", "q", 32), "<bad>");
	T_STREQ(q("q=%00", "q", 32), "<bad>");
	/* The first of repeated keys counts. */
	T_STREQ(q("a=1&a=2", "a", 32), "1");
	T_STREQ(q("a=&a=2", "a", 32), "");
	/* A key that is a prefix of another, or the other way round; keys
	 * are not decoded and are case-sensitive. */
	T_STREQ(q("sincex=5&since=3", "since", 32), "3");
	T_STREQ(q("since_x=1", "since", 32), "<absent>");
	T_STREQ(q("sinc=1", "since", 32), "<absent>");
	T_STREQ(q("since=1", "sinc", 32), "<absent>");
	T_STREQ(q("Since=1", "since", 32), "<absent>");
	T_STREQ(q("sin%63e=1", "since", 32), "<absent>");
	/* Values against the buffer: size - 1 bytes fit, size do not,
	 * counted after decoding. */
	T_STREQ(q("q=1234567", "q", 8), "1234567");
	T_STREQ(q("q=12345678", "q", 8), "<bad>");
	T_STREQ(q("q=%41%41%41%41%41%41%41", "q", 8), "AAAAAAA");
	T_STREQ(q("q=%41%41%41%41%41%41%41%41", "q", 8), "<bad>");
	T_STREQ(q("q=", "q", 1), "");
	T_STREQ(q("q=a", "q", 1), "<bad>");
	/* A query over QUERY_MAX is refused as a whole. */
	memset(big, 'x', sizeof(big) - 1);
	memcpy(big, "a=1&", 4);
	big[QUERY_MAX] = '\0';
	T_STREQ(q(big, "a", 32), "1");
	big[QUERY_MAX] = 'x';
	T_STREQ(q(big, "a", 32), "<bad>");
}

/* body: req_body_json with the given params; the status answered, or
 * 0 when an object came back (*out, when out is not NULL). */
static int
body(const char *b, size_t len, const char *cl, const char *ct,
    json_object **out)
{
	struct req r;
	json_object *o;

	fake_reset(&F, b, len);
	if (cl != NULL)
		fake_param(&F, "CONTENT_LENGTH", cl);
	if (ct != NULL)
		fake_param(&F, "CONTENT_TYPE", ct);
	fake_param(&F, "REQUEST_METHOD", "POST");
	T_CHECK(req_init(&r, &F.fr) == 0);
	o = req_body_json(&r);
	/* An answer, or an object: never both, never neither. */
	T_CHECK((o == NULL) == r.responded);
	if (o == NULL)
		return fake_status(&F);
	if (out != NULL)
		*out = o;
	else
		json_object_put(o);
	return 0;
}

static void
test_body(void)
{
	static char big[BODY_MAX + 1];
	const char *j = "{\"a\": [1, \"x\"]}";
	char cl[32];
	json_object *o = NULL;

	/* A good one, and its content types. */
	T_CHECK(body(j, strlen(j), "15", "application/json", &o) == 0);
	T_CHECK(o && json_object_array_length(json_object_object_get(o,
	    "a")) == 2);
	json_object_put(o);
	T_CHECK(body(j, 15, "15", "application/json; charset=utf-8",
	    NULL) == 0);
	T_CHECK(body(j, 15, "15", "Application/JSON", NULL) == 0);
	/* Other types are 415, and so is none. */
	T_CHECK(body(j, 15, "15", "text/plain", NULL) == 415);
	T_CHECK(body(j, 15, "15", "application/jsonp", NULL) == 415);
	T_CHECK(body(j, 15, "15", "application/json-patch+json", NULL) == 415);
	T_CHECK(body(j, 15, "15", "", NULL) == 415);
	T_CHECK(body(j, 15, "15", NULL, NULL) == 415);
	T_CHECK(body(j, 15, "15", "text/plain; x=application/json",
	    NULL) == 415);
	/* A body shorter than its Content-Length is 400, saying so. */
	T_CHECK(body(j, 10, "15", "application/json", NULL) == 400);
	T_CHECK(strstr(fake_body(&F), "shorter than its Content-Length"));
	T_CHECK(body("", 0, "2", "application/json", NULL) == 400);
	/* Bytes past the Content-Length are not read. */
	T_CHECK(body("{}garbage", 9, "2", "application/json", NULL) == 0);
	/* No length (or an empty one) reads no body: not valid JSON. */
	T_CHECK(body(j, 15, NULL, "application/json", NULL) == 400);
	T_CHECK(body(j, 15, "", "application/json", NULL) == 400);
	T_CHECK(body("", 0, "0", "application/json", NULL) == 400);
	/* A length that is no number. */
	T_CHECK(body(j, 15, "abc", "application/json", NULL) == 400);
	T_CHECK(strstr(fake_body(&F), "Content-Length is not a number"));
	T_CHECK(body(j, 15, "-1", "application/json", NULL) == 400);
	T_CHECK(body(j, 15, " 15", "application/json", NULL) == 400);
	T_CHECK(body(j, 15, "0x0f", "application/json", NULL) == 400);
	T_CHECK(body(j, 15, "99999999999999999999", "application/json",
	    NULL) == 400);
	/* Over BODY_MAX is 413, before the type is even looked at. */
	snprintf(cl, sizeof(cl), "%d", BODY_MAX + 1);
	T_CHECK(body(j, 15, cl, "application/json", NULL) == 413);
	T_CHECK(body(j, 15, cl, "text/plain", NULL) == 413);
	T_CHECK(body(j, 15, "18446744073709551615", "application/json",
	    NULL) == 413);
	/* Exactly BODY_MAX is read whole. */
	memset(big, ' ', sizeof(big));
	memcpy(big, "{\"a\": \"", 7);
	memset(big + 7, 'x', BODY_MAX - 9);
	memcpy(big + BODY_MAX - 2, "\"}", 2);
	snprintf(cl, sizeof(cl), "%d", BODY_MAX);
	T_CHECK(body(big, BODY_MAX, cl, "application/json", &o) == 0);
	T_CHECK(o && json_object_get_string_len(json_object_object_get(o,
	    "a")) == BODY_MAX - 9);
	json_object_put(o);
	/* Bad JSON, and JSON that is no object. */
	T_CHECK(body("{'a': 1}", 8, "8", "application/json", NULL) == 400);
	T_CHECK(body("{\"a\": 1,}", 9, "9", "application/json", NULL) == 400);
	T_CHECK(body("null", 4, "4", "application/json", NULL) == 400);
	T_CHECK(strstr(fake_body(&F), "must be a JSON object"));
	T_CHECK(body("{\"a\":\"\\u0000\"}", 14, "14", "application/json",
	    NULL) == 0);
	/* Every answer is JSON. */
	T_CHECK(body("x", 1, "1", "application/json", NULL) == 400);
	T_CHECK(fake_header(&F, "Content-Type: application/json; "
	    "charset=utf-8"));
	T_CHECK(strncmp(fake_body(&F), "{\"error\":", 9) == 0);
}

int
main(void)
{
	test_init();
	test_query();
	test_body();
	fake_free(&F);
	return t_done("test_req");
}
