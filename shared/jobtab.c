/* jobtab.c: shared-memory table names, layout and consistent reads. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "jobtab.h"
#include "valid.h"

/* How long a reader keeps trying.  jobd holds a record for microseconds,
 * but a reader on a crowded machine can lose its core mid-copy again and
 * again while jobd writes on: as long as the counter moves, the writer is
 * alive and the reader tries on, up to READ_CAP_MS in all.  A counter
 * that stands still and odd for READ_STUCK_MS belongs to a jobd that
 * stopped or died mid-write, and the reader must not wait for ever; on a
 * machine crowded with downloads jobd itself can lose its core mid-write
 * for tens of milliseconds (50 ms made a few polls in 50,000 a 503 with
 * 1000 jobs running on 2 cores). */
#define READ_STUCK_MS	200
#define READ_CAP_MS	500

static int
jobtab_name(char *buf, size_t size, const char *instance, const char *what)
{
	int n;

	if (!valid_instance(instance))
		return -1;
	n = snprintf(buf, size, "/jobs.%s.%s", instance, what);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int
jobtab_shm_name(char *buf, size_t size, const char *instance)
{
	return jobtab_name(buf, size, instance, "tab");
}

int
jobtab_mq_name(char *buf, size_t size, const char *instance)
{
	return jobtab_name(buf, size, instance, "cmd");
}

static size_t
jobtab_slot_size(void)
{
	/* Page-align slots so a freed slot's pages can be released alone. */
	return (sizeof(struct jobtab_slot) + 4095) & ~(size_t)4095;
}

size_t
jobtab_size(uint32_t nslots)
{
	return sizeof(struct jobtab_hdr) + (size_t)nslots * jobtab_slot_size();
}

struct jobtab_slot *
jobtab_slot(void *base, uint32_t i)
{
	return (struct jobtab_slot *)((char *)base + sizeof(struct jobtab_hdr) +
	    (size_t)i * jobtab_slot_size());
}

const struct jobtab_slot *
jobtab_cslot(const void *base, uint32_t i)
{
	return jobtab_slot((void *)(uintptr_t)base, i);
}

void *
jobtab_map_ro(const char *instance, uid_t owner, size_t *size)
{
	char name[MSG_NAME_MAX];
	struct jobtab_hdr hdr;
	struct stat st;
	void *base;
	int fd;

	if (jobtab_shm_name(name, sizeof(name), instance) == -1) {
		errno = EINVAL;
		return NULL;
	}
	if ((fd = shm_open(name, O_RDONLY | O_CLOEXEC, 0)) == -1)
		return NULL;
	/* A table someone else made under our name is not jobd's. */
	if (fstat(fd, &st) == -1 || st.st_uid != owner ||
	    (st.st_mode & 0007) != 0) {
		close(fd);
		errno = EPERM;
		return NULL;
	}
	if ((size_t)st.st_size < sizeof(hdr) ||
	    pread(fd, &hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr) ||
	    hdr.magic != JOBTAB_MAGIC || hdr.version != JOBTAB_VERSION ||
	    hdr.slot_size != jobtab_slot_size() ||
	    jobtab_size(hdr.nslots) > (size_t)st.st_size) {
		close(fd);
		errno = EPROTO;
		return NULL;
	}
	*size = jobtab_size(hdr.nslots);
	base = mmap(NULL, *size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	return base == MAP_FAILED ? NULL : base;
}

int
jobtab_find(const void *base, size_t size, const uint8_t uuid[16])
{
	const struct jobtab_hdr *h = base;
	size_t mapped = size < jobtab_size(0) ? 0 :
	    (size - jobtab_size(0)) / (jobtab_size(1) - jobtab_size(0));
	uint32_t n = h->nslots;

	if (n > mapped)
		n = (uint32_t)mapped;
	for (uint32_t i = 0; i < n; i++) {
		const struct jobtab_slot *s = jobtab_cslot(base, i);

		if (memcmp(s->m.uuid, uuid, 16) == 0)
			return (int)i;
	}
	return -1;
}

void
jobtab_write_begin(_Atomic uint32_t *gen)
{
	atomic_fetch_add_explicit(gen, 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
}

void
jobtab_write_end(_Atomic uint32_t *gen)
{
	atomic_fetch_add_explicit(gen, 1, memory_order_release);
}

/* A read's budget.  All zero until its first wait: a read that settles
 * at once, as nearly every poll does, never reads the clock. */
struct budget {
	uint64_t	stuck_at;	/* the counter has not moved since */
	uint64_t	cap_at;
	uint32_t	gen;
};

/* budget_left: whether a read of the record counted by gen may go on. */
static bool
budget_left(struct budget *b, const _Atomic uint32_t *gen)
{
	uint32_t g = atomic_load_explicit(gen, memory_order_relaxed);
	uint64_t now = clock_mono_ms();

	if (b->cap_at == 0 || g != b->gen) {
		if (b->cap_at == 0)
			b->cap_at = now + READ_CAP_MS;
		b->stuck_at = now + READ_STUCK_MS;
		b->gen = g;
	}
	return now < b->stuck_at && now < b->cap_at;
}

/* read_begin: wait until gen is even and store it in *g; false when the
 * read's budget ran out first. */
static bool
read_begin(const _Atomic uint32_t *gen, uint32_t *g, struct budget *b)
{
	for (unsigned spins = 0; ; spins++) {
		*g = atomic_load_explicit(gen, memory_order_acquire);
		if (!(*g & 1))
			return true;
		if (spins < 64)
			continue;
		if (!budget_left(b, gen))
			return false;
		sched_yield();
	}
}

static bool
read_ok(const _Atomic uint32_t *gen, uint32_t g)
{
	atomic_thread_fence(memory_order_acquire);
	return atomic_load_explicit(gen, memory_order_relaxed) == g;
}

bool
jobtab_beating(const void *base)
{
	const struct jobtab_hdr *h = base;
	uint64_t beat = atomic_load_explicit(&h->heartbeat_ms,
	    memory_order_relaxed);

	return clock_mono_ms() - beat <= JOBTAB_HUNG_MS;
}

int
jobtab_read_hdr(const void *base, struct jobtab_hdr *out)
{
	const struct jobtab_hdr *h = base;
	struct budget b = { 0 };
	uint32_t g;

	do {
		if (!read_begin(&h->gen, &g, &b))
			break;
		memcpy(out, h, sizeof(*out));
		if (read_ok(&h->gen, g))
			return 0;
	} while (budget_left(&b, &h->gen));
	return JOBTAB_BUSY;
}

void
job_snap_release(struct job_snap *s)
{
	free(s->spec);
	free(s->line_len);
	free(s->lines);
	s->spec = NULL;
	s->line_len = NULL;
	s->lines = NULL;
}

/* snap_lines: copy held lines since..next-1 out of the slot's ring.  The
 * writer may change the ring meanwhile: every length and offset is bounded
 * again while copying, and the caller's gen check discards such a copy. */
static int
snap_lines(const struct jobtab_slot *s, uint64_t since, struct job_snap *o)
{
	uint64_t first = s->out.first, next = s->out.next, n;
	size_t cap = 0, used = 0;

	if (since < first)
		since = first;
	if (since > next || next - first > OUT_LINES_MAX)
		since = next;	/* torn counters: retried */
	o->first_line = since;
	o->nlines = (uint32_t)(next - since);
	for (n = since; n < next; n++)
		cap += s->out.idx[n % OUT_LINES_MAX].len % (OUT_LINE_JSON_MAX + 1);
	o->line_len = malloc(sizeof(uint32_t) * (o->nlines + 1));
	o->lines = malloc(cap + 1);
	if (o->line_len == NULL || o->lines == NULL)
		return -1;
	for (n = since; n < next; n++) {
		const struct ring_line *l = &s->out.idx[n % OUT_LINES_MAX];
		/* Read once: the compiler may not reload a racing field. */
		uint32_t len = *(const volatile uint32_t *)&l->len;
		uint32_t off = *(const volatile uint32_t *)&l->off;

		if (len > OUT_LINE_JSON_MAX || off > OUT_ARENA - len ||
		    len > cap - used)
			len = 0;	/* torn: retried */
		memcpy(o->lines + used, s->out.arena + off, len);
		o->line_len[n - since] = len;
		used += len;
	}
	return 0;
}

int
jobtab_peek(const void *base, uint32_t i, const uint8_t uuid[16],
    struct job_meta *out)
{
	const struct jobtab_hdr *h = base;
	const struct jobtab_slot *s;
	struct budget b = { 0 };
	uint32_t g;

	if (i >= h->nslots)
		return JOBTAB_GONE;
	s = jobtab_cslot(base, i);
	do {
		if (!read_begin(&s->gen, &g, &b))
			break;
		memcpy(out, &s->m, sizeof(*out));
		if (!read_ok(&s->gen, g))
			continue;
		return out->status != JOB_NONE &&
		    memcmp(out->uuid, uuid, 16) == 0 ? 0 : JOBTAB_GONE;
	} while (budget_left(&b, &s->gen));
	return JOBTAB_BUSY;
}

int
jobtab_snapshot(const void *base, uint32_t i, const uint8_t uuid[16],
    bool with_output, uint64_t since, struct job_snap *o)
{
	const struct jobtab_hdr *h = base;
	const struct jobtab_slot *s;
	struct budget b = { 0 };
	uint32_t g;
	size_t speclen;

	if (i >= h->nslots)
		return JOBTAB_GONE;
	s = jobtab_cslot(base, i);
	memset(o, 0, sizeof(*o));
	do {
		job_snap_release(o);
		if (!read_begin(&s->gen, &g, &b))
			break;
		if (s->m.status == JOB_NONE ||
		    memcmp(s->m.uuid, uuid, 16) != 0) {
			if (read_ok(&s->gen, g))
				return JOBTAB_GONE;
			continue;
		}
		memcpy(&o->meta, &s->m, sizeof(o->meta));
		speclen = job_meta_spec_size(&o->meta);
		if (speclen > SPEC_MAX)
			continue;
		if ((o->spec = malloc(speclen)) == NULL)
			return JOBTAB_BUSY;
		memcpy(o->spec, s->spec, speclen);
		o->meta.out_first = s->out.first;
		o->meta.out_next = s->out.next;
		if (with_output && snap_lines(s, since, o) == -1)
			break;
		if (read_ok(&s->gen, g))
			return 0;
	} while (budget_left(&b, &s->gen));
	job_snap_release(o);
	return JOBTAB_BUSY;
}
