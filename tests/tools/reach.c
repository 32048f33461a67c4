/* reach.c: a hostile downloader for tests/integration/0045-confined.sh.
 * Run as a job's runner, it tries to reach what a job must not (jobd's
 * live table, its database, its command queue, another user's download
 * folder) and what it must (its output and temp folders), and prints one
 * line each: "reach: WHAT: blocked" or "reach: WHAT: REACHED".  The
 * targets come from its environment (the runner's env lines). */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

static void
say(const char *what, int ok)
{
	printf("reach: %s: %s\n", what, ok ? "REACHED" : "blocked");
	fflush(stdout);
}

static int
can_open(const char *path, int flags)
{
	int fd;

	if (path == NULL || (fd = open(path, flags | O_CLOEXEC, 0600)) == -1)
		return 0;
	close(fd);
	return 1;
}

int
main(void)
{
	const char *tab = getenv("REACH_TAB"), *db = getenv("REACH_DB");
	const char *mq = getenv("REACH_MQ"), *other = getenv("REACH_OTHER");
	const char *tmp = getenv("TMPDIR");
	char path[4096];
	mqd_t q;

	say("live table (read)", can_open(tab, O_RDONLY));
	say("live table (write)", can_open(tab, O_RDWR));
	say("database (read)", can_open(db, O_RDONLY));
	q = mq == NULL ? (mqd_t)-1 : mq_open(mq, O_WRONLY | O_NONBLOCK);
	say("command queue (write)", q != (mqd_t)-1);
	snprintf(path, sizeof(path), "%s/planted-by-another-user", other ? other : "");
	say("another user's folder (write)", can_open(path, O_WRONLY | O_CREAT));
	say("own output folder (write)", can_open("reach-was-here",
	    O_WRONLY | O_CREAT));
	snprintf(path, sizeof(path), "%s/scratch", tmp ? tmp : "");
	say("own temp folder (write)", can_open(path, O_WRONLY | O_CREAT));
	/* Inside a job only (REACH_UMOUNT): take away what hides the table
	 * (outside, as root, that would be the host's /dev/shm). */
	if (getenv("REACH_UMOUNT") != NULL)
		say("unmount what covers /dev/shm",
		    umount2("/dev/shm", MNT_DETACH) == 0 || can_open(tab, O_RDONLY));
	return 0;
}
