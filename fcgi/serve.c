/* serve.c: the threads of one responder process (see serve.h). */
#include <errno.h>
#include <fcgiapp.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "req.h"
#include "resp.h"
#include "route.h"
#include "serve.h"
#include "shared/db.h"
#include "shared/log.h"

struct serve {
	const struct app *proto;	/* the process's config */
	int		 sock;
	unsigned	 max;
	pthread_mutex_t	 mu;		/* held to start a thread */
	atomic_uint	 total;		/* threads started */
	atomic_uint	 accepting;	/* of them, waiting in accept */
	atomic_uint	 running;	/* of them, not yet returned */
	atomic_bool	 stop;
	pthread_t	 tids[FCGI_THREADS_MAX];
};

/* serve_open: a thread's own database connection, token statement and
 * jobd link (SQLite connections and reply queues are not shared). */
static int
serve_open(struct app *a)
{
	char err[512], dbpath[PATH_MAX];

	if (config_db_path(&a->cfg, dbpath, sizeof(dbpath)) == -1 ||
	    (a->db = db_open(dbpath, false, err, sizeof(err))) == NULL) {
		log_warn("%s", err[0] ? err : "bad state_dir");
		return -1;
	}
	if (sqlite3_prepare_v3(a->db, "SELECT u.name, u.role FROM tokens t "
	    "JOIN users u ON u.name = t.user_name WHERE t.hash = ? AND "
	    "u.disabled = 0", -1, SQLITE_PREPARE_PERSISTENT, &a->auth_stmt,
	    NULL) != SQLITE_OK) {
		log_warn("cannot prepare: %s (has jobd created the database?)",
		    sqlite3_errmsg(a->db));
		sqlite3_close(a->db);
		return -1;
	}
	client_init(&a->jobd, &a->cfg);
	return 0;
}

static void
serve_close(struct app *a)
{
	client_release(&a->jobd);
	sqlite3_finalize(a->auth_stmt);
	db_close(a->db);
}

static void serve_grow(struct serve *s);

/* serve_lost: a thread is done.  Unless the process is stopping, it
 * failed (accept(2) or its database): the process stops too, and the
 * master starts a new one, rather than serving on with fewer threads. */
static void
serve_lost(struct serve *s)
{
	if (!atomic_load(&s->stop)) {
		log_warn("a responder thread failed (%s); restarting this "
		    "worker", strerror(errno));
		kill(getpid(), SIGTERM);
	}
	atomic_fetch_sub(&s->running, 1);
}

/* serve_accept: the next request, on the connection nginx kept open or
 * on a new one.  Only here can a thread be cancelled (at the stop): in
 * accept(2) or read(2), never while it answers.  Cancellation is a flag,
 * not a system call a request: a signal mask around the accept cost 6 %
 * of the responders' time. */
static int
serve_accept(struct serve *s, FCGX_Request *fr)
{
	bool fresh = fr->ipcFd < 0;
	int rc;

	if (fresh)
		atomic_fetch_add(&s->accepting, 1);
	pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
	rc = atomic_load(&s->stop) ? -1 : FCGX_Accept_r(fr);
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	/* A thread busy on a connection accepts nothing: when none is left
	 * accepting, start one more, so that a new connection never waits
	 * behind connections nginx keeps open and idle. */
	if (fresh)
		atomic_fetch_sub(&s->accepting, 1);
	if (rc >= 0 && atomic_load(&s->accepting) == 0 &&
	    atomic_load(&s->total) < s->max)
		serve_grow(s);
	return rc;
}

struct serve_thread {
	struct serve	*s;
	struct app	 a;
	FCGX_Request	 fr;
	char		 sink[4096];	/* an unread body, dropped */
};

/* serve_end: a thread's last step, whether it returns or is cancelled. */
static void
serve_end(void *arg)
{
	struct serve_thread *t = arg;

	FCGX_Free(&t->fr, 1);
	serve_close(&t->a);
	serve_lost(t->s);
	free(t);
}

static void *
serve_thread(void *arg)
{
	struct serve *s = arg;
	struct serve_thread *t;

	/* Threads start cancellable: only serve_accept lets them be. */
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	t = calloc(1, sizeof(*t));
	if (t == NULL || (t->a.cfg = s->proto->cfg, serve_open(&t->a)) == -1) {
		free(t);
		serve_lost(s);
		return NULL;
	}
	t->s = s;
	FCGX_InitRequest(&t->fr, s->sock, FCGI_FAIL_ACCEPT_ON_INTR);
	pthread_cleanup_push(serve_end, t);
	while (serve_accept(s, &t->fr) >= 0) {
		struct req r;

		if (req_init(&r, &t->fr) == -1)
			resp_error(&r, ERR_NOT_FOUND, "No such path.");
		else
			route_dispatch(&t->a, &r);
		/* What the answer left of the body (a 413, a body on a GET)
		 * would be read as the next request on a kept connection. */
		while (FCGX_GetStr(t->sink, sizeof(t->sink), t->fr.in) > 0)
			;
		/* Flushed here, where the thread cannot be cancelled. */
		FCGX_Finish_r(&t->fr);
		if (atomic_load(&s->stop))
			break;
	}
	pthread_cleanup_pop(1);
	return NULL;
}

/* serve_grow: one more thread (called with room for it counted). */
static void
serve_grow(struct serve *s)
{
	pthread_attr_t at;
	unsigned i;
	int e;

	pthread_mutex_lock(&s->mu);
	if (s->total >= s->max || atomic_load(&s->stop)) {
		pthread_mutex_unlock(&s->mu);
		return;
	}
	i = s->total;
	pthread_attr_init(&at);
	atomic_fetch_add(&s->running, 1);
	e = pthread_create(&s->tids[i], &at, serve_thread, s);
	pthread_attr_destroy(&at);
	if (e == 0)
		s->total++;
	else {
		atomic_fetch_sub(&s->running, 1);
		log_warn("cannot start a responder thread: %s", strerror(e));
	}
	pthread_mutex_unlock(&s->mu);
}

/* serve_wait_stop: cancel every thread (one answering finishes its
 * answer first) and wait for them, 10 s at most in all: an answer can be
 * stuck on a web server that reads nothing. */
static void
serve_wait_stop(struct serve *s)
{
	struct timespec dl;
	unsigned n;

	atomic_store(&s->stop, true);
	pthread_mutex_lock(&s->mu);
	n = s->total;		/* no thread starts once stop is set */
	for (unsigned i = 0; i < n; i++)
		pthread_cancel(s->tids[i]);
	pthread_mutex_unlock(&s->mu);
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += 10;
	for (unsigned i = 0; i < n; i++)
		if (pthread_timedjoin_np(s->tids[i], NULL, &dl) != 0) {
			log_warn("%u responder threads did not stop in 10 s",
			    atomic_load(&s->running));
			return;
		}
}

int
serve(const struct app *proto, int sock, unsigned max_threads)
{
	static struct serve s;
	static struct app probe;
	sigset_t mask;
	int sig = 0;

	s = (struct serve){ .proto = proto, .sock = sock,
	    .max = max_threads < 1 ? 1 : max_threads > FCGI_THREADS_MAX ?
	    FCGI_THREADS_MAX : max_threads };
	pthread_mutex_init(&s.mu, NULL);
	/* An answer's memory is freed at its end and wanted again by the
	 * next: keep it (up to 32 MiB an arena) instead of giving it back
	 * and faulting it in again, and serve big bodies from the heap, not
	 * from a mmap(2) and munmap(2) each. */
	mallopt(M_TRIM_THRESHOLD, 32 << 20);
	mallopt(M_MMAP_THRESHOLD, 8 << 20);
	/* Threads inherit this mask: SIGTERM and SIGINT come to sigwait
	 * below, and to no thread. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	pthread_sigmask(SIG_BLOCK, &mask, NULL);
	/* A database that cannot be opened fails the process, so that the
	 * master backs off instead of threads failing one by one. */
	probe.cfg = proto->cfg;
	if (serve_open(&probe) == -1)
		return -1;
	serve_close(&probe);
	serve_grow(&s);
	if (s.total == 0)
		return -1;
	while (sigwait(&mask, &sig) != 0 || (sig != SIGTERM && sig != SIGINT))
		;
	serve_wait_stop(&s);
	return 0;
}
