/* jobd.h: the daemon's context, shared by its modules. */
#ifndef JOBD_H
#define JOBD_H

#include <limits.h>
#include <mqueue.h>
#include <stdbool.h>
#include <sys/types.h>

#include "capture.h"
#include "loop.h"
#include "shared/config.h"
#include "shared/mqmsg.h"
#include "livetab.h"
#include "store.h"

/* jobd's private side of a slot: the process and its capture, and the
 * job's metadata and texts.  jobd keeps those here and only writes them
 * to the slot (job_publish): what it reads back from shared memory,
 * which others may scribble on, is never what it acts on. */
struct job {
	struct jobd		*d;
	uint32_t		 slot;
	uint32_t		 gen;		/* the slot's counter, jobd's copy */
	struct job_meta		 m;		/* status JOB_NONE: slot free */
	char			*spec;		/* urls\0options\0command\0 */
	pid_t			 pid;		/* group leader; 0: none */
	bool			 exited;	/* leader reaped */
	int			 wstatus;
	int			 exec_errno;	/* execve's errno, 0: none */
	/* The program's own wait status, reported by jobs-init (the
	 * leader jobd reaps) when the job has a PID namespace. */
	bool			 has_prog_status;
	int			 prog_status;
	struct loop_watch	 w_out, w_err, w_exec;
	struct capture		 cap_out, cap_err;
	bool			 failure_seen;	/* a failure line was read */
	bool			 timed_out;
	bool			 cancelled;
	double			 started_mono;
	double			 t_kill;	/* SIGKILL the group then */
	double			 t_drain;	/* stop waiting for EOF then */
	char			 temp_dir[PATH_MAX];
	/* Its last row write failed (database locked or disk full): the
	 * row is retried, and the slot is kept until it is saved. */
	bool			 row_unsaved;
};

/* A command arriving in fragments (mqmsg.h), in order, one per sender
 * (its reply queue's index). */
struct reasm {
	uint64_t	 req_id;
	uint32_t	 total;
	uint16_t	 count;
	uint16_t	 got;
	char		*buf;			/* NULL = unused */
};

/* Creates read in one turn, committed together (cmd.c). */
struct cmd_batch {
	bool		open;		/* a transaction is open */
	unsigned	n;		/* answers waiting for the commit */
	unsigned	created;	/* rows it inserted */
	struct {
		char		to[MSG_NAME_MAX];
		struct msg_reply	r;
	}		pend[CMD_BATCH_MAX];
};

struct jobd {
	struct config		 cfg;
	struct livetab		 tab;
	struct store		 store;
	struct loop		 loop;
	struct loop_watch	 w_sig, w_mq;
	mqd_t			 mq;
	int			 replyfd;	/* replies.lock (replyq.h) */
	char			*mqbuf;		/* MSG_BYTES_MAX bytes */
	struct reasm		 reasm[REPLYQ_MAX];
	struct cmd_batch	 batch;
	struct job		*jobs;		/* one per slot */
	struct settings		 settings;
	uint64_t		 next_seq;
	/* Queued jobs are rows: one takes a slot only when it can start
	 * (act_load_next), the oldest first. */
	int64_t			 queued_rows;	/* rows queued, not in a slot */
	uint64_t		 load_after;	/* seq of the last one loaded */
	/* While the database takes no writes (monotonic; 0: it does):
	 * unsaved rows are retried then. */
	double			 row_retry_at;
	bool			 stopping;
	/* Warnings about bad messages, bounded per minute (cmd.c). */
	double			 warn_window;
	unsigned		 warn_count;
	unsigned long		 warn_dropped;
};


#endif
