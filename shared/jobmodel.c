/* jobmodel.c: status names and predicates, the text form of job ids. */
#include <string.h>
#include <uuid/uuid.h>

#include "jobmodel.h"

static const char *const job_names[JOB__COUNT] = {
	[JOB_NONE] = "",
	[JOB_QUEUED] = "queued",
	[JOB_RUNNING] = "running",
	[JOB_COMPLETED] = "completed",
	[JOB_FAILED] = "failed",
	[JOB_CANCELLED] = "cancelled",
};

const char *
job_status_str(enum job_status s)
{
	if ((unsigned)s >= JOB__COUNT)
		return "";
	return job_names[s];
}

enum job_status
job_status_parse(const char *name, unsigned len)
{
	for (int s = JOB_QUEUED; s < JOB__COUNT; s++)
		if (strlen(job_names[s]) == len &&
		    memcmp(job_names[s], name, len) == 0)
			return (enum job_status)s;
	return JOB_NONE;
}

bool
job_is_live(enum job_status s)
{
	return s == JOB_QUEUED || s == JOB_RUNNING;
}

bool
job_is_finished(enum job_status s)
{
	return s == JOB_COMPLETED || s == JOB_FAILED || s == JOB_CANCELLED;
}

void
job_id_str(const uint8_t uuid[16], char *buf)
{
	uuid_unparse_lower(uuid, buf);
}
