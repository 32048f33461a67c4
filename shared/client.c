/* client.c: the responder's link to jobd (see client.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "log.h"
#include "replyq.h"

/* The live table, mapped once per process and shared by its clients: a
 * mapping for each of a responder's threads multiplied the page-table
 * work of every poll (with 1000 running jobs and 64 threads, polls fell
 * from 6,700/s to 260/s).  A mapping jobd has retired is unmapped once
 * no client holds it any more. */
struct tabmap {
	const void	*base;
	size_t		 size;
	unsigned	 refs;		/* clients holding it, +1 while current */
};
static pthread_mutex_t tab_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tabmap *tab_cur;

/* tabmap_put: drop a reference (tab_lock held). */
static void
tabmap_put(struct tabmap *m)
{
	if (m == NULL || --m->refs > 0)
		return;
	munmap((void *)(uintptr_t)m->base, m->size);
	free(m);
}

/* tabmap_new: the instance's table mapped, one reference (the process's
 * own), or NULL (tab_lock held). */
static struct tabmap *
tabmap_new(const struct config *cfg)
{
	struct tabmap *m = calloc(1, sizeof(*m));
	struct stat st;

	/* jobd runs as the owner of state_dir. */
	if (m == NULL || stat(cfg->state_dir, &st) == -1 ||
	    (m->base = jobtab_map_ro(cfg->instance, st.st_uid, &m->size)) ==
	    NULL) {
		free(m);
		return NULL;
	}
	m->refs = 1;
	return m;
}

void
client_init(struct client *c, const struct config *cfg)
{
	memset(c, 0, sizeof(*c));
	c->cfg = cfg;
	c->cmd = c->reply = (mqd_t)-1;
	c->lockfd = c->replyfd = -1;
}

/* client_reply_open: claim an index and its queue, once. */
static int
client_reply_open(struct client *c)
{
	char path[PATH_MAX];

	if (c->reply != (mqd_t)-1)
		return 0;
	if (c->buf == NULL && (c->buf = malloc(MSG_CMD_MAX + MSG_BYTES_MAX)) == NULL)
		return -1;
	/* jobd makes the file; without it there is no jobd to talk to. */
	if (c->replyfd == -1 &&
	    (replyq_lock_path(c->cfg, path, sizeof(path)) == -1 ||
	    (c->replyfd = open(path, O_RDWR | O_CLOEXEC)) == -1))
		return -1;
	c->reply = replyq_claim(c->replyfd, c->cfg->instance, c->reply_name,
	    sizeof(c->reply_name));
	if (c->reply == (mqd_t)-1) {
		log_warn("cannot create a reply queue for instance '%s': %s",
		    c->cfg->instance, strerror(errno));
		return -1;
	}
	return 0;
}

void
client_release(struct client *c)
{
	if (c->reply != (mqd_t)-1) {
		mq_close(c->reply);
		mq_unlink(c->reply_name);
	}
	if (c->replyfd != -1)
		close(c->replyfd);	/* gives the index back */
	if (c->cmd != (mqd_t)-1)
		mq_close(c->cmd);
	pthread_mutex_lock(&tab_lock);
	tabmap_put(c->map);
	pthread_mutex_unlock(&tab_lock);
	if (c->lockfd != -1)
		close(c->lockfd);
	free(c->buf);
}

bool
client_alive(struct client *c)
{
	struct flock fl = { .l_type = F_RDLCK, .l_whence = SEEK_SET };
	char lock[PATH_MAX];

	if (c->lockfd == -1 && config_lock_path(c->cfg, lock, sizeof(lock)) == 0)
		c->lockfd = open(lock, O_RDONLY | O_CLOEXEC);
	if (c->lockfd == -1 || fcntl(c->lockfd, F_OFD_GETLK, &fl) == -1 ||
	    fl.l_type == F_UNLCK)
		return false;
	/* Running is not enough: a hung jobd gets no command to wait on. */
	return client_table(c) != NULL && jobtab_beating(c->tab);
}

const void *
client_table(struct client *c)
{
	const struct jobtab_hdr *h = c->tab;
	struct tabmap *m;

	/* What this client holds is current until jobd retires it. */
	if (h != NULL && !h->retired)
		return c->tab;
	pthread_mutex_lock(&tab_lock);
	m = tab_cur;
	if (m != NULL && ((const struct jobtab_hdr *)m->base)->retired) {
		tab_cur = NULL;
		tabmap_put(m);		/* the process's own reference */
		m = NULL;
	}
	if (m == NULL)
		m = tab_cur = tabmap_new(c->cfg);
	if (m != c->map) {
		tabmap_put(c->map);
		if ((c->map = m) != NULL)
			m->refs++;
		c->tab = m ? m->base : NULL;
		c->tabsize = m ? m->size : 0;
		/* A new jobd may have a new queue too. */
		if (c->cmd != (mqd_t)-1)
			mq_close(c->cmd);
		c->cmd = (mqd_t)-1;
	}
	pthread_mutex_unlock(&tab_lock);
	return c->tab;
}

static void
deadline_after(struct timespec *ts, int ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* client_send: the packed command in fragments, each waiting for room
 * in the queue until the deadline. */
static enum err
client_send(struct client *c, const struct msg_cmd *cmd, size_t len,
    const struct timespec *dl)
{
	char *msg = c->buf + MSG_CMD_MAX;
	struct msg_frag f = { .magic = MSG_MAGIC, .version = MSG_VERSION,
	    .total = (uint32_t)len, .req_id = cmd->req_id };

	memcpy(f.sender, cmd->reply_to, sizeof(f.sender));
	f.count = (uint16_t)((len + MSG_FRAG_DATA - 1) / MSG_FRAG_DATA);
	for (f.index = 0; f.index < f.count; f.index++) {
		size_t off = (size_t)f.index * MSG_FRAG_DATA;
		size_t n = len - off < MSG_FRAG_DATA ? len - off : MSG_FRAG_DATA;

		memcpy(msg, &f, sizeof(f));
		memcpy(msg + sizeof(f), c->buf + off, n);
		while (mq_timedsend(c->cmd, msg, sizeof(f) + n, 0, dl) == -1) {
			if (errno == EINTR)
				continue;
			return errno == ETIMEDOUT ? ERR_FULL : ERR_UNAVAILABLE;
		}
	}
	return ERR_OK;
}

/* client_drain: drop late answers to calls that gave up, so that they
 * never fill the reply queue and crowd out the next answer. */
static void
client_drain(struct client *c)
{
	struct msg_reply r;
	struct timespec past = { 0, 0 };

	while (mq_timedreceive(c->reply, (char *)&r, sizeof(r), NULL, &past) >= 0)
		;
}

enum err
client_call(struct client *c, struct msg_cmd *cmd, struct msg_reply *out,
    int wait_ms)
{
	struct timespec dl;
	char name[MSG_NAME_MAX];
	enum err e;
	ssize_t n;
	int len;

	if (!client_alive(c) || client_reply_open(c) == -1)
		return ERR_UNAVAILABLE;
	if (c->cmd == (mqd_t)-1) {
		if (jobtab_mq_name(name, sizeof(name), c->cfg->instance) == -1)
			return ERR_UNAVAILABLE;
		c->cmd = mq_open(name, O_WRONLY);
		if (c->cmd == (mqd_t)-1)
			return ERR_UNAVAILABLE;
	}
	client_drain(c);
	/* One deadline for sending and answering: never a hang. */
	deadline_after(&dl, wait_ms);
	memcpy(cmd->reply_to, c->reply_name, sizeof(cmd->reply_to));
	cmd->req_id = ++c->next_req;
	cmd->deadline_ms = (uint64_t)dl.tv_sec * 1000 +
	    (uint64_t)dl.tv_nsec / 1000000;
	if ((len = msg_cmd_pack(cmd, c->buf, MSG_CMD_MAX)) == -1)
		return ERR_INTERNAL;
	if ((e = client_send(c, cmd, (size_t)len, &dl)) != ERR_OK)
		return e;
	for (;;) {
		n = mq_timedreceive(c->reply, (char *)out, sizeof(*out), NULL, &dl);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return ERR_UNAVAILABLE;
		/* Late answers to requests we gave up on are dropped here. */
		if (msg_reply_check(out, (size_t)n) == 0 &&
		    out->req_id == cmd->req_id)
			return ERR_OK;
	}
}
