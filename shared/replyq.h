/* replyq.h: the reply queues of an instance.  A client (a responder
 * worker or jobctl) that sends commands needs a queue of its own for the
 * answers.  Queues are named by a small index, /jobs.<instance>.r<i>,
 * i < REPLYQ_MAX, and index i belongs to whoever holds an OFD lock on
 * byte i of state_dir/replies.lock.  So the names are bounded, a claimer
 * reuses a queue a killed process left behind, nothing ever needs to list
 * /dev/mqueue (often not mounted), and jobd can tell a live client's
 * queue from any other name: it answers only to a locked index. */
#ifndef REPLYQ_H
#define REPLYQ_H

#include <mqueue.h>
#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/* replyq_lock_path: state_dir/replies.lock into buf.  Returns 0 or -1. */
int replyq_lock_path(const struct config *c, char *buf, size_t size);

/* replyq_name: "/jobs.<instance>.r<i>" into buf.  Returns 0 or -1. */
int replyq_name(char *buf, size_t size, const char *instance, int i);

/* replyq_index: the index of name if it is one of instance's reply
 * queue names, else -1. */
int replyq_index(const char *instance, const char *name);

/* replyq_claim: lock the lowest free index in lockfd (open read-write),
 * remove a queue a dead holder left under its name, and create the
 * queue afresh, exclusively, mode 0620 (jobd writes, the owner reads).
 * Returns the queue (name in buf) or (mqd_t)-1 with errno set: EAGAIN
 * when every index is taken. */
mqd_t replyq_claim(int lockfd, const char *instance, char *buf, size_t size);

/* replyq_held: whether some process holds index i's lock. */
bool replyq_held(int lockfd, int i);

/* replyq_sweep: remove the queues of every index no process holds (left
 * by clients killed before they could remove theirs).  Returns how many
 * were removed. */
int replyq_sweep(int lockfd, const char *instance);

/* replyq_sweep_path: replyq_sweep for c's instance by its lock file's
 * path; 0 when the file is not there. */
int replyq_sweep_path(const struct config *c);

#endif
