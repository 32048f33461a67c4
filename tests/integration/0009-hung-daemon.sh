# 0009-hung-daemon: a jobd that does not read its queue (stopped with
# SIGSTOP): every client still hears 503 within about a second, at once
# once jobd's heartbeat is stale, and the commands given up on are not
# carried out later.
source "$(dirname "$0")/../lib.sh"
stack_up 's/^workers = .*/workers = 8/'

jpid=$(cat "$T_DIR/run/jobd.pid")
kill -STOP "$jpid"
t0=$(date +%s%N)
create "lines=1"
t1=$(date +%s%N)
check "hung jobd: 503" is "$ST" 503
check "after about a second" test $(( (t1 - t0) / 1000000 )) -lt $((1600 + T_SLACK * 1000))
check "Retry-After" is "$(hdr Retry-After)" 1
# Enough at once to fill the queue (10 messages): none may hang.
for i in $(seq 16); do
	curl -s -o /dev/null -w '%{http_code} %{time_total}\n' \
	    -H "Authorization: Bearer $TA" -H 'Content-Type: application/json' \
	    -d "{\"urls\":[\"$(furl lines=1)\"]}" "$URL/api/jobs" &
done > "$T_DIR/codes"
wait
check "16 at once: all 503" is "$(cut -d' ' -f1 "$T_DIR/codes" | sort -u | tr -d '\n')" 503
# Each answer on its own: none waited out the queue's 1 s deadline,
# since the heartbeat is stale by now.
slowest=$(cut -d' ' -f2 "$T_DIR/codes" | sort -g | tail -n 1)
check "16 at once: none waited a second (stale heartbeat; slowest $slowest s)" \
    awk -v t="$slowest" -v s="$T_SLACK" 'BEGIN { exit !(t < 0.9 + s) }'
t0=$(date +%s%N)
create "lines=1"
t1=$(date +%s%N)
check "503 at once now" test $(( (t1 - t0) / 1000000 )) -lt $((900 + T_SLACK * 1000))
api GET /api/jobs
check "polling still answers while jobd hangs" is "$ST" 200
t0=$(date +%s%N)
api GET /api/health "" -
t1=$(date +%s%N)
check "health: a hung jobd is down" is "$ST:$(jb .status)" "503:down"
check "health answers within about a second" test $(( (t1 - t0) / 1000000 )) -lt $((1600 + T_SLACK * 1000))
kill -CONT "$jpid"
ping_ok() { ctl ping >/dev/null 2>&1; }
check "jobd answers again" wait_for 5 ping_ok
check "commands given up on were dropped, not run" is "$(rows)" 0
check "and jobd said so" grep -q "read after its sender gave up" "$T_DIR/log/jobd.log"
create "lines=1"
check "new jobs are taken again" is "$ST" 201
api GET /api/health "" -
check "health ok again" is "$ST:$(jb .status)" "200:ok"
