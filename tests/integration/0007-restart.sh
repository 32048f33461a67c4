# 0007-restart: jobd killed with -9 loses no job (ARCHITECTURE.md rule 6).
source "$(dirname "$0")/../lib.sh"
stack_up 's/^max_concurrent_jobs = .*/max_concurrent_jobs = 1/'

create "hang=1"; running=$JOB
q=()
for i in 1 2 3; do create "lines=2"; q+=("$JOB"); done
check "one runs" wait_for 10 status_is "$running" running
exists() { pgrep -f "$running" >/dev/null; }
check "its process exists" wait_for 5 exists

"$T_TOP/scripts/stack" jobd-kill --dir "$T_DIR"
gone() { ! pgrep -f "$running" >/dev/null; }
check "no orphan keeps running" wait_for 5 gone
t0=$(date +%s%N)
api GET /api/health "" -
t1=$(date +%s%N)
check "health 503 at once" is "$ST:$(jb .status)" "503:down"
check "at once (not after the 1 s wait)" test $(( (t1 - t0) / 1000000 )) -lt 900
create "lines=1"
check "create 503 while down" is "$ST" 503
check "no row for it" is "$(rows)" 4
api GET "/api/jobs/${q[0]}"
check "jobs still readable while down" is "$ST" 200

"$T_TOP/scripts/stack" jobd-start --dir "$T_DIR" >/dev/null
api GET "/api/jobs/$running"
check "interrupted job failed" is "$(jb .status)" failed
check "return code says killed" is "$(jb .return_code)" -9
check "a line says jobd restarted" bash -c "jq -r '.output[-1]' '$T_DIR/body' | grep -q 'jobd restarted'"
check "finished_at set" is "$(jb '.finished_at|type')" number
for id in "${q[@]}"; do
	check "queued job $id runs after restart" wait_for 15 status_is "$id" completed
done
check "each ran once" is "$(sql "SELECT count(*) FROM jobs")" 4
create "lines=1"
check "new jobs after restart" is "$ST" 201
