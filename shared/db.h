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


struct settings;
/* db_settings_load: override s with the stored settings, those in range
 * (a value out of range, written by hand, keeps what s had).  jobd at
 * start and the responders while jobd is down read them so.  Returns 0,
 * or -1 when they cannot be read. */
int db_settings_load(sqlite3 *db, struct settings *s);

#endif
