/* fuzz_mqcmd.c: libFuzzer target: queue messages as jobd reads them.
 * Each message is checked directly (msg_frag_check, then msg_cmd_unpack of
 * a one-fragment command, which must pack back to the same length and
 * read the same) and also sent on a real POSIX queue to jobd's own
 * cmd_on_readable (jobd/cmd.c), whose fragment reassembly per sender is
 * reachable no other way.  A command that reassembles is dropped by
 * cmd_handle before it is dispatched, since every first fragment's
 * deadline is rewritten to 1 ms after the epoch: no database or table
 * is needed.  Senders are reply queue names of a private instance whose
 * indexes 0 to 3 this process holds (replyq.h); 4 is held by no one.
 * Input: records, each a byte saying what follows:
 *   % 3 == 0  a raw message: 2 bytes of length, then its bytes;
 *   % 3 == 1  a fragment with a well-formed header: sender, req_id,
 *             index, count, total (3 bytes), a byte whose low bit makes
 *             the slice one byte short, then bytes the slice repeats;
 *   % 3 == 2  a whole command (type, flags, sender, req_id, a urls
 *             length in 16-byte units, pattern bytes) packed and sent in
 *             fragments as client.c does, perturbed by a byte: drop one,
 *             repeat one, swap two, change the req_id of one, flip one
 *             byte of the packed command. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jobd/cmd.h"
#include "jobd/jobd.h"
#include "shared/replyq.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HELD		4	/* indexes 0..HELD-1 are held here */
#define DEADLINE_OFF	24	/* in a packed command; checked */

static struct jobd D;
static struct loop_watch W = { .arg = &D };
static char dir[64];

struct in {
	const uint8_t	*p, *end;
};

static unsigned
take(struct in *in, unsigned nbytes)
{
	unsigned v = 0;

	for (unsigned i = 0; i < nbytes; i++)
		v |= (unsigned)(in->p < in->end ? *in->p++ : 0) << (8 * i);
	return v;
}

static void
cleanup(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/replies.lock", dir);
	unlink(path);
	rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct mq_attr attr = { .mq_maxmsg = MSG_DEPTH_DEFAULT,
	    .mq_msgsize = MSG_BYTES_MAX };
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
	    .l_start = 0, .l_len = HELD };
	struct msg_cmd c = { .type = MSG_CMD_PING,
	    .deadline_ms = 0x0807060504030201ull };
	char name[64], path[128], buf[256];
	int holder;

	(void)argc;
	(void)argv;
	/* The header layout this target rewrites. */
	if (msg_cmd_pack(&c, buf, sizeof(buf)) < DEADLINE_OFF + 8 ||
	    memcmp(buf + DEADLINE_OFF, &c.deadline_ms, 8) != 0)
		abort();
	snprintf(D.cfg.instance, sizeof(D.cfg.instance), "fzmq%d",
	    (int)getpid());
	snprintf(dir, sizeof(dir), "/tmp/fuzz_mqcmd.XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
	atexit(cleanup);
	snprintf(D.cfg.state_dir, sizeof(D.cfg.state_dir), "%s", dir);
	snprintf(path, sizeof(path), "%s/replies.lock", dir);
	D.replyfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	holder = open(path, O_RDWR | O_CLOEXEC);
	if (D.replyfd == -1 || holder == -1 ||
	    fcntl(holder, F_OFD_SETLK, &fl) == -1)
		abort();
	snprintf(name, sizeof(name), "/fuzz_mqcmd.%d", (int)getpid());
	D.mq = mq_open(name, O_RDWR | O_CREAT | O_EXCL | O_NONBLOCK, 0600,
	    &attr);
	if (D.mq == (mqd_t)-1) {
		fprintf(stderr, "fuzz_mqcmd: mq_open: %s\n", strerror(errno));
		abort();
	}
	mq_unlink(name);
	if ((D.mqbuf = malloc(MSG_BYTES_MAX)) == NULL)
		abort();
	for (int i = 0; i <= HELD; i++)
		if (replyq_held(D.replyfd, i) != (i < HELD))
			abort();
	return 0;
}

static void
sender_name(char *buf, size_t size, unsigned sel)
{
	/* Mostly held indexes; then one no one holds, a non-canonical one
	 * and another instance's. */
	switch (sel % 8) {
	case 5:
		snprintf(buf, size, "/jobs.%s.r%d", D.cfg.instance, HELD);
		break;
	case 6:
		snprintf(buf, size, "/jobs.%s.r01", D.cfg.instance);
		break;
	case 7:
		snprintf(buf, size, "/jobs.other.r0");
		break;
	default:
		snprintf(buf, size, "/jobs.%s.r%u", D.cfg.instance,
		    sel % 8 % HELD);
	}
}

/* check_direct: what cmd_on_readable does with one message before
 * reassembly, plus a round trip of every command that unpacks. */
static void
check_direct(const char *msg, size_t len)
{
	static char again[MSG_CMD_MAX];
	struct msg_frag f;
	struct msg_cmd c, d;
	const char *data = msg + sizeof(f);
	int n;

	if (msg_frag_check(msg, len, &f) != 0)
		return;
	if (f.count != 1 || msg_cmd_unpack(&c, data, f.total) != 0)
		return;
	if (memchr(c.reply_to, '\0', sizeof(c.reply_to)) == NULL)
		abort();
	n = msg_cmd_pack(&c, again, sizeof(again));
	if (n != (int)f.total || msg_cmd_unpack(&d, again, (size_t)n) != 0 ||
	    d.type != c.type || d.flags != c.flags || d.req_id != c.req_id)
		abort();
#define SAME(x) if ((c.x == NULL) != (d.x == NULL) || \
	    (c.x && strcmp(c.x, d.x) != 0)) abort()
	SAME(user); SAME(id); SAME(runner); SAME(urls); SAME(options);
	SAME(settings);
#undef SAME
}

/* deliver: one message to the check and to jobd, which reads when the
 * queue is full. */
static void
deliver(char *msg, size_t len)
{
	struct msg_frag f;
	uint64_t past = 1;

	if (len >= sizeof(f) + DEADLINE_OFF + 8) {
		memcpy(&f, msg, sizeof(f));
		if (f.index == 0)
			memcpy(msg + sizeof(f) + DEADLINE_OFF, &past, 8);
	}
	check_direct(msg, len);
	while (mq_send(D.mq, msg, len, 0) == -1) {
		if (errno != EAGAIN)
			abort();
		cmd_on_readable(&W, 0);
	}
}

static void
raw(struct in *in)
{
	static char msg[MSG_BYTES_MAX];
	size_t len = take(in, 2) % (MSG_BYTES_MAX + 1);

	for (size_t i = 0; i < len; i++)
		msg[i] = (char)take(in, 1);
	deliver(msg, len);
}

static void
fragment(struct in *in)
{
	static char msg[MSG_BYTES_MAX];
	struct msg_frag f = { .magic = MSG_MAGIC, .version = MSG_VERSION };
	const uint8_t *pat;
	size_t slice, npat;

	sender_name(f.sender, sizeof(f.sender), take(in, 1));
	f.req_id = take(in, 1);
	f.index = (uint16_t)take(in, 1);
	f.count = (uint16_t)take(in, 1);
	f.total = take(in, 3) % (MSG_CMD_MAX + 2);
	slice = f.index + 1 < f.count ? MSG_FRAG_DATA :
	    f.total - (size_t)f.index * MSG_FRAG_DATA;
	if (slice > MSG_FRAG_DATA)
		slice = MSG_FRAG_DATA;
	if ((take(in, 1) & 1) && slice > 0)
		slice--;
	pat = in->p;
	npat = (size_t)(in->end - in->p) < 64 ? (size_t)(in->end - in->p) : 64;
	in->p += npat;
	memcpy(msg, &f, sizeof(f));
	for (size_t i = 0; i < slice; i++)
		msg[sizeof(f) + i] = npat ? (char)pat[i % npat] : 'x';
	deliver(msg, sizeof(f) + slice);
}

static void
command(struct in *in)
{
	static char packed[MSG_CMD_MAX], urls[MSG_CMD_MAX], msg[MSG_BYTES_MAX];
	struct msg_cmd c = { 0 };
	struct msg_frag f = { .magic = MSG_MAGIC, .version = MSG_VERSION };
	unsigned perturb, order[32], nord = 0;
	size_t ulen, npat;
	const uint8_t *pat;
	int len;

	c.type = (uint16_t)(take(in, 1) % (MQ__TYPES + 1));
	c.flags = (uint16_t)take(in, 1);
	sender_name(f.sender, sizeof(f.sender), take(in, 1));
	memcpy(c.reply_to, f.sender, sizeof(c.reply_to));
	c.req_id = f.req_id = take(in, 1);
	c.user = "alice";
	if (take(in, 1) & 1)
		c.id = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
	ulen = take(in, 2) * 16 % (MSG_CMD_MAX - 256);
	perturb = take(in, 1);
	pat = in->p;
	npat = (size_t)(in->end - in->p) < 16 ? (size_t)(in->end - in->p) : 16;
	in->p += npat;
	for (size_t i = 0; i < ulen; i++) {
		char ch = npat ? (char)pat[i % npat] : 'u';

		urls[i] = ch ? ch : 'u';
	}
	urls[ulen] = '\0';
	c.urls = urls;
	if ((len = msg_cmd_pack(&c, packed, sizeof(packed))) < 0)
		abort();	/* it was sized to fit */
	if (perturb & 0x10)
		packed[pat && npat ? pat[0] % len : 0] ^= 0x5a;
	f.total = (uint32_t)len;
	f.count = (uint16_t)((f.total + MSG_FRAG_DATA - 1) / MSG_FRAG_DATA);
	for (unsigned i = 0; i < f.count; i++)
		order[nord++] = i;
	if ((perturb & 0x01) && nord > 1) {	/* drop one */
		unsigned k = perturb % nord;

		memmove(order + k, order + k + 1, (nord - k - 1) *
		    sizeof(order[0]));
		nord--;
	}
	if ((perturb & 0x02) && nord > 0 && nord < 32) {	/* repeat one */
		unsigned k = order[(perturb >> 5) % nord];

		order[nord++] = k;
	}
	if ((perturb & 0x04) && nord > 1) {	/* swap two */
		unsigned k = (perturb >> 5) % (nord - 1), t = order[k];

		order[k] = order[k + 1];
		order[k + 1] = t;
	}
	for (unsigned i = 0; i < nord; i++) {
		size_t off = (size_t)order[i] * MSG_FRAG_DATA;
		size_t n = f.total - off < MSG_FRAG_DATA ? f.total - off :
		    MSG_FRAG_DATA;

		f.index = (uint16_t)order[i];
		f.req_id = c.req_id + ((perturb & 0x08) && i == nord - 1);
		memcpy(msg, &f, sizeof(f));
		memcpy(msg + sizeof(f), packed + off, n);
		deliver(msg, sizeof(f) + n);
	}
	/* Sent whole and in order, a command of several fragments from a
	 * live sender is reassembled, handled and its buffer freed. */
	if ((perturb & 0x0f) == 0 && f.count > 1) {
		int i = replyq_index(D.cfg.instance, f.sender);

		cmd_on_readable(&W, 0);
		if (i >= 0 && i < HELD && D.reasm[i].buf != NULL)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, data + size };

	/* Each input starts with no half-sent command. */
	for (int i = 0; i < REPLYQ_MAX; i++) {
		free(D.reasm[i].buf);
		memset(&D.reasm[i], 0, sizeof(D.reasm[i]));
	}
	while (in.p < in.end) {
		switch (take(&in, 1) % 3) {
		case 0: raw(&in); break;
		case 1: fragment(&in); break;
		default: command(&in); break;
		}
	}
	cmd_on_readable(&W, 0);
	return 0;
}
