/* cmd.h: the message-queue intake: decode, dispatch, reply. */
#ifndef CMD_H
#define CMD_H

#include "jobd.h"

/* cmd_open: create (or reuse, when it is jobd's own) the instance's
 * queue, 0660, and the reply queues' lock file.  Returns 0, or -1 with
 * a sentence in err. */
int cmd_open(struct jobd *d, char *err, size_t errsz);
void cmd_close(struct jobd *d);
/* cmd_on_readable: handle every waiting command. */
void cmd_on_readable(struct loop_watch *w, uint32_t events);
/* cmd_reply_to: send a reply record to a live client's reply queue,
 * never blocking; any other name is refused. */
void cmd_reply_to(struct jobd *d, const char *queue, const struct msg_reply *r);

#endif
