/* main.c: jobs-fcgi, the stateless FastCGI responders.  A small master
 * binds the socket (or takes fd 0 from spawn-fcgi or systemd), forks a
 * pool of workers that each run the accept loop in threads (serve.c),
 * and replaces any that die. */
#include <errno.h>
#include <fcgiapp.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "serve.h"
#include "stats.h"
#include "shared/log.h"
#include "shared/replyq.h"
#include "shared/valid.h"

static volatile sig_atomic_t stop_requested;

static void
usage(void)
{
	fprintf(stderr, "usage: jobs-fcgi -c config.ini [-s socket] [-n workers]"
	    " [-v]\n");
	exit(2);
}

static void
on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* listen_fds: the first socket systemd passed (LISTEN_FDS, for this
 * process: LISTEN_PID), or 0 when none was; the variables are then
 * cleared so that no child takes them for its own. */
#define SD_LISTEN_FDS_START	3
static int
listen_fds(void)
{
	const char *pid = getenv("LISTEN_PID"), *n = getenv("LISTEN_FDS");
	uint64_t p, k;
	int fd = 0;

	if (pid != NULL && n != NULL &&
	    valid_u64(pid, strlen(pid), INT32_MAX, &p) == 0 &&
	    (pid_t)p == getpid() && valid_u64(n, strlen(n), 1024, &k) == 0 &&
	    k >= 1) {
		fd = SD_LISTEN_FDS_START;
		if (k > 1)
			log_warn("systemd passed %llu sockets; serving the first",
			    (unsigned long long)k);
	}
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return fd;
}

/* fd0_listening: whether fd 0 is a listening socket: a FastCGI server
 * (lighttpd's bin-path, spawn-fcgi) started us on its socket. */
static bool
fd0_listening(void)
{
	int on = 0;
	socklen_t len = sizeof(on);

	return getsockopt(0, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) == 0 && on;
}

static void __attribute__((noreturn))
worker(struct app *a, int sock)
{
	int rc;

	signal(SIGINT, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	rc = serve(a, sock, a->cfg.threads);
	config_release(&a->cfg);
	exit(rc == 0 ? 0 : 1);
}

static pid_t
spawn_worker(struct app *a, int sock)
{
	pid_t pid = fork();

	if (pid == 0)
		worker(a, sock);
	if (pid == -1)
		log_warn("fork: %s", strerror(errno));
	return pid;
}

static void
supervise(struct app *a, int sock, unsigned n)
{
	pid_t pids[FCGI_WORKERS_MAX] = { 0 };
	time_t window = 0;
	unsigned deaths = 0;

	for (unsigned i = 0; i < n; i++)
		pids[i] = spawn_worker(a, sock);
	while (!stop_requested) {
		int st;
		pid_t pid = wait(&st);

		if (pid == -1) {
			if (errno != EINTR)
				sleep(1);
			continue;
		}
		if (stop_requested)
			break;
		/* Back off when workers die in a loop (bad config, no db). */
		if (time(NULL) != window) {
			window = time(NULL);
			deaths = 0;
		}
		if (++deaths > n)
			sleep(1);
		for (unsigned i = 0; i < n; i++)
			if (pids[i] == pid)
				pids[i] = spawn_worker(a, sock);
	}
	for (unsigned i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	for (unsigned i = 0; i < n; i++)
		if (pids[i] > 0)
			waitpid(pids[i], NULL, 0);
	/* Workers killed with SIGKILL could not remove their queues. */
	replyq_sweep_path(&a->cfg);
}

int
main(int argc, char *argv[])
{
	static struct app a;
	const char *config = NULL, *sockpath = NULL;
	unsigned workers = 0;
	char err[512];
	bool verbose = false;
	int ch, sock = 0, swept;
	struct sigaction sa = { .sa_handler = on_stop };

	while ((ch = getopt(argc, argv, "c:s:n:v")) != -1) {
		if (ch == 'c')
			config = optarg;
		else if (ch == 's')
			sockpath = optarg;
		else if (ch == 'n') {
			uint64_t n;

			if (valid_u64(optarg, strlen(optarg), FCGI_WORKERS_MAX, &n) == -1)
				usage();
			workers = (unsigned)n;
		}
		else if (ch == 'v')
			verbose = true;
		else
			usage();
	}
	if (config == NULL || optind != argc || workers > FCGI_WORKERS_MAX)
		usage();
	log_init("jobs-fcgi", verbose);
	if (config_load(&a.cfg, config, err, sizeof(err)) == -1)
		log_fatal("%s", err);
	if (workers == 0)
		workers = a.cfg.workers;
	/* Each thread that sends a command holds a reply queue. */
	if ((uint64_t)workers * a.cfg.threads > FCGI_THREADS_TOTAL_MAX)
		log_fatal("%u workers of %u threads each: at most %u threads in "
		    "all", workers, a.cfg.threads, FCGI_THREADS_TOTAL_MAX);
	/* Where to listen: -s; else a socket systemd passed (socket
	 * activation); else fd 0 when it is a listening socket (spawn-fcgi,
	 * lighttpd's bin-path); else [fcgi] socket; else fd 0. */
	if (sockpath == NULL && (sock = listen_fds()) == 0 &&
	    !fd0_listening() && a.cfg.socket[0] != '\0')
		sockpath = a.cfg.socket;
	if (FCGX_Init() != 0)
		log_fatal("FCGX_Init failed");
	if (sockpath != NULL) {
		/* 0660: the web server's group (design rule 8). */
		mode_t old = umask(0117);

		unlink(sockpath);
		sock = FCGX_OpenSocket(sockpath, FCGI_BACKLOG);
		umask(old);
		if (sock < 0)
			log_fatal("cannot listen on '%s'", sockpath);
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (stats_init() == -1)
		log_warn("cannot map the answer counters; /api/metrics lacks them");
	if ((swept = replyq_sweep_path(&a.cfg)) > 0)
		log_info("removed %d reply queue(s) of processes that are gone",
		    swept);
	log_info("ready: %u workers of up to %u threads on %s", workers,
	    a.cfg.threads, sockpath ? sockpath :
	    sock == SD_LISTEN_FDS_START ? "the socket systemd passed" : "fd 0");
	supervise(&a, sock, workers);
	if (sockpath != NULL)
		unlink(sockpath);
	config_release(&a.cfg);
	log_info("stopped");
	return 0;
}
