/* auth.c: bearer tokens checked against their hashes in SQLite, or the
 * web server's REMOTE_USER. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "shared/db.h"
#include "shared/token.h"
#include "shared/valid.h"

static int
auth_token(struct app *a, struct req *r)
{
	const char *h = req_param(r, "HTTP_AUTHORIZATION");
	char hex[TOKEN_HEX_LEN + 1];
	size_t len;
	int rc = -1;

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return -1;
	h += 7;
	while (*h == ' ')
		h++;
	len = strlen(h);
	if (len == 0 || len > TOKEN_IN_MAX || token_hash(h, len, hex) == -1)
		return -1;
	sqlite3_bind_text(a->auth_stmt, 1, hex, -1, SQLITE_STATIC);
	if (sqlite3_step(a->auth_stmt) == SQLITE_ROW) {
		snprintf(r->user, sizeof(r->user), "%s",
		    (const char *)sqlite3_column_text(a->auth_stmt, 0));
		r->admin = strcmp((const char *)sqlite3_column_text(
		    a->auth_stmt, 1), "admin") == 0;
		rc = 0;
	}
	sqlite3_reset(a->auth_stmt);
	sqlite3_clear_bindings(a->auth_stmt);
	return rc;
}

/* remote_user mode: the web server vouches for the name; the users table
 * still says who is an admin and who is disabled.  The name is believed
 * only where the web server says it checked it: JOBS_REMOTE_USER, which
 * the shipped nginx configuration sets from $remote_user only where
 * auth_basic runs (nginx fills $remote_user from any client's Basic
 * header, and Debian's fastcgi_params passes it as REMOTE_USER), or
 * REMOTE_USER with AUTH_TYPE, which lighttpd's mod_auth (and Apache) set
 * only after authenticating. */
static const char *
auth_vouched_user(struct req *r)
{
	const char *u = req_param(r, "JOBS_REMOTE_USER");
	const char *type = req_param(r, "AUTH_TYPE");

	if (u != NULL && u[0] != '\0')
		return u;
	if (type != NULL && type[0] != '\0')
		return req_param(r, "REMOTE_USER");
	return NULL;
}

static int
auth_remote_user(struct app *a, struct req *r)
{
	const char *u = auth_vouched_user(r);
	sqlite3_stmt *q;
	int rc = -1;

	if (u == NULL || !valid_user(u))
		return -1;
	if ((q = db_stmt(a->db, "SELECT role, disabled FROM users "
	    "WHERE name = ?")) == NULL)
		return -1;
	sqlite3_bind_text(q, 1, u, -1, SQLITE_STATIC);
	snprintf(r->user, sizeof(r->user), "%s", u);
	r->admin = false;
	rc = 0;
	if (sqlite3_step(q) == SQLITE_ROW) {
		r->admin = strcmp((const char *)sqlite3_column_text(q, 0),
		    "admin") == 0;
		if (sqlite3_column_int(q, 1) != 0)
			rc = -1;
	}
	db_stmt_done(q);
	return rc;
}

int
auth_identify(struct app *a, struct req *r)
{
	if (a->cfg.auth == AUTH_REMOTE_USER)
		return auth_remote_user(a, r);
	return auth_token(a, r);
}
