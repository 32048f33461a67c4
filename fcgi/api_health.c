/* api_health.c: GET /api/health, no identity needed. */
#include "api.h"
#include "resp.h"

/* jobd is live when it holds its lock (a dead one is known at once) and
 * its loop turns (its heartbeat in the table is under a second old: a
 * hung jobd is as down as a dead one).  No round trip on the queue, so
 * health answers even where no reply queue can be had. */
void
api_health(struct app *a, struct req *r)
{
	json_object *o = json_object_new_object();
	const void *tab = NULL;
	struct jobtab_hdr h;

	if (client_alive(&a->jobd))
		tab = client_table(&a->jobd);
	if (tab == NULL || jobtab_read_hdr(tab, &h) != 0) {
		json_object_object_add(o, "status", json_object_new_string("down"));
		resp_json(r, 503, o, "Retry-After: 1\r\n");
		return;
	}
	json_object_object_add(o, "status", json_object_new_string("ok"));
	json_object_object_add(o, "queued", json_object_new_int64(h.queued));
	json_object_object_add(o, "running", json_object_new_int64(h.running));
	json_object_object_add(o, "live_slots", json_object_new_int64(h.nslots));
	json_object_object_add(o, "live_slots_free",
	    json_object_new_int64(h.slots_free));
	resp_json(r, 200, o, NULL);
}
