/* test_dbstmt: db_stmt keeps one statement per SQL text on a connection,
 * gives a second one while the first is in use, and db_close finalizes
 * them all (the sanitizer and valgrind builds see a leak otherwise). */
#include <sqlite3.h>

#include "shared/db.h"
#include "test.h"

int
main(void)
{
	const char *one = "SELECT ?1 + 1", *two = "SELECT ?1 * 2";
	sqlite3 *db;
	sqlite3_stmt *a, *b, *c;

	T_CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK);
	a = db_stmt(db, one);
	T_CHECK(a != NULL);
	sqlite3_bind_int(a, 1, 41);
	T_CHECK(sqlite3_step(a) == SQLITE_ROW && sqlite3_column_int(a, 0) == 42);
	/* In use (stepped, not given back): another text, another
	 * statement; the same text, a second one. */
	b = db_stmt(db, two);
	T_CHECK(b != NULL && b != a);
	c = db_stmt(db, one);
	T_CHECK(c != NULL && c != a);
	db_stmt_done(a);
	db_stmt_done(c);
	/* Given back: found again, its bindings cleared. */
	T_CHECK(db_stmt(db, one) == a || db_stmt(db, one) == c);
	a = db_stmt(db, one);
	T_CHECK(sqlite3_step(a) == SQLITE_ROW &&
	    sqlite3_column_type(a, 0) == SQLITE_NULL);
	db_stmt_done(a);
	T_CHECK(db_stmt(db, "SELECT nonsense FROM nowhere") == NULL);
	db_close(db);
	return t_done("test_dbstmt");
}
