/* db.c: schema and connection set-up shared by jobd, jobctl and fcgi. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "db.h"
#include "settings.h"

/* Rows are written when a job is created and at each change of status,
 * so a restart finds every job a client was told about (design rule 6). */
static const char db_schema[] =
	"CREATE TABLE IF NOT EXISTS jobs ("
	" seq INTEGER PRIMARY KEY,"		/* creation order */
	" id TEXT NOT NULL UNIQUE,"
	" user_id TEXT NOT NULL,"
	" runner TEXT NOT NULL,"
	" urls TEXT NOT NULL,"			/* JSON array */
	" options TEXT NOT NULL,"		/* JSON object */
	" command TEXT NOT NULL,"
	" status TEXT NOT NULL,"
	" return_code INTEGER,"
	" errors INTEGER,"
	" progress TEXT,"			/* JSON object */
	" output TEXT NOT NULL DEFAULT '[]',"	/* JSON array of held lines */
	" output_next INTEGER NOT NULL DEFAULT 0,"
	" created_at REAL NOT NULL,"
	" started_at REAL,"
	" finished_at REAL);"
	"CREATE INDEX IF NOT EXISTS jobs_by_user ON jobs(user_id, seq);"
	"CREATE INDEX IF NOT EXISTS jobs_by_finish ON jobs(finished_at)"
	" WHERE finished_at IS NOT NULL;"
	"CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs(status)"
	" WHERE status IN ('queued', 'running');"
	/* Each user's queued and running jobs (the 429 cap) and stored
	 * jobs (max_jobs_per_user), kept by triggers so a create costs one
	 * lookup, not a count of rows (jobd recounts them at start). */
	"CREATE TABLE IF NOT EXISTS user_counts ("
	" user_id TEXT PRIMARY KEY,"
	" live INTEGER NOT NULL,"
	" stored INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TRIGGER IF NOT EXISTS user_counts_ins AFTER INSERT ON jobs"
	" BEGIN INSERT INTO user_counts VALUES (NEW.user_id,"
	"  NEW.status IN ('queued', 'running'), 1)"
	"  ON CONFLICT (user_id) DO UPDATE SET"
	"  live = live + (NEW.status IN ('queued', 'running')),"
	"  stored = stored + 1; END;"
	"CREATE TRIGGER IF NOT EXISTS user_counts_del AFTER DELETE ON jobs"
	" BEGIN UPDATE user_counts SET"
	"  live = live - (OLD.status IN ('queued', 'running')),"
	"  stored = stored - 1 WHERE user_id = OLD.user_id; END;"
	"CREATE TRIGGER IF NOT EXISTS user_counts_upd AFTER UPDATE OF status"
	" ON jobs WHEN (OLD.status IN ('queued', 'running')) !="
	" (NEW.status IN ('queued', 'running')) BEGIN"
	" UPDATE user_counts SET live = live +"
	"  CASE WHEN NEW.status IN ('queued', 'running') THEN 1 ELSE -1 END"
	"  WHERE user_id = NEW.user_id; END;"
	"CREATE TABLE IF NOT EXISTS users ("
	" name TEXT PRIMARY KEY,"
	" role TEXT NOT NULL CHECK (role IN ('admin', 'user')),"
	" disabled INTEGER NOT NULL DEFAULT 0,"
	" created_at REAL NOT NULL);"
	"CREATE TABLE IF NOT EXISTS tokens ("
	" hash TEXT PRIMARY KEY,"		/* sha-256 hex of the token */
	" user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,"
	" created_at REAL NOT NULL);"
	"CREATE TABLE IF NOT EXISTS settings ("
	" key TEXT PRIMARY KEY,"
	" value INTEGER NOT NULL);";

/* db_migrate: columns later versions added, to a database an older
 * jobd made (CREATE TABLE IF NOT EXISTS leaves its table as it was).
 * IMMEDIATE: two writers opening it at once do not both add them. */
static int
db_migrate(sqlite3 *db)
{
	sqlite3_stmt *q;
	int has = 0;

	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM pragma_table_info("
	    "'jobs') WHERE name = 'slurm_job_id'", -1, &q, NULL) == SQLITE_OK) {
		if (sqlite3_step(q) == SQLITE_ROW)
			has = sqlite3_column_int(q, 0) > 0 ? 1 : 0;
		else
			has = -1;
		sqlite3_finalize(q);
	} else
		has = -1;
	/* A job run through a Slurm launcher: its job id and node. */
	if (has == -1 || (has == 0 && sqlite3_exec(db, "ALTER TABLE jobs ADD "
	    "COLUMN slurm_job_id INTEGER; ALTER TABLE jobs ADD COLUMN "
	    "slurm_node TEXT;", NULL, NULL, NULL) != SQLITE_OK)) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ?
	    0 : -1;
}

sqlite3 *
db_open(const char *path, bool writable, char *err, size_t errsz)
{
	sqlite3 *db = NULL;
	int flags = writable ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE :
	    SQLITE_OPEN_READONLY;
	mode_t old;

	/* design rule 8: the file and its -wal/-shm are the service group's
	 * only.  Read-only opens create nothing, and leave the umask alone:
	 * the responders open theirs from threads. */
	old = writable ? umask(007) : 0;
	if (sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK)
		goto fail;
	sqlite3_busy_timeout(db, 5000);
	/* journal_size_limit: a WAL that a burst of writes grew is cut
	 * back to 64 MiB each time it starts over after a checkpoint. */
	if (writable && (sqlite3_exec(db, "PRAGMA journal_mode=WAL;"
	    "PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
	    "PRAGMA journal_size_limit=67108864;",
	    NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, db_schema, NULL, NULL, NULL) != SQLITE_OK ||
	    db_migrate(db) == -1))
		goto fail;
	if (writable)
		umask(old);
	return db;
fail:
	if (writable)
		umask(old);
	snprintf(err, errsz, "cannot open database '%s': %s", path,
	    db ? sqlite3_errmsg(db) : "out of memory");
	sqlite3_close(db);
	return NULL;
}

sqlite3_stmt *
db_stmt(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *q = NULL;

	while ((q = sqlite3_next_stmt(db, q)) != NULL)
		if (!sqlite3_stmt_busy(q) && strcmp(sqlite3_sql(q), sql) == 0)
			return q;
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &q,
	    NULL) != SQLITE_OK)
		return NULL;
	return q;
}

void
db_stmt_done(sqlite3_stmt *q)
{
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
}

void
db_close(sqlite3 *db)
{
	sqlite3_stmt *q;

	while ((q = sqlite3_next_stmt(db, NULL)) != NULL)
		sqlite3_finalize(q);
	sqlite3_close(db);
}

int
db_settings_load(sqlite3 *db, struct settings *s)
{
	sqlite3_stmt *q;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT key, value FROM settings", -1, &q,
	    NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const struct setting_def *d = settings_find(
		    (const char *)sqlite3_column_text(q, 0));
		int64_t v = sqlite3_column_int64(q, 1);

		if (d != NULL && v >= d->min && v <= d->max)
			*settings_field(s, d) = v;
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : -1;
}
