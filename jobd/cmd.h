/* cmd.h: the message-queue intake: decode, dispatch, reply. */
#ifndef CMD_H
#define CMD_H

#include "jobd.h"

/* cmd_open: create (or reuse) the instance's queue, 0660 (rule 8).
 * Returns 0, or -1 with a sentence in err. */
int cmd_open(struct jobd *d, char *err, size_t errsz);
void cmd_close(struct jobd *d);
/* cmd_on_readable: handle every waiting command. */
void cmd_on_readable(struct loop_watch *w, uint32_t events);
/* cmd_reply_to: send a reply record to a named queue, never blocking. */
void cmd_reply_to(const char *queue, const struct mq_reply *r);

#endif
