/* auth.h: who is asking (doc/api.md "Identity"). */
#ifndef AUTH_H
#define AUTH_H

#include "app.h"
#include "req.h"

/* auth_identify: fill r->user and r->admin from the bearer token (or,
 * in remote_user mode, from the web server).  Returns 0, or -1 when there
 * is no valid identity. */
int auth_identify(struct app *a, struct req *r);

#endif
