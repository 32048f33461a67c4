/* jsonin.c: strict JSON input (see jsonin.h).  A recursive descent over
 * RFC 8259's grammar, section by section; depth bounded. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "jsonin.h"
#include "limits.h"
#include "valid.h"

struct scan {
	const char	*p, *end;
	int		 depth;
	size_t		 members;	/* object members seen in the text */
	char		*err;
	size_t		 errsz;
};

static bool scan_value(struct scan *s);

static void
scan_ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
	    *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static bool
scan_lit(struct scan *s, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, lit, n) != 0)
		return false;
	s->p += n;
	return true;
}

static bool
is_digit(const struct scan *s)
{
	return s->p < s->end && *s->p >= '0' && *s->p <= '9';
}

static bool
scan_digits(struct scan *s)
{
	if (!is_digit(s))
		return false;
	while (is_digit(s))
		s->p++;
	return true;
}

/* RFC 8259 section 6. */
static bool
scan_number(struct scan *s)
{
	if (s->p < s->end && *s->p == '-')
		s->p++;
	if (s->p < s->end && *s->p == '0')
		s->p++;
	else if (!scan_digits(s))
		return false;
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		if (!scan_digits(s))
			return false;
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (!scan_digits(s))
			return false;
	}
	return true;
}

static bool
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/* RFC 8259 section 7; UTF-8 validity was checked over the whole text.
 * From just after the opening quote to just after the closing one; with
 * no closing quote before s->end, false with s->p at s->end. */
static bool
scan_string_body(struct scan *s)
{
	for (; s->p < s->end; s->p++) {
		unsigned char c = (unsigned char)*s->p;

		if (c == '"') {
			s->p++;
			return true;
		}
		if (c < 0x20)
			return false;
		if (c != '\\')
			continue;
		if (++s->p >= s->end) {
			s->p = NULL;	/* cut inside an escape: not at the end */
			return false;
		}
		if (*s->p == 'u') {
			if (s->end - s->p < 5 || !is_hex(s->p[1]) ||
			    !is_hex(s->p[2]) || !is_hex(s->p[3]) ||
			    !is_hex(s->p[4]))
				return false;
			s->p += 4;
		} else if (strchr("\"\\/bfnrt", *s->p) == NULL || *s->p == '\0')
			return false;
	}
	return false;
}

static bool
scan_string(struct scan *s)
{
	if (s->p >= s->end || *s->p != '"')
		return false;
	s->p++;
	return scan_string_body(s);
}

bool
jsonin_valid(const char *buf, size_t len)
{
	char err[1];
	struct scan s = { buf, buf + len, 0, 0, err, sizeof(err) };

	return valid_utf8(buf, len) && scan_value(&s) &&
	    (scan_ws(&s), s.p == s.end);
}

bool
jsonin_string_body(const char *buf, size_t len)
{
	char err[1];
	struct scan s = { buf, buf + len, 0, 0, err, sizeof(err) };

	return valid_utf8(buf, len) && !scan_string_body(&s) && s.p == s.end;
}

/* scan_key: a member's name, refused when this object had it already
 * (same text; names equal only once unescaped are caught by counting). */
static bool
scan_key(struct scan *s, json_object *seen)
{
	const char *start = s->p;
	char key[256];
	size_t n;

	if (!scan_string(s))
		return false;
	n = (size_t)(s->p - start) - 2;
	if (n >= sizeof(key))
		n = sizeof(key) - 1;	/* long names: compared by prefix */
	memcpy(key, start + 1, n);
	key[n] = '\0';
	if (json_object_object_get_ex(seen, key, NULL)) {
		snprintf(s->err, s->errsz, "The key \"%.64s\" appears twice in "
		    "one object.", key);
		return false;
	}
	json_object_object_add(seen, key, NULL);
	return true;
}

static bool
scan_object(struct scan *s)
{
	json_object *seen = json_object_new_object();
	bool ok = false;

	s->p++;
	scan_ws(s);
	if (s->p < s->end && *s->p == '}') {
		s->p++;
		json_object_put(seen);
		return true;
	}
	while (seen != NULL) {
		scan_ws(s);
		if (!scan_key(s, seen))
			break;
		s->members++;
		scan_ws(s);
		if (s->p >= s->end || *s->p != ':')
			break;
		s->p++;
		if (!scan_value(s))
			break;
		scan_ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		if (s->p < s->end && *s->p == '}') {
			s->p++;
			ok = true;
		}
		break;
	}
	json_object_put(seen);
	return ok;
}

static bool
scan_array(struct scan *s)
{
	s->p++;
	scan_ws(s);
	if (s->p < s->end && *s->p == ']') {
		s->p++;
		return true;
	}
	for (;;) {
		if (!scan_value(s))
			return false;
		scan_ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		if (s->p < s->end && *s->p == ']') {
			s->p++;
			return true;
		}
		return false;
	}
}

static bool
scan_value(struct scan *s)
{
	bool ok;

	scan_ws(s);
	if (s->p >= s->end)
		return false;
	switch (*s->p) {
	case '{':
	case '[':
		if (++s->depth > JSON_DEPTH_MAX) {
			snprintf(s->err, s->errsz, "The body nests deeper than "
			    "%d levels.", JSON_DEPTH_MAX);
			return false;
		}
		ok = *s->p == '{' ? scan_object(s) : scan_array(s);
		s->depth--;
		return ok;
	case '"':
		return scan_string(s);
	case 't':
		return scan_lit(s, "true");
	case 'f':
		return scan_lit(s, "false");
	case 'n':
		return scan_lit(s, "null");
	default:
		return scan_number(s);
	}
}

/* tree_members: object members in the parsed value. */
static size_t
tree_members(json_object *o)
{
	size_t n = 0;

	if (json_object_is_type(o, json_type_object)) {
		json_object_object_foreach(o, k, v) {
			(void)k;
			n += 1 + tree_members(v);
		}
	} else if (json_object_is_type(o, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(o); i++)
			n += tree_members(json_object_array_get_idx(o, i));
	}
	return n;
}

json_object *
jsonin_parse(const char *buf, size_t len, char *err, size_t errsz)
{
	struct scan s = { buf, buf + len, 0, 0, err, errsz };
	json_tokener *tok;
	json_object *o;

	err[0] = '\0';
	if (!valid_utf8(buf, len) || !scan_value(&s) || (scan_ws(&s), s.p != s.end)) {
		if (err[0] == '\0')
			snprintf(err, errsz, "The body is not valid JSON.");
		return NULL;
	}
	/* The grammar holds, so json-c reads it as written. */
	if ((tok = json_tokener_new_ex(JSON_DEPTH_MAX + 1)) == NULL) {
		snprintf(err, errsz, "Out of memory.");
		return NULL;
	}
	o = json_tokener_parse_ex(tok, buf, (int)len);
	if (o == NULL && json_tokener_get_error(tok) == json_tokener_continue)
		o = json_tokener_parse_ex(tok, "", 1);	/* a bare number */
	if (json_tokener_get_error(tok) != json_tokener_success) {
		snprintf(err, errsz, "The body is not valid JSON.");
		json_object_put(o);
		o = NULL;
	} else if (tree_members(o) != s.members) {
		snprintf(err, errsz, "A key appears twice in one object.");
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}
