/* client.h: a responder's side of jobd: the live table mapped read-only,
 * and commands sent on the queue with a bounded wait for the answer
 * (doc/design.md: polling never waits on jobd; changes go through it). */
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
	struct tabmap	*map;		/* the process's mapping tab is in */
	mqd_t		 cmd;
	mqd_t		 reply;		/* (mqd_t)-1 until the first call */
	char		 reply_name[MSG_NAME_MAX];
	int		 lockfd;	/* jobd's lock, to test it runs */
	int		 replyfd;	/* replies.lock, holding our index */
	uint64_t	 next_req;
	char		*buf;		/* MSG_CMD_MAX, then one message */
};

/* client_init: set c up; nothing is opened yet.  Reads (the table)
 * need no queue; the reply queue is claimed at the first client_call
 * (replyq.h), so a system out of queues fails commands, not reads. */
void client_init(struct client *c, const struct config *cfg);
/* client_release: close all; the reply queue is removed. */
void client_release(struct client *c);

/* client_alive: whether jobd holds its lock (is running) and its loop
 * is turning (its heartbeat in the table is recent). */
bool client_alive(struct client *c);

/* client_table: the live table, remapped after a jobd restart; NULL
 * when there is none.  One mapping serves every client of a process (a
 * responder's threads); what it returns stays mapped until this client
 * calls client_table again or is released. */
const void *client_table(struct client *c);

/* client_call: send cmd (reply_to and req_id are filled in) and wait at
 * most wait_ms for the answer.  Returns ERR_OK with *out filled (whose
 * err is jobd's verdict), ERR_FULL when the queue is full, or
 * ERR_UNAVAILABLE when jobd is down or silent, or no reply queue could
 * be had. */
enum err client_call(struct client *c, struct msg_cmd *cmd,
    struct msg_reply *out, int wait_ms);

#endif
