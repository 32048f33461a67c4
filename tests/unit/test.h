/* test.h: a tiny test harness (redis testhelp.h).  Each binary prints
 * "not ok" lines for failures and ends with "N passed, N failed". */
#ifndef TEST_H
#define TEST_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int t_passed, t_failed;

#define T_CHECK(cond) do {						\
	if (cond)							\
		t_passed++;						\
	else {								\
		t_failed++;						\
		printf("not ok - %s:%d: %s\n", __FILE__, __LINE__, #cond); \
	}								\
} while (0)

#define T_STREQ(a, b) do {						\
	const char *t_a = (a), *t_b = (b);				\
	if (t_a && t_b && strcmp(t_a, t_b) == 0)			\
		t_passed++;						\
	else {								\
		t_failed++;						\
		printf("not ok - %s:%d: '%s' != '%s'\n", __FILE__, __LINE__, \
		    t_a ? t_a : "(null)", t_b ? t_b : "(null)");	\
	}								\
} while (0)

static inline int
t_done(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, t_passed, t_failed);
	return t_failed ? 1 : 0;
}

#endif
