# 0007-restart: jobd killed with -9 loses no job (design rule 6).
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
# PR_SET_PDEATHSIG reaches the leader alone, but the leader is the first
# process of the job's PID namespace: its children, the one that left the
# group and the session with an empty environment too, die with it.
check "jobs run in namespaces of their own" grep -q "each job runs in PID, IPC and mount namespaces" "$T_DIR/log/jobd.log"
kids_gone() { ! alive "$child" && ! alive "$escaped"; }
check "its children died with jobd" wait_for 5 kids_gone
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
check "nothing of the job runs after the restart" kids_gone
check "its temp folder was removed at the restart" test ! -e "$T_DIR/state/tmp/$running"
api GET "/api/jobs/$running"
check "interrupted job failed" is "$(jb .status)" failed
check "return code says killed" is "$(jb .return_code)" -9
check "a line says jobd restarted" bash -c "jq -r '.output[-1]' '$T_DIR/body' | grep -q 'jobd restarted'"
# The lines it printed before the crash were still in the old live table.
check "its output before the crash is kept" is "$(jb '[.output[]|select(test("child pid|Processing"))]|length')" 2
check "the restart line is numbered after them" is "$(jb '.output_next == (.output|length) and .output_next > 3')" true
check "finished_at set" is "$(jb '.finished_at|type')" number
for id in "${q[@]}"; do
	check "queued job $id runs after restart" wait_for 15 status_is "$id" completed
done
check "each ran once" is "$(sql "SELECT count(*) FROM jobs")" 4
create "lines=1"
check "new jobs after restart" is "$ST" 201

# A cancel still in its grace period when jobd dies: the job stays
# cancelled, its process (killed with jobd) gets -9 and an end time, and
# its output up to the cancel line is kept.
api PUT /api/admin/settings '{"cancel_grace_seconds": 60}' "$TR"
create "ignore_term=1&hang=1"; stubborn=$JOB
check "stubborn job runs" wait_for 10 status_is "$stubborn" running
has_lines() { api GET "/api/jobs/$stubborn"; [ "$(jb '.output|length')" -ge 2 ]; }
check "it printed" wait_for 10 has_lines
api POST "/api/jobs/$stubborn/cancel"
check "cancelled, in its grace period" is "$ST:$(jb .status):$(jb .return_code)" "200:cancelled:null"
"$T_TOP/scripts/stack" jobd-kill --dir "$T_DIR"
"$T_TOP/scripts/stack" jobd-start --dir "$T_DIR" >/dev/null
api GET "/api/jobs/$stubborn"
check "still cancelled, -9" is "$(jb .status):$(jb .return_code)" "cancelled:-9"
check "ended after it started" is "$(jb '.finished_at >= .started_at')" true
check "its output and the cancel line kept" is "$(jb '[.output[]|select(test("Processing|cancelled by alice"))]|length')" 2

# A clean stop (SIGTERM) while a job runs: its lines are kept in its row
# and the restart line comes after them, numbered on.
create "lines=5&hang=1"; stopped=$JOB
has5() { api GET "/api/jobs/$stopped"; [ "$(jb '.output|length')" -ge 6 ]; }
check "running job printed its lines" wait_for 10 has5
before=$(jb .output_next)
"$T_TOP/scripts/stack" jobd-stop --dir "$T_DIR"
"$T_TOP/scripts/stack" jobd-start --dir "$T_DIR" >/dev/null
api GET "/api/jobs/$stopped"
check "after a clean stop: failed, its lines kept" is "$(jb .status):$(jb '[.output[]|select(test("line [0-4]$"))]|length')" "failed:5"
check "the restart line numbered after them" is "$(jb .output_next)" "$((before + 1))"
check "and last" bash -c "jq -r '.output[-1]' '$T_DIR/body' | grep -q 'jobd restarted'"
