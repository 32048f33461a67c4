/* limits.h: every cap of the system in one place (design rule 4). */
#ifndef LIMITS_H
#define LIMITS_H

/* HTTP input (doc/api.md "Errors"). */
#define BODY_MAX		(64 * 1024)	/* 413 above this */
#define QUERY_MAX		2048		/* query string bytes */
#define PATH_MAX_API		1024		/* request path bytes */
#define URLS_MAX		100		/* URLs per job */
#define URL_LEN_MAX		512		/* bytes per URL */
#define OPTIONS_MAX		32		/* option keys per job */
#define OPTION_STR_MAX		256		/* bytes of one string option */
#define LIST_LIMIT_DEFAULT	100
#define LIST_LIMIT_MAX		1000
#define LIST_PAGE_BYTES		(4 * 1024 * 1024)	/* texts of a list page */
#define JSON_DEPTH_MAX		16		/* nesting of a body */

/* Names. */
#define USER_MAX		64		/* user name bytes */
#define RUNNER_NAME_MAX		31
#define JOB_ID_LEN		36
#define INSTANCE_MAX		32
#define TOKEN_HEX_LEN		64		/* sha-256 as hex */
#define TOKEN_IN_MAX		128		/* bearer token bytes read */

/* Output capture (doc/api.md "The job object": output). */
#define OUT_LINES_MAX		500		/* lines held per job */
#define OUT_LINE_MAX		4096		/* bytes per line, cut mark included */
#define OUT_CUT_MARK		" [line cut]"
/* A line as the ring holds it: escaped for a JSON string (jobd escapes
 * once, at capture; a poll copies).  Captured lines hold no control
 * bytes but tab, so escaping at most doubles them ('"', '\\', tab). */
#define OUT_LINE_JSON_MAX	(2 * OUT_LINE_MAX)
/* Enough arena for OUT_LINES_MAX lines of OUT_LINE_JSON_MAX bytes plus
 * one wasted line at the wrap point, so the line count is always the
 * bound. */
#define OUT_ARENA		(4 * 1024 * 1024)
/* Counts read off a runner's lines (errors, URL and track numbers);
 * larger ones are shown as these. */
#define OUT_ERRORS_MAX		1000000
#define OUT_URL_NUM_MAX		100000
#define OUT_TRACK_NUM_MAX	1000000

/* Per-slot copy of the job's urls/options/command texts. */
#define SPEC_MAX		(160 * 1024)

/* Live table. */
#define SLOTS_DEFAULT		256
#define SLOTS_MAX		4096

/* Message queue.  Messages fit the kernel's default msgsize_max (8 KiB)
 * and depth fits its default msg_max (10), so no sysctl is needed; a
 * command larger than one message travels in fragments (mqmsg.h). */
#define MSG_BYTES_MAX		8192
#define MSG_CMD_MAX		(BODY_MAX + 8192)	/* one packed command */
#define MSG_DEPTH_DEFAULT	10
#define MSG_DEPTH_MAX		1024		/* config queue_depth */
#define MSG_REPLY_DEPTH		4
#define MSG_NAME_MAX		48
#define MSG_WAIT_MS		1000		/* a responder waits this long */
#define CMD_BATCH_MAX		64		/* creates per group commit */

/* Responders: worker processes, the threads of each, and reply queues
 * (one per thread that has sent a command, a few more for jobctl runs at
 * the same time; replyq.h). */
#define FCGI_WORKERS_MAX	256
#define FCGI_THREADS_MAX	64
#define FCGI_THREADS_TOTAL_MAX	1024		/* workers x threads */
#define FCGI_BACKLOG		1024		/* listen(2) on [fcgi] socket */
#define REPLYQ_MAX		(FCGI_THREADS_TOTAL_MAX + 16)

/* Per user, jobs stored (any status; config max_jobs_per_user), and
 * the users whose create rate jobd tracks at once. */
#define USER_JOBS_DEFAULT	1000000
#define USER_JOBS_MAX		100000000	/* config max_jobs_per_user */
#define JOB_NICE_MAX		19		/* config job_nice */
#define WAL_LIMIT_MIB_MAX	4096		/* config wal_limit_mib */
#define WAL_LIMIT_MIB_DEFAULT	64
#define JOB_CPU_WEIGHT_MAX	10000		/* config job_cpu_weight */
#define JOB_CPU_WEIGHT_DEFAULT	10
#define CREATES_PER_MIN_MAX	1000000		/* config creates_per_minute */
#define RATE_USERS_MAX		1024

/* Runners. */
#define RUNNERS_MAX		8
#define RUNNER_OPTS_MAX		32
#define RUNNER_ARGS_MAX		64		/* admin + always flags */
#define ENV_LINES_MAX		15		/* env = lines of a runner or launcher */
#define OPT_NAME_MAX		64		/* bytes of an option's name */
#define OPT_TAG_MAX		64		/* bytes of one tag of a tags option */
#define OPT_INT_BOUND		(1u << 30)	/* largest min or max of an int option */
/* A launcher's srun and its options (launcher.h) come in front. */
#define ARGV_MAX		(2 * RUNNER_ARGS_MAX + 2 * RUNNER_OPTS_MAX + URLS_MAX + 24)
#define OPT_VALUES_MAX		32
#define LAUNCHERS_MAX		4
/* A Slurm node name as the job object shows it (longer ones are cut). */
#define SLURM_NODE_MAX		63

#endif
