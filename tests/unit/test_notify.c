/* test_notify.c: READY=1 reaches a datagram socket named by
 * NOTIFY_SOCKET, by path and in the abstract namespace; without the
 * variable nothing is sent and nothing fails. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "jobd/notify.h"
#include "test.h"

/* listener: a datagram socket bound to name (a leading '@': abstract). */
static int
listener(const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(name);
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	memcpy(sa.sun_path, name, len);
	if (name[0] == '@')
		sa.sun_path[0] = '\0';
	if (fd == -1 || bind(fd, (struct sockaddr *)&sa,
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) == -1)
		return -1;
	return fd;
}

static bool
got(int fd, const char *want)
{
	char buf[64];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	if (n < 0)
		return false;
	buf[n] = '\0';
	return strcmp(buf, want) == 0;
}

int
main(void)
{
	char path[64], abs[64];
	int fd;

	unsetenv("NOTIFY_SOCKET");
	T_CHECK(notify_send("READY=1") == 0);
	snprintf(path, sizeof(path), "/tmp/test_notify.%d", (int)getpid());
	unlink(path);
	fd = listener(path);
	T_CHECK(fd != -1);
	setenv("NOTIFY_SOCKET", path, 1);
	T_CHECK(notify_send("READY=1") == 0);
	T_CHECK(got(fd, "READY=1"));
	close(fd);
	unlink(path);
	T_CHECK(notify_send("READY=1") == -1);	/* nobody listens now */
	snprintf(abs, sizeof(abs), "@test_notify.%d", (int)getpid());
	fd = listener(abs);
	T_CHECK(fd != -1);
	setenv("NOTIFY_SOCKET", abs, 1);
	T_CHECK(notify_send("STOPPING=1") == 0);
	T_CHECK(got(fd, "STOPPING=1"));
	close(fd);
	setenv("NOTIFY_SOCKET", "relative", 1);
	T_CHECK(notify_send("READY=1") == -1);
	return t_done("test_notify");
}
