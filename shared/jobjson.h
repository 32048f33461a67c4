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
 * finds only what the caller adds ("output"), which goes out after them. */
json_object *jobjson_new(const struct job_meta *m, const char *urls,
    const char *options, const char *command);

/* jobjson_progress: the "progress" object for p; new reference. */
json_object *jobjson_progress(const struct progress *p);

/* jobjson_snap_output: the output array of a live snapshot.  It takes
 * the snapshot's lines (s keeps its other parts); what it returns only
 * serializes, it holds no elements to read.  NULL when out of memory
 * (the lines stay with s). */
json_object *jobjson_snap_output(struct job_snap *s);


#endif
