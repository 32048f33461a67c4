/* route.c: the API's routes and the order of checks. */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "auth.h"
#include "resp.h"
#include "route.h"

enum route_flags {
	ROUTE_AUTH = 1 << 0,	/* needs an identity */
	ROUTE_ADMIN = 1 << 1,	/* needs the admin role */
};

typedef void (*route_fn)(struct app *, struct req *);

struct route {
	const char	*method;
	const char	*pattern;	/* '*' matches one non-empty segment */
	route_fn	 fn;
	unsigned	 flags;
};

static const struct route routes[] = {
	{ "GET", "/api/health", api_health, 0 },
	{ "GET", "/api/metrics", api_metrics, 0 },
	{ "GET", "/api/jobs", api_jobs_list, ROUTE_AUTH },
	{ "POST", "/api/jobs", api_jobs_create, ROUTE_AUTH },
	{ "GET", "/api/jobs/*", api_jobs_get, ROUTE_AUTH },
	{ "DELETE", "/api/jobs/*", api_jobs_delete, ROUTE_AUTH },
	{ "POST", "/api/jobs/*/cancel", api_jobs_cancel, ROUTE_AUTH },
	{ "POST", "/api/jobs/*/retry", api_jobs_retry, ROUTE_AUTH },
	{ "GET", "/api/admin/users/*/jobs", api_admin_user_jobs,
	    ROUTE_AUTH | ROUTE_ADMIN },
	{ "GET", "/api/admin/settings", api_admin_settings_get,
	    ROUTE_AUTH | ROUTE_ADMIN },
	{ "PUT", "/api/admin/settings", api_admin_settings_put,
	    ROUTE_AUTH | ROUTE_ADMIN },
};

/* route_match: whether path has pattern's shape; captures into r. */
static bool
route_match(const char *pattern, const char *path, struct req *r)
{
	r->nargs = 0;
	while (*pattern != '\0') {
		if (*pattern == '*') {
			size_t n = strcspn(path, "/");

			if (n == 0 || r->nargs == REQ_ARGS_MAX)
				return false;
			memcpy(r->args[r->nargs], path, n);
			r->args[r->nargs++][n] = '\0';
			path += n;
			pattern++;
			continue;
		}
		if (*pattern++ != *path++)
			return false;
	}
	return *path == '\0';
}

void
route_dispatch(struct app *a, struct req *r)
{
	const struct route *hit = NULL;
	char allow[128] = "";
	size_t used = 0;

	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (!route_match(routes[i].pattern, r->path, r))
			continue;
		if (strcmp(routes[i].method, r->method) == 0) {
			hit = &routes[i];
			break;
		}
		used += (size_t)snprintf(allow + used, sizeof(allow) - used,
		    "%s%s", used ? ", " : "", routes[i].method);
	}
	if (hit == NULL && used == 0) {
		resp_error(r, ERR_NOT_FOUND, "No such path.");
		return;
	}
	if (hit == NULL) {
		char hdr[160];
		json_object *o = json_object_new_object();

		snprintf(hdr, sizeof(hdr), "Allow: %s\r\n", allow);
		json_object_object_add(o, "error", json_object_new_string(
		    "This method is not allowed here; see the Allow header."));
		resp_json(r, 405, o, hdr);
		return;
	}
	/* Re-capture: a later non-matching route may have reset args. */
	route_match(hit->pattern, r->path, r);
	if ((hit->flags & ROUTE_AUTH) && auth_identify(a, r) == -1) {
		resp_error(r, ERR_UNAUTHORIZED, NULL);
		return;
	}
	if ((hit->flags & ROUTE_ADMIN) && !r->admin) {
		resp_error(r, ERR_FORBIDDEN, NULL);
		return;
	}
	hit->fn(a, r);
}
