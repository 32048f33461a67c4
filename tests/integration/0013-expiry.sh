# 0013-expiry: exactly the finished jobs older than job_expiry_days go.
source "$(dirname "$0")/../lib.sh"
stack_up

ids=()
for i in 1 2 3 4; do create "lines=1"; ids+=("$JOB"); done
for id in "${ids[@]}"; do wait_for 10 finished "$id"; done
create "hang=1"; live=$JOB
check "live runs" wait_for 10 status_is "$live" running
# The tests' clock: age two finished rows and the live one's creation.
old=$(( $(date +%s) - 31 * 86400 ))
sql "UPDATE jobs SET finished_at = $old, created_at = $old WHERE id IN ('${ids[0]}', '${ids[1]}')"
sql "UPDATE jobs SET created_at = $old WHERE id = '$live'"
sql "UPDATE jobs SET finished_at = $(( $(date +%s) - 29 * 86400 )) WHERE id = '${ids[2]}'"

check "sweep now" is "$(ctl sweep)" "removed 2 jobs"
check "exactly the old ones went" is "$(sql "SELECT count(*) FROM jobs WHERE id IN ('${ids[0]}','${ids[1]}')")" 0
check "29 days old stays" is "$(sql "SELECT count(*) FROM jobs WHERE id = '${ids[2]}'")" 1
check "new stays" is "$(sql "SELECT count(*) FROM jobs WHERE id = '${ids[3]}'")" 1
check "live stays" is "$(sql "SELECT count(*) FROM jobs WHERE id = '$live'")" 1
check "live still runs" status_is "$live" running
api GET "/api/jobs/${ids[0]}"
check "swept job 404 (also gone from the live table)" is "$ST" 404
api GET "/api/jobs/${ids[2]}"
check "kept job 200" is "$ST" 200
check "files untouched" test -e "$T_DIR/downloads/alice/fake-done"
check "logged with a count" grep -q "expiry sweep removed 2 jobs" "$T_DIR/log/jobd.log"

# 0 keeps forever.
api PUT /api/admin/settings '{"job_expiry_days": 0}' "$TR"
sql "UPDATE jobs SET finished_at = $old WHERE id = '${ids[3]}'"
check "0 days: nothing removed" is "$(ctl sweep)" "removed 0 jobs"
check "old row kept" is "$(sql "SELECT count(*) FROM jobs WHERE id = '${ids[3]}'")" 1

# Expiry also runs when jobd starts.
api PUT /api/admin/settings '{"job_expiry_days": 1}' "$TR"
api POST "/api/jobs/$live/cancel"
wait_for 15 finished "$live"
"$T_TOP/scripts/stack" jobd-stop --dir "$T_DIR"
"$T_TOP/scripts/stack" jobd-start --dir "$T_DIR" >/dev/null
gone() { [ "$(sql "SELECT count(*) FROM jobs WHERE id = '${ids[3]}'")" = 0 ]; }
check "swept at start" wait_for 5 gone
