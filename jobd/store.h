/* store.h: every SQL statement jobd runs.  jobd is the only writer of
 * job rows (design rule 2). */
#ifndef STORE_H
#define STORE_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "shared/jobtab.h"
#include "shared/settings.h"

struct store {
	sqlite3		*db;
	sqlite3_stmt	*insert, *update, *close_open, *delete, *brief;
	sqlite3_stmt	*setting_put;
	sqlite3_stmt	*sweep, *exists, *next_queued, *live_count;
	/* WAL checkpoints run on a thread of their own, so copying pages
	 * back into the database never stalls the loop (design rule 3). */
	pthread_t	 ckpt_thread;
	pthread_mutex_t	 ckpt_lock;
	pthread_cond_t	 ckpt_wake;
	bool		 ckpt_running;
	bool		 ckpt_stop;
	int		 ckpt_restart_frames;	/* config wal_limit_mib */
	char		*path;
	/* How long the loop waited on SQLite writes (design rule 3): logged when
	 * jobd stops, and each write over STORE_SLOW_MS at once. */
	uint64_t	 writes;
	bool		 sync_full;	/* synchronous=FULL now (store_durable) */
	double		 write_total, write_longest;
};

#define STORE_SLOW_MS	250

/* How long a write waits for a lock another program holds on the
 * database (jobctl, a sysadmin's sqlite3): well under the responders'
 * 1 s, so a client told 503 never finds its job made after all, and the
 * loop is never stalled long.  A write that fails is retried (job rows)
 * or answered with STORE_UNWRITABLE (commands). */
#define STORE_BUSY_MS	250
#define STORE_UNWRITABLE "jobd cannot write its database (another " \
	"program holds a lock on it, or its disk is full); try again in a " \
	"moment."

/* What jobd needs of a row it does not hold live. */
struct store_brief {
	char		 user_id[USER_MAX + 1];
	char		 runner[RUNNER_NAME_MAX + 1];
	enum job_status	 status;
	char		*urls;		/* owned */
	char		*options;	/* owned */
};

int store_open(struct store *st, const char *path, uint32_t wal_limit_mib,
    char *err, size_t errsz);
void store_close(struct store *st);

/* What the users table says of a name that sends a command. */
struct store_user {
	bool	exists;
	bool	admin;
	bool	disabled;
};

/* store_user_get: look name up.  Returns 0 with *u filled (exists false
 * when there is no such user), or -1 when the database cannot be read. */
int store_user_get(struct store *st, const char *name, struct store_user *u);

/* store_job_insert: the row of a new, queued job: its identity in m
 * (seq, uuid, user_id, runner, created_at) and its texts. */
int store_job_insert(struct store *st, const struct job_meta *m,
    const char *urls, const char *options, const char *command);
/* store_user_counts: the user's queued and running rows (*live) and all
 * their rows (*stored).  Returns 0 or -1. */
int store_user_counts(struct store *st, const char *user, int64_t *live,
    int64_t *stored);
/* store_queued_count: *n = all queued rows.  Returns 0 or -1. */
int store_queued_count(struct store *st, int64_t *n);
/* store_job_update: status, times, outcome, progress and output of the
 * job m describes.  output_json is the held lines as a JSON array text. */
int store_job_update(struct store *st, const struct job_meta *m,
    const char *output_json);
/* store_job_close_open: the same, only if the row has no end yet: the
 * final state a killed jobd held in its table but never wrote.  Returns
 * 1 when it wrote the row, 0 when the row had its end, -1 on error. */
int store_job_close_open(struct store *st, const struct job_meta *m,
    const char *output_json);
/* store_job_delete: remove the row of id (text form).  Returns the number
 * of rows removed, or -1. */
int store_job_delete(struct store *st, const char *id);
/* store_job_exists: 1 when id (text) has a row, 0 when not, -1 on error. */
int store_job_exists(struct store *st, const char *id);
/* store_job_brief: fill b for id; returns 1, 0 when there is no such
 * row, -1 on error.  Free with store_brief_release. */
int store_job_brief(struct store *st, const char *id, struct store_brief *b);
void store_brief_release(struct store_brief *b);

/* store_settings_load: override s with the stored settings (those in
 * range).  Returns 0, or -1 when they cannot be read. */
int store_settings_load(struct store *st, struct settings *s);
/* store_settings_save: write every setting of s in one transaction. */
int store_settings_save(struct store *st, const struct settings *s);

/* store_max_seq: the highest job seq, 0 when there are none. */
int64_t store_max_seq(struct store *st);

/* store_sweep: delete up to limit finished jobs older than cutoff.
 * Returns the number deleted, or -1. */
int store_sweep(struct store *st, double cutoff, int limit);

/* store_save_output: give the unfinished row id the output a killed jobd
 * left in the live table (lines as JSON, next = output_next), before
 * store_recover ends it.  Returns 0 or -1. */
int store_save_output(struct store *st, const char *id, const char *lines,
    uint64_t next);

/* store_recover: at start, mark running rows failed (design rule 6) with the
 * line note, and end cancels that were never reaped. */
int store_recover(struct store *st, const char *note);

/* store_next_queued: the oldest queued row after seq `after`, handed to
 * fn (columns: seq, id, user_id, runner, urls, options, command,
 * created_at).  Returns 1 when there was one (fn called), 0 when there
 * is none, -1 on error. */
typedef void (*store_row_fn)(void *arg, sqlite3_stmt *row);
int store_next_queued(struct store *st, uint64_t after, store_row_fn fn,
    void *arg);

/* store_cancel_queued: cancel a queued row jobd does not hold live, with
 * line as its only output.  Returns 1 when it did, 0 when the row is not
 * queued (any more), -1 on error. */
int store_cancel_queued(struct store *st, const char *id, const char *line);

/* store_durable: commits from now on are synced to disk before they
 * return (synchronous=FULL: what answers a command) or not (NORMAL: a
 * job's own start and end rows, which a power loss may lose: the job then
 * reads as interrupted, or runs again).  Only outside a transaction.
 * Returns 0 or -1. */
int store_durable(struct store *st, bool on);

/* store_job_slurm: the Slurm job id and node of id's row (jobd/slurm.c),
 * written on their own whenever jobd learns them.  Returns 0 or -1. */
int store_job_slurm(struct store *st, const char *id, uint64_t job_id,
    const char *node);

int store_begin(struct store *st);
int store_commit(struct store *st);

#endif
