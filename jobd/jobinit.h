/* jobinit.h: what jobs-init (jobinit.c) and jobd say to each other on
 * the status pipe, fd 3 of jobs-init: records of two int32s. */
#ifndef JOBINIT_H
#define JOBINIT_H

#define JOBINIT_STATUS_FD	3
/* The name jobd looks for beside its own executable. */
#define JOBINIT_NAME		"jobs-init"

enum jobinit_kind {
	JOBINIT_EXEC_ERRNO = 1,		/* the program could not start */
	JOBINIT_EXIT_STATUS = 2,	/* the program's wait status */
};

#endif
