/* route.h: the table of {method, path, handler, flags} (cgit cmd.c). */
#ifndef ROUTE_H
#define ROUTE_H

#include "app.h"
#include "req.h"

/* route_dispatch: answer r: 404 for an unknown path, 405 with Allow for
 * a known path with another method, 401/403 for identity and role, then
 * the handler (doc/api.md "Order of checks"). */
void route_dispatch(struct app *a, struct req *r);

#endif
