/* jobjson.h: the job object of doc/api.md, from the same fields whether
 * they come from the live table or from SQLite. */
#ifndef JOBJSON_H
#define JOBJSON_H

#include <json-c/json.h>

#include "jobtab.h"

/* jobjson_new: the job object without "output" ("output_next" included).
 * urls and options are JSON texts, command plain text.  Returns a new
 * object the caller puts, or NULL.  Its fixed members are written when
 * it is serialized, not held as json-c members: json_object_object_get
 * finds only what the caller adds, which goes out after them. */
json_object *jobjson_new(const struct job_meta *m, const char *urls,
    const char *options, const char *command);

/* jobjson_progress: the "progress" object for p; new reference. */
json_object *jobjson_progress(const struct progress *p);

/* jobjson_add_output: a live snapshot's held lines as the "output" of
 * job (from jobjson_new), written after its fixed members.  It takes the
 * snapshot's lines (s keeps its other parts).  Returns 0, or -1 when out
 * of memory (the lines stay with s). */
int jobjson_add_output(json_object *job, struct job_snap *s);

#endif
