/* stats.c: answers by status, shared by the pool (see stats.h). */
#include <stdatomic.h>
#include <stddef.h>
#include <sys/mman.h>

#include "stats.h"

const int stats_codes[] = { 200, 201, 204, 304, 400, 401, 403, 404, 405,
	409, 413, 415, 429, 500, 503 };
const unsigned stats_ncodes = sizeof(stats_codes) / sizeof(stats_codes[0]);

/* One slot per code, and a last one for any other. */
static _Atomic uint64_t *stats_slots;

int
stats_init(void)
{
	void *p = mmap(NULL, (stats_ncodes + 1) * sizeof(*stats_slots),
	    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	stats_slots = p;
	return 0;
}

void
stats_count(int status)
{
	unsigned i = 0;

	if (stats_slots == NULL)
		return;
	while (i < stats_ncodes && stats_codes[i] != status)
		i++;
	atomic_fetch_add_explicit(&stats_slots[i], 1, memory_order_relaxed);
}

uint64_t
stats_get(unsigned i)
{
	return stats_slots == NULL || i > stats_ncodes ? 0 :
	    atomic_load_explicit(&stats_slots[i], memory_order_relaxed);
}
