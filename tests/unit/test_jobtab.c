/* test_jobtab.c: a reader never keeps a torn copy, and never waits for
 * ever on a record a dead writer left half-written.
 *
 * A writer process appends numbered lines and bumps the metadata in
 * step, in bursts with short gaps (like jobd, which reads pipes between
 * lines); the reader takes snapshots and checks that every one is whole.
 * The reader stops after a number of tries or a few seconds, whichever
 * comes first, so a slow or crowded machine makes it take fewer
 * snapshots, not hang. */
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "jobd/livetab.h"
#include "shared/clock.h"
#include "shared/jobtab.h"
#include "test.h"

#define READ_TRIES	20000
#define READ_MS		5000
#define BURST		256	/* lines between gaps */
#define GAP_US		200	/* room for a slow reader to copy 500 lines */

static const uint8_t id[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
    14, 15, 16 };

static void
spin_us(unsigned us)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	do
		clock_gettime(CLOCK_MONOTONIC, &b);
	while ((b.tv_sec - a.tv_sec) * 1000000 +
	    (b.tv_nsec - a.tv_nsec) / 1000 < us);
}

static void __attribute__((noreturn))
writer(void *base)
{
	struct jobtab_slot *s = jobtab_slot(base, 0);
	char line[64];

	for (uint64_t k = 1; ; k++) {
		int n = snprintf(line, sizeof(line), "line %llu %s",
		    (unsigned long long)k, k % 3 ? "short" :
		    "and a longer tail to vary the sizes");

		jobtab_write_begin(&s->gen);
		ring_append(&s->out, line, (uint32_t)n, (uint32_t)n);
		s->m.changes = k;
		s->m.out_first = s->out.first;
		s->m.out_next = s->out.next;
		jobtab_write_end(&s->gen);
		if (k % BURST == 0)
			spin_us(GAP_US);
	}
}

/* snap_whole: whether a snapshot holds exactly the lines it claims. */
static bool
snap_whole(const struct job_snap *snap)
{
	uint32_t off = 0;
	char want[64];

	for (uint32_t k = 0; k < snap->nlines; k++) {
		int n = snprintf(want, sizeof(want), "line %llu ",
		    (unsigned long long)(snap->first_line + k + 1));

		if (snap->line_len[k] < (uint32_t)n ||
		    memcmp(snap->lines + off, want, (size_t)n) != 0)
			return false;
		off += snap->line_len[k];
	}
	/* Line n holds "line n+1"; the last is the changes count. */
	return snap->meta.out_next == snap->meta.changes &&
	    snap->first_line + snap->nlines == snap->meta.out_next;
}

static void
test_torn_reads(void *base)
{
	struct jobtab_slot *s = jobtab_slot(base, 0);
	uint64_t end;
	int bad = 0, snaps = 0, busy = 0, tries = 0;
	pid_t pid;

	s->m.status = JOB_RUNNING;
	memcpy(s->m.uuid, id, 16);
	s->m.urls_len = s->m.options_len = s->m.command_len = 0;
	ring_reset(&s->out);
	if ((pid = fork()) == 0)
		writer(base);
	T_CHECK(pid > 0);
	if (pid <= 0)
		return;
	/* Start once the ring has wrapped (or give up after the budget). */
	end = clock_mono_ms() + READ_MS;
	while (*(volatile uint64_t *)&s->m.changes < 2 * OUT_LINES_MAX &&
	    clock_mono_ms() < end)
		sched_yield();
	end = clock_mono_ms() + READ_MS;
	for (; tries < READ_TRIES && clock_mono_ms() < end; tries++) {
		struct job_snap snap;
		int rc = jobtab_snapshot(base, 0, id, true, 0, &snap);

		if (rc == JOBTAB_BUSY)
			busy++;
		if (rc != 0)
			continue;
		snaps++;
		if (!snap_whole(&snap))
			bad++;
		job_snap_release(&snap);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	/* The writer may have died between begin and end: even the counter
	 * out as a restarted jobd does, so the next tests start settled. */
	if (atomic_load(&s->gen) & 1)
		atomic_fetch_add(&s->gen, 1);
	printf("test_jobtab: %d whole snapshots of %d tries (%d busy), "
	    "writer at line %llu\n", snaps, tries, busy,
	    (unsigned long long)s->m.changes);
	T_CHECK(snaps > 100);
	T_CHECK(s->m.changes > 2 * OUT_LINES_MAX);
	T_CHECK(bad == 0);
}

/* A writer killed between write_begin and write_end: readers give up
 * within their budget instead of spinning, and say BUSY, not GONE. */
static void
test_dead_writer(void *base)
{
	struct jobtab_slot *s = jobtab_slot(base, 0);
	struct jobtab_hdr hc;
	struct job_meta m;
	struct job_snap snap;
	uint64_t t0;

	T_CHECK((atomic_load(&s->gen) & 1) == 0);
	jobtab_write_begin(&s->gen);
	t0 = clock_mono_ms();
	T_CHECK(jobtab_peek(base, 0, id, &m) == JOBTAB_BUSY);
	T_CHECK(jobtab_snapshot(base, 0, id, true, 0, &snap) == JOBTAB_BUSY);
	T_CHECK(snap.spec == NULL && snap.lines == NULL);
	T_CHECK(clock_mono_ms() - t0 < 2000);
	jobtab_write_end(&s->gen);
	T_CHECK(jobtab_peek(base, 0, id, &m) == 0);

	jobtab_write_begin(&((struct jobtab_hdr *)base)->gen);
	T_CHECK(jobtab_read_hdr(base, &hc) == JOBTAB_BUSY);
	jobtab_write_end(&((struct jobtab_hdr *)base)->gen);
	T_CHECK(jobtab_read_hdr(base, &hc) == 0 && hc.nslots == 1);
}

/* A writer whose counter keeps moving is alive: a reader that cannot get
 * a quiet moment tries on past the 200 ms a stuck counter gets, and still
 * gives up within a bound.  (The counter moves while staying odd here, so
 * the reader can never succeed: only its patience is measured.) */
static void
test_moving_writer(void *base)
{
	struct jobtab_slot *s = jobtab_slot(base, 0);
	struct job_meta m;
	uint64_t t0, took;
	pid_t pid;

	T_CHECK((atomic_load(&s->gen) & 1) == 0);
	jobtab_write_begin(&s->gen);
	if ((pid = fork()) == 0)
		for (;;) {
			usleep(10000);
			atomic_fetch_add(&s->gen, 2);
		}
	T_CHECK(pid > 0);
	if (pid <= 0)
		return;
	t0 = clock_mono_ms();
	T_CHECK(jobtab_peek(base, 0, id, &m) == JOBTAB_BUSY);
	took = clock_mono_ms() - t0;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	printf("test_jobtab: a reader of a moving counter gave up after "
	    "%llu ms\n", (unsigned long long)took);
	T_CHECK(took >= 400);	/* not at the stuck counter's 200 ms */
	T_CHECK(took < 2000);
	jobtab_write_end(&s->gen);
	T_CHECK(jobtab_peek(base, 0, id, &m) == 0);
}

/* A slot that holds another job, or no slot at all, is not served. */
static void
test_other_job(void *base)
{
	struct job_snap snap;
	uint8_t other[16] = { 9 };

	T_CHECK(jobtab_snapshot(base, 0, other, false, 0, &snap) == JOBTAB_GONE);
	T_CHECK(jobtab_snapshot(base, 1, id, false, 0, &snap) == JOBTAB_GONE);
}

/* jobd restarted over a table its killed predecessor left mid-write:
 * the reused table's counters are even again and its slots readable. */
static void
test_reuse_after_crash(void)
{
	char inst[32];
	struct livetab a = { 0 }, b = { 0 };
	struct jobtab_hdr hc;
	struct job_meta m;

	snprintf(inst, sizeof(inst), "unit%d", (int)getpid());
	T_CHECK(livetab_create(&a, inst, 2) == 0);
	if (a.base == NULL)
		return;
	jobtab_write_begin(&a.hdr->gen);
	jobtab_write_begin(&livetab_slot(&a, 1)->gen);
	T_CHECK(livetab_create(&b, inst, 2) == 0);
	T_CHECK(b.base != NULL && jobtab_read_hdr(b.base, &hc) == 0);
	T_CHECK(b.base != NULL && (atomic_load(&b.hdr->gen) & 1) == 0);
	T_CHECK(b.base != NULL &&
	    (atomic_load(&livetab_slot(&b, 1)->gen) & 1) == 0);
	/* A free slot reads as GONE, not BUSY. */
	T_CHECK(b.base != NULL && jobtab_peek(b.base, 1, id, &m) == JOBTAB_GONE);
	munmap(a.base, a.size);
	livetab_retire(&b);
}

int
main(void)
{
	size_t size = jobtab_size(1);
	void *base = mmap(NULL, size, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	T_CHECK(base != MAP_FAILED);
	if (base == MAP_FAILED)
		return t_done("test_jobtab");
	((struct jobtab_hdr *)base)->nslots = 1;
	test_torn_reads(base);
	test_dead_writer(base);
	test_moving_writer(base);
	test_other_job(base);
	munmap(base, size);
	test_reuse_after_crash();
	return t_done("test_jobtab");
}
