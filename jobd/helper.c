/* helper.c: admin commands run beside the loop (see helper.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helper.h"
#include "shared/clock.h"
#include "shared/log.h"

struct helper {
	struct loop_watch	 w;		/* fd -1: free */
	struct jobd		*d;
	pid_t			 pid;
	double			 deadline;	/* monotonic */
	char			 name[32];	/* for the log */
	bool			 killed;
	char			*buf;
	size_t			 len, cap;
	helper_fn		 fn;
	void			*arg;
};

static struct helper helpers[HELPERS_MAX] = {
	[0 ... HELPERS_MAX - 1] = { .w.fd = -1 },
};
static bool helpers_closed;	/* helper_release: no more */

/* helper_spawn: argv with stdout and stderr on out_fd.  Its signal mask
 * and dispositions are the defaults, not jobd's (which blocks SIGCHLD,
 * SIGTERM, ... for its signalfd). */
static pid_t
helper_spawn(char *const *argv, char *const *envp, int out_fd)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, def;
	pid_t pid = -1;
	int rc;

	sigemptyset(&none);
	sigfillset(&def);
	sigdelset(&def, SIGKILL);
	sigdelset(&def, SIGSTOP);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (out_fd >= 0) {
		posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
		posix_spawn_file_actions_adddup2(&fa, out_fd, 2);
	} else {
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	}
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &def);
	posix_spawnattr_setpgroup(&at, 0);
	rc = posix_spawn(&pid, argv[0], &fa, &at, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	return pid;
}

static void
helper_finish(struct helper *h, bool done)
{
	helper_fn fn = h->fn;
	void *arg = h->arg;
	struct jobd *d = h->d;
	char *buf = h->buf;
	size_t len = h->len;

	loop_close(&d->loop, &h->w);
	h->buf = NULL;
	h->len = h->cap = 0;
	fn(d, arg, buf ? buf : "", len, done && !h->killed);
	free(buf);
}

static void
helper_on_pipe(struct loop_watch *w, uint32_t events)
{
	struct helper *h = w->arg;
	char chunk[16384];
	ssize_t n;

	(void)events;
	while ((n = read(w->fd, chunk, sizeof(chunk))) > 0) {
		size_t keep = (size_t)n;

		if (h->len + keep > HELPER_OUT_MAX)
			keep = HELPER_OUT_MAX - h->len;
		if (h->len + keep + 1 > h->cap) {
			size_t cap = h->cap ? h->cap * 2 : 4096;
			char *b;

			while (cap < h->len + keep + 1)
				cap *= 2;
			if ((b = realloc(h->buf, cap)) == NULL)
				keep = 0;
			else {
				h->buf = b;
				h->cap = cap;
			}
		}
		if (keep > 0) {
			memcpy(h->buf + h->len, chunk, keep);
			h->len += keep;
			h->buf[h->len] = '\0';
		}
	}
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	helper_finish(h, true);
}

int
helper_start(struct jobd *d, char *const *argv, char *const *envp,
    helper_fn fn, void *arg)
{
	struct helper *h = NULL;
	int p[2];

	for (int i = 0; i < HELPERS_MAX && h == NULL; i++)
		if (helpers[i].w.fd == -1)
			h = &helpers[i];
	if (helpers_closed) {
		errno = ESHUTDOWN;
		return -1;
	}
	if (h == NULL) {
		errno = EAGAIN;
		return -1;
	}
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) == -1)
		return -1;
	if ((h->pid = helper_spawn(argv, envp, p[1])) == -1) {
		log_warn("cannot run '%s': %s", argv[0], strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	close(p[1]);
	h->d = d;
	h->fn = fn;
	h->arg = arg;
	h->killed = false;
	h->deadline = clock_mono() + HELPER_TIMEOUT_S;
	snprintf(h->name, sizeof(h->name), "%s", strrchr(argv[0], '/') ?
	    strrchr(argv[0], '/') + 1 : argv[0]);
	h->w = (struct loop_watch){ p[0], helper_on_pipe, h };
	if (loop_add(&d->loop, &h->w, EPOLLIN) == -1) {
		log_warn("%s: epoll_ctl: %s", __func__, strerror(errno));
		kill(-h->pid, SIGKILL);
		close(p[0]);
		h->w.fd = -1;
		return -1;
	}
	return 0;
}

int
helper_step(struct jobd *d)
{
	double now = clock_mono(), next = 0;

	(void)d;
	for (int i = 0; i < HELPERS_MAX; i++) {
		struct helper *h = &helpers[i];

		if (h->w.fd == -1 || h->killed)
			continue;
		if (now >= h->deadline) {
			log_warn("'%s' did not end within %.0f s; killed",
			    h->name, HELPER_TIMEOUT_S);
			h->killed = true;
			kill(-h->pid, SIGKILL);	/* its pipe closes: finish */
			continue;
		}
		if (next == 0 || h->deadline < next)
			next = h->deadline;
	}
	return next == 0 ? -1 : (int)((next - now) * 1000) + 1;
}

void
helper_release(struct jobd *d)
{
	(void)d;
	helpers_closed = true;
	for (int i = 0; i < HELPERS_MAX; i++)
		if (helpers[i].w.fd != -1) {
			kill(-helpers[i].pid, SIGKILL);
			helpers[i].killed = true;
			helper_finish(&helpers[i], false);
		}
}

int
helper_run_sync(char *const *argv, char *const *envp, double timeout_s)
{
	double end = clock_mono() + timeout_s;
	pid_t pid = helper_spawn(argv, envp, -1);
	sigset_t chld;
	pid_t r;
	int st;

	if (pid == -1)
		return -1;
	/* jobd blocks SIGCHLD (its signalfd): wait for one, at most until
	 * the end, each time a child exits, until it is this one. */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	while ((r = waitpid(pid, &st, WNOHANG)) == 0) {
		double left = end - clock_mono();
		struct timespec ts = { (time_t)left,
		    (long)((left - (double)(time_t)left) * 1e9) };

		if (left <= 0 || (sigtimedwait(&chld, NULL, &ts) == -1 &&
		    errno == EAGAIN && clock_mono() >= end)) {
			log_warn("'%s' did not end within %.0f s; killed",
			    argv[0], timeout_s);
			kill(-pid, SIGKILL);
			r = waitpid(pid, &st, 0);
			break;
		}
	}
	return r == pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}
