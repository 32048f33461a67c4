# 0010-cancel: SIGTERM to the group, SIGKILL after the grace, one ending.
source "$(dirname "$0")/../lib.sh"
stack_up

api PUT /api/admin/settings '{"cancel_grace_seconds": 1}' "$TR"
check "grace set" is "$ST:$(jb .cancel_grace_seconds)" "200:1"

# A downloader that ignores SIGTERM and has a child of its own.
create "ignore_term=1&child=1&hang=1"
stubborn=$JOB
has_child() { api GET "/api/jobs/$stubborn"; jb '.output[]' | grep -q 'child pid'; }
check "child started" wait_for 10 has_child
child=$(jb '.output[]|select(contains("child pid"))|sub("^.*child pid ";"")')
check "child alive" alive "$child"
t0=$(date +%s%N)
api POST "/api/jobs/$stubborn/cancel"
check "cancel 200" is "$ST" 200
check "cancelled at once" is "$(jb .status)" cancelled
check "line says who" bash -c "jq -r '.output[-1]' '$T_DIR/body' | grep -qx 'jobd: cancelled by alice'"
check "row says cancelled at once" is "$(sql "SELECT status FROM jobs WHERE id='$stubborn'")" cancelled
gone() { ! alive "$child" && ! pgrep -f "$stubborn" >/dev/null; }
check "group gone within grace + 1 s" wait_for $((2 + T_SLACK)) gone
t1=$(date +%s%N)
check "and not before the grace (SIGTERM ignored)" test $(( (t1 - t0) / 1000000 )) -ge 900
check "reaped" wait_for 5 finished "$stubborn"
api GET "/api/jobs/$stubborn"
check "real return code (SIGKILL)" is "$(jb .status)/$(jb .return_code)" "cancelled/-9"
check "row final" is "$(sql "SELECT status, return_code, finished_at IS NOT NULL FROM jobs WHERE id='$stubborn'")" "cancelled|-9|1"
api POST "/api/jobs/$stubborn/cancel"
check "cancel twice is harmless" is "$ST:$(jb .status)" "200:cancelled"

# A well-behaved one ends by SIGTERM.
create "hang=1"
check "running" wait_for 10 status_is "$JOB" running
api POST "/api/jobs/$JOB/cancel"
# (Its status is cancelled at once; its return code once it is reaped.)
reaped() { api GET "/api/jobs/$1"; [ "$(jb .return_code)" != null ]; }
check "ends by SIGTERM" wait_for 5 reaped "$JOB"
check "return code -15" is "$(jb .status)/$(jb .return_code)" cancelled/-15

# A child that left the job's process group and session (setsid) and
# cleared its environment is still the job's: it dies with the job's PID
# namespace when the job ends.
create "escape=1&hang=1"; esc=$JOB
has_escaped() { api GET "/api/jobs/$esc"; jb '.output[]' | grep -q 'escaped pid'; }
check "escaped child started" wait_for 10 has_escaped
epid=$(jb '.output[]|select(contains("escaped pid"))|sub("^.*escaped pid ";"")')
check "it has a session of its own" is "$(ps -o sid= -p "$epid" | tr -d ' ')" "$epid"
check "it carries no marker" is "$(tr '\0' '\n' < "/proc/$epid/environ" | grep -c JOBD_JOB)" 0
api POST "/api/jobs/$esc/cancel"
check "reaped" wait_for 5 finished "$esc"
gone_e() { ! alive "$epid"; }
check "the process that left the group is gone too" wait_for 5 gone_e

# The same escape outlives no timeout either.
api PUT /api/admin/settings '{"max_job_seconds": 1}' "$TR"
create "escape=1&hang=1"; esc=$JOB
check "escaped child started (timeout)" wait_for 10 has_escaped
epid=$(jb '.output[]|select(contains("escaped pid"))|sub("^.*escaped pid ";"")')
check "timed out" wait_for 10 finished "$esc"
check "timeout: the escaped process is gone" wait_for 5 gone_e
api PUT /api/admin/settings '{"max_job_seconds": 21600}' "$TR"

# A queued job is cancelled at once and never starts.
api PUT /api/admin/settings '{"max_concurrent_jobs": 1}' "$TR"
create "hang=1"; blocker=$JOB
create "lines=1"; waiting=$JOB
check "blocker runs" wait_for 10 status_is "$blocker" running
check "second queued" status_is "$waiting" queued
api POST "/api/jobs/$waiting/cancel"
check "queued -> cancelled" is "$ST:$(jb .status)" "200:cancelled"
check "never started" is "$(jb .started_at)/$(jb .return_code)" "null/null"
check "finished_at set" is "$(jb '.finished_at|type')" number
api POST "/api/jobs/$blocker/cancel"
check "blocker ends" wait_for 5 finished "$blocker"
api GET "/api/jobs/$waiting"
check "still never started" is "$(jb .status)/$(jb .started_at)" "cancelled/null"
check "it never ran" is "$(jb '.output|length')" 1

# A finished job: 409.  Another user's: 404.
create "lines=1"
check "completes" wait_for 10 finished "$JOB"
api POST "/api/jobs/$JOB/cancel"
check "cancel finished: 409" is "$ST" 409
check "409 says why" bash -c "jq -r .error '$T_DIR/body' | grep -q 'already finished'"
create "hang=1"
api POST "/api/jobs/$JOB/cancel" "" "$TB"
check "bob cannot cancel alice's job" is "$ST" 404
check "and it still runs" status_is "$JOB" running
api POST "/api/jobs/$JOB/cancel"

# Cancel racing the job's own exit: one ending, one row, either way.
api PUT /api/admin/settings '{"max_concurrent_jobs": 4}' "$TR"
for i in 1 2 3 4 5 6; do
	create "sleep=0.0$i"
	id=$JOB
	sleep "0.0$((i + 2))"
	api POST "/api/jobs/$id/cancel"
	code=$ST
	wait_for 5 finished "$id"
	api GET "/api/jobs/$id"
	s=$(jb .status)
	case "$code:$s" in
	200:cancelled|409:completed) ok ;;
	*) fail "race $i: cancel $code, job $s" ;;
	esac
	check "race $i: one row" is "$(sql "SELECT count(*) FROM jobs WHERE id='$id'")" 1
	check "race $i: row agrees" is "$(sql "SELECT status FROM jobs WHERE id='$id'")" "$s"
done
