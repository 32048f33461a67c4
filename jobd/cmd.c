/* cmd.c: commands from responders and jobctl over the POSIX queue.  Each
 * is checked (size, version, fields) before any field is read, handled,
 * and answered on the sender's own reply queue. */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "act.h"
#include "job.h"
#include "jobrun.h"
#include "shared/clock.h"
#include "shared/log.h"
#include "shared/replyq.h"
#include "shared/valid.h"
#include "sweep.h"

/* cmd_warn_bounded: log a warning about a bad message, at most
 * CMD_WARN_BURST a minute, so a flood of bad messages cannot fill the
 * log; how many were not logged is said once the minute is over. */
#define CMD_WARN_BURST	20
static void __attribute__((format(printf, 2, 3)))
cmd_warn_bounded(struct jobd *d, const char *fmt, ...)
{
	double now = clock_mono();
	char msg[512];
	va_list ap;

	if (now - d->warn_window >= 60) {
		if (d->warn_dropped > 0)
			log_warn("%lu more bad messages were not logged",
			    d->warn_dropped);
		d->warn_window = now;
		d->warn_count = 0;
		d->warn_dropped = 0;
	}
	if (d->warn_count++ >= CMD_WARN_BURST) {
		d->warn_dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warn("%s", msg);
}

/* cmd_queue_ours: whether the open queue q is jobd's: made by its uid,
 * nothing for others, and of the shape jobd makes. */
static bool
cmd_queue_ours(mqd_t q)
{
	struct mq_attr attr;
	struct stat st;

	return fstat((int)q, &st) == 0 && st.st_uid == geteuid() &&
	    (st.st_mode & 0007) == 0 && mq_getattr(q, &attr) == 0 &&
	    attr.mq_msgsize == MSG_BYTES_MAX;
}

/* cmd_queue_open: reuse the instance's queue when it is ours (responders
 * of a jobd killed with kill -9 keep sending to it), else replace it. */
static mqd_t
cmd_queue_open(const char *name, long depth)
{
	struct mq_attr attr = { .mq_maxmsg = depth, .mq_msgsize = MSG_BYTES_MAX };
	mode_t old = umask(0);
	mqd_t q = mq_open(name, O_RDONLY | O_CREAT | O_NONBLOCK, 0660, &attr);

	if (q != (mqd_t)-1 && !cmd_queue_ours(q)) {
		/* Another user's (a squatter's) or an old shape: only a queue
		 * made here, exclusively, is trusted. */
		mq_close(q);
		mq_unlink(name);
		q = mq_open(name, O_RDONLY | O_CREAT | O_EXCL | O_NONBLOCK, 0660,
		    &attr);
	}
	umask(old);
	return q;
}

/* cmd_replies_open: the file whose locks say which reply queues are
 * live (replyq.h); made here, so a client finds it only while jobd has
 * run. */
static int
cmd_replies_open(struct jobd *d, char *err, size_t errsz)
{
	char path[PATH_MAX];
	struct stat st;

	if (replyq_lock_path(&d->cfg, path, sizeof(path)) == -1 ||
	    (d->replyfd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0660)) == -1 || fstat(d->replyfd, &st) == -1 ||
	    st.st_uid != geteuid()) {
		snprintf(err, errsz, "cannot open '%s' as jobd's own: %s", path,
		    errno ? strerror(errno) : "owned by another user");
		return -1;
	}
	/* design rule 8: nothing for others, or jobd does not start. */
	if ((st.st_mode & 0007) != 0 && fchmod(d->replyfd, 0660) == -1) {
		snprintf(err, errsz, "cannot take others' access to '%s' "
		    "away: %s", path, strerror(errno));
		return -1;
	}
	replyq_sweep(d->replyfd, d->cfg.instance);
	return 0;
}

int
cmd_open(struct jobd *d, char *err, size_t errsz)
{
	struct rlimit rl;
	char name[MSG_NAME_MAX];

	/* Queue memory counts against RLIMIT_MSGQUEUE: take what we may. */
	if (getrlimit(RLIMIT_MSGQUEUE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_MSGQUEUE, &rl);
	}
	if (jobtab_mq_name(name, sizeof(name), d->cfg.instance) == -1) {
		snprintf(err, errsz, "bad instance name");
		return -1;
	}
	if ((d->mq = cmd_queue_open(name, d->cfg.queue_depth)) == (mqd_t)-1) {
		snprintf(err, errsz, "cannot create message queue '%s': %s%s",
		    name, strerror(errno), errno == EINVAL ? " (queue_depth is "
		    "above fs.mqueue.msg_max?)" : errno == EEXIST ? " (another "
		    "user owns a queue of that name; remove it as root)" : "");
		return -1;
	}
	if ((d->mqbuf = malloc(MSG_BYTES_MAX)) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	errno = 0;
	return cmd_replies_open(d, err, errsz);
}

void
cmd_close(struct jobd *d)
{
	char name[MSG_NAME_MAX];

	if (d->mq != (mqd_t)-1)
		mq_close(d->mq);
	if (jobtab_mq_name(name, sizeof(name), d->cfg.instance) == 0)
		mq_unlink(name);
	free(d->mqbuf);
	d->mqbuf = NULL;
	if (d->replyfd != -1) {
		replyq_sweep(d->replyfd, d->cfg.instance);
		close(d->replyfd);
		d->replyfd = -1;
	}
}

void
cmd_reply_to(struct jobd *d, const char *queue, const struct msg_reply *r)
{
	int i = replyq_index(d->cfg.instance, queue);
	struct stat st;
	mqd_t q;

	/* Only to a live client's queue of this instance (replyq.h): a
	 * command cannot make jobd write into any other queue. */
	if (i == -1 || !replyq_held(d->replyfd, i)) {
		if (queue[0] != '\0')
			log_debug("reply to '%s' dropped: not a live client's "
			    "queue", queue);
		return;
	}
	/* A client that died has no queue, or a full one: drop it. */
	q = mq_open(queue, O_WRONLY | O_NONBLOCK);
	if (q == (mqd_t)-1)
		return;
	if (fstat((int)q, &st) == -1 ||
	    (st.st_uid != geteuid() && st.st_gid != getegid()))
		log_warn("reply to '%s' dropped: the queue is not the service's",
		    queue);
	else if (mq_send(q, (const char *)r, sizeof(*r), 0) == -1)
		log_debug("reply to '%s' dropped: %s", queue, strerror(errno));
	mq_close(q);
}

/* cmd_settings: all-or-nothing change of the named settings. */
static void
cmd_settings(struct jobd *d, const struct msg_cmd *c, struct act_answer *a)
{
	json_object *o = c->settings ? json_tokener_parse(c->settings) : NULL;
	struct settings next = d->settings;

	a->err = ERR_INVALID;
	if (settings_change(&next, o, a->msg, sizeof(a->msg)) == -1)
		goto out;
	if (store_settings_save(&d->store, &next) == -1) {
		a->err = ERR_UNAVAILABLE;
		snprintf(a->msg, sizeof(a->msg), "The settings could not be "
		    "saved: %s", STORE_UNWRITABLE);
		goto out;
	}
	d->settings = next;
	jobtab_write_begin(&d->tab.hdr->gen);
	d->tab.hdr->settings = next;
	jobtab_write_end(&d->tab.hdr->gen);
	a->err = ERR_OK;
	log_info("settings changed by '%s'", c->user ? c->user : "?");
out:
	json_object_put(o);
}

/* cmd_authorize: anything in the service's group can write the queue,
 * so a command's user and admin flag are believed only as far as the
 * users table confirms them: the user exists and is enabled (remote_user
 * mode: is not disabled; the web server vouches for unknown names), and
 * settings or the admin flag need an admin.  Returns 0, or -1 with the
 * answer set. */
static int
cmd_authorize(struct jobd *d, const struct msg_cmd *c, struct act_answer *a)
{
	bool admin_needed = (c->flags & MSG_F_ADMIN) ||
	    c->type == MSG_CMD_SETTINGS;
	struct store_user u;

	if (c->type == MSG_CMD_PING || c->type == MSG_CMD_SWEEP)
		return 0;
	if (c->user == NULL || !valid_user(c->user)) {
		a->err = ERR_INVALID;
		snprintf(a->msg, sizeof(a->msg), "The request is incomplete.");
		return -1;
	}
	if (store_user_get(&d->store, c->user, &u) == -1) {
		a->err = ERR_UNAVAILABLE;
		snprintf(a->msg, sizeof(a->msg), "%s", STORE_UNWRITABLE);
		return -1;
	}
	if (u.disabled || (!u.exists && d->cfg.auth == AUTH_TOKEN) ||
	    (admin_needed && !u.admin)) {
		cmd_warn_bounded(d, "command %u refused: user '%s' is %s",
		    c->type, c->user, u.disabled ? "disabled" : !u.exists ?
		    "unknown" : "no admin");
		a->err = ERR_FORBIDDEN;
		snprintf(a->msg, sizeof(a->msg), "The user may not do that.");
		return -1;
	}
	return 0;
}

static void
cmd_dispatch(struct jobd *d, const struct msg_cmd *c, struct act_answer *a)
{
	if (cmd_authorize(d, c, a) == -1)
		return;
	switch (c->type) {
	case MSG_CMD_PING:
		a->err = ERR_OK;
		break;
	case MSG_CMD_CREATE:
		act_create(d, c, a);
		break;
	case MSG_CMD_CANCEL:
		act_cancel(d, c, a);
		break;
	case MSG_CMD_DELETE:
		act_delete(d, c, a);
		break;
	case MSG_CMD_RETRY:
		act_retry(d, c, a);
		break;
	case MSG_CMD_SETTINGS:
		cmd_settings(d, c, a);
		break;
	case MSG_CMD_SWEEP:
		/* Answered when the sweep is done (sweep.c). */
		sweep_start(d, c->reply_to, c->req_id);
		a->later = true;
		break;
	default:
		a->err = ERR_INVALID;
		snprintf(a->msg, sizeof(a->msg), "Unknown command.");
	}
}

static void
reasm_free(struct reasm *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
}

/* reasm_slot: the entry of f's sender, one per reply queue index, so
 * no sender's half-sent command can push out another's.  A sender sends
 * one command at a time: a new first fragment replaces its older one.
 * Fragments of a name that is no live client's are dropped. */
static struct reasm *
reasm_slot(struct jobd *d, const struct msg_frag *f)
{
	int i = replyq_index(d->cfg.instance, f->sender);
	struct reasm *r;

	if (i == -1 || !replyq_held(d->replyfd, i)) {
		cmd_warn_bounded(d, "%s: fragment from '%.*s', no live client's "
		    "queue; dropped", __func__, (int)sizeof(f->sender) - 1,
		    f->sender);
		return NULL;
	}
	r = &d->reasm[i];
	if (r->buf != NULL && r->req_id == f->req_id && f->index > 0)
		return r;
	reasm_free(r);
	if (f->index != 0)
		return NULL;
	/* The total was checked against MSG_CMD_MAX before this allocation. */
	if ((r->buf = malloc(f->total)) == NULL)
		return NULL;
	r->req_id = f->req_id;
	r->total = f->total;
	r->count = f->count;
	return r;
}

/* reasm_feed: add one fragment; the entry once it is complete. */
static struct reasm *
reasm_feed(struct jobd *d, const struct msg_frag *f, const char *data,
    size_t len)
{
	struct reasm *r = reasm_slot(d, f);

	if (r == NULL)
		return NULL;
	if (f->index != r->got || f->count != r->count || f->total != r->total) {
		reasm_free(r);
		return NULL;
	}
	memcpy(r->buf + (size_t)f->index * MSG_FRAG_DATA, data, len);
	return ++r->got == r->count ? r : NULL;
}

/* Group commit.  A 201 is sent only once the job's row is on disk
 * (synchronous=FULL while commands are answered: the WAL is fsync'd at
 * each commit; store_durable), so creates read
 * in one turn share one transaction, and so one fsync; their answers
 * wait for the commit.  Any other command first ends the batch: its own
 * writes (and the processes it signals) must not hang on an uncommitted
 * transaction. */
static void
batch_flush(struct jobd *d)
{
	struct cmd_batch *b = &d->batch;
	bool failed;

	if (!b->open)
		return;
	failed = store_commit(&d->store) == -1;
	if (failed) {
		d->queued_rows -= b->created;
		log_warn("%u created job(s) could not be committed; their "
		    "clients are told 503", b->created);
	}
	for (unsigned i = 0; i < b->n; i++) {
		struct msg_reply *r = &b->pend[i].r;

		if (failed && r->err == ERR_OK) {
			r->err = ERR_UNAVAILABLE;
			snprintf(r->msg, sizeof(r->msg), "The job could not be "
			    "saved: %s", STORE_UNWRITABLE);
		}
		cmd_reply_to(d, b->pend[i].to, r);
	}
	b->open = false;
	b->n = b->created = 0;
	store_durable(&d->store, false);
	job_publish_counts(d);
	/* Only now start what the commands made startable: the clients
	 * hear first. */
	job_schedule(d);
}

/* batch_join: open the batch for a create (0), or -1 when no
 * transaction can be had (the create then answers for itself). */
static int
batch_join(struct jobd *d)
{
	if (d->batch.n == CMD_BATCH_MAX)
		batch_flush(d);
	if (d->batch.open)
		return 0;
	if (store_begin(&d->store) == -1)
		return -1;
	d->batch.open = true;
	return 0;
}

static void
cmd_handle(struct jobd *d, const char *buf, size_t len)
{
	struct act_answer a = { .err = ERR_INTERNAL, .slot = -1 };
	struct msg_reply r = { .magic = MSG_MAGIC, .version = MSG_VERSION,
	    .type = MSG_REPLY, .slot = -1 };
	struct msg_cmd c;
	bool batched;

	if (msg_cmd_unpack(&c, buf, len) == -1) {
		cmd_warn_bounded(d, "%s: malformed command of %zu bytes "
		    "dropped", __func__, len);
		return;
	}
	if (c.deadline_ms != 0 && clock_wall_ms() > c.deadline_ms) {
		cmd_warn_bounded(d, "%s: command %u from '%s' read after its "
		    "sender gave up; dropped", __func__, c.type, c.reply_to);
		return;
	}
	/* What answers a command is on disk before the answer. */
	if (!d->batch.open)
		store_durable(&d->store, true);
	batched = c.type == MSG_CMD_CREATE && batch_join(d) == 0;
	if (!batched)
		batch_flush(d);
	store_durable(&d->store, true);
	cmd_dispatch(d, &c, &a);
	if (a.later)
		return;
	r.req_id = c.req_id;
	r.err = a.err;
	r.slot = a.slot;
	memcpy(r.id, a.id, sizeof(r.id));
	snprintf(r.msg, sizeof(r.msg), "%s", a.msg);
	if (batched) {
		struct cmd_batch *b = &d->batch;

		memcpy(b->pend[b->n].to, c.reply_to, sizeof(b->pend[b->n].to));
		b->pend[b->n++].r = r;
		b->created += a.err == ERR_OK;
		return;
	}
	cmd_reply_to(d, c.reply_to, &r);
	store_durable(&d->store, false);
	job_schedule(d);
}

void
cmd_on_readable(struct loop_watch *w, uint32_t events)
{
	struct jobd *d = w->arg;
	struct msg_frag f;
	struct reasm *r;
	ssize_t n;

	(void)events;
	while ((n = mq_receive(d->mq, d->mqbuf, MSG_BYTES_MAX, NULL)) >= 0) {
		const char *data = d->mqbuf + sizeof(f);

		if (msg_frag_check(d->mqbuf, (size_t)n, &f) == -1) {
			cmd_warn_bounded(d, "%s: malformed message of %zd bytes "
			    "dropped", __func__, n);
			continue;
		}
		if (f.count == 1) {
			cmd_handle(d, data, f.total);
			continue;
		}
		if ((r = reasm_feed(d, &f, data, (size_t)n - sizeof(f))) != NULL) {
			cmd_handle(d, r->buf, r->total);
			reasm_free(r);
		}
	}
	if (errno != EAGAIN)
		log_warn("%s: mq_receive: %s", __func__, strerror(errno));
	batch_flush(d);
	store_durable(&d->store, false);
}
