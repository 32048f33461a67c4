/* history.h: job rows read from SQLite (read-only connection). */
#ifndef HISTORY_H
#define HISTORY_H

#include <json-c/json.h>
#include <sqlite3.h>
#include <stdint.h>

#include "shared/jobtab.h"

struct hist_row {
	struct job_meta	 m;
	char		*urls;		/* owned texts */
	char		*options;
	char		*command;
	char		*output;	/* JSON array text, or NULL */
};

void hist_row_release(struct hist_row *h);

/* history_get: the row of uuid owned by user (NULL: any owner).
 * Returns 1, 0 when there is none, -1 on error. */
int history_get(sqlite3 *db, const uint8_t uuid[16], const char *user,
    struct hist_row *out);

/* history_cursor: the seq of the job named by a cursor (a job id) of
 * user.  Returns 0, or -1 when it is unknown. */
int history_cursor(sqlite3 *db, const char *cursor, const char *user,
    int64_t *seq);

/* history_list: up to limit rows of user older than before (0: from the
 * newest), with a status in mask (bit per enum job_status; 0: all),
 * stopping once their texts reach budget bytes (at least one row; *cut
 * then says so).  rows is an array of at least limit; returns the count,
 * or -1. */
int history_list(sqlite3 *db, const char *user, int64_t before,
    unsigned mask, int limit, struct hist_row *rows, size_t budget,
    bool *cut);


#endif
