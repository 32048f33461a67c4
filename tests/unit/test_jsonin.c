/* test_jsonin.c: only what RFC 8259 calls JSON is read, and a key twice
 * in one object is refused by name. */
#include <stdlib.h>

#include "shared/jsonin.h"
#include "shared/limits.h"
#include "test.h"

static char err[160];

/* ok: text parses to a value (or the literal null). */
static bool
ok(const char *text)
{
	json_object *o = jsonin_parse(text, strlen(text), err, sizeof(err));
	bool good = o != NULL || err[0] == '\0';

	json_object_put(o);
	if (!good)
		printf("  refused %s: %s\n", text, err);
	return good;
}

static bool
refused(const char *text, size_t len)
{
	json_object *o = jsonin_parse(text, len, err, sizeof(err));

	json_object_put(o);
	return o == NULL && err[0] != '\0';
}
#define REFUSED(t) refused((t), sizeof(t) - 1)

int
main(void)
{
	char deep[2 * JSON_DEPTH_MAX + 8], *p = deep;
	json_object *o;

	T_CHECK(ok("{}"));
	T_CHECK(ok(" {\"urls\": [\"a\", \"b\"], \"options\": {\"x\": true}}\r\n"));
	T_CHECK(ok("[1, -0, 0.5, 1e5, -1.25E-3, true, false, null, \"\\u00e9\\n\"]"));
	T_CHECK(ok("5") && ok("\"s\"") && ok("null"));
	T_CHECK(ok("{\"a\": {\"a\": 1}}"));		/* same key, two objects */
	T_CHECK(ok("[{\"a\": 1}, {\"a\": 2}]"));
	T_CHECK(ok("{\"\xc3\xa9\": \"\xe2\x82\xac\"}"));

	T_CHECK(REFUSED(""));
	T_CHECK(REFUSED("   "));
	T_CHECK(REFUSED("{'urls': ['x']}"));
	T_CHECK(REFUSED("{\"urls\": ['x']}"));
	T_CHECK(REFUSED("{\"urls\": [\"x\"],}"));
	T_CHECK(REFUSED("[1,]"));
	T_CHECK(REFUSED("{\"a\": 1} /* comment */"));
	T_CHECK(REFUSED("{\"a\": 1} // comment"));
	T_CHECK(REFUSED("{\"a\": NaN}"));
	T_CHECK(REFUSED("{\"a\": Infinity}"));
	T_CHECK(REFUSED("{\"a\": -Infinity}"));
	T_CHECK(REFUSED("{\"a\": 1.}"));
	T_CHECK(REFUSED("{\"a\": .5}"));
	T_CHECK(REFUSED("{\"a\": 01}"));
	T_CHECK(REFUSED("{\"a\": +1}"));
	T_CHECK(REFUSED("{\"a\": 0x10}"));
	T_CHECK(REFUSED("{\"a\": \"tab\there\"}"));
	T_CHECK(REFUSED("{\"a\": \"\\x41\"}"));
	T_CHECK(REFUSED("{\"a\": \"\\u12\"}"));
	T_CHECK(REFUSED("{\"a\": \"\xff\"}"));		/* bad UTF-8 */
	T_CHECK(REFUSED("{\"a\": \"\xc0\xaf\"}"));	/* overlong */
	T_CHECK(REFUSED("\xef\xbb\xbf{}"));		/* a BOM */
	T_CHECK(REFUSED("{\"a\": 1}\0"));		/* a NUL after */
	T_CHECK(REFUSED("{\"a\"\0: 1}"));
	T_CHECK(REFUSED("{\"a\": tRue}"));
	T_CHECK(REFUSED("{\"a\" 1}"));
	T_CHECK(REFUSED("{a: 1}"));
	T_CHECK(REFUSED("{\"a\": 1}{}"));
	T_CHECK(REFUSED("[1] 2"));
	T_CHECK(REFUSED("{\"a\": [1, 2}"));
	T_CHECK(REFUSED("{\"a\": \"unterminated}"));

	T_CHECK(REFUSED("{\"urls\": [\"x\"], \"urls\": [\"y\"]}"));
	T_CHECK(strstr(err, "\"urls\" appears twice") != NULL);
	T_CHECK(REFUSED("{\"o\": {\"k\": 1, \"j\": 2, \"k\": 3}}"));
	T_CHECK(strstr(err, "\"k\"") != NULL);
	/* Equal only once unescaped: still twice. */
	T_CHECK(REFUSED("{\"a\": 1, \"\\u0061\": 2}"));

	/* Depth: JSON_DEPTH_MAX levels pass, one more does not. */
	for (int i = 0; i < JSON_DEPTH_MAX; i++)
		*p++ = '[';
	for (int i = 0; i < JSON_DEPTH_MAX; i++)
		*p++ = ']';
	*p = '\0';
	T_CHECK(ok(deep));
	memmove(deep + 1, deep, strlen(deep) + 1);
	deep[0] = '[';
	strcat(deep, "]");
	T_CHECK(refused(deep, strlen(deep)));
	T_CHECK(strstr(err, "deeper") != NULL);

	/* What may stand between a string's quotes (the ring's lines). */
#define BODY(s) jsonin_string_body(s, sizeof(s) - 1)
	T_CHECK(BODY(""));
	T_CHECK(BODY("plain text"));
	T_CHECK(BODY("a \\\"quoted\\\" \\\\ \\t \\u00e9 \\/ caf\xc3\xa9"));
	T_CHECK(!BODY("a \" quote"));
	T_CHECK(!BODY("tab\traw"));
	T_CHECK(!BODY("cut escape \\"));
	T_CHECK(!BODY("short \\u00"));
	T_CHECK(!BODY("bad \\x escape"));
	T_CHECK(!BODY("bad utf8 \xc3("));
#undef BODY
	o = jsonin_parse("{\"n\": 42}", 9, err, sizeof(err));
	T_CHECK(o != NULL && json_object_get_int(json_object_object_get(o, "n")) == 42);
	json_object_put(o);
	return t_done("test_jsonin");
}
