# 0006-queue-bound: a queued job holds no live slot (a table of 3 slots
# queues any number of jobs); the queue is bounded by max_queued_jobs,
# past which a create is 503 with Retry-After and changes nothing; a
# running job needs a slot, and finished jobs give theirs way.
source "$(dirname "$0")/../lib.sh"
stack_up 's/^live_slots = .*/live_slots = 3/' 's/^max_concurrent_jobs = .*/max_concurrent_jobs = 0/'

api GET /api/health "" -
check "3 slots, all free" is "$(jb '[.live_slots,.live_slots_free]|@csv')" "3,3"
ids=()
for i in 1 2 3 4 5 6; do create "hang=1"; ids+=("$JOB"); check "create $i of 6 (3 slots): 201" is "$ST" 201; done
api GET /api/health "" -
check "six queued, no slot taken" is "$(jb '[.queued,.running,.live_slots_free]|@csv')" "6,0,3"
api GET "/api/jobs/${ids[5]}"
check "a queued job is readable" is "$ST:$(jb .status):$(jb '.output|length')" "200:queued:0"
api GET "/api/jobs?status=queued"
check "listed" is "$(jb '.jobs|length')" 6

api PUT /api/admin/settings '{"max_queued_jobs": 6}' "$TR"
check "max_queued_jobs is a setting" is "$ST:$(jb .max_queued_jobs)" "200:6"
create "hang=1"
check "queue full: 503" is "$ST" 503
check "Retry-After" is "$(hdr Retry-After)" 1
check "says why" bash -c "jq -r .error '$T_DIR/body' | grep -q 'queue holds 6 jobs'"
check "no row for it" is "$(rows)" 6
api POST "/api/jobs/${ids[5]}/cancel"
check "cancel a queued job" is "$ST:$(jb .status)" "200:cancelled"
create "lines=1"; last=$JOB
check "room again after a cancel" is "$ST" 201

# Three slots run three jobs; the rest wait in creation order.
api PUT /api/admin/settings '{"max_concurrent_jobs": 10}' "$TR"
for i in 0 1 2; do check "job $i runs" wait_for 10 status_is "${ids[$i]}" running; done
check "job 3 waits for a slot" status_is "${ids[3]}" queued
api GET /api/health "" -
check "health: 3 running, 3 queued, no slot free" is "$(jb '[.running,.queued,.live_slots_free]|@csv')" "3,3,0"
api POST "/api/jobs/${ids[0]}/cancel"
check "cancelled job finishes" wait_for 10 finished "${ids[0]}"
check "its slot goes to the oldest waiting job" wait_for 10 status_is "${ids[3]}" running
check "the next still waits" status_is "${ids[4]}" queued
api GET "/api/jobs/${ids[0]}"
check "evicted job still readable (SQLite)" is "$ST:$(jb .status)" "200:cancelled"
check "with its output" bash -c "jq -r '.output[]' '$T_DIR/body' | grep -q 'cancelled by alice'"
for id in "${ids[@]}"; do api POST "/api/jobs/$id/cancel"; done
check "the last one runs to the end" wait_for 10 status_is "$last" completed
check "started in creation order" is "$(sql "SELECT group_concat(seq) FROM (SELECT seq FROM jobs WHERE started_at IS NOT NULL ORDER BY started_at)")" "$(sql "SELECT group_concat(seq) FROM (SELECT seq FROM jobs WHERE started_at IS NOT NULL ORDER BY seq)")"
