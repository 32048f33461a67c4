/* api_health.c: GET /api/health, no identity needed. */
#include "api.h"
#include "resp.h"

void
api_health(struct app *a, struct req *r)
{
	const void *tab = client_alive(&a->jobd) ? client_table(&a->jobd) : NULL;
	json_object *o = json_object_new_object();
	struct jobtab_hdr h;

	if (tab == NULL) {
		json_object_object_add(o, "status", json_object_new_string("down"));
		resp_json(r, 503, o, "Retry-After: 1\r\n");
		return;
	}
	jobtab_read_hdr(tab, &h);
	json_object_object_add(o, "status", json_object_new_string("ok"));
	json_object_object_add(o, "queued", json_object_new_int64(h.queued));
	json_object_object_add(o, "running", json_object_new_int64(h.running));
	json_object_object_add(o, "live_slots", json_object_new_int64(h.nslots));
	json_object_object_add(o, "live_slots_free",
	    json_object_new_int64((int64_t)h.nslots - h.queued - h.running));
	resp_json(r, 200, o, NULL);
}
