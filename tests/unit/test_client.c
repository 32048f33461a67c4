/* test_client.c: the reply queues a pool killed all at once leaves
 * behind are removed at the next start, and nothing else is: not a live
 * process's, not another instance's. */
#include <dirent.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shared/client.h"
#include "test.h"

/* qname: the reply queue name of instance for pid ("" if invalid). */
static const char *
qname(const char *instance, int pid)
{
	static char name[MQ_NAME_MAX];

	if (jobtab_reply_name(name, sizeof(name), instance, pid) == -1)
		name[0] = '\0';
	return name;
}

/* make_queue: an empty reply queue of instance for pid. */
static bool
make_queue(const char *instance, int pid)
{
	struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = 8 };
	mqd_t q = mq_open(qname(instance, pid), O_RDONLY | O_CREAT, 0600,
	    &attr);

	if (q == (mqd_t)-1)
		return false;
	mq_close(q);
	return true;
}

static bool
queue_exists(const char *instance, int pid)
{
	mqd_t q = mq_open(qname(instance, pid), O_RDONLY);

	if (q == (mqd_t)-1)
		return false;
	mq_close(q);
	return true;
}

/* dead_pid: the pid of a child that has exited and been reaped. */
static int
dead_pid(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return (int)pid;
}

int
main(void)
{
	char inst[32], other[32];
	int dead = dead_pid(), me = (int)getpid();
	DIR *d = opendir("/dev/mqueue");

	if (d == NULL) {
		/* Say so instead of passing: the sweep lists this folder. */
		printf("not ok - /dev/mqueue is not mounted\n");
		return t_done("test_client") | 1;
	}
	closedir(d);
	snprintf(inst, sizeof(inst), "unit%d", me);
	snprintf(other, sizeof(other), "unit%dx", me);
	T_CHECK(dead > 0);
	T_CHECK(make_queue(inst, dead));
	T_CHECK(make_queue(inst, me));
	T_CHECK(make_queue(other, dead));
	/* ".r<dead>" of this instance only: exactly one removed. */
	T_CHECK(client_sweep_replies(inst) == 1);
	T_CHECK(!queue_exists(inst, dead));
	T_CHECK(queue_exists(inst, me));
	T_CHECK(queue_exists(other, dead));
	T_CHECK(client_sweep_replies(inst) == 0);
	/* An instance name that is not valid lists nothing. */
	T_CHECK(client_sweep_replies("../x") == 0);
	mq_unlink(qname(inst, me));
	mq_unlink(qname(other, dead));
	return t_done("test_client");
}
