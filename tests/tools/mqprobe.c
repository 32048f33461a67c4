/* mqprobe.c: for tests, what a process may do with a POSIX queue.
 *   mqprobe stat NAME    prints "MODE UID GID" of the queue (octal mode)
 *   mqprobe write NAME   exits 0 if it may open the queue for writing */
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int
main(int argc, char *argv[])
{
	struct stat st;
	mqd_t q;

	if (argc != 3)
		return 2;
	if (strcmp(argv[1], "write") == 0) {
		q = mq_open(argv[2], O_WRONLY | O_NONBLOCK);
		return q == (mqd_t)-1 ? 1 : 0;
	}
	if ((q = mq_open(argv[2], O_RDONLY | O_NONBLOCK)) == (mqd_t)-1 ||
	    fstat((int)q, &st) == -1)
		return 1;
	printf("%o %u %u\n", (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid,
	    (unsigned)st.st_gid);
	return 0;
}
