/* api_health.c: GET /api/health, no identity needed. */
#include "api.h"
#include "resp.h"

/* jobd is live when it answers a ping: a running but hung jobd is as
 * down as a dead one (API.md: "while jobd is not answering").  A dead one
 * is known at once from its lock, without waiting. */
void
api_health(struct app *a, struct req *r)
{
	struct mq_cmd ping = { .type = MQ_CMD_PING, .user = "health" };
	json_object *o = json_object_new_object();
	const void *tab = NULL;
	struct mq_reply rep;
	struct jobtab_hdr h;

	if (client_call(&a->jobd, &ping, &rep, MQ_WAIT_MS) == ERR_OK &&
	    rep.err == ERR_OK)
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
	    json_object_new_int64((int64_t)h.nslots - h.queued - h.running));
	resp_json(r, 200, o, NULL);
}
