/* livetab.c: create, reuse and retire the shared-memory live table. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/clock.h"
#include "shared/log.h"
#include "livetab.h"

/* Mark an old table of the wrong size retired so readers remap. */
static void
livetab_retire_old(int fd)
{
	struct jobtab_hdr *h;

	h = mmap(NULL, sizeof(*h), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (h == MAP_FAILED)
		return;
	if (h->magic == JOBTAB_MAGIC) {
		jobtab_write_begin(&h->gen);
		h->retired = 1;
		jobtab_write_end(&h->gen);
	}
	munmap(h, sizeof(*h));
}

/* A jobd killed mid-write leaves a counter odd; bring it back to even
 * (no reader ever kept a copy under an odd one) so that the next
 * write_begin makes it odd again, not even. */
static void
livetab_settle(_Atomic uint32_t *gen)
{
	if (atomic_load(gen) & 1)
		atomic_fetch_add(gen, 1);
}

int
livetab_create(struct livetab *s, const char *instance, uint32_t nslots)
{
	struct stat st;
	int fd;

	if (jobtab_shm_name(s->name, sizeof(s->name), instance) == -1) {
		errno = EINVAL;
		return -1;
	}
	s->size = jobtab_size(nslots);
	s->nslots = nslots;
	if ((fd = shm_open(s->name, O_RDWR | O_CREAT | O_CLOEXEC, 0640)) == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (st.st_uid != geteuid()) {
		/* Another user made it first (a squatter): never use it.  In
		 * a sticky /dev/shm only its owner or root can remove it. */
		close(fd);
		if (shm_unlink(s->name) == -1 || (fd = shm_open(s->name,
		    O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0640)) == -1) {
			errno = EEXIST;
			return -1;
		}
		log_warn("removed a live table '%s' another user had made",
		    s->name);
	} else if (st.st_size != 0 && (size_t)st.st_size != s->size) {
		livetab_retire_old(fd);
		close(fd);
		shm_unlink(s->name);
		fd = shm_open(s->name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
		if (fd == -1)
			return -1;
	}
	if (fchmod(fd, 0640) == -1 || ftruncate(fd, (off_t)s->size) == -1)
		goto fail;
	s->base = mmap(NULL, s->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (s->base == MAP_FAILED)
		goto fail;
	close(fd);
	s->hdr = s->base;
	/* A reused table may have readers: keep gen counters going up. */
	livetab_settle(&s->hdr->gen);
	jobtab_write_begin(&s->hdr->gen);
	s->hdr->magic = JOBTAB_MAGIC;
	s->hdr->version = JOBTAB_VERSION;
	s->hdr->nslots = nslots;
	s->hdr->slot_size = (uint32_t)(jobtab_size(1) - jobtab_size(0));
	s->hdr->retired = 0;
	s->hdr->epoch++;
	atomic_store(&s->hdr->heartbeat_ms, clock_mono_ms());
	s->hdr->jobd_pid = (int32_t)getpid();
	s->hdr->queued = s->hdr->running = 0;
	jobtab_write_end(&s->hdr->gen);
	for (uint32_t i = 0; i < nslots; i++) {
		livetab_settle(&livetab_slot(s, i)->gen);
		livetab_slot_clear(s, i);
	}
	return 0;
fail:
	close(fd);
	return -1;
}

void
livetab_harvest(const char *instance, livetab_slot_fn fn, void *arg)
{
	size_t size;
	void *base = jobtab_map_ro(instance, geteuid(), &size);
	const struct jobtab_hdr *h = base;

	if (base == NULL)
		return;
	/* A retired table was left by a jobd that stopped with every row
	 * written: nothing to take. */
	for (uint32_t i = 0; i < (h->retired ? 0 : h->nslots); i++) {
		const struct jobtab_slot *sl = jobtab_cslot(base, i);

		if (sl->m.status != JOB_NONE && sl->m.status != JOB_QUEUED)
			fn(arg, sl);
	}
	munmap(base, size);
}

void
livetab_retire(struct livetab *s)
{
	if (s->base == NULL)
		return;
	jobtab_write_begin(&s->hdr->gen);
	s->hdr->retired = 1;
	jobtab_write_end(&s->hdr->gen);
	shm_unlink(s->name);
	munmap(s->base, s->size);
	s->base = NULL;
}

void
livetab_leave(struct livetab *s)
{
	if (s->base == NULL)
		return;
	munmap(s->base, s->size);
	s->base = NULL;
}

struct jobtab_slot *
livetab_slot(struct livetab *s, uint32_t i)
{
	assert(s->base != NULL && i < s->nslots);
	return jobtab_slot(s->base, i);
}

void
livetab_slot_drop_pages(struct livetab *s, uint32_t i)
{
	/* Every whole page after the first (which holds gen and the
	 * metadata): a freed slot then costs no memory, and reads as
	 * zeros.  Rounded down so the next slot is never touched. */
	madvise((char *)livetab_slot(s, i) + 4096,
	    (sizeof(struct jobtab_slot) - 4096) & ~(size_t)4095, MADV_REMOVE);
}

void
livetab_slot_clear(struct livetab *s, uint32_t i)
{
	struct jobtab_slot *sl = livetab_slot(s, i);
	uint64_t changes = sl->m.changes;

	jobtab_write_begin(&sl->gen);
	memset(&sl->m, 0, sizeof(sl->m));
	sl->m.changes = changes + 1;
	ring_reset(&sl->out);
	livetab_slot_drop_pages(s, i);
	jobtab_write_end(&sl->gen);
}
