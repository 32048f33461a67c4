/* jobdir.h: a job's folders and environment. */
#ifndef JOBDIR_H
#define JOBDIR_H

#include <stddef.h>
#include <stdint.h>

#include "shared/config.h"
#include "shared/runner.h"

/* jobdir_user: download_dir/user into buf.  Returns 0, or -1 if too long. */
int jobdir_user(const struct config *c, const char *user, char *buf,
    size_t size);
/* jobdir_temp: the temp folder of a job of runner r into buf:
 * state_dir/tmp/<id>, or <temp_dir>/<instance>/<id> when r's launcher
 * has a temp_dir (on the file system the nodes share).  Returns 0 or -1. */
int jobdir_temp(const struct config *c, const struct runner *r,
    const uint8_t uuid[16], char *buf, size_t size);
/* jobdir_open: open user/sub below the download folder, creating it one
 * component at a time and refusing symlinks.  Returns an O_CLOEXEC
 * directory fd the caller closes, or -1 with errno (ELOOP, ENOTDIR...). */
int jobdir_open(const struct config *c, const char *user, const char *sub);
/* jobdir_remove: remove path and everything below it. */
void jobdir_remove(const char *path);
/* jobdir_envp: the child's clean environment, marker (orphans.h) first,
 * the runner's and then the launcher's (l may be NULL) env lines; free
 * with jobdir_envp_free. */
char **jobdir_envp(const struct runner *r, const struct launcher *l,
    const char *marker, const char *home, const char *temp);
void jobdir_envp_free(char **envp);

/* jobdir_clean_temps: at start, when no job runs, remove the temp
 * folders of jobs a killed jobd could not clean up (state_dir/tmp, and
 * each launcher's <temp_dir>/<instance>).  Returns 0 or -1. */
int jobdir_clean_temps(const struct config *c);

#endif
