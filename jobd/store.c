/* store.c: jobd's SQL (see store.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shared/clock.h"
#include "shared/db.h"
#include "shared/jobjson.h"
#include "shared/log.h"
#include "jobd.h"
#include "store.h"

static int
store_prepare(struct store *st, sqlite3_stmt **out, const char *sql)
{
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out,
	    NULL) != SQLITE_OK) {
		log_warn("cannot prepare statement: %s", sqlite3_errmsg(st->db));
		return -1;
	}
	return 0;
}

#define CKPT_EVERY_MS	500
/* How long a restart may hold jobd's writes back while it waits for the
 * readers: well within the STORE_BUSY_MS jobd's writes wait, once.  One
 * that could not be had is tried again CKPT_RETRY_MS later (leaving
 * jobd that long to write), up to CKPT_RESTART_TRIES times in a row:
 * tries back to back left jobd no moment to take its turn, and a batch
 * of creates failed. */
#define CKPT_RESTART_WAIT_MS	50
#define CKPT_RETRY_MS		50
#define CKPT_RESTART_TRIES	5

/* store_checkpoint: copy the WAL back into the database.  PASSIVE never
 * blocks jobd's writes, but under writes that never pause the WAL is
 * never wholly copied at a moment no transaction holds it, so SQLite
 * never starts it over: it grew by about 10 KB a create, without end, and
 * every read and write slowed with it.  Past wal_limit_mib, a RESTART
 * holds new writes back (briefly: the passive pass just copied all but
 * the last frames) until the readers are off the old frames; the next
 * commit then writes from the WAL's start, and journal_size_limit cuts
 * the file back.  Returns whether a restart is still wanted (tried, not
 * had). */
static bool
store_checkpoint(sqlite3 *db, int restart_frames)
{
	int frames = 0, copied = 0;

	if (sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE,
	    &frames, &copied) != SQLITE_OK || frames < restart_frames)
		return false;
	/* Only once the passive pass copied every frame: a restart that
	 * had many left would copy and sync them holding jobd's writes
	 * back (in one make bench, past jobd's 250 ms: 503s). */
	if (copied < frames)
		return true;
	if (sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_RESTART,
	    NULL, NULL) == SQLITE_OK)
		return false;
	log_debug("checkpointer: the WAL of %d frames could not start over "
	    "yet: %s", frames, sqlite3_errmsg(db));
	return true;
}

/* store_checkpointer: checkpoints now and then, with a connection of its
 * own. */
static void *
store_checkpointer(void *arg)
{
	struct store *st = arg;
	char err[256];
	sqlite3 *db = db_open(st->path, true, err, sizeof(err));
	struct timespec ts;
	int tries = 0;

	if (db == NULL) {
		log_warn("checkpointer: %s", err);
		return NULL;
	}
	sqlite3_busy_timeout(db, CKPT_RESTART_WAIT_MS);
	pthread_mutex_lock(&st->ckpt_lock);
	while (!st->ckpt_stop) {
		long ms = tries > 0 && tries < CKPT_RESTART_TRIES ?
		    CKPT_RETRY_MS : CKPT_EVERY_MS;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += ms * 1000000L;
		ts.tv_sec += ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&st->ckpt_wake, &st->ckpt_lock, &ts);
		if (st->ckpt_stop)
			break;
		pthread_mutex_unlock(&st->ckpt_lock);
		if (store_checkpoint(db, st->ckpt_restart_frames))
			tries = tries < CKPT_RESTART_TRIES ? tries + 1 : 1;
		else
			tries = 0;
		pthread_mutex_lock(&st->ckpt_lock);
	}
	pthread_mutex_unlock(&st->ckpt_lock);
	sqlite3_close(db);
	return NULL;
}

static int
store_ckpt_start(struct store *st)
{
	pthread_mutex_init(&st->ckpt_lock, NULL);
	pthread_cond_init(&st->ckpt_wake, NULL);
	/* jobd's own commits no longer checkpoint (autocheckpoint off). */
	if (sqlite3_wal_autocheckpoint(st->db, 0) != SQLITE_OK ||
	    pthread_create(&st->ckpt_thread, NULL, store_checkpointer, st) != 0)
		return -1;
	st->ckpt_running = true;
	return 0;
}

static void
store_ckpt_stop(struct store *st)
{
	if (!st->ckpt_running)
		return;
	pthread_mutex_lock(&st->ckpt_lock);
	st->ckpt_stop = true;
	pthread_cond_signal(&st->ckpt_wake);
	pthread_mutex_unlock(&st->ckpt_lock);
	pthread_join(st->ckpt_thread, NULL);
	pthread_cond_destroy(&st->ckpt_wake);
	pthread_mutex_destroy(&st->ckpt_lock);
	st->ckpt_running = false;
}

/* A job row from its slot; the last parameter is the id. */
#define STORE_UPDATE "UPDATE jobs SET status = ?, return_code = ?, " \
	"errors = ?, progress = ?, output = coalesce(?, output), " \
	"output_next = ?, started_at = ?, finished_at = ? WHERE id = ?"

/* store_wal_limit: the WAL's bound on jobd's connection (which starts
 * it over, and then cuts the file back to it) and, in frames, for the
 * checkpointer. */
static int
store_wal_limit(struct store *st, uint32_t mib)
{
	char sql[80];
	sqlite3_stmt *q;
	int page = 0;

	if (sqlite3_prepare_v2(st->db, "PRAGMA page_size", -1, &q, NULL) !=
	    SQLITE_OK)
		return -1;
	if (sqlite3_step(q) == SQLITE_ROW)
		page = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	if (page <= 0)
		return -1;
	/* A frame is a page and its 24-byte header. */
	st->ckpt_restart_frames = (int)(((uint64_t)mib << 20) /
	    ((uint64_t)page + 24));
	snprintf(sql, sizeof(sql), "PRAGMA journal_size_limit=%llu",
	    (unsigned long long)mib << 20);
	return sqlite3_exec(st->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

int
store_open(struct store *st, const char *path, uint32_t wal_limit_mib,
    char *err, size_t errsz)
{
	memset(st, 0, sizeof(*st));
	if ((st->path = strdup(path)) == NULL ||
	    (st->db = db_open(path, true, err, errsz)) == NULL)
		return -1;
	if (store_wal_limit(st, wal_limit_mib) == -1) {
		snprintf(err, errsz, "cannot set the WAL's limit: %s",
		    sqlite3_errmsg(st->db));
		store_close(st);
		return -1;
	}
	/* The triggers keep user_counts from here on; a database written
	 * by an older jobd, or edited by hand, is counted afresh. */
	if (sqlite3_exec(st->db, "BEGIN IMMEDIATE; DELETE FROM user_counts; "
	    "INSERT INTO user_counts SELECT user_id, sum(status IN ('queued', "
	    "'running')), count(*) FROM jobs GROUP BY user_id; COMMIT;", NULL,
	    NULL, NULL) != SQLITE_OK) {
		snprintf(err, errsz, "cannot count live jobs: %s",
		    sqlite3_errmsg(st->db));
		store_close(st);
		return -1;
	}
	sqlite3_busy_timeout(st->db, STORE_BUSY_MS);
	if (store_prepare(st, &st->insert, "INSERT INTO jobs (seq, id, "
	    "user_id, runner, urls, options, command, status, created_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)") == -1 ||
	    store_prepare(st, &st->update, STORE_UPDATE) == -1 ||
	    store_prepare(st, &st->close_open, STORE_UPDATE
	    " AND finished_at IS NULL") == -1 ||
	    store_prepare(st, &st->delete, "DELETE FROM jobs WHERE id = ?") == -1 ||
	    store_prepare(st, &st->brief, "SELECT user_id, runner, status, "
	    "urls, options FROM jobs WHERE id = ?") == -1 ||
	    store_prepare(st, &st->setting_put, "INSERT INTO settings (key, "
	    "value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET "
	    "value = excluded.value") == -1 ||
	    store_prepare(st, &st->sweep, "DELETE FROM jobs WHERE seq IN "
	    "(SELECT seq FROM jobs WHERE finished_at < ? AND status IN "
	    "('completed', 'failed', 'cancelled') LIMIT ?)") == -1 ||
	    /* In seq order over the rowid: the status index would make
	     * SQLite sort every queued row to find the first. */
	    store_prepare(st, &st->next_queued, "SELECT seq, id, user_id, "
	    "runner, urls, options, command, created_at FROM jobs WHERE "
	    "seq > ? AND +status = 'queued' ORDER BY seq LIMIT 1") == -1 ||
	    store_prepare(st, &st->live_count, "SELECT coalesce(max(live), 0), "
	    "coalesce(max(stored), 0) FROM user_counts WHERE user_id = ?") ==
	    -1 ||
	    store_prepare(st, &st->exists, "SELECT 1 FROM jobs WHERE id = ?") ==
	    -1) {
		snprintf(err, errsz, "cannot prepare statements");
		store_close(st);
		return -1;
	}
	if (store_ckpt_start(st) == -1) {
		snprintf(err, errsz, "cannot start the checkpoint thread");
		store_close(st);
		return -1;
	}
	return 0;
}

void
store_close(struct store *st)
{
	sqlite3_stmt *all[] = { st->next_queued, st->live_count,
	    st->insert, st->update, st->close_open,
	    st->delete, st->brief,
	    st->setting_put, st->sweep, st->exists };

	store_ckpt_stop(st);
	if (st->writes > 0)
		log_info("SQLite writes on the loop: %llu, mean %.2f ms, "
		    "longest %.1f ms",
		    (unsigned long long)st->writes,
		    st->write_total * 1000 / (double)st->writes,
		    st->write_longest * 1000);
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		sqlite3_finalize(all[i]);
	/* The last connection to close checkpoints what is left. */
	sqlite3_close(st->db);
	free(st->path);
	memset(st, 0, sizeof(*st));
}

/* store_step: run a bound statement to completion and reset it. */
static int
store_step(struct store *st, sqlite3_stmt *stmt)
{
	double t0 = clock_mono(), took;
	int rc = sqlite3_step(stmt);

	took = clock_mono() - t0;
	st->writes++;
	st->write_total += took;
	if (took > st->write_longest)
		st->write_longest = took;
	if (took * 1000 > STORE_SLOW_MS)
		log_warn("an SQLite write took %.0f ms (a slow disk, or a lock "
		    "another program held): output capture waited for it",
		    took * 1000);
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	if (rc != SQLITE_DONE) {
		log_warn("sql: %s", sqlite3_errmsg(st->db));
		return -1;
	}
	return 0;
}

static void
bind_time(sqlite3_stmt *stmt, int col, double t)
{
	if (t > 0)
		sqlite3_bind_double(stmt, col, t);
	else
		sqlite3_bind_null(stmt, col);
}

int
store_job_insert(struct store *st, const struct job_meta *m, const char *urls,
    const char *options, const char *command)
{
	char id[JOB_ID_LEN + 1];
	sqlite3_stmt *q = st->insert;

	job_id_str(m->uuid, id);
	sqlite3_bind_int64(q, 1, (sqlite3_int64)m->seq);
	sqlite3_bind_text(q, 2, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 3, m->user_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, m->runner, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, urls, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 6, options, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 7, command, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 8, job_status_str(JOB_QUEUED), -1, SQLITE_STATIC);
	sqlite3_bind_double(q, 9, m->created_at);
	return store_step(st, q);
}

/* store_count: the one integer q answers, into *n; 0 or -1. */
static int
store_count(sqlite3_stmt *q, int64_t *n)
{
	int rc = sqlite3_step(q);

	*n = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
store_user_counts(struct store *st, const char *user, int64_t *live,
    int64_t *stored)
{
	sqlite3_stmt *q = st->live_count;
	int rc;

	sqlite3_bind_text(q, 1, user, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	*live = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	*stored = rc == SQLITE_ROW ? sqlite3_column_int64(q, 1) : 0;
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
store_queued_count(struct store *st, int64_t *n)
{
	sqlite3_stmt *q;
	int rc;

	if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM jobs WHERE "
	    "status = 'queued'", -1, &q, NULL) != SQLITE_OK)
		return -1;
	rc = store_count(q, n);
	sqlite3_finalize(q);
	return rc;
}

/* store_job_write: the row of the slot's job through q (STORE_UPDATE). */
static int
store_job_write(struct store *st, sqlite3_stmt *q, const struct job_meta *m,
    const char *output_json)
{
	char id[JOB_ID_LEN + 1];
	json_object *prog = jobjson_progress(&m->progress);
	int rc;

	job_id_str(m->uuid, id);
	sqlite3_bind_text(q, 1, job_status_str((enum job_status)m->status), -1,
	    SQLITE_STATIC);
	if (m->has_return_code)
		sqlite3_bind_int(q, 2, m->return_code);
	if (m->errors >= 0)
		sqlite3_bind_int(q, 3, m->errors);
	sqlite3_bind_text(q, 4, json_object_to_json_string_ext(prog,
	    JSON_C_TO_STRING_PLAIN), -1, SQLITE_TRANSIENT);
	if (output_json != NULL)
		sqlite3_bind_text(q, 5, output_json, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 6, (sqlite3_int64)m->out_next);
	bind_time(q, 7, m->started_at);
	bind_time(q, 8, m->finished_at);
	sqlite3_bind_text(q, 9, id, -1, SQLITE_TRANSIENT);
	rc = store_step(st, q);
	json_object_put(prog);
	return rc;
}

int
store_job_update(struct store *st, const struct job_meta *m,
    const char *output_json)
{
	return store_job_write(st, st->update, m, output_json);
}

int
store_job_close_open(struct store *st, const struct job_meta *m,
    const char *output_json)
{
	if (store_job_write(st, st->close_open, m, output_json) == -1)
		return -1;
	return sqlite3_changes(st->db);
}

int
store_job_delete(struct store *st, const char *id)
{
	sqlite3_bind_text(st->delete, 1, id, -1, SQLITE_STATIC);
	if (store_step(st, st->delete) == -1)
		return -1;
	return sqlite3_changes(st->db);
}

int
store_job_exists(struct store *st, const char *id)
{
	int rc;

	sqlite3_bind_text(st->exists, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st->exists);
	sqlite3_reset(st->exists);
	sqlite3_clear_bindings(st->exists);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
store_user_get(struct store *st, const char *name, struct store_user *u)
{
	sqlite3_stmt *q;
	int rc;

	memset(u, 0, sizeof(*u));
	if (sqlite3_prepare_v3(st->db, "SELECT role, disabled FROM users "
	    "WHERE name = ?", -1, SQLITE_PREPARE_PERSISTENT, &q, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const unsigned char *role = sqlite3_column_text(q, 0);

		u->exists = true;
		u->admin = role != NULL && strcmp((const char *)role, "admin") == 0;
		u->disabled = sqlite3_column_int(q, 1) != 0;
	}
	sqlite3_finalize(q);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static char *
col_dup(sqlite3_stmt *q, int col)
{
	const unsigned char *t = sqlite3_column_text(q, col);

	return strdup(t ? (const char *)t : "");
}

int
store_job_brief(struct store *st, const char *id, struct store_brief *b)
{
	sqlite3_stmt *q = st->brief;
	const unsigned char *status;
	int rc;

	memset(b, 0, sizeof(*b));
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		snprintf(b->user_id, sizeof(b->user_id), "%s",
		    (const char *)sqlite3_column_text(q, 0));
		snprintf(b->runner, sizeof(b->runner), "%s",
		    (const char *)sqlite3_column_text(q, 1));
		status = sqlite3_column_text(q, 2);
		b->status = job_status_parse((const char *)status,
		    (unsigned)sqlite3_column_bytes(q, 2));
		b->urls = col_dup(q, 3);
		b->options = col_dup(q, 4);
	}
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	if (rc == SQLITE_ROW)
		return b->urls && b->options ? 1 : -1;
	return rc == SQLITE_DONE ? 0 : -1;
}

void
store_brief_release(struct store_brief *b)
{
	free(b->urls);
	free(b->options);
	b->urls = b->options = NULL;
}

int
store_settings_load(struct store *st, struct settings *s)
{
	return db_settings_load(st->db, s);
}

int
store_durable(struct store *st, bool on)
{
	if (st->sync_full == on)
		return 0;
	if (sqlite3_exec(st->db, on ? "PRAGMA synchronous=FULL" :
	    "PRAGMA synchronous=NORMAL", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	st->sync_full = on;
	return 0;
}

int
store_begin(struct store *st)
{
	return sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) ==
	    SQLITE_OK ? 0 : -1;
}

int
store_commit(struct store *st)
{
	if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	log_warn("sql commit: %s", sqlite3_errmsg(st->db));
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int
store_settings_save(struct store *st, const struct settings *s)
{
	if (store_begin(st) == -1)
		return -1;
	for (unsigned i = 0; i < settings_count; i++) {
		sqlite3_bind_text(st->setting_put, 1, settings_defs[i].name, -1,
		    SQLITE_STATIC);
		sqlite3_bind_int64(st->setting_put, 2,
		    settings_get(s, &settings_defs[i]));
		if (store_step(st, st->setting_put) == -1) {
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	return store_commit(st);
}

int64_t
store_max_seq(struct store *st)
{
	sqlite3_stmt *q;
	int64_t v;

	if (sqlite3_prepare_v2(st->db, "SELECT coalesce(max(seq), 0) FROM jobs",
	    -1, &q, NULL) != SQLITE_OK)
		return -1;
	/* A failed step is -1, not "no jobs": seqs would start over. */
	v = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
	sqlite3_finalize(q);
	return v;
}

int
store_sweep(struct store *st, double cutoff, int limit)
{
	sqlite3_bind_double(st->sweep, 1, cutoff);
	sqlite3_bind_int(st->sweep, 2, limit);
	if (store_step(st, st->sweep) == -1)
		return -1;
	return sqlite3_changes(st->db);
}

int
store_save_output(struct store *st, const char *id, const char *lines,
    uint64_t next)
{
	sqlite3_stmt *q;
	int rc;

	if (sqlite3_prepare_v2(st->db, "UPDATE jobs SET output = ?, "
	    "output_next = ? WHERE id = ? AND finished_at IS NULL AND "
	    "status IN ('running', 'cancelled')", -1, &q, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(q, 1, lines, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)next);
	sqlite3_bind_text(q, 3, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(q) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(q);
	return rc;
}

int
store_recover(struct store *st, const char *note)
{
	sqlite3_stmt *q;
	int rc = 0;

	/* design rule 6: a job that was running when jobd stopped does not run
	 * again; it is failed with a line saying why, numbered after the
	 * lines it had, and -9 since jobd's death killed it (PDEATHSIG). */
	if (sqlite3_prepare_v2(st->db, "UPDATE jobs SET status = 'failed', "
	    "return_code = -9, finished_at = ?, output = json_insert(output, "
	    "'$[#]', ?), output_next = output_next + 1 "
	    "WHERE status = 'running'", -1, &q, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_double(q, 1, clock_wall());
	sqlite3_bind_text(q, 2, note, -1, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE)
		rc = -1;
	else if (sqlite3_changes(st->db) > 0)
		log_warn("marked %d interrupted jobs failed",
		    sqlite3_changes(st->db));
	sqlite3_finalize(q);
	/* A cancel whose process jobd never reaped ends now; jobd's death
	 * killed that process (PDEATHSIG). */
	if (rc == 0 && sqlite3_prepare_v2(st->db, "UPDATE jobs SET "
	    "finished_at = ?, return_code = coalesce(return_code, -9) "
	    "WHERE finished_at IS NULL AND status = 'cancelled'", -1, &q,
	    NULL) == SQLITE_OK) {
		sqlite3_bind_double(q, 1, clock_wall());
		if (sqlite3_step(q) != SQLITE_DONE)
			rc = -1;
		sqlite3_finalize(q);
	} else
		rc = -1;
	return rc;
}

int
store_next_queued(struct store *st, uint64_t after, store_row_fn fn, void *arg)
{
	sqlite3_stmt *q = st->next_queued;
	int rc;

	sqlite3_bind_int64(q, 1, (sqlite3_int64)after);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW)
		fn(arg, q);
	sqlite3_reset(q);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
store_job_slurm(struct store *st, const char *id, uint64_t job_id,
    const char *node)
{
	sqlite3_stmt *q;
	int rc;

	if (sqlite3_prepare_v3(st->db, "UPDATE jobs SET slurm_job_id = ?, "
	    "slurm_node = ? WHERE id = ?", -1, SQLITE_PREPARE_PERSISTENT, &q,
	    NULL) != SQLITE_OK)
		return -1;
	if (job_id > 0)
		sqlite3_bind_int64(q, 1, (sqlite3_int64)job_id);
	if (node != NULL && node[0] != '\0')
		sqlite3_bind_text(q, 2, node, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, id, -1, SQLITE_STATIC);
	rc = store_step(st, q);
	sqlite3_finalize(q);
	return rc;
}

int
store_cancel_queued(struct store *st, const char *id, const char *line)
{
	sqlite3_stmt *q;
	int rc;

	if (sqlite3_prepare_v2(st->db, "UPDATE jobs SET status = 'cancelled', "
	    "finished_at = ?, output = json_array(?), output_next = 1 "
	    "WHERE id = ? AND status = 'queued'", -1, &q, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_double(q, 1, clock_wall());
	sqlite3_bind_text(q, 2, line, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(q) == SQLITE_DONE ? sqlite3_changes(st->db) : -1;
	sqlite3_finalize(q);
	return rc;
}
