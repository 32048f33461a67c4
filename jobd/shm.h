/* shm.h: jobd's side of the live table: create, write, retire. */
#ifndef SHM_H
#define SHM_H

#include <stddef.h>
#include <stdint.h>

#include "shared/jobtab.h"

struct shm {
	char			 name[MQ_NAME_MAX];
	void			*base;
	size_t			 size;
	struct jobtab_hdr	*hdr;
};

/* shm_create: create or reuse the instance's table with nslots slots,
 * mode 0640 (design rule 8), every slot free.  A table of another size is
 * retired (readers remap) and replaced.  Returns 0, or -1 with errno. */
int shm_create(struct shm *s, const char *instance, uint32_t nslots);

/* shm_harvest: before shm_create, call fn for every slot that a killed
 * jobd left holding a job that had started (its output, and its end if
 * it had one, would be lost otherwise).  Nothing happens when there is
 * no such table. */
typedef void (*shm_slot_fn)(void *arg, const struct jobtab_slot *sl);
void shm_harvest(const char *instance, shm_slot_fn fn, void *arg);

/* shm_retire: tell readers the table is gone, then unlink it. */
void shm_retire(struct shm *s);
/* shm_leave: unmap the table but keep it, as a killed jobd would, for
 * the next jobd to harvest (shm_harvest). */
void shm_leave(struct shm *s);

struct jobtab_slot *shm_slot(struct shm *s, uint32_t i);

/* shm_slot_clear: free slot i and give its pages back to the system
 * (shm_create; jobd's jobs are freed by job_reset). */
void shm_slot_clear(struct shm *s, uint32_t i);
/* shm_slot_drop_pages: give back slot i's pages past its first. */
void shm_slot_drop_pages(struct shm *s, uint32_t i);

#endif
