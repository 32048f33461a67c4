/* view.c: render one job (see view.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "history.h"
#include "resp.h"
#include "shared/jobjson.h"
#include "view.h"

static bool
view_etag_matches(struct req *r, const char *etag)
{
	const char *inm = req_param(r, "HTTP_IF_NONE_MATCH");

	return inm != NULL && (strstr(inm, etag) != NULL ||
	    strcmp(inm, "*") == 0);
}

static void
view_send(struct req *r, int status, json_object *job, const char *etag,
    const uint8_t uuid[16])
{
	char hdr[256], id[JOB_ID_LEN + 1];
	size_t n;

	n = (size_t)snprintf(hdr, sizeof(hdr), "ETag: %s\r\n", etag);
	if (status == 201) {
		job_id_str(uuid, id);
		snprintf(hdr + n, sizeof(hdr) - n, "Location: /api/jobs/%s\r\n", id);
	}
	resp_json(r, status, job, hdr);
}

/* view_live_etag: a live job's validator: the table's epoch (a new jobd),
 * the slot, its change counter and the lines asked for. */
static void
view_live_etag(char *buf, size_t size, uint32_t epoch, int slot,
    uint64_t changes, uint64_t since)
{
	snprintf(buf, size, "\"L%" PRIu32 ".%d.%" PRIu64 ".%" PRIu64 "\"",
	    epoch, slot, changes, since);
}

/* view_unsettled: after a failed read of a live slot, answer 503 when
 * jobd is alive but its record did not settle in time (true), or let the
 * caller answer from SQLite when the job left the slot or jobd is gone
 * (false). */
static bool
view_unsettled(const void *tab, struct req *r, int rc)
{
	if (rc != JOBTAB_BUSY || !jobtab_beating(tab))
		return false;
	resp_error(r, ERR_UNAVAILABLE, "jobd is busy; try again.");
	return true;
}

/* view_live: answer from the live table; false when it is not there. */
static bool
view_live(struct app *a, struct req *r, const uint8_t uuid[16],
    const char *owner, int status, uint64_t since)
{
	const void *tab = client_table(&a->jobd);
	const struct jobtab_hdr *h = tab;
	struct job_meta m;
	struct job_snap s;
	json_object *job;
	char etag[96];
	int i, rc;

	if (tab == NULL || (i = jobtab_find(tab, a->jobd.tabsize, uuid)) < 0)
		return false;
	/* The metadata first: an up-to-date poller gets 304 from it alone. */
	if ((rc = jobtab_peek(tab, (uint32_t)i, uuid, &m)) != 0)
		return view_unsettled(tab, r, rc);
	if (owner != NULL && strcmp(m.user_id, owner) != 0) {
		resp_error(r, ERR_NOT_FOUND, "No job with that id.");
		return true;
	}
	view_live_etag(etag, sizeof(etag), h->epoch, i, m.changes, since);
	if (status == 200 && view_etag_matches(r, etag)) {
		resp_not_modified(r, etag);
		return true;
	}
	if ((rc = jobtab_snapshot(tab, (uint32_t)i, uuid, true, since, &s)) != 0)
		return view_unsettled(tab, r, rc);
	view_live_etag(etag, sizeof(etag), h->epoch, i, s.meta.changes, since);
	job = jobjson_new(&s.meta, s.spec, job_meta_options(s.spec, &s.meta),
	    job_meta_command(s.spec, &s.meta));
	if (job == NULL || jobjson_add_output(job, &s) == -1) {
		/* Never a 200 without its lines. */
		job_snap_release(&s);
		json_object_put(job);
		resp_error(r, ERR_INTERNAL, "Out of memory.");
		return true;
	}
	job_snap_release(&s);
	view_send(r, status, job, etag, uuid);
	return true;
}

/* view_output_slice: the stored lines numbered since and up. */
static json_object *
view_output_slice(const struct hist_row *h, uint64_t since)
{
	json_object *all = h->output ? json_tokener_parse(h->output) : NULL;
	json_object *out = json_object_new_array();
	size_t held, first;

	if (all == NULL || !json_object_is_type(all, json_type_array)) {
		json_object_put(all);
		return out;
	}
	held = json_object_array_length(all);
	first = h->m.out_next >= held ? (size_t)h->m.out_next - held : 0;
	for (size_t k = 0; k < held; k++)
		if (first + k >= since)
			json_object_array_add(out, json_object_get(
			    json_object_array_get_idx(all, k)));
	json_object_put(all);
	return out;
}

void
view_job_answer(struct app *a, struct req *r, const uint8_t uuid[16],
    const char *owner, int status, uint64_t since)
{
	struct hist_row h;
	json_object *job;
	char etag[96];
	int rc;

	if (view_live(a, r, uuid, owner, status, since))
		return;
	if ((rc = history_get(a->db, uuid, owner, &h)) != 1) {
		if (rc == 0)
			resp_error(r, ERR_NOT_FOUND, "No job with that id.");
		else
			resp_error(r, ERR_INTERNAL, "The job could not be read "
			    "from the database.");
		return;
	}
	snprintf(etag, sizeof(etag), "\"S%" PRIu64 ".%" PRIu64 ".%u.%" PRIu64 "\"",
	    h.m.seq, h.m.out_next, h.m.status, since);
	if (status == 200 && view_etag_matches(r, etag)) {
		hist_row_release(&h);
		resp_not_modified(r, etag);
		return;
	}
	job = jobjson_new(&h.m, h.urls, h.options, h.command);
	json_object_object_add(job, "output", view_output_slice(&h, since));
	hist_row_release(&h);
	view_send(r, status, job, etag, uuid);
}
