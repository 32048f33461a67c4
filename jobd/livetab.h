/* livetab.h: jobd's side of the live table: create, write, retire. */
#ifndef JOBD_LIVETAB_H
#define JOBD_LIVETAB_H

#include <stddef.h>
#include <stdint.h>

#include "shared/jobtab.h"

struct livetab {
	char			 name[MSG_NAME_MAX];
	void			*base;
	size_t			 size;
	uint32_t		 nslots;	/* jobd's own count, not hdr's */
	struct jobtab_hdr	*hdr;
};

/* livetab_create: create or reuse the instance's table with nslots slots,
 * mode 0640 (design rule 8), every slot free.  A table of another size is
 * retired (readers remap) and replaced.  Returns 0, or -1 with errno. */
int livetab_create(struct livetab *s, const char *instance, uint32_t nslots);

/* livetab_harvest: before livetab_create, call fn for every slot that a killed
 * jobd left holding a job that had started (its output, and its end if
 * it had one, would be lost otherwise).  Nothing happens when there is
 * no such table. */
typedef void (*livetab_slot_fn)(void *arg, const struct jobtab_slot *sl);
void livetab_harvest(const char *instance, livetab_slot_fn fn, void *arg);

/* livetab_retire: tell readers the table is gone, then unlink it. */
void livetab_retire(struct livetab *s);
/* livetab_leave: unmap the table but keep it, as a killed jobd would, for
 * the next jobd to harvest (livetab_harvest). */
void livetab_leave(struct livetab *s);

struct jobtab_slot *livetab_slot(struct livetab *s, uint32_t i);

/* livetab_slot_clear: free slot i and give its pages back to the system
 * (livetab_create; jobd's jobs are freed by job_reset). */
void livetab_slot_clear(struct livetab *s, uint32_t i);
/* livetab_slot_drop_pages: give back slot i's pages past its first. */
void livetab_slot_drop_pages(struct livetab *s, uint32_t i);

#endif
