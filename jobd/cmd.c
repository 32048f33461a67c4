/* cmd.c: commands from responders and jobctl over the POSIX queue.  Each
 * is checked (size, version, fields) before any field is read, handled,
 * and answered on the sender's own reply queue. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "cmd.h"
#include "act.h"
#include "job.h"
#include "shared/log.h"
#include "sweep.h"

int
cmd_open(struct jobd *d, char *err, size_t errsz)
{
	struct mq_attr attr = { .mq_maxmsg = d->cfg.queue_depth,
	    .mq_msgsize = MQ_MSG_MAX };
	struct rlimit rl;
	char name[MQ_NAME_MAX];
	mode_t old;

	/* Queue memory counts against RLIMIT_MSGQUEUE: take what we may. */
	if (getrlimit(RLIMIT_MSGQUEUE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_MSGQUEUE, &rl);
	}
	if (jobtab_mq_name(name, sizeof(name), d->cfg.instance) == -1) {
		snprintf(err, errsz, "bad instance name");
		return -1;
	}
	old = umask(0);
	d->mq = mq_open(name, O_RDONLY | O_CREAT | O_NONBLOCK, 0660, &attr);
	umask(old);
	if (d->mq != (mqd_t)-1 && (mq_getattr(d->mq, &attr) == -1 ||
	    attr.mq_msgsize != MQ_MSG_MAX)) {
		/* An old queue of another shape: replace it. */
		mq_close(d->mq);
		mq_unlink(name);
		old = umask(0);
		d->mq = mq_open(name, O_RDONLY | O_CREAT | O_NONBLOCK, 0660,
		    &(struct mq_attr){ .mq_maxmsg = d->cfg.queue_depth,
		    .mq_msgsize = MQ_MSG_MAX });
		umask(old);
	}
	if (d->mq == (mqd_t)-1) {
		snprintf(err, errsz, "cannot create message queue '%s': %s%s",
		    name, strerror(errno), errno == EINVAL ? " (queue_depth is "
		    "above fs.mqueue.msg_max?)" : "");
		return -1;
	}
	if ((d->mqbuf = malloc(MQ_MSG_MAX)) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	return 0;
}

void
cmd_close(struct jobd *d)
{
	char name[MQ_NAME_MAX];

	if (d->mq != (mqd_t)-1)
		mq_close(d->mq);
	if (jobtab_mq_name(name, sizeof(name), d->cfg.instance) == 0)
		mq_unlink(name);
	free(d->mqbuf);
	d->mqbuf = NULL;
}

void
cmd_reply_to(const char *queue, const struct mq_reply *r)
{
	mqd_t q;

	if (queue[0] != '/')
		return;
	/* A responder that died has no queue, or a full one: drop it. */
	q = mq_open(queue, O_WRONLY | O_NONBLOCK);
	if (q == (mqd_t)-1)
		return;
	if (mq_send(q, (const char *)r, sizeof(*r), 0) == -1)
		log_debug("reply to '%s' dropped: %s", queue, strerror(errno));
	mq_close(q);
}

/* cmd_settings: all-or-nothing change of the named settings. */
static void
cmd_settings(struct jobd *d, const struct mq_cmd *c, struct act_answer *a)
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
	jobtab_write_begin(&d->shm.hdr->gen);
	d->shm.hdr->settings = next;
	jobtab_write_end(&d->shm.hdr->gen);
	a->err = ERR_OK;
	log_info("settings changed by '%s'", c->user ? c->user : "?");
out:
	json_object_put(o);
}

static void
cmd_dispatch(struct jobd *d, const struct mq_cmd *c, struct act_answer *a)
{
	switch (c->type) {
	case MQ_CMD_PING:
		a->err = ERR_OK;
		break;
	case MQ_CMD_CREATE:
		act_create(d, c, a);
		break;
	case MQ_CMD_CANCEL:
		act_cancel(d, c, a);
		break;
	case MQ_CMD_DELETE:
		act_delete(d, c, a);
		break;
	case MQ_CMD_RETRY:
		act_retry(d, c, a);
		break;
	case MQ_CMD_SETTINGS:
		cmd_settings(d, c, a);
		break;
	case MQ_CMD_SWEEP:
		/* Answered when the sweep is done (sweep.c). */
		sweep_start(d, c->reply_to, c->req_id);
		a->err = ERR__COUNT;
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

/* reasm_slot: the entry for f's sender, starting it on a first fragment.
 * A sender sends one command at a time, so its older entry is dropped. */
static struct reasm *
reasm_slot(struct jobd *d, const struct mq_frag *f)
{
	struct reasm *r, *pick = NULL;

	for (int i = 0; i < MQ_REASM_MAX; i++) {
		r = &d->reasm[i];
		if (r->sender[0] != '\0' && strcmp(r->sender, f->sender) == 0) {
			if (r->req_id == f->req_id && f->index > 0)
				return r;
			reasm_free(r);
		}
		if (r->sender[0] == '\0' ? pick == NULL || pick->sender[0] != '\0' :
		    pick == NULL || (pick->sender[0] != '\0' &&
		    r->started < pick->started))
			pick = r;
	}
	if (f->index != 0)
		return NULL;
	if (pick->sender[0] != '\0') {
		log_warn("%s: dropping a half-sent command from '%s'", __func__,
		    pick->sender);
		reasm_free(pick);
	}
	/* The total was checked against MQ_CMD_MAX before this allocation. */
	if ((pick->buf = malloc(f->total)) == NULL)
		return NULL;
	memcpy(pick->sender, f->sender, sizeof(pick->sender));
	pick->req_id = f->req_id;
	pick->total = f->total;
	pick->count = f->count;
	pick->started = jobd_mono();
	return pick;
}

/* reasm_feed: add one fragment; the entry once it is complete. */
static struct reasm *
reasm_feed(struct jobd *d, const struct mq_frag *f, const char *data,
    size_t len)
{
	struct reasm *r = reasm_slot(d, f);

	if (r == NULL)
		return NULL;
	if (f->index != r->got || f->count != r->count || f->total != r->total) {
		reasm_free(r);
		return NULL;
	}
	memcpy(r->buf + (size_t)f->index * MQ_FRAG_DATA, data, len);
	return ++r->got == r->count ? r : NULL;
}

static uint64_t
cmd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
cmd_handle(struct jobd *d, const char *buf, size_t len)
{
	struct act_answer a = { .err = ERR_INTERNAL, .slot = -1 };
	struct mq_reply r = { MQ_MAGIC, MQ_VERSION, MQ_REPLY, 0, 0, -1, "", "" };
	struct mq_cmd c;

	if (mq_cmd_unpack(&c, buf, len) == -1) {
		log_warn("%s: malformed command of %zu bytes dropped", __func__,
		    len);
		return;
	}
	if (c.deadline_ms != 0 && cmd_now_ms() > c.deadline_ms) {
		log_warn("%s: command %u from '%s' read after its sender gave "
		    "up; dropped", __func__, c.type, c.reply_to);
		return;
	}
	cmd_dispatch(d, &c, &a);
	if (a.err == ERR__COUNT)
		return;
	r.req_id = c.req_id;
	r.err = a.err;
	r.slot = a.slot;
	memcpy(r.id, a.id, sizeof(r.id));
	snprintf(r.msg, sizeof(r.msg), "%s", a.msg);
	cmd_reply_to(c.reply_to, &r);
	/* Only now start what the command made startable (a new job, a freed
	 * slot, a raised max_concurrent_jobs): the client hears first. */
	job_schedule(d);
}

void
cmd_on_readable(struct loop_watch *w, uint32_t events)
{
	struct jobd *d = w->arg;
	struct mq_frag f;
	struct reasm *r;
	ssize_t n;

	(void)events;
	while ((n = mq_receive(d->mq, d->mqbuf, MQ_MSG_MAX, NULL)) >= 0) {
		const char *data = d->mqbuf + sizeof(f);

		if (mq_frag_check(d->mqbuf, (size_t)n, &f) == -1) {
			log_warn("%s: malformed message of %zd bytes dropped",
			    __func__, n);
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
}
