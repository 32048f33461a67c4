/* client.h: a responder's side of jobd: the live table mapped read-only,
 * and commands sent on the queue with a bounded wait for the answer
 * (ARCHITECTURE.md rules 1 and 2). */
#ifndef CLIENT_H
#define CLIENT_H

#include <mqueue.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "jobtab.h"
#include "mqmsg.h"

struct client {
	const struct config *cfg;
	const void	*tab;		/* NULL while jobd is down */
	size_t		 tabsize;
	mqd_t		 cmd;
	mqd_t		 reply;
	char		 reply_name[MQ_NAME_MAX];
	int		 lockfd;
	uint64_t	 next_req;
	char		*buf;		/* MQ_CMD_MAX, then one message */
};

/* client_sweep_replies: remove this instance's reply queues whose
 * process is gone.  Each worker removes its own when it stops and the
 * pool removes a dead worker's, but a pool killed all at once leaves
 * them, and the kernel lets unprivileged users have 256 queues in all.
 * Lists /dev/mqueue (nothing is done where it is not mounted).  Returns
 * how many were removed. */
int client_sweep_replies(const char *instance);

/* client_init: create this process's reply queue.  Returns 0 or -1. */
int client_init(struct client *c, const struct config *cfg);
void client_release(struct client *c);

/* client_alive: whether jobd holds its lock (is running) and its loop
 * is turning (its heartbeat in the table is recent). */
bool client_alive(struct client *c);

/* client_table: the live table, remapped after a jobd restart; NULL
 * when there is none. */
const void *client_table(struct client *c);

/* client_call: send cmd (reply_to and req_id are filled in) and wait at
 * most MQ_WAIT_MS for the answer.  Returns ERR_OK with *out filled (whose
 * err is jobd's verdict), ERR_FULL when the queue is full, or
 * ERR_UNAVAILABLE when jobd is down or silent. */
enum err client_call(struct client *c, struct mq_cmd *cmd,
    struct mq_reply *out, int wait_ms);

#endif
