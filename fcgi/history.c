/* history.c: SQLite reads for responders (see history.h). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "shared/db.h"
#include "shared/jobmodel.h"
#include "shared/valid.h"

#define HIST_COLS "seq, id, user_id, runner, urls, options, command, " \
	"status, return_code, errors, progress, output_next, created_at, " \
	"started_at, finished_at, slurm_job_id, slurm_node"

void
hist_row_release(struct hist_row *h)
{
	free(h->urls);
	free(h->options);
	free(h->command);
	free(h->output);
	memset(h, 0, sizeof(*h));
}

static char *
col_dup(sqlite3_stmt *q, int col)
{
	const unsigned char *t = sqlite3_column_text(q, col);

	return t ? strdup((const char *)t) : NULL;
}

static void
hist_progress(const char *text, struct progress *p)
{
	static const struct { const char *key; unsigned bit; size_t off; } ints[] = {
		{ "url", PROGRESS_URL, offsetof(struct progress, url) },
		{ "urls", PROGRESS_URLS, offsetof(struct progress, urls) },
		{ "track", PROGRESS_TRACK, offsetof(struct progress, track) },
	};
	json_object *o, *v;

	memset(p, 0, sizeof(*p));
	/* What most rows hold (jobs whose runner says nothing of progress):
	 * nothing to parse. */
	if (text == NULL || strcmp(text, "{\"url\":null,\"urls\":null,"
	    "\"track\":null,\"percent\":null}") == 0 ||
	    (o = json_tokener_parse(text)) == NULL)
		return;
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		if (json_object_object_get_ex(o, ints[i].key, &v) && v) {
			*(int32_t *)((char *)p + ints[i].off) = json_object_get_int(v);
			p->known |= ints[i].bit;
		}
	if (json_object_object_get_ex(o, "percent", &v) && v) {
		p->percent = json_object_get_double(v);
		p->known |= PROGRESS_PERCENT;
	}
	json_object_put(o);
}

static int
hist_fill(sqlite3_stmt *q, struct hist_row *h, bool with_output)
{
	const char *id = (const char *)sqlite3_column_text(q, 1);
	const char *status = (const char *)sqlite3_column_text(q, 7);

	memset(h, 0, sizeof(*h));
	h->m.seq = (uint64_t)sqlite3_column_int64(q, 0);
	if (id == NULL || valid_uuid(id, strlen(id), h->m.uuid) == -1 ||
	    status == NULL)
		return -1;
	snprintf(h->m.user_id, sizeof(h->m.user_id), "%s",
	    (const char *)sqlite3_column_text(q, 2));
	snprintf(h->m.runner, sizeof(h->m.runner), "%s",
	    (const char *)sqlite3_column_text(q, 3));
	h->urls = col_dup(q, 4);
	h->options = col_dup(q, 5);
	h->command = col_dup(q, 6);
	h->m.status = job_status_parse(status, (unsigned)strlen(status));
	h->m.has_return_code = sqlite3_column_type(q, 8) != SQLITE_NULL;
	h->m.return_code = sqlite3_column_int(q, 8);
	h->m.errors = sqlite3_column_type(q, 9) == SQLITE_NULL ? -1 :
	    sqlite3_column_int(q, 9);
	hist_progress((const char *)sqlite3_column_text(q, 10), &h->m.progress);
	h->m.out_next = (uint64_t)sqlite3_column_int64(q, 11);
	h->m.created_at = sqlite3_column_double(q, 12);
	h->m.started_at = sqlite3_column_double(q, 13);
	h->m.finished_at = sqlite3_column_double(q, 14);
	h->m.slurm_job_id = (uint64_t)sqlite3_column_int64(q, 15);
	if (sqlite3_column_text(q, 16) != NULL)
		snprintf(h->m.slurm_node, sizeof(h->m.slurm_node), "%s",
		    (const char *)sqlite3_column_text(q, 16));
	if (with_output)
		h->output = col_dup(q, 17);
	return h->urls && h->options && h->command ? 0 : -1;
}

int
history_get(sqlite3 *db, const uint8_t uuid[16], const char *user,
    struct hist_row *out)
{
	char id[JOB_ID_LEN + 1];
	sqlite3_stmt *q;
	int rc;

	/* Empty first: a failed step must not free what was never set. */
	memset(out, 0, sizeof(*out));
	job_id_str(uuid, id);
	if ((q = db_stmt(db, "SELECT " HIST_COLS ", output FROM jobs "
	    "WHERE id = ? AND (?2 IS NULL OR user_id = ?2)")) == NULL)
		return -1;
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	if (user != NULL)
		sqlite3_bind_text(q, 2, user, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		rc = hist_fill(q, out, true) == 0 ? 1 : -1;
	else
		rc = rc == SQLITE_DONE ? 0 : -1;
	db_stmt_done(q);
	if (rc == -1)
		hist_row_release(out);
	return rc;
}

int
history_cursor(sqlite3 *db, const char *cursor, const char *user,
    int64_t *seq)
{
	sqlite3_stmt *q;
	int rc = -1;

	if ((q = db_stmt(db, "SELECT seq FROM jobs WHERE id = ? AND "
	    "user_id = ?")) == NULL)
		return -1;
	sqlite3_bind_text(q, 1, cursor, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, user, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW) {
		*seq = sqlite3_column_int64(q, 0);
		rc = 0;
	}
	db_stmt_done(q);
	return rc;
}

int
history_list(sqlite3 *db, const char *user, int64_t before, unsigned mask,
    int limit, struct hist_row *rows, size_t budget, bool *cut)
{
	char sql[512], in[128] = "";
	size_t used = 0, bytes = 0;
	sqlite3_stmt *q;
	int n = 0, rc = SQLITE_DONE;

	for (int s = JOB_QUEUED; s < JOB__COUNT; s++)
		if (mask & (1u << s))
			used += (size_t)snprintf(in + used, sizeof(in) - used,
			    "%s'%s'", used ? "," : "",
			    job_status_str((enum job_status)s));
	snprintf(sql, sizeof(sql), "SELECT " HIST_COLS " FROM jobs WHERE "
	    "user_id = ? AND seq < ? %s%s%s ORDER BY seq DESC LIMIT ?",
	    mask ? "AND status IN (" : "", in, mask ? ")" : "");
	/* One text per status mask: at most 32 kept. */
	if ((q = db_stmt(db, sql)) == NULL)
		return -1;
	sqlite3_bind_text(q, 1, user, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, before > 0 ? before : INT64_MAX);
	sqlite3_bind_int(q, 3, limit);
	/* Texts of a row are at most SPEC_MAX: the budget bounds the
	 * answer's size and the responder's memory, whatever limit asks. */
	while (n < limit && bytes < budget &&
	    (rc = sqlite3_step(q)) == SQLITE_ROW) {
		bytes += (size_t)sqlite3_column_bytes(q, 4) +
		    (size_t)sqlite3_column_bytes(q, 5) +
		    (size_t)sqlite3_column_bytes(q, 6);
		/* A row that cannot be read fails the page: a page that
		 * skipped it would say the job does not exist. */
		if (hist_fill(q, &rows[n], false) == -1) {
			hist_row_release(&rows[n]);
			rc = SQLITE_NOMEM;
			break;
		}
		n++;
	}
	db_stmt_done(q);
	*cut = bytes >= budget;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		while (n > 0)
			hist_row_release(&rows[--n]);
		return -1;
	}
	return n;
}
