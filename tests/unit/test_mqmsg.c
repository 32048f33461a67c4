/* test_mqmsg.c: the queue's wire format, including hostile input. */
#include <stdlib.h>

#include "shared/mqmsg.h"
#include "test.h"

int
main(void)
{
	struct msg_cmd c = { .type = MSG_CMD_CREATE, .req_id = 42,
	    .deadline_ms = 1234567890123ull,
	    .reply_to = "/jobs.t.r1", .user = "alice", .urls = "[\"u\"]",
	    .options = "{}" }, d;
	static char buf[MSG_CMD_MAX];
	struct msg_frag f;
	int n = msg_cmd_pack(&c, buf, sizeof(buf));

	T_CHECK(n > 0);
	T_CHECK(msg_cmd_unpack(&d, buf, (size_t)n) == 0);
	T_CHECK(d.type == MSG_CMD_CREATE && d.req_id == 42 &&
	    d.deadline_ms == 1234567890123ull);
	T_STREQ(d.user, "alice");
	T_STREQ(d.urls, "[\"u\"]");
	T_STREQ(d.reply_to, "/jobs.t.r1");
	T_CHECK(d.id == NULL && d.settings == NULL);
	/* Every truncation is refused. */
	for (int k = 0; k < n; k++)
		if (msg_cmd_unpack(&d, buf, (size_t)k) == 0) {
			T_CHECK(!"truncated message accepted");
			break;
		}
	T_CHECK(msg_cmd_unpack(&d, buf, (size_t)n + 1) == -1);
	/* A field without its NUL, a foreign magic, a reply as a command. */
	buf[n - 1] = 'x';
	T_CHECK(msg_cmd_unpack(&d, buf, (size_t)n) == -1);
	buf[n - 1] = '\0';
	buf[0] ^= 1;
	T_CHECK(msg_cmd_unpack(&d, buf, (size_t)n) == -1);
	buf[0] ^= 1;
	/* A field that claims more bytes than there are. */
	{
		char *m = malloc((size_t)n);
		uint32_t huge = 0x7fffffff;

		memcpy(m, buf, (size_t)n);
		/* The first field's length, after the 80-byte header. */
		memcpy(m + 80 + 4, &huge, 4);
		T_CHECK(msg_cmd_unpack(&d, m, (size_t)n) == -1);
		free(m);
	}
	/* A command too big for its buffer is refused, not cut. */
	{
		static char big[MSG_CMD_MAX];

		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		c.urls = big;
		T_CHECK(msg_cmd_pack(&c, buf, sizeof(buf)) == -1);
	}
	/* Fragments. */
	{
		char msg[MSG_BYTES_MAX];
		struct msg_frag h = { .magic = MSG_MAGIC, .version = MSG_VERSION,
		    .count = 2, .total = (uint32_t)MSG_FRAG_DATA + 10, .req_id = 7,
		    .sender = "/jobs.t.r1" };

		memcpy(msg, &h, sizeof(h));
		T_CHECK(msg_frag_check(msg, MSG_BYTES_MAX, &f) == 0);
		T_CHECK(msg_frag_check(msg, MSG_BYTES_MAX - 1, &f) == -1);
		h.index = 1;
		memcpy(msg, &h, sizeof(h));
		T_CHECK(msg_frag_check(msg, sizeof(h) + 10, &f) == 0);
		h.index = 2;
		memcpy(msg, &h, sizeof(h));
		T_CHECK(msg_frag_check(msg, sizeof(h) + 10, &f) == -1);
		h.index = 0;
		h.total = MSG_CMD_MAX + 1;
		h.count = (uint16_t)((h.total + MSG_FRAG_DATA - 1) / MSG_FRAG_DATA);
		memcpy(msg, &h, sizeof(h));
		T_CHECK(msg_frag_check(msg, MSG_BYTES_MAX, &f) == -1);
		h.total = 10;
		h.count = 3;
		memcpy(msg, &h, sizeof(h));
		T_CHECK(msg_frag_check(msg, sizeof(h) + 10, &f) == -1);
	}
	return t_done("test_mqmsg");
}
