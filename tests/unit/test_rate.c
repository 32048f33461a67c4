/* test_rate.c: a minute's worth of creates at once, then the rate; no
 * limit at 0; users apart; a full table gives way to the newcomer. */
#include <stdio.h>

#include "jobd/rate.h"
#include "test.h"

static struct rate_table t;

int
main(void)
{
	int n = 0;
	char name[32];

	for (int i = 0; i < 100; i++)
		n += rate_take(&t, "alice", 60, 1000.0);
	T_CHECK(n == 60);				/* the burst */
	T_CHECK(!rate_take(&t, "alice", 60, 1000.5));
	T_CHECK(rate_take(&t, "alice", 60, 1001.0));	/* one a second */
	T_CHECK(!rate_take(&t, "alice", 60, 1001.1));
	T_CHECK(rate_take(&t, "bob", 60, 1001.1));	/* bob's own bucket */
	n = 0;
	for (int i = 0; i < 200; i++)
		n += rate_take(&t, "alice", 60, 5000.0);	/* refilled, capped */
	T_CHECK(n == 60);
	T_CHECK(rate_take(&t, "carol", 0, 5000.0));	/* 0: no limit */
	/* More users than the table holds: each still gets a bucket. */
	n = 0;
	for (int i = 0; i < RATE_USERS_MAX + 10; i++) {
		snprintf(name, sizeof(name), "u%d", i);
		n += rate_take(&t, name, 1, 6000.0 + i);
	}
	T_CHECK(n == RATE_USERS_MAX + 10);
	return t_done("test_rate");
}
