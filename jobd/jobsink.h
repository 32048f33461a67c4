/* jobsink.h: a job's output, from its capture into its slot's ring. */
#ifndef JOBD_JOBSINK_H
#define JOBD_JOBSINK_H

#include "capture.h"
#include "jobd.h"

/* job_sink: where j's captures put their lines. */
struct capture_sink job_sink(struct job *j);
/* job_say: a line jobd writes itself, numbered like the program's. */
void job_say(struct job *j, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* job_output_json: j's held lines as a JSON array text; caller frees. */
char *job_output_json(struct job *j);
/* ring_output_json: the lines first .. next-1 that r holds (at most
 * OUT_LINES_MAX), the same way.  Safe on a ring a killed jobd left
 * half-written. */
char *ring_output_json(const struct ring *r, uint64_t first, uint64_t next);

#endif
