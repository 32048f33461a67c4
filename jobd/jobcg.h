/* jobcg.h: the cgroup every job runs in (config job_cgroup).
 *
 * Niceness weighs each job against jobd, the responders and the web
 * server one by one, so 1000 jobs at niceness 10 still outweigh them a
 * hundred to one.  In a cgroup of their own the jobs together weigh
 * job_cpu_weight, however many run. */
#ifndef JOBCG_H
#define JOBCG_H

#include <stddef.h>
#include <stdint.h>

/* jobcg_open: make the cgroup folder path (if it is not there), give it
 * weight (cgroup v2 cpu.weight, 1-10000; on v1 the matching cpu.shares)
 * and open its cgroup.procs for jobs to join.  Returns that descriptor
 * (close-on-exec), or -1 with a sentence in err. */
int jobcg_open(const char *path, uint32_t weight, char *err, size_t errsz);

/* jobcg_shares: the cgroup v1 cpu.shares of a v2 weight (100 = 1024). */
uint32_t jobcg_shares(uint32_t weight);

#endif
