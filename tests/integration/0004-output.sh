# 0004-output: the output ring, since/ETag, and how a job's end is read.
source "$(dirname "$0")/../lib.sh"
T_EXTRA_CONF='[runner broken]
executable = /nonexistent/votify
url_regex = ^https://open\.spotify\.com/'
stack_up

# 600 lines: the last 500 are held, numbered by output_next.
create "lines=600"
check "600 lines done" wait_for 10 finished "$JOB"
api GET "/api/jobs/$JOB"
n=$(jb .output_next)
check "output_next counts every line" is "$n" 603
check "500 held" is "$(jb '.output|length')" 500
check "oldest dropped first" is "$(jb '.output[0]')" "[INFO     12:00:01] line 101"
check "newest last" is "$(jb '.output[-1]')" "[INFO     12:00:01] Finished with 0 error(s)"
api GET "/api/jobs/$JOB?since=600"
check "since=600: 3 lines" is "$(jb '.output|length')" 3
check "since keeps numbering" is "$(jb '.output[0]')" "[INFO     12:00:01] line 598"
api GET "/api/jobs/$JOB?since=0"
check "since below held: from the oldest held" is "$(jb '.output|length')" 500
api GET "/api/jobs/$JOB?since=9999"
check "since beyond output_next: empty" is "$(jb '.output|length'):$(jb .output_next)" "0:603"
check "stored output matches" is "$(sql "SELECT json_array_length(output), output_next FROM jobs WHERE id='$JOB'")" "500|603"

# Empty lines are lines: served live (from shared memory) and stored.
create "blank=3&hang=1"; blank=$JOB
blanks() { api GET "/api/jobs/$blank"; jb '.output[]' | grep -q 'after blank 2'; }
check "blank lines printed" wait_for 10 blanks
check "live: each empty line is \"\" before its marker" is \
    "$(jb '[.output | to_entries[] | select(.value == "") | .key] as $k | [$k[] as $i | .output[$i + 1]] | join("|")')" \
    "[INFO     12:00:01] after blank 0|[INFO     12:00:01] after blank 1|[INFO     12:00:01] after blank 2"
live_out=$(jq -c .output "$T_DIR/body")
api POST "/api/jobs/$blank/cancel"
check "blank job ends" wait_for 5 finished "$blank"
api GET "/api/jobs/$blank"
check "stored: the same lines, then the cancel line" is "$(jq -c '.output[:-1]' "$T_DIR/body")" "$live_out"

# ETag and 304, for a finished job and a live one.
api GET "/api/jobs/$JOB"
etag=$(hdr ETag)
check "ETag present" test -n "$etag"
api GET "/api/jobs/$JOB" "" "$TA" -H "If-None-Match: $etag"
check "304 when unchanged" is "$ST" 304
check "304 has no body" is "$(wc -c < "$T_DIR/body")" 0
create "hang=1&lines=2"
live=$JOB
live_has_output() { api GET "/api/jobs/$live"; [ "$(jb .output_next)" -ge 4 ]; }
check "live job has output" wait_for 10 live_has_output
api GET "/api/jobs/$live"
etag=$(hdr ETag)
api GET "/api/jobs/$live" "" "$TA" -H "If-None-Match: $etag"
check "304 for an unchanged live job" is "$ST" 304
api POST "/api/jobs/$live/cancel"
api GET "/api/jobs/$live" "" "$TA" -H "If-None-Match: $etag"
check "200 once it changed" is "$ST" 200

# Bytes that are not UTF-8, a line of 100 KiB, stdout and stderr.
create "badutf8=1&long=102400&stdout=1&progress=50"
check "done" wait_for 10 finished "$JOB"
api GET "/api/jobs/$JOB"
check "bad bytes replaced" is "$(jb '.output[]|select(startswith("bad "))')" "bad �� bytes �"
long=$(jb '.output[]|select(startswith("xxxx"))')
check "long line cut" test "${#long}" -le 4096
check "long line marked" bash -c "[[ '$long' == *'[line cut]' ]]"
check "stdout line captured" is "$(jb '[.output[]|select(.=="plain stdout line")]|length')" 1
check "50 redraws are one line" is "$(jb '[.output[]|select(startswith("[download]"))]|length')" 1
check "the redraw's last state" is "$(jb '.output[]|select(startswith("[download]"))')" "[download] 100.0% of 3.00MiB"

# Outcomes (doc/api.md "Outcome").
outcome() {	# outcome QUERY STATUS RC ERRORS
	create "$1"
	wait_for 10 finished "$JOB"
	api GET "/api/jobs/$JOB"
	check "$1 -> $2/$3/$4" is "$(jb '[.status,.return_code,.errors]|map(tostring)|join("/")')" "$2/$3/$4"
}
outcome "lines=1" completed 0 0
outcome "errors=2" failed 0 2
outcome "critical=1" failed 0 0
outcome "exit=3" failed 3 0
outcome "signal=9" failed -9 null
outcome "signal=15" failed -15 null
check "a killed job's row" is "$(sql "SELECT status, return_code FROM jobs WHERE id='$JOB'")" "failed|-15"

api POST /api/jobs "{\"urls\":[\"$(furl x=1)\"],\"runner\":\"broken\"}"
JOB=$(jb .id)
check "broken runner accepted" is "$ST" 201
check "broken runner ends" wait_for 10 finished "$JOB"
api GET "/api/jobs/$JOB"
check "cannot start: failed 127" is "$(jb '[.status,.return_code]|map(tostring)|join("/")')" "failed/127"
check "a line says why" bash -c "jq -r '.output[0]' '$T_DIR/body' | grep -q 'cannot run .*/nonexistent/votify.*No such file'"
check "no line before it" is "$(jb '.output|length')" 1

# An output folder that is a symlink out of the user's folder is refused.
mkdir -p "$T_DIR/downloads/alice" "$T_DIR/elsewhere"
ln -s "$T_DIR/elsewhere" "$T_DIR/downloads/alice/escape"
create "lines=1" '{"output":"escape/x"}'
check "symlinked output: job fails" wait_for 10 finished "$JOB"
api GET "/api/jobs/$JOB"
check "symlink escape refused" is "$(jb .status)/$(jb .return_code)" "failed/127"
check "nothing written outside" is "$(ls "$T_DIR/elsewhere" | wc -l)" 0

# Jobs run at job_nice (10 by default): downloads yield the processor to
# jobd, the responders and nginx; jobd itself keeps its own niceness.
create "nice=1"
check "nice job ends" wait_for 10 finished "$JOB"
api GET "/api/jobs/$JOB"
check "the job runs at niceness 10" is "$(jb '[.output[]|select(contains("nice: "))][0]|sub(".*nice: ";"")')" 10
check "jobd runs at niceness 0" is "$(cut -d' ' -f19 /proc/$(cat "$T_DIR/run/jobd.pid")/stat)" 0
