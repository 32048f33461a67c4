/* db.h: the SQLite file's schema and how each program opens it.  jobd is
 * the only writer of job rows; jobctl writes users and tokens; responders
 * open it read-only (design rule 1). */
#ifndef DB_H
#define DB_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

/* db_open: open path; writable opens create the schema and WAL mode.
 * Returns the handle, or NULL with a message in err. */
sqlite3 *db_open(const char *path, bool writable, char *err, size_t errsz);

/* db_stmt: a statement of sql kept on db: prepared at its first use and
 * found again after (parsing the SQL cost a responder a tenth of its time
 * per request).  Give it back with db_stmt_done, never finalize it; at
 * most a few dozen distinct texts per connection.  NULL on error. */
sqlite3_stmt *db_stmt(sqlite3 *db, const char *sql);
void db_stmt_done(sqlite3_stmt *q);

/* db_close: finalize what db_stmt kept, then close. */
void db_close(sqlite3 *db);

struct settings;
/* db_settings_load: override s with the stored settings, those in range
 * (a value out of range, written by hand, keeps what s had).  jobd at
 * start and the responders while jobd is down read them so.  Returns 0,
 * or -1 when they cannot be read. */
int db_settings_load(sqlite3 *db, struct settings *s);

#endif
