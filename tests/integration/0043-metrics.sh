# 0043-metrics: GET /api/metrics in the Prometheus text format, read by
# a real exposition-format parser (python3-prometheus-client), with
# figures that follow what happened: jobs started and ended by status,
# lines captured, live counts, answers by status.
source "$(dirname "$0")/../lib.sh"
stack_up

create "lines=3"; a=$JOB
check "a job completes" wait_for 10 status_is "$a" completed
create "hang=1"; b=$JOB
check "another runs" wait_for 10 status_is "$b" running
api POST "/api/jobs/$b/cancel"
check "cancelled ends" wait_for 10 finished "$b"
api GET /api/jobs/00000000-0000-4000-8000-000000000000
api GET /api/metrics "" -
check "200 without identity" is "$ST" 200
check "text format 0.0.4" is "$(hdr Content-Type)" "text/plain; version=0.0.4; charset=utf-8"
cp "$T_DIR/body" "$T_DIR/metrics.txt"

# The parser reads every family; print "name{labels} value" lines.
/usr/bin/python3 - "$T_DIR/metrics.txt" > "$T_DIR/parsed" 2> "$T_DIR/parse.err" <<'PY'
import sys
from prometheus_client.parser import text_string_to_metric_families
for fam in text_string_to_metric_families(open(sys.argv[1]).read()):
    for s in fam.samples:
        labels = ",".join(f'{k}="{v}"' for k, v in sorted(s.labels.items()))
        print(f"{s.name}{{{labels}}} {s.value:g}")
PY
check "the parser reads it all" test -s "$T_DIR/parsed" -a ! -s "$T_DIR/parse.err"
cat "$T_DIR/parse.err" >&2
m() { sed -n "s/^$1 //p" "$T_DIR/parsed"; }
check "jobd up" is "$(m 'jobs_up{}')" 1
check "two started" is "$(m 'jobs_started_total{}')" 2
check "one completed" is "$(m 'jobs_ended_total{status="completed"}')" 1
check "one cancelled" is "$(m 'jobs_ended_total{status="cancelled"}')" 1
check "lines counted" test "$(m 'jobs_output_lines_total{}')" -ge 5
check "slots" is "$(m 'jobs_live_slots{}')" 256
check "nothing live" is "$(m 'jobs_live{status="queued"}') $(m 'jobs_live{status="running"}')" "0 0"
check "SQLite writes counted" test "$(m 'jobs_sqlite_writes_total{}')" -ge 5
check "loop turns counted" test "$(m 'jobs_loop_turns_total{}')" -ge 1
check "201s counted" test "$(m 'jobs_http_responses_total{code="201"}')" -ge 2
check "the 404 counted" test "$(m 'jobs_http_responses_total{code="404"}')" -ge 1
check "no token or hash in jobd's log" bash -c "! grep -qF -e '$TA' -e '$(printf %s "$TA" | sha256sum | cut -c1-64)' '$T_DIR/log/jobd.log' '$T_DIR/log/fcgi.log'"
check "job lines in jobd's log name the job and its user" grep -q "job $a of 'alice' ended completed" "$T_DIR/log/jobd.log"

# Only this host's own scraper: from another address (127.0.0.2 is
# loopback too, but not the 127.0.0.1 nginx allows) a JSON 403.
st=$(curl -s -o "$T_DIR/body" -w '%{http_code}' --interface 127.0.0.2 "$URL/api/metrics")
check "metrics from another address: 403" is "$st" 403
check "in JSON" is "$(jb .error)" "Metrics are served to this host only."
