/* test_loop: jobd's loop.  Bulk watches (a job's output) are dispatched
 * together, at once after a quiet spell; a closed one never again; the
 * other watches are not held back by them. */
#include <sys/epoll.h>
#include <unistd.h>

#include "jobd/loop.h"
#include "test.h"

static int fired[4];

static void
on_read(struct loop_watch *w, uint32_t events)
{
	char c;

	(void)events;
	if (read(w->fd, &c, 1) == 1)
		fired[(int)(long)w->arg]++;
}

int
main(void)
{
	struct loop l;
	struct loop_watch w[4];
	int p[4][2];

	T_CHECK(loop_init(&l) == 0);
	for (int i = 0; i < 4; i++) {
		T_CHECK(pipe(p[i]) == 0);
		w[i] = (struct loop_watch){ .fd = p[i][0], .fn = on_read,
		    .arg = (void *)(long)i };
	}
	/* 0-2 bulk, 3 not. */
	for (int i = 0; i < 3; i++)
		T_CHECK(loop_add_bulk(&l, &w[i], EPOLLIN) == 0);
	T_CHECK(loop_add(&l, &w[3], EPOLLIN) == 0);

	/* Nothing readable: a turn with a 0 ms deadline dispatches none. */
	T_CHECK(loop_once(&l, 0) >= 0);
	T_CHECK(fired[0] + fired[1] + fired[2] + fired[3] == 0);

	/* Three bulk pipes readable after a quiet spell: one turn reads
	 * them all. */
	for (int i = 0; i < 3; i++)
		T_CHECK(write(p[i][1], "x", 1) == 1);
	T_CHECK(loop_once(&l, 1000) >= 0);
	T_CHECK(fired[0] == 1 && fired[1] == 1 && fired[2] == 1);

	/* The other watch is dispatched in the turn it becomes readable,
	 * bulk events pending or not. */
	T_CHECK(write(p[0][1], "y", 1) == 1);
	T_CHECK(write(p[3][1], "z", 1) == 1);
	T_CHECK(loop_once(&l, 1000) >= 0);
	T_CHECK(fired[3] == 1);
	/* The pending bulk event comes within a few turns (its 10 ms). */
	for (int i = 0; i < 100 && fired[0] < 2; i++)
		T_CHECK(loop_once(&l, 1000) >= 0);
	T_CHECK(fired[0] == 2);

	/* Closed, then written to through a copy of its fd: never again. */
	{
		int keep = dup(p[1][0]);

		loop_close(&l, &w[1]);
		T_CHECK(w[1].fd == -1);
		T_CHECK(write(p[1][1], "w", 1) == 1);
		T_CHECK(write(p[2][1], "v", 1) == 1);
		for (int i = 0; i < 100 && fired[2] < 2; i++)
			T_CHECK(loop_once(&l, 1000) >= 0);
		T_CHECK(fired[2] == 2 && fired[1] == 1);
		close(keep);
	}
	for (int i = 0; i < 4; i++) {
		if (i != 1)
			loop_close(&l, &w[i]);
		close(p[i][1]);
	}
	loop_release(&l);
	return t_done("test_loop");
}
