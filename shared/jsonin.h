/* jsonin.h: request bodies parsed as exactly what RFC 8259 calls JSON.
 * json-c's tokener, even in its strict mode, takes single-quoted
 * strings, NaN and Infinity, "1." and raw control bytes in strings, and
 * keeps the last of two equal keys; two parsers reading one body two
 * ways is how request smuggling starts.  So the text is first checked
 * against the grammar here, then json-c builds the object. */
#ifndef JSONIN_H
#define JSONIN_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

/* jsonin_parse: buf[0..len) as one JSON value.  Refused: anything the
 * grammar does not allow (comments, trailing commas, a byte order mark,
 * bad UTF-8, a NUL), nesting deeper than JSON_DEPTH_MAX, and an object
 * with a key twice (err names it).  Returns a new reference (NULL for
 * the literal null, with err ""), or NULL with a sentence in err. */
json_object *jsonin_parse(const char *buf, size_t len, char *err,
    size_t errsz);

/* jsonin_valid: whether buf[0..len) is one JSON value as jsonin_parse
 * takes it (a key twice included), without building it. */
bool jsonin_valid(const char *buf, size_t len);

/* jsonin_string_body: whether buf[0..len) is what may stand between
 * the quotes of a JSON string (escapes complete, no raw quote or control
 * byte, UTF-8). */
bool jsonin_string_body(const char *buf, size_t len);

#endif
