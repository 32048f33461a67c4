/* loop.c: the epoll wrapper and its deadlines (see loop.h). */
#include <errno.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"
#include "shared/clock.h"

#define LOOP_BATCH	64
#define LOOP_BULK_MS	10
/* Bulk events handled in one drain at most: the other watches wait no
 * longer than this many batches. */
#define LOOP_BULK_ROUNDS	16

static void
loop_on_timer(struct loop_watch *w, uint32_t events)
{
	uint64_t fired;

	(void)events;
	(void)!read(w->fd, &fired, sizeof(fired));
}

/* The bulk set became readable: drained by loop_once once due. */
static void
loop_on_bulk(struct loop_watch *w, uint32_t events)
{
	struct loop *l = w->arg;

	(void)events;
	l->bulk_ready = true;
}

/* loop_bulk_arm: tell the bulk set's next readiness (one-shot). */
static int
loop_bulk_arm(struct loop *l, int op)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT,
	    .data.ptr = &l->bulk };

	return epoll_ctl(l->epfd, op, l->bulk.fd, &ev);
}

int
loop_init(struct loop *l)
{
	*l = (struct loop){ .epfd = epoll_create1(EPOLL_CLOEXEC) };
	l->timer = (struct loop_watch){ .fd = -1, .fn = loop_on_timer };
	l->bulk = (struct loop_watch){ .fn = loop_on_bulk, .arg = l,
	    .fd = epoll_create1(EPOLL_CLOEXEC) };
	if (l->epfd == -1 || l->bulk.fd == -1 ||
	    loop_bulk_arm(l, EPOLL_CTL_ADD) == -1) {
		loop_release(l);
		return -1;
	}
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
	if (l->bulk.fd != -1)
		close(l->bulk.fd);
	if (l->epfd != -1)
		close(l->epfd);
	l->timer.fd = l->bulk.fd = l->epfd = -1;
}

int
loop_add_bulk(struct loop *l, struct loop_watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	return epoll_ctl(l->bulk.fd, EPOLL_CTL_ADD, w->fd, &ev);
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
	/* In one set or the other; the other says ENOENT. */
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, w->fd, NULL);
	epoll_ctl(l->bulk.fd, EPOLL_CTL_DEL, w->fd, NULL);
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

/* loop_dispatch: run the handlers of n events. */
static void
loop_dispatch(struct epoll_event *evs, int n)
{
	for (int i = 0; i < n; i++) {
		struct loop_watch *w = evs[i].data.ptr;

		/* A handler earlier in this batch may have closed it. */
		if (w->fd >= 0)
			w->fn(w, evs[i].events);
	}
}

/* loop_bulk_due: drain the bulk set if it is readable and its last drain
 * is LOOP_BULK_MS old; else the ms until it will be (-1: not readable). */
static int
loop_bulk_due(struct loop *l)
{
	struct epoll_event evs[LOOP_BATCH];
	double now, at;
	int n;

	if (!l->bulk_ready)
		return -1;
	now = clock_mono();
	at = l->bulk_last + LOOP_BULK_MS / 1000.0;
	if (now < at)
		return (int)((at - now) * 1000.0) + 1;
	l->bulk_last = now;
	l->bulk_ready = false;
	for (int r = 0; r < LOOP_BULK_ROUNDS; r++) {
		n = epoll_wait(l->bulk.fd, evs, LOOP_BATCH, 0);
		if (n <= 0)
			break;
		loop_dispatch(evs, n);
		if (n < LOOP_BATCH)
			break;
	}
	/* Level-triggered: what is still readable fires again. */
	loop_bulk_arm(l, EPOLL_CTL_MOD);
	return -1;
}

int
loop_once(struct loop *l, int max_ms)
{
	struct epoll_event evs[LOOP_BATCH];
	struct timespec t0, t1;
	int n, ms, wait_ms = max_ms;

	for (unsigned i = 0; i < l->ndue; i++) {
		ms = l->due[i].fn(l->due[i].arg);
		if (ms >= 0 && (wait_ms < 0 || ms < wait_ms))
			wait_ms = ms;
	}
	/* Bulk events that waited for their turn: now, or a deadline. */
	if ((ms = loop_bulk_due(l)) >= 0 && (wait_ms < 0 || ms < wait_ms))
		wait_ms = ms;
	/* Through the timer rather than epoll's timeout: re-arming only
	 * when the deadline moves earlier spares the busy turns a call. */
	if (wait_ms >= 0)
		loop_arm(l, wait_ms);
	n = epoll_wait(l->epfd, evs, LOOP_BATCH, -1);
	if (n == -1)
		return errno == EINTR ? 0 : -1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	loop_dispatch(evs, n);
	/* After a quiet spell, bulk events are not kept waiting. */
	loop_bulk_due(l);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	l->busy_us = (uint64_t)((t1.tv_sec - t0.tv_sec) * 1000000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000);
	return n;
}
