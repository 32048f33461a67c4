# 0002-create-and-poll: a job from POST to completed, as a browser sees it.
source "$(dirname "$0")/../lib.sh"
stack_up

create "args=1&lines=3&progress=4&sleep=0.3" '{"audio_quality":"aac-medium,aac-high","output":"albums/new","truncate":40}'
check "201" is "$ST" 201
check "Location" is "$(hdr Location)" "/api/jobs/$JOB"
check "ETag on create" test -n "$(hdr ETag)"
check "id is a lower-case uuid" bash -c "[[ '$JOB' =~ ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]]"
check "user_id" is "$(jb .user_id)" alice
check "live at once" bash -c "[[ '$(jb .status)' =~ ^(queued|running)$ ]]"
check "output_next starts at 0" is "$(jb .output_next)" 0
check "return_code null" is "$(jb .return_code)" null
check "options echoed" is "$(jb .options.truncate)" 40
check "progress has its four fields" is "$(jb '.progress|keys|join(",")')" "percent,track,url,urls"
check "created_at is a number" is "$(jb '.created_at|type')" number
check "row written at create" is "$(sql "SELECT count(*) FROM jobs WHERE id='$JOB'")" 1

check "completes" wait_for 10 finished "$JOB"
api GET "/api/jobs/$JOB"
check "completed" is "$(jb .status)" completed
check "return code 0" is "$(jb .return_code)" 0
check "errors 0" is "$(jb .errors)" 0
check "finished_at set" is "$(jb '.finished_at|type')" number
check "progress parsed" is "$(jb '[.progress.url,.progress.urls,.progress.track,.progress.percent]|@csv')" "1,1,1,100"
# The argument vector, in doc/api.md's order.
args=$(jb '[.output[]|select(startswith("[INFO     12:00:01] arg: "))|sub("^.*arg: ";"")]|join(" ")')
want="$T_TOP/tests/fake-votify --no-config-file --no-exceptions --log-level INFO --output $T_DIR/downloads/alice/albums/new --temp $T_DIR/state/tmp/$JOB --audio-quality aac-medium,aac-high --auto-media-option artist-albums --truncate 40 -- $(furl "args=1&lines=3&progress=4&sleep=0.3")"
check "argv order" is "$args" "$want"
check "command shown shell-quoted" is "$(jb .command)" "${want%-- *}-- '$(furl "args=1&lines=3&progress=4&sleep=0.3")'"
check "cwd is the output folder" is "$(jb '.output[]|select(contains("cwd: "))|sub("^.*cwd: ";"")')" "$T_DIR/downloads/alice/albums/new"
check "temp folder existed" is "$(jb '.output[]|select(contains("temp exists"))|sub("^.*: ";"")')" yes
check "temp folder removed at the end" test ! -e "$T_DIR/state/tmp/$JOB"
check "downloads written" test -e "$T_DIR/downloads/alice/albums/new/fake-done"
check "colour codes stripped" is "$(jb '[.output[]|select(contains("\u001b"))]|length')" 0
check "one line per redraw series" is "$(jb '[.output[]|select(startswith("[download]"))]|length')" 1
check "output_next counts lines" is "$(jb '.output_next')" "$(jb '.output|length')"

# The finished row in SQLite holds the output and outcome.
check "row completed" is "$(sql "SELECT status, return_code, json_array_length(output) = output_next FROM jobs WHERE id='$JOB'")" "completed|0|1"

# The list: newest first, no output.
first=$JOB
create "lines=1"
second=$JOB
JOB=$first
check "second completes" wait_for 10 finished "$second"
api GET /api/jobs
check "list 200" is "$ST" 200
check "list newest first" is "$(jb '[.jobs[].id]|join(",")')" "$second,$first"
check "list without output" is "$(jb '[.jobs[]|has("output")]|any')" false
check "list next_cursor null" is "$(jb .next_cursor)" null
check "list has output_next" is "$(jb '.jobs[0].output_next|type')" number

# Another user sees none of it, and gets 404 exactly as for a missing id.
api GET /api/jobs "" "$TB"
check "bob's list is empty" is "$(jb '.jobs|length')" 0
api GET "/api/jobs/$JOB" "" "$TB"
other=$(cat "$T_DIR/body")
check "bob gets 404 for alice's job" is "$ST" 404
api GET /api/jobs/00000000-0000-4000-8000-000000000000 "" "$TB"
check "same body as a missing job" is "$other" "$(cat "$T_DIR/body")"

# Polling is answered from shared memory: it works even with jobd stopped
# for finished jobs (from SQLite) and says so for health.
"$T_TOP/scripts/stack" jobd-stop --dir "$T_DIR"
# The time the loop waited on SQLite (design rule 3), logged at the stop.
check "jobd logged its SQLite write times" grep -Eq \
    "SQLite writes on the loop: [1-9][0-9]*, mean [0-9.]+ ms, longest [0-9.]+ ms" "$T_DIR/log/jobd.log"
api GET "/api/jobs/$JOB"
check "history readable with jobd down" is "$ST:$(jb .status)" "200:completed"
api GET /api/health "" -
check "health 503 with jobd down" is "$ST:$(jb .status)" "503:down"
t0=$(date +%s%N)
create "lines=1"
t1=$(date +%s%N)
check "create 503 with jobd down" is "$ST" 503
check "Retry-After" is "$(hdr Retry-After)" 1
check "503 comes fast (< 1.5 s)" test $(( (t1 - t0) / 1000000 )) -lt 1500
"$T_TOP/scripts/stack" jobd-start --dir "$T_DIR" >/dev/null
create "lines=1"
check "create works again after restart" is "$ST" 201
