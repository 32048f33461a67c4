/* jobmodel.h: the job model both sides share: statuses and progress. */
#ifndef JOBMODEL_H
#define JOBMODEL_H

#include <stdbool.h>
#include <stdint.h>

enum job_status {
	JOB_NONE = 0,		/* a free slot */
	JOB_QUEUED,
	JOB_RUNNING,
	JOB_COMPLETED,
	JOB_FAILED,
	JOB_CANCELLED,
	JOB__COUNT
};

enum progress_known {
	PROGRESS_URL = 1 << 0,
	PROGRESS_URLS = 1 << 1,
	PROGRESS_TRACK = 1 << 2,
	PROGRESS_PERCENT = 1 << 3,
};

/* doc/api.md "Progress": each field null until known. */
struct progress {
	int32_t		url;
	int32_t		urls;
	int32_t		track;
	uint32_t	known;		/* enum progress_known */
	double		percent;
};

/* job_status_str: the API's name for s ("queued" ...), "" for JOB_NONE. */
const char *job_status_str(enum job_status s);
/* job_status_parse: JOB_NONE when name is not a status. */
enum job_status job_status_parse(const char *name, unsigned len);
/* job_is_live: queued or running. */
bool job_is_live(enum job_status s);
bool job_is_finished(enum job_status s);

/* job_id_str: a job id's text form (lower case) into buf (37 bytes). */
void job_id_str(const uint8_t uuid[16], char *buf);

#endif
