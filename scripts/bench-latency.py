#!/usr/bin/env python3
"""bench-latency URL TOKEN N RUNNER [SKIP]: the time from POST /api/jobs to the job's
first output line being visible in GET /api/jobs/<id>, for N jobs in turn, over
one keep-alive connection, polling as fast as the answers come.  Lines that
start with SKIP (a launcher's own, "srun: ") do not count."""
import http.client, json, statistics, sys, time, urllib.parse

url, token, n, runner = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
skip = sys.argv[5] if len(sys.argv) > 5 else None


def seen(job):
    if skip is None:
        return job.get("output_next", 0) >= 1
    return any(not l.startswith(skip) for l in job.get("output", []))

u = urllib.parse.urlparse(url)
conn = http.client.HTTPConnection(u.hostname, u.port)
hdr = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
body = json.dumps({"runner": runner,
                   "urls": ["https://open.spotify.com/track/AAAAAAAAAAAAAAAAAAAAAA?lines=1"]})
times, polls = [], 0
for _ in range(n):
    t0 = time.perf_counter()
    conn.request("POST", "/api/jobs", body, hdr)
    r = conn.getresponse()
    job = json.loads(r.read())
    assert r.status == 201, job
    while not seen(job):
        # A job that never prints (stuck queued, failed silently) ends
        # the run instead of hanging it.
        if time.perf_counter() - t0 > 30:
            sys.exit("bench-latency: job %s printed nothing in 30 s (status %s)"
                     % (job["id"], job.get("status")))
        conn.request("GET", "/api/jobs/" + job["id"], headers=hdr)
        r = conn.getresponse()
        job = json.loads(r.read())
        polls += 1
    times.append((time.perf_counter() - t0) * 1000)
times.sort()
print("post-to-first-line, runner %s, %d jobs: median %.1f ms, p90 %.1f ms, max %.1f ms (%d polls)"
      % (runner, n, statistics.median(times), times[int(n * 0.9) - 1], times[-1], polls))
