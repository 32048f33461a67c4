/* jobtab.h: the live job table in POSIX shared memory.
 *
 * jobd is the only writer and maps it read-write; responders map it
 * PROT_READ.  Every record is fixed-size.  Each has a sequence counter
 * (gen) that the writer makes odd before a change and even after it;
 * a reader copies what it needs and keeps the copy only if gen was even
 * and unchanged across the copy, so a torn read is never served
 * (design rule 1). */
#ifndef JOBTAB_H
#define JOBTAB_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "jobmodel.h"
#include "limits.h"
#include "ring.h"
#include "settings.h"

#define JOBTAB_MAGIC	0x4a4f4254u	/* "JOBT" */
#define JOBTAB_VERSION	5
#define JOBTAB_BEAT_MS	250	/* jobd's loop turns at least this often */
#define JOBTAB_HUNG_MS	1000	/* a beat older than this: not answering */

struct jobtab_hdr {
	uint32_t	magic;
	uint32_t	version;
	uint32_t	nslots;
	uint32_t	slot_size;
	_Atomic uint32_t gen;
	int32_t		jobd_pid;
	double		started_at;
	uint32_t	queued;		/* live counts, for /api/health: */
	uint32_t	running;	/* queued jobs wait in SQLite and */
	uint32_t	slots_free;	/* take a slot only to start */
	uint32_t	retired;	/* 1: gone, readers must remap */
	uint32_t	epoch;		/* bumped at each jobd start */
	/* CLOCK_MONOTONIC ms of jobd's latest loop turn; it turns at least
	 * every JOBTAB_BEAT_MS, so an old beat means a hung jobd. */
	_Atomic uint64_t heartbeat_ms;
	struct settings	settings;	/* the values jobd applies now */
	/* Counters for /api/metrics, each read on its own (no bracket). */
	struct jobtab_stats {
		_Atomic uint64_t started;	/* jobs started */
		_Atomic uint64_t ended[JOB__COUNT];	/* by final status */
		_Atomic uint64_t lines;		/* output lines captured */
		_Atomic uint64_t turns;		/* loop turns */
		_Atomic uint64_t turn_max_us;	/* longest turn */
		_Atomic uint64_t db_writes;	/* SQLite writes on the loop */
		_Atomic uint64_t db_write_us;	/* their total time */
		_Atomic uint64_t db_write_max_us;
	} stats;
	char		pad[4096 - 64 - sizeof(struct settings) -
			    sizeof(struct jobtab_stats)];
};
_Static_assert(sizeof(struct jobtab_hdr) == 4096, "header is one page");

/* What a reader copies of a slot besides texts and output. */
struct job_meta {
	uint32_t	status;		/* enum job_status; JOB_NONE = free */
	uint32_t	pad0;
	uint64_t	seq;		/* creation order, the SQLite row's seq */
	uint64_t	changes;	/* bumped on every change (ETag) */
	uint8_t		uuid[16];
	char		user_id[USER_MAX + 1];
	char		runner[RUNNER_NAME_MAX + 1];
	char		pad1[7];
	double		created_at;
	double		started_at;	/* 0 = not yet */
	double		finished_at;	/* 0 = not yet */
	int32_t		return_code;
	int32_t		has_return_code;
	int32_t		errors;		/* -1 = null */
	int32_t		pad2;
	struct progress	progress;
	/* Lengths of the texts fixed at creation (see spec below). */
	uint32_t	urls_len;
	uint32_t	options_len;
	uint32_t	command_len;
	uint32_t	pad3;
	uint64_t	out_first;	/* copies of the ring's counters */
	uint64_t	out_next;
	/* A job run through a Slurm launcher (launcher.h): its Slurm job
	 * id and node once jobd learns them (jobd/slurm.c); 0 and "" until
	 * then, and for jobs run on this host. */
	uint64_t	slurm_job_id;
	char		slurm_node[SLURM_NODE_MAX + 1];
};

struct jobtab_slot {
	_Atomic uint32_t gen;
	uint32_t	pad;
	struct job_meta	m;
	/* urls JSON, options JSON, command, each NUL-terminated in turn. */
	char		spec[SPEC_MAX];
	struct ring	out;
};
_Static_assert(offsetof(struct jobtab_slot, spec) % 8 == 0, "spec aligned");

/* Where each text of a spec (urls\0options\0command\0) begins, and
 * the spec's size, from the lengths in m: the one place that knows the
 * layout.  The urls are at spec itself. */
static inline const char *
job_meta_options(const char *spec, const struct job_meta *m)
{
	return spec + m->urls_len + 1;
}

static inline const char *
job_meta_command(const char *spec, const struct job_meta *m)
{
	return spec + m->urls_len + 1 + m->options_len + 1;
}

static inline size_t
job_meta_spec_size(const struct job_meta *m)
{
	return (size_t)m->urls_len + m->options_len + m->command_len + 3;
}
_Static_assert(offsetof(struct jobtab_slot, out) % 8 == 0, "ring aligned");

/* A reader's consistent copy of one slot. */
struct job_snap {
	struct job_meta	 meta;
	char		*spec;		/* urls\0options\0command\0, owned */
	/* Output lines first_line .. meta.out_next-1, packed. */
	uint64_t	 first_line;
	uint32_t	 nlines;
	uint32_t	*line_len;	/* owned */
	char		*lines;		/* owned, concatenated */
};

/* Names derived from the instance (design rule 7).  Each writes
 * into buf (size MSG_NAME_MAX) and returns 0, or -1 on a bad instance. */
int jobtab_shm_name(char *buf, size_t size, const char *instance);
int jobtab_mq_name(char *buf, size_t size, const char *instance);

/* jobtab_size: bytes of a table with n slots. */
size_t jobtab_size(uint32_t nslots);
struct jobtab_slot *jobtab_slot(void *base, uint32_t i);
const struct jobtab_slot *jobtab_cslot(const void *base, uint32_t i);

/* Reader side.  jobtab_map_ro maps the instance's table read-only;
 * returns NULL (errno set) when it does not exist, does not match, or
 * is not owned by owner (jobd's uid) with no access for others (EPERM:
 * another local user made an object of that name first). */
void *jobtab_map_ro(const char *instance, uid_t owner, size_t *size);

/* jobtab_find: slot index holding uuid, or -1, among the slots of a
 * mapping of size bytes (jobtab_map_ro): the header's count is only
 * believed below that, so a scribbled header cannot send a reader past
 * its mapping.  A hint only: confirm with jobtab_snapshot, which checks
 * the id under the sequence counter. */
int jobtab_find(const void *base, size_t size, const uint8_t uuid[16]);

/* What the readers below return besides 0.  BUSY: no consistent copy
 * within a short budget (a jobd that stopped or died mid-write, or no
 * memory); the caller answers from elsewhere instead of waiting. */
#define JOBTAB_GONE	(-1)	/* the slot no longer holds that job */
#define JOBTAB_BUSY	(-2)

/* jobtab_peek: a consistent copy of slot i's metadata alone, if it holds
 * uuid: enough to check an owner or an ETag without copying texts and
 * output.  Returns 0, JOBTAB_GONE or JOBTAB_BUSY. */
int jobtab_peek(const void *base, uint32_t i, const uint8_t uuid[16],
    struct job_meta *out);

/* jobtab_snapshot: copy slot i if it holds uuid.  with_output copies the
 * held lines numbered since and up (since = 0: all held).  Returns 0,
 * JOBTAB_GONE or JOBTAB_BUSY.  Free with job_snap_release. */
int jobtab_snapshot(const void *base, uint32_t i, const uint8_t uuid[16],
    bool with_output, uint64_t since, struct job_snap *out);
void job_snap_release(struct job_snap *s);

/* jobtab_beating: whether jobd turned its loop within JOBTAB_HUNG_MS. */
bool jobtab_beating(const void *base);

/* jobtab_read_hdr: a consistent copy of the header; 0 or JOBTAB_BUSY. */
int jobtab_read_hdr(const void *base, struct jobtab_hdr *out);

/* Writer helpers: bracket every change to a record. */
void jobtab_write_begin(_Atomic uint32_t *gen);
void jobtab_write_end(_Atomic uint32_t *gen);

#endif
