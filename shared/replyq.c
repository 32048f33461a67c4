/* replyq.c: reply queue names and their ownership (see replyq.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mqmsg.h"
#include "replyq.h"
#include "valid.h"

int
replyq_lock_path(const struct config *c, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s/replies.lock", c->state_dir);

	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int
replyq_name(char *buf, size_t size, const char *instance, int i)
{
	char what[16];
	int n;

	if (i < 0 || i >= REPLYQ_MAX || !valid_instance(instance))
		return -1;
	snprintf(what, sizeof(what), "r%d", i);
	n = snprintf(buf, size, "/jobs.%s.%s", instance, what);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int
replyq_index(const char *instance, const char *name)
{
	char prefix[MSG_NAME_MAX];
	size_t plen;
	uint64_t v;
	int n;

	if (!valid_instance(instance))
		return -1;
	n = snprintf(prefix, sizeof(prefix), "/jobs.%s.r", instance);
	if (n < 0 || (size_t)n >= sizeof(prefix))
		return -1;
	plen = (size_t)n;
	if (strncmp(name, prefix, plen) != 0)
		return -1;
	name += plen;
	/* Canonical decimal only: "r01" is not r1's name. */
	if ((name[0] == '0' && name[1] != '\0') ||
	    valid_u64(name, strnlen(name, 8), REPLYQ_MAX - 1, &v) == -1 ||
	    name[strnlen(name, 8)] != '\0')
		return -1;
	return (int)v;
}

static int
replyq_lock(int lockfd, int i, short type, int cmd)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET,
	    .l_start = i, .l_len = 1 };

	return fcntl(lockfd, cmd, &fl) == -1 ? -1 : fl.l_type;
}

bool
replyq_held(int lockfd, int i)
{
	int t = replyq_lock(lockfd, i, F_WRLCK, F_OFD_GETLK);

	return t != -1 && t != F_UNLCK;
}

static pthread_mutex_t replyq_umask_lock = PTHREAD_MUTEX_INITIALIZER;

mqd_t
replyq_claim(int lockfd, const char *instance, char *buf, size_t size)
{
	struct mq_attr attr = { .mq_maxmsg = MSG_REPLY_DEPTH,
	    .mq_msgsize = sizeof(struct msg_reply) };
	mode_t old;
	mqd_t q;

	for (int i = 0; i < REPLYQ_MAX; i++) {
		if (replyq_lock(lockfd, i, F_WRLCK, F_OFD_SETLK) == -1)
			continue;
		if (replyq_name(buf, size, instance, i) == -1)
			break;
		/* Ours now: what is there was left by a holder that died. */
		mq_unlink(buf);
		/* The umask is the process's: threads claiming at once
		 * (a responder's) take turns around it. */
		pthread_mutex_lock(&replyq_umask_lock);
		old = umask(0);
		q = mq_open(buf, O_RDONLY | O_CREAT | O_EXCL, 0620,
		    &attr);
		umask(old);
		pthread_mutex_unlock(&replyq_umask_lock);
		if (q != (mqd_t)-1)
			return q;
		/* Someone else's queue squats the name (unlink refused):
		 * leave the index and try the next. */
		replyq_lock(lockfd, i, F_UNLCK, F_OFD_SETLK);
		if (errno != EEXIST && errno != EACCES)
			return (mqd_t)-1;
	}
	errno = EAGAIN;
	return (mqd_t)-1;
}

int
replyq_sweep(int lockfd, const char *instance)
{
	char name[MSG_NAME_MAX];
	int n = 0;

	for (int i = 0; i < REPLYQ_MAX; i++)
		if (!replyq_held(lockfd, i) &&
		    replyq_name(name, sizeof(name), instance, i) == 0 &&
		    mq_unlink(name) == 0)
			n++;
	return n;
}

int
replyq_sweep_path(const struct config *c)
{
	char path[PATH_MAX];
	int fd, n;

	if (replyq_lock_path(c, path, sizeof(path)) == -1 ||
	    (fd = open(path, O_RDWR | O_CLOEXEC)) == -1)
		return 0;
	n = replyq_sweep(fd, c->instance);
	close(fd);
	return n;
}
