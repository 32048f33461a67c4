/* loop.h: an epoll loop that knows nothing about jobs (redis ae.c). */
#ifndef LOOP_H
#define LOOP_H

#include <stdint.h>

struct loop_watch;
typedef void (*loop_fn)(struct loop_watch *w, uint32_t events);

/* A registration; the caller owns it and keeps it alive while added. */
struct loop_watch {
	int	 fd;
	loop_fn	 fn;
	void	*arg;
};

struct loop {
	int		epfd;
	/* How long the last loop_once spent in handlers, not waiting:
	 * what a slow handler costs everything else (jobd's metrics). */
	uint64_t	busy_us;
};

int loop_init(struct loop *l);
void loop_release(struct loop *l);
/* loop_add: watch w->fd for events (EPOLLIN ...).  Returns 0 or -1. */
int loop_add(struct loop *l, struct loop_watch *w, uint32_t events);
/* loop_del: stop watching w and mark it closed-for-dispatch. */
void loop_del(struct loop *l, struct loop_watch *w);
/* loop_once: wait up to timeout_ms (-1 forever) and dispatch events.
 * Returns the number dispatched, or -1 on error other than EINTR. */
int loop_once(struct loop *l, int timeout_ms);

#endif
