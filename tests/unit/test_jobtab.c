/* test_jobtab.c: a reader never keeps a torn copy.  A writer process
 * appends numbered lines and bumps the metadata in step, as fast as it
 * can; the reader takes snapshots and checks that every one is whole. */
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include "shared/jobtab.h"
#include "test.h"

static const uint8_t id[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
    14, 15, 16 };

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
	}
}

int
main(void)
{
	size_t size = jobtab_size(1);
	void *base = mmap(NULL, size, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct jobtab_hdr *h = base;
	struct jobtab_slot *s = jobtab_slot(base, 0);
	int bad = 0, snaps = 0;
	pid_t pid;

	h->nslots = 1;
	s->m.status = JOB_RUNNING;
	memcpy(s->m.uuid, id, 16);
	s->m.urls_len = s->m.options_len = s->m.command_len = 0;
	ring_reset(&s->out);
	if ((pid = fork()) == 0)
		writer(base);
	/* Start once the ring has wrapped, then read for a while. */
	while (*(volatile uint64_t *)&s->m.changes < 2000)
		;
	for (int i = 0; i < 20000; i++) {
		struct job_snap snap;
		char want[64];
		uint32_t off = 0;

		if (jobtab_snapshot(base, 0, id, true, 0, &snap) == -1)
			continue;
		snaps++;
		/* Line n holds "line n+1"; the last is the changes count. */
		for (uint32_t k = 0; k < snap.nlines && !bad; k++) {
			int n = snprintf(want, sizeof(want), "line %llu ",
			    (unsigned long long)(snap.first_line + k + 1));

			if (snap.line_len[k] < (uint32_t)n ||
			    memcmp(snap.lines + off, want, (size_t)n) != 0)
				bad++;
			off += snap.line_len[k];
		}
		if (snap.meta.out_next != snap.meta.changes ||
		    snap.first_line + snap.nlines != snap.meta.out_next)
			bad++;
		job_snap_release(&snap);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	printf("test_jobtab: %d whole snapshots, writer at line %llu\n", snaps,
	    (unsigned long long)s->m.changes);
	T_CHECK(snaps > 1000);
	T_CHECK(s->m.changes > 20000);
	T_CHECK(bad == 0);
	/* A slot that holds another job is not served. */
	{
		struct job_snap snap;
		uint8_t other[16] = { 9 };

		T_CHECK(jobtab_snapshot(base, 0, other, false, 0, &snap) == -1);
		T_CHECK(jobtab_snapshot(base, 1, id, false, 0, &snap) == -1);
	}
	munmap(base, size);
	return t_done("test_jobtab");
}
