/* orphans.h: processes a job left where its process group cannot reach.
 *
 * A cancel or a job's end kills the job's process group, and
 * PR_SET_PDEATHSIG kills the leader if jobd dies.  Two kinds escape: a
 * descendant that left the group (setsid, setpgid), and every descendant
 * of the leader after a jobd crash (the death signal reaches the leader
 * alone).  Every job process therefore carries JOBD_JOB=<instance>/<id>
 * in its environment, inherited down the tree; a scan of /proc finds the
 * escaped ones by it, whatever their parent or group. */
#ifndef ORPHANS_H
#define ORPHANS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "shared/limits.h"

#define ORPHANS_VAR	"JOBD_JOB="
#define ORPHANS_MARKER_MAX	(MSG_NAME_MAX + 64)

/* orphans_marker: "JOBD_JOB=<instance>/<id>" of one job, or with uuid
 * NULL the prefix every job of the instance shares.  Returns 0, or -1 if
 * it does not fit. */
int orphans_marker(char *buf, size_t size, const char *instance,
    const uint8_t *uuid);

/* orphans_kill: SIGKILL every process but jobd that carries the marker
 * of job uuid (NULL: of any job of instance), but for members of process
 * group skip (already killed as a group; 0: none).  Returns how many it
 * signalled. */
int orphans_kill(const char *instance, const uint8_t *uuid, pid_t skip);

#endif
