/* api_admin.c: GET and PUT /api/admin/settings. */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "shared/db.h"
#include "resp.h"

static void
settings_answer(struct app *a, struct req *r)
{
	const void *tab = client_table(&a->jobd);
	json_object *o = json_object_new_object();
	struct jobtab_hdr h;
	struct settings s;

	/* What jobd applies now; the stored values while it is down. */
	if (tab != NULL && jobtab_read_hdr(tab, &h) == 0) {
		s = h.settings;
	} else {
		s = a->cfg.initial;
		if (db_settings_load(a->db, &s) == -1) {
			json_object_put(o);
			resp_error(r, ERR_INTERNAL, "The settings could not be "
			    "read from the database.");
			return;
		}
	}
	for (unsigned i = 0; i < settings_count; i++)
		json_object_object_add(o, settings_defs[i].name,
		    json_object_new_int64(settings_get(&s, &settings_defs[i])));
	resp_json(r, 200, o, NULL);
}

void
api_admin_settings_get(struct app *a, struct req *r)
{
	settings_answer(a, r);
}

void
api_admin_settings_put(struct app *a, struct req *r)
{
	json_object *body = req_body_json(r);
	struct msg_cmd c = { .type = MSG_CMD_SETTINGS };
	struct msg_reply rep;
	struct settings s = a->cfg.initial;
	char msg[200];
	enum err e;

	if (body == NULL)
		return;
	/* Checked here for a precise 400; jobd checks again. */
	if (settings_change(&s, body, msg, sizeof(msg)) == -1) {
		resp_error(r, ERR_INVALID, msg);
		goto out;
	}
	c.user = r->user;
	c.settings = json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN);
	if ((e = client_call(&a->jobd, &c, &rep, MSG_WAIT_MS)) != ERR_OK)
		resp_error(r, e, e == ERR_FULL ? "The job daemon's queue is "
		    "full; try again in a moment." : NULL);
	else if (rep.err != ERR_OK)
		resp_error(r, (enum err)rep.err, rep.msg);
	else
		settings_answer(a, r);
out:
	json_object_put(body);
}
