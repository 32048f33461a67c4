/* recover.h: a jobd start after a kill, and a clean stop (recover.c). */
#ifndef JOBD_RECOVER_H
#define JOBD_RECOVER_H

#include "jobd.h"

/* recover_harvest: at start, before the live table is made anew, save
 * into their rows the output of the jobs a killed jobd was running. */
void recover_harvest(struct jobd *d);
/* recover_start: kill what the jobs of a killed jobd left running, clean
 * their temp folders, fail the rows that were running and count the
 * queued ones, which then start as before (README "A job's life").
 * Returns 0 or -1. */
int recover_start(struct jobd *d);
/* recover_save_running: when jobd stops, the lines of the jobs it was
 * running go into their rows, as after a kill (recover_harvest), so the
 * next start's line about the restart comes after them, numbered on. */
void recover_save_running(struct jobd *d);

#endif
