# 0015-db-locked: another program (here sqlite3) holds the database's
# write lock, as a sysadmin's session or a full disk would stop writes.
# Commands answer 503 at once and change nothing; a job's row that could
# not be written is written when the lock goes; a queued job does not
# start before its row can say 'running' (design rule 6).
source "$(dirname "$0")/../lib.sh"
stack_up 's/^max_concurrent_jobs = .*/max_concurrent_jobs = 1/'

create "lines=1"; done_id=$JOB
check "a first job finishes" wait_for 10 finished "$done_id"
create "hang=1"; hung=$JOB
check "a job runs" wait_for 10 status_is "$hung" running
create "lines=2&q=1"; queued=$JOB
check "one waits behind it" status_is "$queued" queued

# hold_lock: a sqlite3 that holds the write lock until release_lock.
locked() { ! sqlite3 "$T_DB" "BEGIN IMMEDIATE; ROLLBACK;" > /dev/null 2>&1; }
hold_lock() {
	rm -f "$T_DIR/lock.fifo"
	mkfifo "$T_DIR/lock.fifo"
	sqlite3 "$T_DB" < "$T_DIR/lock.fifo" > /dev/null 2>&1 &
	holder=$!
	exec 7> "$T_DIR/lock.fifo"
	echo "BEGIN IMMEDIATE;" >&7
	check "sqlite3 holds the write lock" wait_for 5 locked
}
release_lock() { echo "ROLLBACK;" >&7; exec 7>&-; wait "$holder"; }

hold_lock

t0=$(date +%s%N)
create "lines=1"
t1=$(date +%s%N)
check "create: 503" is "$ST" 503
check "create: says why" bash -c "jq -r .error '$T_DIR/body' | grep -q 'cannot write its database'"
check "create: Retry-After" is "$(hdr Retry-After)" 1
check "create: within a second" test $(( (t1 - t0) / 1000000 )) -lt $((1000 + T_SLACK * 1000))
check "create: no row" is "$(rows)" 3
api PUT /api/admin/settings '{"cancel_grace_seconds": 7}' "$TR"
check "settings: 503" is "$ST" 503
api GET /api/admin/settings "" "$TR"
check "settings: unchanged" is "$(jb .cancel_grace_seconds)" 10
api DELETE "/api/jobs/$done_id"
check "delete: 503" is "$ST" 503
check "delete: the job is still there" status_is "$done_id" completed
api GET "/api/jobs/$hung"
check "polling still answers" is "$ST:$(jb .status)" "200:running"

# A cancel is carried out live; its row waits for the lock.
api POST "/api/jobs/$hung/cancel"
check "cancel: 200" is "$ST:$(jb .status)" "200:cancelled"
reaped() { api GET "/api/jobs/$hung"; [ "$(jb .return_code)" != null ]; }
check "the cancelled job is reaped" wait_for 10 reaped
row_of() { sql "SELECT status FROM jobs WHERE id='$1'"; }
check "its row is not written yet" is "$(row_of "$hung")" running
said() { grep -q "stays queued: it cannot be recorded as running" "$T_DIR/log/jobd.log"; }
check "jobd tried to start the queued job" wait_for 10 said
check "which stays queued, live" status_is "$queued" queued
check "and in its row" is "$(row_of "$queued")" queued
check "and has no process" bash -c "! pgrep -f 'q[=]1' > /dev/null"

# Let go of the lock: everything catches up within the retry time.
release_lock
row_is() { [ "$(row_of "$1")" = "$2" ]; }
check "the cancelled job's row is written" wait_for 10 row_is "$hung" cancelled
check "with its return code" is "$(sql "SELECT return_code FROM jobs WHERE id='$hung'")" -15
check "the queued job runs and finishes" wait_for 10 finished "$queued"
api GET "/api/jobs/$queued"
check "completed" is "$(jb .status)" completed
check "its row too" wait_for 5 row_is "$queued" completed
create "lines=1"
check "creates work again" is "$ST" 201
api DELETE "/api/jobs/$done_id"
check "deletes too" is "$ST" 204
check "jobd said the rows were written again" grep -q "its row is written again" "$T_DIR/log/jobd.log"

# A job ends while the lock is held, and jobd is killed (then stopped)
# before it could write the row: the next jobd writes the end its table
# still held, instead of calling the job interrupted.
for how in jobd-kill jobd-stop; do
	create "sleep=2&lines=3"; last=$JOB
	check "$how: a job runs" wait_for 10 status_is "$last" running
	hold_lock
	check "$how: the job ends, live" wait_for 10 status_is "$last" completed
	check "$how: its row is not written" is "$(row_of "$last")" running
	"$T_TOP/scripts/stack" "$how" --dir "$T_DIR"
	release_lock
	"$T_TOP/scripts/stack" jobd-start --dir "$T_DIR" >/dev/null
	api GET "/api/jobs/$last"
	check "$how: after the restart it is completed, not interrupted" is \
	    "$(jb '[.status, .return_code, .errors] | map(tostring) | join(" ")')" "completed 0 0"
	check "$how: with its output" is "$(jb '.output | map(select(test("line [0-9]"))) | length')" 3
	check "$how: and no restart line" is "$(jb '[.output[] | select(test("restarted"))] | length')" 0
	check "$how: its row says so" is "$(row_of "$last")" completed
done
