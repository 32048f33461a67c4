/* act.h: the actions commands ask for (create, cancel, delete, retry),
 * and the loading of queued rows into free slots. */
#ifndef ACT_H
#define ACT_H

#include "jobd.h"
#include "shared/err.h"

/* The answer to a command: an error with a sentence, and the job's slot. */
struct act_answer {
	enum err	err;
	bool		later;		/* answered later, not now (a sweep) */
	int		slot;
	char		id[JOB_ID_LEN + 1];
	char		msg[200];
};

void act_create(struct jobd *d, const struct msg_cmd *c, struct act_answer *a);
void act_cancel(struct jobd *d, const struct msg_cmd *c, struct act_answer *a);
void act_delete(struct jobd *d, const struct msg_cmd *c, struct act_answer *a);
void act_retry(struct jobd *d, const struct msg_cmd *c, struct act_answer *a);
/* act_load_next: put the oldest queued row into a free slot so that it
 * can start.  Returns 1 when one was loaded, 0 when there is none or no
 * free slot, -1 when the database could not be read. */
int act_load_next(struct jobd *d);

#endif
