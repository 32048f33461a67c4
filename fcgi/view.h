/* view.h: one job as the API shows it, from the live table when jobd
 * holds it (no round trip: design rule 1), else from SQLite. */
#ifndef VIEW_H
#define VIEW_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "app.h"
#include "req.h"

/* view_job_answer: answer r with the job uuid of owner (NULL: any) and
 * status (200 or 201), output lines from since, honouring If-None-Match.
 * 404 when there is no such job. */
void view_job_answer(struct app *a, struct req *r, const uint8_t uuid[16],
    const char *owner, int status, uint64_t since);

#endif
