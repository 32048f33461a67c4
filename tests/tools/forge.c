/* forge.c: a hostile local sender on jobd's command queue, for
 * tests/integration/0040-queue-trust.sh.  It claims a reply queue the
 * proper way (so it can hear answers) and then sends forged, malformed,
 * truncated, oversized and out-of-order messages.  Each check prints
 * "ok" or "not ok" and a summary line; the shell test then checks that
 * no job or setting changed and that jobd still answers.
 *
 *   forge CONFIG BOB_JOB_ID */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "shared/client.h"
#include "shared/replyq.h"
#include "tests/unit/test.h"

static struct config cfg;
static mqd_t cmdq, mine;
static char my_name[MSG_NAME_MAX];

static void
deadline(struct timespec *ts, int ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* send_raw: one message as it is. */
static int
send_raw(const void *msg, size_t len)
{
	struct timespec dl;

	deadline(&dl, 1000);
	return mq_timedsend(cmdq, msg, len, 0, &dl);
}

/* send_cmd: c packed, in fragments, naming sender as its sender and
 * reply_to as where to answer; the index order is kept or reversed. */
static int
send_cmd(struct msg_cmd *c, const char *sender, const char *reply_to,
    bool reversed)
{
	static char buf[MSG_CMD_MAX], msg[MSG_BYTES_MAX];
	struct msg_frag f = { .magic = MSG_MAGIC, .version = MSG_VERSION };
	int len;

	snprintf(c->reply_to, sizeof(c->reply_to), "%s", reply_to);
	if ((len = msg_cmd_pack(c, buf, sizeof(buf))) == -1)
		return -1;
	snprintf(f.sender, sizeof(f.sender), "%s", sender);
	f.total = (uint32_t)len;
	f.req_id = c->req_id;
	f.count = (uint16_t)((len + MSG_FRAG_DATA - 1) / MSG_FRAG_DATA);
	for (int k = 0; k < f.count; k++) {
		size_t off, n;

		f.index = (uint16_t)(reversed ? f.count - 1 - k : k);
		off = (size_t)f.index * MSG_FRAG_DATA;
		n = (size_t)len - off < MSG_FRAG_DATA ? (size_t)len - off :
		    MSG_FRAG_DATA;
		memcpy(msg, &f, sizeof(f));
		memcpy(msg + sizeof(f), buf + off, n);
		if (send_raw(msg, sizeof(f) + n) == -1)
			return -1;
	}
	return 0;
}

/* answer: jobd's answer to req on q within ms, or -1 (none came). */
static int
answer(mqd_t q, uint64_t req, int ms, struct msg_reply *r)
{
	struct timespec dl;
	ssize_t n;

	deadline(&dl, ms);
	while ((n = mq_timedreceive(q, (char *)r, sizeof(*r), NULL, &dl)) >= 0)
		if (msg_reply_check(r, (size_t)n) == 0 && r->req_id == req)
			return (int)r->err;
	return -1;
}

/* call: send c properly and return jobd's verdict (-1: no answer). */
static int
call(struct msg_cmd *c, uint64_t req)
{
	struct msg_reply r;

	c->req_id = req;
	if (send_cmd(c, my_name, my_name, false) == -1)
		return -1;
	return answer(mine, req, 2000, &r);
}

int
main(int argc, char *argv[])
{
	char err[256], path[PATH_MAX], name[MSG_NAME_MAX], other[MSG_NAME_MAX];
	static char big[70000];
	struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize =
	    sizeof(struct msg_reply) };
	struct msg_reply r;
	int lockfd, spare;
	mqd_t stray;

	if (argc != 3 || config_load(&cfg, argv[1], err, sizeof(err)) == -1) {
		fprintf(stderr, "usage: forge CONFIG BOB_JOB_ID\n");
		return 2;
	}
	if (replyq_lock_path(&cfg, path, sizeof(path)) == -1 ||
	    (lockfd = open(path, O_RDWR)) == -1 ||
	    (mine = replyq_claim(lockfd, cfg.instance, my_name,
	    sizeof(my_name))) == (mqd_t)-1 ||
	    jobtab_mq_name(name, sizeof(name), cfg.instance) == -1 ||
	    (cmdq = mq_open(name, O_WRONLY)) == (mqd_t)-1) {
		fprintf(stderr, "forge: cannot reach jobd: %s\n", strerror(errno));
		return 2;
	}

	/* Identity: forged users and admin flags. */
	T_CHECK(call(&(struct msg_cmd){ .type = MSG_CMD_CREATE, .user = "mallory",
	    .urls = "[\"https://open.spotify.com/track/AAAAAAAAAAAAAAAAAAAAAA\"]",
	    .options = "{}" }, 1) == ERR_FORBIDDEN);
	T_CHECK(call(&(struct msg_cmd){ .type = MSG_CMD_SETTINGS, .user = "alice",
	    .settings = "{\"max_concurrent_jobs\": 0}" }, 2) == ERR_FORBIDDEN);
	T_CHECK(call(&(struct msg_cmd){ .type = MSG_CMD_CANCEL, .user = "alice",
	    .flags = MSG_F_ADMIN, .id = argv[2] }, 3) == ERR_FORBIDDEN);
	T_CHECK(call(&(struct msg_cmd){ .type = MSG_CMD_CANCEL, .user = "alice",
	    .id = argv[2] }, 4) == ERR_NOT_FOUND);
	T_CHECK(call(&(struct msg_cmd){ .type = MSG_CMD_DELETE, .user = "../x",
	    .id = argv[2] }, 5) == ERR_INVALID);
	T_CHECK(call(&(struct msg_cmd){ .type = MSG_CMD_CREATE, .user = "carol",
	    .urls = "[\"https://open.spotify.com/track/AAAAAAAAAAAAAAAAAAAAAA\"]",
	    .options = "{}" }, 6) == ERR_FORBIDDEN);	/* disabled */

	/* Replies go to live clients' queues only: not to a queue of a
	 * reply name nobody holds, nor to any other queue. */
	spare = REPLYQ_MAX - 1;
	replyq_name(other, sizeof(other), cfg.instance, spare);
	mq_unlink(other);
	stray = mq_open(other, O_RDONLY | O_CREAT | O_EXCL, 0620, &attr);
	T_CHECK(stray != (mqd_t)-1);
	T_CHECK(send_cmd(&(struct msg_cmd){ .type = MSG_CMD_PING, .req_id = 7 },
	    my_name, other, false) == 0);
	T_CHECK(answer(stray, 7, 500, &r) == -1);
	T_CHECK(send_cmd(&(struct msg_cmd){ .type = MSG_CMD_PING, .req_id = 8 },
	    my_name, name, false) == 0);	/* the command queue itself */
	T_CHECK(call(&(struct msg_cmd){ .type = MSG_CMD_PING }, 9) == ERR_OK);
	mq_close(stray);
	mq_unlink(other);

	/* Malformed, truncated, oversized, out of order. */
	memset(big, 'x', sizeof(big));
	T_CHECK(send_raw(big, 100) == 0);
	T_CHECK(send_raw(big, 1) == 0);
	T_CHECK(send_raw(big, MSG_BYTES_MAX) == 0);
	{
		struct msg_frag f = { .magic = MSG_MAGIC, .version = MSG_VERSION,
		    .count = 1, .total = 50, .req_id = 10 };
		char msg[MSG_BYTES_MAX];

		snprintf(f.sender, sizeof(f.sender), "%s", my_name);
		memcpy(msg, &f, sizeof(f));
		memset(msg + sizeof(f), 0, 50);
		T_CHECK(send_raw(msg, sizeof(f) + 20) == 0);	/* truncated */
		f.total = MSG_CMD_MAX + 1;			/* oversized */
		memcpy(msg, &f, sizeof(f));
		T_CHECK(send_raw(msg, sizeof(f) + 50) == 0);
		f.total = 50;					/* garbage body */
		memcpy(msg, &f, sizeof(f));
		T_CHECK(send_raw(msg, sizeof(f) + 50) == 0);
	}
	/* A create of 60 KiB options (several fragments) sent backwards,
	 * and one whose sender is not a live client: both dropped. */
	big[60000] = '\0';
	T_CHECK(send_cmd(&(struct msg_cmd){ .type = MSG_CMD_CREATE, .user = "alice",
	    .req_id = 11, .urls = "[]", .options = big }, my_name, my_name,
	    true) == 0);
	T_CHECK(answer(mine, 11, 500, &r) == -1);
	T_CHECK(send_cmd(&(struct msg_cmd){ .type = MSG_CMD_CREATE, .user = "alice",
	    .req_id = 12, .urls = "[]", .options = big }, other, my_name,
	    false) == 0);
	T_CHECK(answer(mine, 12, 500, &r) == -1);
	/* Still serving. */
	T_CHECK(call(&(struct msg_cmd){ .type = MSG_CMD_PING }, 13) == ERR_OK);

	mq_close(mine);
	mq_unlink(my_name);
	close(lockfd);
	config_release(&cfg);
	return t_done("forge");
}
