/* sig.h: signals as a file descriptor (skalibs selfpipe). */
#ifndef SIG_H
#define SIG_H

/* sig_open: block SIGCHLD, SIGTERM, SIGINT, SIGHUP and return a
 * non-blocking signalfd for them, or -1. */
int sig_open(void);
/* sig_read: the next pending signal number, or 0 when none. */
int sig_read(int fd);
/* sig_child_reset: in a new job process, unblock everything again. */
void sig_child_reset(void);

#endif
