/* loop.c: the epoll wrapper and its deadlines (see loop.h). */
#include <errno.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"
#include "shared/clock.h"

#define LOOP_BATCH	64

static void
loop_on_timer(struct loop_watch *w, uint32_t events)
{
	uint64_t fired;

	(void)events;
	(void)!read(w->fd, &fired, sizeof(fired));
}

int
loop_init(struct loop *l)
{
	*l = (struct loop){ .epfd = epoll_create1(EPOLL_CLOEXEC) };
	l->timer = (struct loop_watch){ .fd = -1, .fn = loop_on_timer };
	if (l->epfd == -1)
		return -1;
	l->timer.fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK |
	    TFD_CLOEXEC);
	if (l->timer.fd == -1 || loop_add(l, &l->timer, EPOLLIN) == -1) {
		loop_release(l);
		return -1;
	}
	return 0;
}

void
loop_release(struct loop *l)
{
	if (l->timer.fd != -1)
		close(l->timer.fd);
	if (l->epfd != -1)
		close(l->epfd);
	l->timer.fd = l->epfd = -1;
}

int
loop_add(struct loop *l, struct loop_watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	return epoll_ctl(l->epfd, EPOLL_CTL_ADD, w->fd, &ev);
}

void
loop_close(struct loop *l, struct loop_watch *w)
{
	if (w->fd < 0)
		return;
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, w->fd, NULL);
	close(w->fd);
	w->fd = -1;
}

int
loop_due(struct loop *l, loop_due_fn fn, void *arg)
{
	if (l->ndue == LOOP_DUE_MAX)
		return -1;
	l->due[l->ndue].fn = fn;
	l->due[l->ndue].arg = arg;
	l->ndue++;
	return 0;
}

/* loop_arm: the timer fires within ms.  One already set to fire no
 * later is kept: busy turns cost no system call for it. */
static void
loop_arm(struct loop *l, int ms)
{
	double now = clock_mono(), at = now + ms / 1000.0;
	struct itimerspec its = { 0 };

	if (l->armed > now && l->armed <= at)
		return;
	l->armed = at;
	its.it_value.tv_sec = ms / 1000;
	its.it_value.tv_nsec = (long)(ms % 1000) * 1000000L + 1;
	timerfd_settime(l->timer.fd, 0, &its, NULL);
}

int
loop_once(struct loop *l, int max_ms)
{
	struct epoll_event evs[LOOP_BATCH];
	struct timespec t0, t1;
	int n, wait_ms = max_ms;

	for (unsigned i = 0; i < l->ndue; i++) {
		int ms = l->due[i].fn(l->due[i].arg);

		if (ms >= 0 && (wait_ms < 0 || ms < wait_ms))
			wait_ms = ms;
	}
	/* Through the timer rather than epoll's timeout: re-arming only
	 * when the deadline moves earlier spares the busy turns a call. */
	if (wait_ms >= 0)
		loop_arm(l, wait_ms);
	n = epoll_wait(l->epfd, evs, LOOP_BATCH, -1);
	if (n == -1)
		return errno == EINTR ? 0 : -1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < n; i++) {
		struct loop_watch *w = evs[i].data.ptr;

		/* A handler earlier in this batch may have closed it. */
		if (w->fd >= 0)
			w->fn(w, evs[i].events);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	l->busy_us = (uint64_t)((t1.tv_sec - t0.tv_sec) * 1000000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000);
	return n;
}
