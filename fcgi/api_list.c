/* api_list.c: GET /api/jobs and the admin's view of a user's jobs: rows
 * from SQLite, newest first, with live fields from the table on top. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "history.h"
#include "resp.h"
#include "shared/jobjson.h"
#include "shared/valid.h"

struct list_params {
	int64_t		before;		/* seq of the cursor's job, 0: none */
	unsigned	mask;		/* statuses, 0: all */
	int		limit;
};

static int
list_params(struct app *a, struct req *r, const char *user,
    struct list_params *p)
{
	char buf[256];
	uint64_t v;
	int rc;

	memset(p, 0, sizeof(*p));
	p->limit = LIST_LIMIT_DEFAULT;
	if ((rc = req_query(r, "limit", buf, sizeof(buf))) != 0) {
		if (rc == -1 || valid_u64(buf, strlen(buf), LIST_LIMIT_MAX, &v) ==
		    -1 || v == 0) {
			resp_error(r, ERR_INVALID, "'limit' must be a whole number "
			    "from 1 to 1000.");
			return -1;
		}
		p->limit = (int)v;
	}
	if ((rc = req_query(r, "cursor", buf, sizeof(buf))) != 0 &&
	    (rc == -1 || history_cursor(a->db, buf, user, &p->before) == -1)) {
		resp_error(r, ERR_INVALID, "'cursor' is unknown or stale; start "
		    "again without it.");
		return -1;
	}
	if ((rc = req_query(r, "status", buf, sizeof(buf))) != 0) {
		for (char *s = buf; rc == 1; ) {
			size_t n = strcspn(s, ",");
			enum job_status st = job_status_parse(s, (unsigned)n);

			if (st == JOB_NONE) {
				rc = -1;
				break;
			}
			p->mask |= 1u << st;
			if (s[n] == '\0')
				break;
			s += n + 1;
		}
		if (rc == -1) {
			resp_error(r, ERR_INVALID, "'status' must be a comma-"
			    "separated list of queued, running, completed, "
			    "failed, cancelled.");
			return -1;
		}
	}
	return 0;
}

/* list_overlay: the live fields of h's job if jobd holds it.  A row with
 * an end time is final (jobd writes it when the job ends, before the job
 * can leave its slot), so only unfinished ones are looked up. */
static void
list_overlay(const void *tab, size_t size, struct hist_row *h)
{
	struct job_meta m;
	int i;

	if (tab == NULL || h->m.finished_at != 0 ||
	    (i = jobtab_find(tab, size, h->m.uuid)) < 0 ||
	    jobtab_peek(tab, (uint32_t)i, h->m.uuid, &m) != 0)
		return;
	h->m = m;
}

static void
list_answer(struct app *a, struct req *r, const char *user)
{
	struct list_params p;
	struct hist_row *rows;
	json_object *o, *jobs;
	const void *tab;
	bool cut;
	int n, shown;

	if (list_params(a, r, user, &p) == -1)
		return;
	if ((rows = calloc((size_t)p.limit + 1, sizeof(*rows))) == NULL) {
		resp_error(r, ERR_INTERNAL, NULL);
		return;
	}
	/* One row more than asked tells whether there is a next page; a
	 * page of big rows ends early (LIST_PAGE_BYTES), with a cursor. */
	n = history_list(a->db, user, p.before, p.mask, p.limit + 1, rows,
	    LIST_PAGE_BYTES, &cut);
	if (n < 0) {
		free(rows);
		resp_error(r, ERR_INTERNAL, NULL);
		return;
	}
	tab = client_table(&a->jobd);
	o = json_object_new_object();
	jobs = json_object_new_array();
	shown = n < p.limit ? n : p.limit;
	for (int i = 0; i < shown; i++) {
		list_overlay(tab, a->jobd.tabsize, &rows[i]);
		json_object_array_add(jobs, jobjson_new(&rows[i].m, rows[i].urls,
		    rows[i].options, rows[i].command));
	}
	json_object_object_add(o, "jobs", jobs);
	if (n > p.limit || (cut && shown > 0)) {
		char id[JOB_ID_LEN + 1];

		job_id_str(rows[shown - 1].m.uuid, id);
		json_object_object_add(o, "next_cursor", json_object_new_string(id));
	} else
		json_object_object_add(o, "next_cursor", NULL);
	for (int i = 0; i < n; i++)
		hist_row_release(&rows[i]);
	free(rows);
	resp_json(r, 200, o, NULL);
}

void
api_jobs_list(struct app *a, struct req *r)
{
	list_answer(a, r, r->user);
}

void
api_admin_user_jobs(struct app *a, struct req *r)
{
	if (!valid_user(r->args[0])) {
		resp_error(r, ERR_NOT_FOUND, "No such user.");
		return;
	}
	list_answer(a, r, r->args[0]);
}
