/* resp.h: the only writer of status lines, headers and bodies. */
#ifndef RESP_H
#define RESP_H

#include <json-c/json.h>

#include "req.h"

/* resp_json: answer status with the JSON of o (may be NULL for no body).
 * extra is more header lines, each ending in \r\n, or NULL.  Takes over
 * the reference to o. */
void resp_json(struct req *r, int status, json_object *o, const char *extra);
/* resp_text: answer status with body[0..len) of the given Content-Type
 * (the metrics, which are not JSON). */
void resp_text(struct req *r, int status, const char *type, const char *body,
    size_t len);
/* resp_error: the status of e with {"error": msg or err_str(e)}. */
void resp_error(struct req *r, enum err e, const char *msg);
/* resp_status: the HTTP status of e. */
int resp_status(enum err e);
/* resp_not_modified: 304 with the ETag, no body. */
void resp_not_modified(struct req *r, const char *etag);

#endif
