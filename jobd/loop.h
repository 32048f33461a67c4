/* loop.h: an epoll loop that knows nothing about jobs (redis ae.c): file
 * watches, and deadline sources it asks what is due before each wait. */
#ifndef LOOP_H
#define LOOP_H

#include <stdbool.h>
#include <stdint.h>

#define LOOP_DUE_MAX	8	/* deadline sources (jobd has three) */

struct loop_watch;
typedef void (*loop_fn)(struct loop_watch *w, uint32_t events);
/* A deadline source: do what is due now; return ms until its next
 * deadline, or -1 when it has none. */
typedef int (*loop_due_fn)(void *arg);

/* A registration; the caller owns it and keeps it alive while added.
 * fd < 0: not watched (loop_close marks it so). */
struct loop_watch {
	int	 fd;
	loop_fn	 fn;
	void	*arg;
};

struct loop {
	int			 epfd;
	struct loop_watch	 timer;		/* a timerfd: wakes the wait */
	/* Bulk watches (loop_add_bulk) sit in an epoll set of their own,
	 * itself watched one-shot by epfd: what became readable meanwhile
	 * is read together, at most once every LOOP_BULK_MS. */
	struct loop_watch	 bulk;
	double			 bulk_last;	/* its last drain (monotonic s) */
	bool			 bulk_ready;	/* readable, not yet drained */
	double			 armed;		/* when it fires (monotonic s) */
	unsigned		 ndue;
	struct {
		loop_due_fn	 fn;
		void		*arg;
	}			 due[LOOP_DUE_MAX];
	/* How long the last loop_once spent in handlers, not waiting:
	 * what a slow handler costs everything else (jobd's metrics). */
	uint64_t		 busy_us;
};

int loop_init(struct loop *l);
void loop_release(struct loop *l);
/* loop_add: watch w->fd for events (EPOLLIN ...).  Returns 0 or -1. */
int loop_add(struct loop *l, struct loop_watch *w, uint32_t events);
/* loop_add_bulk: watch w->fd as bulk: a stream whose events may wait up
 * to LOOP_BULK_MS to be handled together with the others' (a job's
 * output: 1000 jobs printing 10 lines a second woke jobd 10,000 times a
 * second, one line each).  A bulk event after a quiet spell is handled
 * at once.  Returns 0 or -1. */
int loop_add_bulk(struct loop *l, struct loop_watch *w, uint32_t events);
/* loop_close: stop watching w, close its fd and mark it (fd = -1): an
 * event already fetched for it in this turn is not dispatched. */
void loop_close(struct loop *l, struct loop_watch *w);
/* loop_due: ask fn before every wait.  Returns 0, or -1 when
 * LOOP_DUE_MAX are registered. */
int loop_due(struct loop *l, loop_due_fn fn, void *arg);
/* loop_once: run the deadline sources, wait for an event or the earliest
 * deadline (at most max_ms), dispatch.  Returns the number of events
 * dispatched, or -1 on an error other than EINTR. */
int loop_once(struct loop *l, int max_ms);

#endif
