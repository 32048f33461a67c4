/* req.h: one FastCGI request, its bounded input and its identity. */
#ifndef REQ_H
#define REQ_H

#include <fcgiapp.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "shared/err.h"
#include "shared/limits.h"

#define REQ_ARGS_MAX	2

struct req {
	FCGX_Request	*fr;
	const char	*method;
	char		 path[PATH_MAX_API + 1];
	const char	*query;
	/* Path segments a route captured ('*' in its pattern). */
	char		 args[REQ_ARGS_MAX][PATH_MAX_API + 1];
	unsigned	 nargs;
	/* Identity, once checked. */
	char		 user[USER_MAX + 1];
	bool		 admin;
	bool		 responded;
};

/* req_init: read the request's parameters.  Returns 0, or -1 when the
 * path is longer than PATH_MAX_API. */
int req_init(struct req *r, FCGX_Request *fr);
const char *req_param(const struct req *r, const char *name);

/* req_body_json: read and parse a JSON body: 413 over BODY_MAX, 415 for
 * another content type, 400 for bad JSON.  Returns a new object, or NULL
 * with the error answered already. */
json_object *req_body_json(struct req *r);

/* req_query: the decoded value of query parameter name into buf.
 * Returns 1 when present, 0 when absent, -1 when malformed or too long. */
int req_query(const struct req *r, const char *name, char *buf, size_t size);

#endif
