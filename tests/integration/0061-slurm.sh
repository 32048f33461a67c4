# 0061-slurm: downloads on a Slurm cluster through the same API.  The test
# starts a one-node cluster on loopback (tests/slurm-cluster: munged with a
# key made here, slurmctld, slurmd, 4 CPUs) and runs votify (fake-votify)
# through `launcher = slurm`: create, lines as they arrive, progress, the
# Slurm job id and node, exit codes, a refusal, cancel, timeout, a job
# Slurm queues behind a full node, kill -9 of jobd with jobs on the
# cluster, restart.  Nothing may be left in squeue.  A cluster that cannot
# be installed or started is a failure, not a skip.
source "$(dirname "$0")/../lib.sh"

S_DIR=$(mktemp -d /tmp/jobs-slurm.XXXXXX)
slurm_down() { "$T_TOP/tests/slurm-cluster" down "$S_DIR"; rm -rf "$S_DIR"; }
if ! SC=$("$T_TOP/tests/slurm-cluster" up "$S_DIR" 4 2>"$S_DIR/up.err"); then
	cat "$S_DIR/up.err" >&2
	fail "the one-node Slurm cluster cannot be started (see above)"
	slurm_down
	echo "$T_NAME: $T_PASS passed, $T_FAIL failed"
	exit 1
fi
export SLURM_CONF=$SC
V=$T_TOP/tests/fake-votify

# votify runs through [launcher slurm]; a second runner names a launcher
# whose partition does not exist (Slurm refuses its jobs).
T_EXTRA_CONF="[launcher slurm]
partition = debug
arg = --cpus-per-task=1
arg = --mem=50M
env = SLURM_CONF=$SC
temp_dir = $S_DIR/shared-tmp

[launcher nowhere]
partition = nosuch
env = SLURM_CONF=$SC

[runner refused]
executable = $V
launcher = nowhere
url_regex = ^https://"
stack_up 's|^\[runner votify\]|[runner votify]\nlauncher = slurm|' \
    's/^max_concurrent_jobs = .*/max_concurrent_jobs = 8/' \
    's/^cancel_grace_seconds = .*/cancel_grace_seconds = 2/'
# The stack goes first (jobd's stop ends its Slurm jobs), then the cluster.
trap '"$T_TOP/scripts/stack" down --dir "$T_DIR"; slurm_down; stack_down' EXIT
INST=$(sed -n 's/^instance = //p' "$T_CONF")

ms() { echo $(( $(date +%s%N) / 1000000 )); }
# in_squeue ID: the Slurm job of job ID is pending, running or completing.
in_squeue() { squeue --me -h -n "jobs.$INST.$1" -o %i | grep -q .; }
off_cluster() { ! in_squeue "$1" && ! pgrep -f "$1" >/dev/null; }
mine() { squeue --me -h -o %j | grep -c "^jobs\.$INST\." || true; }
get() { api GET "/api/jobs/$1"; }
lines_ge() { get "$1"; [ "$(jb '.output|length')" -ge "$2" ]; }
has_line() { get "$1"; jb '.output[]' | grep -q -- "$2"; }
has_id() { get "$1"; [ "$(jb .slurm_job_id)" != null ] && [ "$(jb .slurm_node)" != null ]; }

# --- one job's timeline: create, Slurm job id, first line, cancel, gone --
t0=$(ms)
create "lines=3&progress=4&hang=1"; A=$JOB
check "create 201" is "$ST" 201
check "command is srun, then the runner's vector after --" bash -c \
    "jq -r .command '$T_DIR/body' | grep -q '^/usr/bin/srun --unbuffered --job-name=jobs\.$INST\.$A --partition=debug --time=361 --cpus-per-task=1 --mem=50M -- $V --no-config-file'"
# One poll loop notes when each first shows.
t_id="" t_line=""
timeline() {
	get "$A"
	[ -z "$t_line" ] && [ "$(jb '.output|length')" -ge 1 ] && t_line=$(ms)
	[ -z "$t_id" ] && [ "$(jb .slurm_job_id)" != null ] &&
	    [ "$(jb .slurm_node)" != null ] && t_id=$(ms)
	[ -n "$t_line" ] && [ -n "$t_id" ]
}
check "first line, Slurm job id and node visible" wait_for 10 timeline
check "running for jobd" is "$(jb .status)" running
A_ID=$(jb .slurm_job_id)
check "squeue agrees" is "$(squeue --me -h -n "jobs.$INST.$A" -o '%i %N %T')" "$A_ID $(jb .slurm_node) RUNNING"
check "lines arrive as printed" wait_for 10 lines_ge "$A" 5
api GET "/api/jobs/$A?since=3"
check "since works on a Slurm job" is "$(jb '.output|length')/$(jb .output_next)" "$(( $(jb .output_next) - 3 ))/$(jb .output_next)"
get "$A"
check "progress read from srun's relay" is "$(jb '.progress.url, .progress.track' | tr '\n' ,)" "1,1,"
check "percent redraw relayed" wait_for 5 bash -c "curl -s -H 'Authorization: Bearer $TA' '$URL/api/jobs/$A' | jq -e '.progress.percent == 100' >/dev/null"
check "row has the Slurm job id and node" is "$(sql "SELECT slurm_job_id, slurm_node FROM jobs WHERE id='$A'")" "$A_ID|$(jb .slurm_node)"
t_c=$(ms)
api POST "/api/jobs/$A/cancel"
check "cancel 200" is "$ST:$(jb .status)" "200:cancelled"
check "gone from squeue and the node within grace + 3 s" wait_for 5 off_cluster "$A"
t_g=$(ms)
check "cancelled job reaped" wait_for 10 finished "$A"
check "ended cancelled with the downloader's status (killed on the node)" is "$(jb .status)/$(jb .return_code)" "cancelled/-9"
echo "# timeline of one job (ms after create): Slurm job id and node known $((t_id - t0)), first line visible $((t_line - t0)), cancel $((t_c - t0)), gone from squeue $((t_g - t0)) ($((t_g - t_c)) after the cancel)"

# --- exit codes and outcome as on one host ------------------------------
create "lines=1"; ok=$JOB
create "exit=3"; e3=$JOB
create "signal=15"; sig=$JOB
create "errors=2"; errs=$JOB
create "critical=1"; crit=$JOB
create "exit=143"; e143=$JOB
for j in $ok $e3 $sig $errs $crit $e143; do check "ends ($j)" wait_for 20 finished "$j"; done
st() { get "$1"; echo "$(jb .status)/$(jb .return_code)"; }

# The temp folder lies in the launcher's temp_dir (shared with the nodes).
create "args=1"; ar=$JOB
check "args job ends" wait_for 20 finished "$ar"
check "its --temp is <temp_dir>/<instance>/<id>" has_line "$ar" "arg: $S_DIR/shared-tmp/$INST/$ar\$"
check "which the downloader found on its node" has_line "$ar" "temp exists: yes"
check "and jobd removed after the job" test ! -e "$S_DIR/shared-tmp/$INST/$ar"
check "not in state_dir" test ! -e "$T_DIR/state/tmp/$ar"
check "completed, 0" is "$(st $ok)" completed/0
check "has its Slurm job id" is "$(jb '.slurm_job_id|type')" number
check "exit 3 is the downloader's 3" is "$(st $e3)" failed/3
check "a signal is the downloader's (-15), not srun's 143" is "$(st $sig)" failed/-15
check "exit 143 stays 143" is "$(st $e143)" failed/143
check "errors pattern applies" is "$(st $errs)" failed/0
check "critical pattern applies" is "$(st $crit)" failed/0

# --- a Slurm refusal: failed, srun's message last -----------------------
api POST /api/jobs "{\"runner\":\"refused\",\"urls\":[\"$(furl lines=1)\"]}"
ref=$(jb .id)
check "refused job ends" wait_for 20 finished "$ref"
check "failed" is "$(jb .status)" failed
check "srun's message is its last line" bash -c "jq -r '.output[-1]' '$T_DIR/body' | grep -q '^srun: error: .*[Ii]nvalid partition'"

# --- timeout: the Slurm job ends too ------------------------------------
api PUT /api/admin/settings '{"max_job_seconds": 2}' "$TR"
create "hang=1"; to=$JOB
check "time limit in srun's --time" bash -c "jq -r .command '$T_DIR/body' | grep -q -- '--time=2 '"
check "timeout job on the cluster" wait_for 10 has_id "$to"
check "timed out" wait_for 10 finished "$to"
check "failed by the timeout" is "$(jb .status)" failed
check "a line says so" has_line "$to" "jobd: stopped: the job ran longer"
check "timeout: gone from squeue and the node" wait_for 5 off_cluster "$to"
api PUT /api/admin/settings '{"max_job_seconds": 21600}' "$TR"

# --- a job that ignores SIGTERM is killed on the node -------------------
create "ignore_term=1&hang=1"; stub=$JOB
check "stubborn job on the cluster" wait_for 10 has_id "$stub"
check "it prints" wait_for 10 lines_ge "$stub" 2
api POST "/api/jobs/$stub/cancel"
check "stubborn: gone from squeue and the node within grace + 3 s" wait_for 5 off_cluster "$stub"
check "stubborn reaped" wait_for 10 finished "$stub"

# --- queued by Slurm behind a full node (4 CPUs) ------------------------
full=()
for i in 1 2 3 4; do create "hang=1"; full+=("$JOB"); done
for j in "${full[@]}"; do check "fills the node ($j)" wait_for 10 has_id "$j"; done
create "lines=2&hang=1"; q1=$JOB
create "lines=2&hang=1"; q2=$JOB
check "queued by Slurm: its log says so" wait_for 10 has_line "$q1" "^srun: job [0-9]* queued and waiting for resources"
check "running for jobd" is "$(jb .status)" running
check "progress stays empty" is "$(jb '.progress|[.url,.urls,.track,.percent]|map(type)|unique|join(",")')" null
check "its Slurm job id is known, its node not" is "$(jb '.slurm_job_id|type'),$(jb .slurm_node)" "number,null"
check "squeue says PENDING" is "$(squeue --me -h -n "jobs.$INST.$q1" -o %T)" PENDING
check "the second one waits too" wait_for 10 has_line "$q2" "queued and waiting"
api POST "/api/jobs/$q2/cancel"
check "a pending Slurm job is cancelled at once" wait_for 5 off_cluster "$q2"
check "pending cancel reaped" wait_for 10 finished "$q2"
api POST "/api/jobs/${full[0]}/cancel"
check "a CPU frees: the queued one starts" wait_for 15 has_line "$q1" "line 1"
check "and gets its node" wait_for 5 has_id "$q1"
for j in "${full[@]:1}" "$q1"; do api POST "/api/jobs/$j/cancel"; done
for j in "${full[@]}" "$q1"; do check "cancelled off the cluster ($j)" wait_for 5 off_cluster "$j"; done
check "nothing of ours left in squeue" is "$(mine)" 0

# --- 18 cancels at once: each Slurm job ends (scancel runs wait their turn)
api PUT /api/admin/settings '{"max_concurrent_jobs": 24}' "$TR"
many=()
for i in $(seq 18); do create "hang=1"; many+=("$JOB"); done
known() { get "$1"; [ "$(jb .slurm_job_id)" != null ]; }
for j in "${many[@]}"; do check "on the cluster or in its queue ($j)" wait_for 15 known "$j"; done
check "Slurm runs 4, queues 14" is "$(squeue --me -h -t R -o %j | grep -c "^jobs\.$INST\.")/$(squeue --me -h -t PD -o %j | grep -c "^jobs\.$INST\.")" 4/14
for j in "${many[@]}"; do
	curl -s -o /dev/null -X POST -H "Authorization: Bearer $TA" "$URL/api/jobs/$j/cancel" &
done
wait
none_mine() { [ "$(mine)" = 0 ]; }
check "all 18 gone from squeue" wait_for 10 none_mine
for j in "${many[@]}"; do check "cancelled ($j)" wait_for 10 finished "$j"; done
api PUT /api/admin/settings '{"max_concurrent_jobs": 8}' "$TR"

# --- a node failure: failed, srun's message last -------------------------
create "lines=1&hang=1"; nf=$JOB
check "on the node" wait_for 10 has_id "$nf"
check "it prints" wait_for 10 lines_ge "$nf" 2
scontrol update nodename="$(jb .slurm_node)" state=down reason=jobs-test
check "node failure ends it" wait_for 15 finished "$nf"
check "failed, not srun's 0" is "$(jb .status)/$(jb .return_code)" failed/1
check "srun says why" has_line "$nf" "^srun: error: Node failure on"
check "its last lines are srun's" bash -c "jq -r '.output[-1]' '$T_DIR/body' | grep -q '^srun: \|^slurmstepd'"
node_back() { scontrol update nodename="$(hostname -s)" state=resume >/dev/null 2>&1; sinfo -h -o %T | grep -qx idle; }
check "the node comes back" wait_for 20 node_back

# --- kill -9 of jobd with jobs on the cluster, restart -------------------
api PUT /api/admin/settings '{"max_concurrent_jobs": 2}' "$TR"
create "hang=1"; k1=$JOB
create "ignore_term=1&hang=1"; k2=$JOB
create "lines=1"; kq=$JOB
for j in $k1 $k2; do check "on the cluster before the kill ($j)" wait_for 10 has_id "$j"; done
check "third waits in jobd's queue" status_is "$kq" queued
"$T_TOP/scripts/stack" jobd-kill --dir "$T_DIR"
sruns_gone() { ! pgrep -f "job-name=jobs\.$INST\." >/dev/null; }
check "jobd's sruns died with it" wait_for 5 sruns_gone
check "their Slurm jobs outlive it" is "$(mine)" 2
"$T_TOP/scripts/stack" jobd-start --dir "$T_DIR" >/dev/null
none_left() { [ "$(mine)" = 0 ] && ! pgrep -f "$k1" >/dev/null && ! pgrep -f "$k2" >/dev/null; }
check "the new jobd ends them" wait_for 10 none_left
check "it says which" grep -q "slurm: \[launcher slurm\]: ending Slurm job" "$T_DIR/log/jobd.log"
check "the queued job then runs" wait_for 20 status_is "$kq" completed
check "after the Slurm jobs were ended" bash -c "awk '/ending Slurm job/ { e = NR } /$kq of .* started/ { s = NR } END { exit !(e && s && e < s) }' '$T_DIR/log/jobd.log'"
for j in $k1 $k2; do check "interrupted ($j)" is "$(st "$j")" failed/-9; done

# --- jobd's stop ends what runs on the cluster --------------------------
create "hang=1"; last=$JOB
check "one more on the cluster" wait_for 10 has_id "$last"
"$T_TOP/scripts/stack" jobd-stop --dir "$T_DIR"
check "jobd's stop ended it" wait_for 5 off_cluster "$last"
check "nothing left in squeue" is "$(mine)" 0
"$T_TOP/scripts/stack" jobd-start --dir "$T_DIR" >/dev/null

# --- a database an older jobd made gains the two columns ----------------
old=$T_DIR/old; mkdir -p "$old"
sqlite3 "$old/jobs.db" "CREATE TABLE jobs (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, user_id TEXT NOT NULL, runner TEXT NOT NULL, urls TEXT NOT NULL, options TEXT NOT NULL, command TEXT NOT NULL, status TEXT NOT NULL, return_code INTEGER, errors INTEGER, progress TEXT, output TEXT NOT NULL DEFAULT '[]', output_next INTEGER NOT NULL DEFAULT 0, created_at REAL NOT NULL, started_at REAL, finished_at REAL); INSERT INTO jobs (seq, id, user_id, runner, urls, options, command, status, created_at) VALUES (1, 'x', 'alice', 'votify', '[]', '{}', 'c', 'completed', 1)"
sed "s|^state_dir = .*|state_dir = $old|" "$T_CONF" > "$old/jobs.ini"
check "an old database opens" "$BUILD/jobctl" -c "$old/jobs.ini" jobs alice >/dev/null
check "and has the Slurm columns, null for its rows" is "$(sqlite3 "$old/jobs.db" "SELECT count(*) FROM pragma_table_info('jobs') WHERE name IN ('slurm_job_id', 'slurm_node')"):$(sqlite3 "$old/jobs.db" "SELECT quote(slurm_job_id) || quote(slurm_node) FROM jobs")" "2:NULLNULL"
check "opened again: added once" "$BUILD/jobctl" -c "$old/jobs.ini" jobs alice >/dev/null
