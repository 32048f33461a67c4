# 0007-restart: jobd killed with -9 loses no job (ARCHITECTURE.md rule 6).
source "$(dirname "$0")/../lib.sh"
stack_up 's/^max_concurrent_jobs = .*/max_concurrent_jobs = 1/'

create "hang=1&child=1&escape=1"; running=$JOB
q=()
for i in 1 2 3; do create "lines=2"; q+=("$JOB"); done
check "one runs" wait_for 10 status_is "$running" running
exists() { pgrep -f "$running" >/dev/null; }
check "its process exists" wait_for 5 exists
kids() { api GET "/api/jobs/$running"; [ "$(jb '[.output[]|select(test("(child|escaped) pid"))]|length')" = 2 ]; }
check "its children started" wait_for 10 kids
child=$(jb '.output[]|select(contains("child pid"))|sub("^.*child pid ";"")')
escaped=$(jb '.output[]|select(contains("escaped pid"))|sub("^.*escaped pid ";"")')

"$T_TOP/scripts/stack" jobd-kill --dir "$T_DIR"
gone() { ! pgrep -f "$running" >/dev/null; }
check "its leader died with jobd" wait_for 5 gone
# PR_SET_PDEATHSIG reaches the leader alone: its children outlive jobd
# until the next jobd finds them by their marker.
check "its children outlived jobd" bash -c "$(declare -f alive); alive $child && alive $escaped"
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
kids_gone() { ! alive "$child" && ! alive "$escaped"; }
check "the new jobd killed the orphans" wait_for 5 kids_gone
check "and said so" grep -q "killed 2 process(es) of this instance" "$T_DIR/log/jobd.log"
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
