/* rate.c: per-user token buckets (see rate.h). */
#include <stdio.h>
#include <string.h>

#include "rate.h"

static struct rate_bucket *
rate_find(struct rate_table *t, const char *user, double per_minute,
    double now)
{
	struct rate_bucket *lru = &t->b[0];

	for (int i = 0; i < RATE_USERS_MAX; i++) {
		struct rate_bucket *b = &t->b[i];

		if (strcmp(b->user, user) == 0)
			return b;
		if (b->user[0] == '\0' || (lru->user[0] != '\0' && b->at < lru->at))
			lru = b;
	}
	snprintf(lru->user, sizeof(lru->user), "%s", user);
	lru->tokens = per_minute;
	lru->at = now;
	return lru;
}

bool
rate_take(struct rate_table *t, const char *user, double per_minute,
    double now)
{
	struct rate_bucket *b;

	if (per_minute <= 0)
		return true;
	b = rate_find(t, user, per_minute, now);
	if (now > b->at) {
		b->tokens += (now - b->at) * per_minute / 60.0;
		if (b->tokens > per_minute)
			b->tokens = per_minute;
	}
	b->at = now;
	if (b->tokens < 1)
		return false;
	b->tokens -= 1;
	return true;
}
