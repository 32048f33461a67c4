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

#define MSG_MAGIC	0x4a4d5131u	/* "JMQ1" */
#define MSG_VERSION	1

enum msg_type {
	MSG_CMD_PING = 1,
	MSG_CMD_CREATE,		/* user, runner, urls, options */
	MSG_CMD_CANCEL,		/* user, id */
	MSG_CMD_DELETE,		/* user, id */
	MSG_CMD_RETRY,		/* user, id */
	MSG_CMD_SETTINGS,	/* user, settings (a JSON object of changes) */
	MSG_CMD_SWEEP,		/* run the expiry sweep now */
	MSG_REPLY,
	MQ__TYPES
};

enum msg_flags {
	MSG_F_ADMIN = 1 << 0,	/* the sender acts as an admin: any owner */
};

/* A decoded command.  Strings point into the received buffer. */
struct msg_cmd {
	uint16_t	 type;		/* enum msg_type */
	uint16_t	 flags;		/* enum msg_flags */
	uint64_t	 req_id;	/* echoed in the reply */
	/* CLOCK_REALTIME ms after which the sender has given up (0: never):
	 * jobd drops a command it reads too late, so a client told 503 never
	 * finds the job created after all. */
	uint64_t	 deadline_ms;
	char		 reply_to[MSG_NAME_MAX];	/* "" = no reply wanted */
	const char	*user;
	const char	*id;
	const char	*runner;
	const char	*urls;		/* JSON array text */
	const char	*options;	/* JSON object text */
	const char	*settings;	/* JSON object text */
};

struct msg_reply {
	uint32_t	magic;
	uint16_t	version;
	uint16_t	type;		/* MSG_REPLY */
	uint64_t	req_id;
	uint32_t	err;		/* enum err */
	int32_t		slot;		/* live table slot of the job, or -1 */
	char		id[JOB_ID_LEN + 1];
	char		msg[219];	/* a sentence for the client */
};
_Static_assert(sizeof(struct msg_reply) == 280, "reply record size");

/* Every queue message starts with a fragment header: a packed command of
 * total bytes is sent as count messages, each carrying its slice.  The
 * receiver keys reassembly on (sender, req_id). */
struct msg_frag {
	uint32_t	magic;
	uint16_t	version;
	uint16_t	index;
	uint16_t	count;
	uint16_t	pad;
	uint32_t	total;
	uint64_t	req_id;
	char		sender[MSG_NAME_MAX];
};
#define MSG_FRAG_DATA	(MSG_BYTES_MAX - sizeof(struct msg_frag))

/* msg_frag_check: whether msg[0..len) is a well-formed fragment whose
 * slice fits its command (total <= MSG_CMD_MAX).  Returns 0 or -1. */
int msg_frag_check(const char *msg, size_t len, struct msg_frag *out);

/* msg_cmd_pack: encode c into buf.  Returns the byte count, or -1 when it
 * does not fit in size (at most MSG_CMD_MAX). */
int msg_cmd_pack(const struct msg_cmd *c, char *buf, size_t size);

/* msg_cmd_unpack: decode buf[0..len) into c, whose strings then borrow
 * buf.  Every length is checked against len first.  Returns 0, or -1 for
 * a malformed, truncated or foreign message. */
int msg_cmd_unpack(struct msg_cmd *c, const char *buf, size_t len);

/* msg_reply_check: whether buf[0..len) is a well-formed reply. */
int msg_reply_check(const struct msg_reply *r, size_t len);

#endif
