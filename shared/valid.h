/* valid.h: validators for every name and number that crosses a trust
 * boundary (kcgi kvalid_*).  Pure functions. */
#ifndef VALID_H
#define VALID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* valid_instance: [A-Za-z0-9_-], 1..INSTANCE_MAX bytes. */
bool valid_instance(const char *s);
/* valid_user: [A-Za-z0-9._-], 1..USER_MAX bytes, not starting with '.'
 * or '-' (it becomes a folder name). */
bool valid_user(const char *s);
/* valid_u64: s[0..len) is decimal digits only, value <= max.  Returns 0
 * and sets *out, or -1.  No sign, no spaces, no overflow (strtonum). */
int valid_u64(const char *s, size_t len, uint64_t max, uint64_t *out);
/* valid_uuid: parse a 36-byte textual UUID (either case) into out.
 * Returns 0 or -1. */
int valid_uuid(const char *s, size_t len, uint8_t out[16]);
/* valid_subdir: a relative folder inside the user's folder: no leading
 * '/', no '.' or '..' or empty component, no control bytes, at most 255
 * bytes.  Symlinks are refused later, when jobd creates it. */
bool valid_subdir(const char *s);
/* utf8_seq_len: bytes of the well-formed UTF-8 sequence at s (at most
 * avail bytes are looked at), or 0 when it is malformed or NUL. */
size_t utf8_seq_len(const char *s, size_t avail);
/* valid_utf8: s[0..len) is well-formed UTF-8 without NUL. */
bool valid_utf8(const char *s, size_t len);

#endif
