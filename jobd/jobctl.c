/* jobctl.c: the admin's command-line tool.  Users and tokens are written
 * to SQLite directly (they are not job rows); anything about jobs goes to
 * jobd as a queue command that jobd checks like any other (s6-svc). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "shared/client.h"
#include "shared/clock.h"
#include "shared/config.h"
#include "shared/db.h"
#include "shared/log.h"
#include "shared/replyq.h"
#include "shared/token.h"
#include "shared/valid.h"

static void
usage(void)
{
	fprintf(stderr,
	    "usage: jobctl -c config.ini COMMAND\n"
	    "  user add NAME [admin|user]   add a user (role 'user' by default)\n"
	    "  user list                    list users\n"
	    "  user disable NAME            refuse the user's tokens\n"
	    "  user enable NAME\n"
	    "  token issue NAME             print a new token (shown once)\n"
	    "  token revoke TOKEN           revoke one token\n"
	    "  token revoke-all NAME        revoke every token of a user\n"
	    "  jobs NAME [LIMIT]            list a user's jobs, newest first\n"
	    "  sweep                        run the expiry sweep now\n"
	    "  ping                         check that jobd answers\n"
	    "  ipc                          list the instance's shared memory and\n"
	    "                               queues that exist now (none: clean)\n");
	exit(2);
}

static int
exec_sql(sqlite3 *db, const char *sql, const char *a1, const char *a2,
    const char *a3)
{
	sqlite3_stmt *q;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
		fprintf(stderr, "jobctl: %s\n", sqlite3_errmsg(db));
		return -1;
	}
	if (a1)
		sqlite3_bind_text(q, 1, a1, -1, SQLITE_STATIC);
	if (a2)
		sqlite3_bind_text(q, 2, a2, -1, SQLITE_STATIC);
	if (a3)
		sqlite3_bind_text(q, 3, a3, -1, SQLITE_STATIC);
	sqlite3_bind_double(q, 4, clock_wall());
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "jobctl: %s\n", sqlite3_errmsg(db));
		return -1;
	}
	return sqlite3_changes(db);
}

static int
print_rows(sqlite3 *db, const char *sql, const char *a1, int limit)
{
	sqlite3_stmt *q;

	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
		return -1;
	if (a1)
		sqlite3_bind_text(q, 1, a1, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, limit);
	while (sqlite3_step(q) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(q); i++)
			printf("%s%s", i ? "\t" : "", sqlite3_column_text(q, i) ?
			    (const char *)sqlite3_column_text(q, i) : "-");
		printf("\n");
	}
	sqlite3_finalize(q);
	return 0;
}

static int
cmd_user(sqlite3 *db, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[0], "add") == 0) {
		const char *role = argc >= 3 ? argv[2] : "user";

		if (!valid_user(argv[1]) || (strcmp(role, "admin") != 0 &&
		    strcmp(role, "user") != 0)) {
			fprintf(stderr, "jobctl: a name is 1-64 of [A-Za-z0-9._-], "
			    "a role 'admin' or 'user'\n");
			return 1;
		}
		return exec_sql(db, "INSERT INTO users (name, role, created_at) "
		    "VALUES (?1, ?2, ?4)", argv[1], role, NULL) == 1 ? 0 : 1;
	}
	if (argc == 1 && strcmp(argv[0], "list") == 0)
		return print_rows(db, "SELECT name, role, CASE disabled WHEN 0 "
		    "THEN 'enabled' ELSE 'disabled' END FROM users ORDER BY name "
		    "LIMIT ?2", NULL, 100000) == 0 ? 0 : 1;
	if (argc == 2 && (strcmp(argv[0], "disable") == 0 ||
	    strcmp(argv[0], "enable") == 0))
		return exec_sql(db, "UPDATE users SET disabled = ?2 WHERE "
		    "name = ?1", argv[1], argv[0][0] == 'd' ? "1" : "0",
		    NULL) == 1 ? 0 : 1;
	usage();
	return 2;
}

static int
cmd_token(sqlite3 *db, int argc, char **argv)
{
	char tok[TOKEN_LEN + 1], hex[TOKEN_HEX_LEN + 1];

	if (argc == 2 && strcmp(argv[0], "issue") == 0) {
		if (token_new(tok) == -1 || token_hash(tok, strlen(tok), hex) == -1)
			return 1;
		if (exec_sql(db, "INSERT INTO tokens (hash, user_name, created_at) "
		    "SELECT ?1, name, ?4 FROM users WHERE name = ?2", hex, argv[1],
		    NULL) != 1) {
			fprintf(stderr, "jobctl: no user '%s'\n", argv[1]);
			return 1;
		}
		printf("%s\n", tok);
		return 0;
	}
	if (argc == 2 && strcmp(argv[0], "revoke") == 0) {
		if (token_hash(argv[1], strlen(argv[1]), hex) == -1)
			return 1;
		return exec_sql(db, "DELETE FROM tokens WHERE hash = ?1", hex,
		    NULL, NULL) == 1 ? 0 : 1;
	}
	if (argc == 2 && strcmp(argv[0], "revoke-all") == 0)
		return exec_sql(db, "DELETE FROM tokens WHERE user_name = ?1",
		    argv[1], NULL, NULL) >= 0 ? 0 : 1;
	usage();
	return 2;
}

/* ipc_exists: whether the POSIX object name exists (a queue or shared memory). */
static bool
ipc_exists(const char *name, bool queue)
{
	int fd;
	mqd_t q;

	if (queue) {
		if ((q = mq_open(name, O_RDONLY | O_NONBLOCK)) != (mqd_t)-1)
			mq_close(q);
		return q != (mqd_t)-1 || errno == EACCES;
	}
	if ((fd = shm_open(name, O_RDONLY, 0)) != -1)
		close(fd);
	return fd != -1 || errno == EACCES;
}

/* cmd_ipc: every IPC object of the instance that exists, one a line.
 * Probes each name it could have (replyq.h), so /dev/mqueue need not be
 * mounted. */
static int
cmd_ipc(const struct config *cfg)
{
	char name[MSG_NAME_MAX];

	if (jobtab_shm_name(name, sizeof(name), cfg->instance) == 0 &&
	    ipc_exists(name, false))
		printf("shm %s\n", name);
	if (jobtab_mq_name(name, sizeof(name), cfg->instance) == 0 &&
	    ipc_exists(name, true))
		printf("mq %s\n", name);
	for (int i = 0; i < REPLYQ_MAX; i++)
		if (replyq_name(name, sizeof(name), cfg->instance, i) == 0 &&
		    ipc_exists(name, true))
			printf("mq %s\n", name);
	return 0;
}

/* cmd_jobd: a queue command to jobd; waits up to wait_ms. */
static int
cmd_jobd(const struct config *cfg, uint16_t type, int wait_ms)
{
	struct client c;
	struct msg_cmd cmd = { .type = type, .flags = MSG_F_ADMIN,
	    .user = "jobctl" };
	struct msg_reply rep;
	enum err e;

	client_init(&c, cfg);
	e = client_call(&c, &cmd, &rep, wait_ms);
	client_release(&c);
	if (e != ERR_OK || rep.err != ERR_OK) {
		fprintf(stderr, "jobctl: %s\n", e != ERR_OK ? err_str(e) :
		    rep.msg);
		return 1;
	}
	printf("%s\n", rep.msg[0] ? rep.msg : "ok");
	return 0;
}

int
main(int argc, char *argv[])
{
	static struct config cfg;
	const char *config = NULL;
	char err[512], path[PATH_MAX];
	sqlite3 *db;
	int ch, rc = 2;

	while ((ch = getopt(argc, argv, "+c:")) != -1) {
		if (ch == 'c')
			config = optarg;
		else
			usage();
	}
	argc -= optind;
	argv += optind;
	if (config == NULL || argc < 1)
		usage();
	log_init("jobctl", false);
	if (config_load(&cfg, config, err, sizeof(err)) == -1) {
		fprintf(stderr, "jobctl: %s\n", err);
		return 1;
	}
	if (strcmp(argv[0], "sweep") == 0)
		rc = cmd_jobd(&cfg, MSG_CMD_SWEEP, 120000);
	else if (strcmp(argv[0], "ping") == 0)
		rc = cmd_jobd(&cfg, MSG_CMD_PING, MSG_WAIT_MS);
	else if (strcmp(argv[0], "ipc") == 0)
		rc = cmd_ipc(&cfg);
	else {
		if (config_db_path(&cfg, path, sizeof(path)) == -1 ||
		    (db = db_open(path, true, err, sizeof(err))) == NULL) {
			fprintf(stderr, "jobctl: %s\n", err);
			return 1;
		}
		if (strcmp(argv[0], "user") == 0)
			rc = cmd_user(db, argc - 1, argv + 1);
		else if (strcmp(argv[0], "token") == 0)
			rc = cmd_token(db, argc - 1, argv + 1);
		else if (strcmp(argv[0], "jobs") == 0 && argc >= 2) {
			uint64_t limit = 100;

			if (argc >= 3 && valid_u64(argv[2], strlen(argv[2]),
			    100000, &limit) == -1)
				usage();
			rc = print_rows(db, "SELECT id, status, coalesce("
			    "return_code, '-'), datetime(created_at, 'unixepoch'), "
			    "command FROM jobs WHERE user_id = ?1 ORDER BY seq DESC "
			    "LIMIT ?2", argv[1], (int)limit) ? 1 : 0;
		}
		else
			usage();
		sqlite3_close(db);
	}
	config_release(&cfg);
	return rc;
}
