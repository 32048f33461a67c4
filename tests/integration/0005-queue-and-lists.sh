# 0005-queue-and-lists: creation order, max_concurrent_jobs, pagination.
source "$(dirname "$0")/../lib.sh"
stack_up

# Two run at once (the default); the rest wait as queued, in order.
ids=()
for i in 1 2 3 4; do create "hang=1"; ids+=("$JOB"); done
two_running() { api GET /api/health "" -; [ "$(jb .running)" = 2 ]; }
check "two running" wait_for 10 two_running
check "two queued" is "$(jb .queued)" 2
check "first runs" status_is "${ids[0]}" running
check "second runs" status_is "${ids[1]}" running
check "third waits" status_is "${ids[2]}" queued
check "queued has no started_at" is "$(jb .started_at)" null
check "row says queued" is "$(sql "SELECT status FROM jobs WHERE id='${ids[2]}'")" queued
check "row says running" is "$(sql "SELECT status FROM jobs WHERE id='${ids[0]}'")" running
api POST "/api/jobs/${ids[0]}/cancel"
check "third starts when one ends" wait_for 10 status_is "${ids[2]}" running
check "fourth still waits" status_is "${ids[3]}" queued
for id in "${ids[@]}"; do api POST "/api/jobs/$id/cancel"; done
all_done() { for id in "${ids[@]}"; do finished "$id" || return 1; done; }
check "all cancelled" wait_for 15 all_done

# Pagination: 7 jobs, pages of 3, stable while jobs are added.
for i in 1 2 3; do create "lines=1"; done
api GET "/api/jobs?limit=3"
p1=$(jb '[.jobs[].id]|join(",")'); c1=$(jb .next_cursor)
check "page 1 has 3" is "$(jb '.jobs|length')" 3
check "cursor given" test "$c1" != null
create "lines=1"	# added between pages: must not shift page 2
api GET "/api/jobs?limit=3&cursor=$c1"
p2=$(jb '[.jobs[].id]|join(",")'); c2=$(jb .next_cursor)
check "page 2 has 3" is "$(jb '.jobs|length')" 3
api GET "/api/jobs?limit=3&cursor=$c2"
check "page 3 has the last 1" is "$(jb '.jobs|length')" 1
check "last page ends" is "$(jb .next_cursor)" null
api GET "/api/jobs?limit=1000"
check "pages cover the list once" is "$p1,$p2,$(jb '[.jobs[-1].id]|join(",")')" \
    "$(jb '[.jobs[1:]|.[].id]|join(",")')"
api GET "/api/jobs?status=cancelled"
check "status filter" is "$(jb '[.jobs[].status]|unique|join(",")')" cancelled
check "status filter count" is "$(jb '.jobs|length')" 4
api GET "/api/jobs?status=completed,cancelled"
check "two statuses" is "$(jb '.jobs|length')" 8
api GET "/api/jobs?cursor=$c1" "" "$TB"
check "someone else's cursor: 400" is "$ST" 400

# The live table is bounded; a full one answers 503, not a hang.
