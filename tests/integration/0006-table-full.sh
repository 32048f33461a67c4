# 0006-table-full: a live table of 3 slots; finished jobs give way.
source "$(dirname "$0")/../lib.sh"
stack_up 's/^live_slots = .*/live_slots = 3/' 's/^max_concurrent_jobs = .*/max_concurrent_jobs = 3/'

api GET /api/health "" -
check "3 slots" is "$(jb .live_slots)" 3
ids=()
for i in 1 2 3; do create "hang=1"; ids+=("$JOB"); done
create "hang=1"
check "full table: 503" is "$ST" 503
check "Retry-After" is "$(hdr Retry-After)" 1
check "says why" bash -c "jq -r .error '$T_DIR/body' | grep -q 'slots'"
check "no row for it" is "$(rows)" 3
api POST "/api/jobs/${ids[0]}/cancel"
check "cancelled job finishes" wait_for 10 finished "${ids[0]}"
create "lines=1"
check "a finished job's slot is reused" is "$ST" 201
api GET "/api/jobs/${ids[0]}"
check "evicted job still readable (SQLite)" is "$ST:$(jb .status)" "200:cancelled"
check "with its output" bash -c "jq -r '.output[]' '$T_DIR/body' | grep -q 'cancelled by alice'"
for id in "${ids[@]}"; do api POST "/api/jobs/$id/cancel"; done
