/* test_replyq.c: reply queues are named by a locked index: names parse
 * back only in their canonical form, two clients get two indices, a
 * killed client's queue is taken over by the next claimer or removed by
 * a sweep, and a live client's queue is never touched.  Nothing here
 * lists /dev/mqueue, which need not be mounted. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shared/replyq.h"
#include "test.h"

static char inst[32];

static bool
queue_exists(int i)
{
	char name[MSG_NAME_MAX];
	mqd_t q;

	if (replyq_name(name, sizeof(name), inst, i) == -1)
		return false;
	if ((q = mq_open(name, O_RDONLY)) == (mqd_t)-1)
		return false;
	mq_close(q);
	return true;
}

static void
test_names(void)
{
	char name[MSG_NAME_MAX], other[64];

	T_CHECK(replyq_name(name, sizeof(name), inst, 7) == 0);
	T_CHECK(replyq_index(inst, name) == 7);
	T_CHECK(replyq_name(name, sizeof(name), inst, REPLYQ_MAX - 1) == 0);
	T_CHECK(replyq_index(inst, name) == REPLYQ_MAX - 1);
	T_CHECK(replyq_name(name, sizeof(name), inst, REPLYQ_MAX) == -1);
	T_CHECK(replyq_name(name, sizeof(name), inst, -1) == -1);
	T_CHECK(replyq_name(name, sizeof(name), "../x", 0) == -1);
	snprintf(other, sizeof(other), "/jobs.%s.r01", inst);
	T_CHECK(replyq_index(inst, other) == -1);
	snprintf(other, sizeof(other), "/jobs.%s.r%d", inst, REPLYQ_MAX);
	T_CHECK(replyq_index(inst, other) == -1);
	snprintf(other, sizeof(other), "/jobs.%s.r-1", inst);
	T_CHECK(replyq_index(inst, other) == -1);
	snprintf(other, sizeof(other), "/jobs.%s.r1x", inst);
	T_CHECK(replyq_index(inst, other) == -1);
	snprintf(other, sizeof(other), "/jobs.%s.r", inst);
	T_CHECK(replyq_index(inst, other) == -1);
	snprintf(other, sizeof(other), "/jobs.%s.cmd", inst);
	T_CHECK(replyq_index(inst, other) == -1);
	snprintf(other, sizeof(other), "/jobs.%sx.r1", inst);
	T_CHECK(replyq_index(inst, other) == -1);
	T_CHECK(replyq_index(inst, "") == -1);
	T_CHECK(replyq_index("../x", "/jobs.../x.r1") == -1);
}

/* claimer: a child that claims an index, says which on fd, and waits
 * to be killed; its pid. */
static pid_t
claimer(const char *lockpath, int *index)
{
	int p[2];
	pid_t pid;

	if (pipe(p) == -1)
		return -1;
	if ((pid = fork()) == 0) {
		char name[MSG_NAME_MAX];
		int fd = open(lockpath, O_RDWR), i = -1;

		if (fd != -1 && replyq_claim(fd, inst, name, sizeof(name)) !=
		    (mqd_t)-1)
			i = replyq_index(inst, name);
		if (write(p[1], &i, sizeof(i)) != sizeof(i))
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	if (pid == -1 || read(p[0], index, sizeof(*index)) != sizeof(*index))
		*index = -2;
	close(p[0]);
	return pid;
}

static const char *
path2(const char *dir)
{
	static char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/replies.lock", dir);
	return p;
}

static void
test_claims(void)
{
	char dir[] = "/tmp/test_replyq.XXXXXX", path[PATH_MAX], name[MSG_NAME_MAX];
	int fd, jd, child_i, again_i;
	pid_t child;
	mqd_t mine, again;

	T_CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/replies.lock", dir);
	fd = open(path, O_RDWR | O_CREAT, 0600);
	T_CHECK(fd != -1);
	mine = replyq_claim(fd, inst, name, sizeof(name));
	T_CHECK(mine != (mqd_t)-1);
	T_CHECK(replyq_index(inst, name) == 0);
	/* jobd's view: a description of its own (OFD locks of one
	 * description never conflict with each other). */
	jd = open(path, O_RDWR);
	T_CHECK(jd != -1);
	T_CHECK(replyq_held(jd, 0));
	T_CHECK(!replyq_held(jd, 1));
	child = claimer(path, &child_i);
	T_CHECK(child > 0 && child_i == 1);
	T_CHECK(queue_exists(1));
	T_CHECK(replyq_held(jd, 1));
	/* Killed: its queue stays, its lock goes. */
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	T_CHECK(queue_exists(1));
	T_CHECK(!replyq_held(jd, 1));
	/* The next claimer takes index 1 over, queue made anew. */
	child = claimer(path, &again_i);
	T_CHECK(again_i == 1);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	/* A sweep removes the dead one's queue and not the live one's. */
	T_CHECK(replyq_sweep(jd, inst) == 1);
	T_CHECK(!queue_exists(1));
	T_CHECK(queue_exists(0));
	T_CHECK(replyq_sweep(jd, inst) == 0);
	/* Another claimer skips the live index 0. */
	again = replyq_claim(jd, inst, path, sizeof(path));
	T_CHECK(again != (mqd_t)-1 && replyq_index(inst, path) == 1);
	mq_close(again);
	mq_unlink(path);
	close(jd);
	/* The holder closes its description: the index is free, and a
	 * sweep by anyone removes what it left. */
	mq_close(mine);
	close(fd);
	fd = open(path2(dir), O_RDWR);
	T_CHECK(replyq_sweep(fd, inst) == 1);
	T_CHECK(!queue_exists(0));
	close(fd);
	unlink(path2(dir));
	rmdir(dir);
}

int
main(void)
{
	snprintf(inst, sizeof(inst), "unit%d", (int)getpid());
	test_names();
	test_claims();
	return t_done("test_replyq");
}
