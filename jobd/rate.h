/* rate.h: per-user token buckets for creates.  A bucket holds a minute's
 * worth of tokens and refills continuously, so a user may burst that
 * many creates and then go on at the configured rate.  The table is
 * bounded (RATE_USERS_MAX); the least recently seen user gives way,
 * whose bucket would be nearly full again anyway.  Pure: the caller
 * gives the time. */
#ifndef RATE_H
#define RATE_H

#include <stdbool.h>

#include "shared/limits.h"

struct rate_bucket {
	char	user[USER_MAX + 1];	/* "" = unused */
	double	tokens;
	double	at;			/* when tokens was computed */
};

struct rate_table {
	struct rate_bucket b[RATE_USERS_MAX];
};

/* rate_take: take one token of user's bucket at time now (seconds);
 * per_minute 0 means no limit.  Returns whether there was one. */
bool rate_take(struct rate_table *t, const char *user, double per_minute,
    double now);

#endif
