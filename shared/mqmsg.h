/* mqmsg.h: the wire format of the message queue between responders (and
 * jobctl) and jobd.  A command is a fixed header followed by tagged,
 * length-prefixed, NUL-terminated strings; a reply is one fixed record
 * sent to the queue the command names.  Both carry a magic and a version
 * that the receiver checks before it reads a field (httpd IMSG_SIZE_CHECK). */
#ifndef MQMSG_H
#define MQMSG_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "limits.h"

#define MQ_MAGIC	0x4a4d5131u	/* "JMQ1" */
#define MQ_VERSION	1

enum mq_type {
	MQ_CMD_PING = 1,
	MQ_CMD_CREATE,		/* user, runner, urls, options */
	MQ_CMD_CANCEL,		/* user, id */
	MQ_CMD_DELETE,		/* user, id */
	MQ_CMD_RETRY,		/* user, id */
	MQ_CMD_SETTINGS,	/* user, settings (a JSON object of changes) */
	MQ_CMD_SWEEP,		/* run the expiry sweep now */
	MQ_REPLY,
	MQ__TYPES
};

enum mq_flags {
	MQ_F_ADMIN = 1 << 0,	/* the sender acts as an admin: any owner */
};

/* A decoded command.  Strings point into the received buffer. */
struct mq_cmd {
	uint16_t	 type;		/* enum mq_type */
	uint16_t	 flags;		/* enum mq_flags */
	uint64_t	 req_id;	/* echoed in the reply */
	/* CLOCK_REALTIME ms after which the sender has given up (0: never):
	 * jobd drops a command it reads too late, so a client told 503 never
	 * finds the job created after all. */
	uint64_t	 deadline_ms;
	char		 reply_to[MQ_NAME_MAX];	/* "" = no reply wanted */
	const char	*user;
	const char	*id;
	const char	*runner;
	const char	*urls;		/* JSON array text */
	const char	*options;	/* JSON object text */
	const char	*settings;	/* JSON object text */
};

struct mq_reply {
	uint32_t	magic;
	uint16_t	version;
	uint16_t	type;		/* MQ_REPLY */
	uint64_t	req_id;
	uint32_t	err;		/* enum err */
	int32_t		slot;		/* live table slot of the job, or -1 */
	char		id[JOB_ID_LEN + 1];
	char		msg[219];	/* a sentence for the client */
};
_Static_assert(sizeof(struct mq_reply) == 280, "reply record size");

/* Every queue message starts with a fragment header: a packed command of
 * total bytes is sent as count messages, each carrying its slice.  The
 * receiver keys reassembly on (sender, req_id). */
struct mq_frag {
	uint32_t	magic;
	uint16_t	version;
	uint16_t	index;
	uint16_t	count;
	uint16_t	pad;
	uint32_t	total;
	uint64_t	req_id;
	char		sender[MQ_NAME_MAX];
};
#define MQ_FRAG_DATA	(MQ_MSG_MAX - sizeof(struct mq_frag))

/* mq_frag_check: whether msg[0..len) is a well-formed fragment whose
 * slice fits its command (total <= MQ_CMD_MAX).  Returns 0 or -1. */
int mq_frag_check(const char *msg, size_t len, struct mq_frag *out);

/* mq_cmd_pack: encode c into buf.  Returns the byte count, or -1 when it
 * does not fit in size (at most MQ_CMD_MAX). */
int mq_cmd_pack(const struct mq_cmd *c, char *buf, size_t size);

/* mq_cmd_unpack: decode buf[0..len) into c, whose strings then borrow
 * buf.  Every length is checked against len first.  Returns 0, or -1 for
 * a malformed, truncated or foreign message. */
int mq_cmd_unpack(struct mq_cmd *c, const char *buf, size_t len);

/* mq_reply_check: whether buf[0..len) is a well-formed reply. */
int mq_reply_check(const struct mq_reply *r, size_t len);

#endif
