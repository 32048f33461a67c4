# 0044-durable: a 201 (and a cancel's or delete's 200/204) is sent only
# once the row is on disk: strace on jobd shows the WAL synced before
# the answer goes out on the reply queue, and creates read together
# share one sync (group commit).
source "$(dirname "$0")/../lib.sh"
stack_up 's/^max_concurrent_jobs = .*/max_concurrent_jobs = 0/'
jpid=$(cat "$T_DIR/run/jobd.pid")
strace -f -q -e trace=fsync,fdatasync,mq_timedsend -o "$T_DIR/strace" -p "$jpid" &
spid=$!
# strace is attached once it has written the first traced call; make one.
attached() { api GET /api/health "" -; create "lines=1"; [ -s "$T_DIR/strace" ]; }
check "strace attached" wait_for 10 attached
: > "$T_DIR/strace.mark"
n0=$(wc -l < "$T_DIR/strace")
create "lines=1"; one=$JOB
check "create 201" is "$ST" 201
api POST "/api/jobs/$one/cancel"
check "cancel 200" is "$ST" 200
api DELETE "/api/jobs/$one"
check "delete 204" is "$ST" 204
# 16 creates at once: fewer syncs than creates.
pids=() before=$(rows)
for i in $(seq 1 16); do
	curl -s -o /dev/null -H "Authorization: Bearer $TA" -H 'Content-Type: application/json' \
	    -d "{\"urls\":[\"$(furl lines=1)\"]}" "$URL/api/jobs" &
	pids+=($!)
done
wait "${pids[@]}"
check "all 16 created" is "$(rows)" "$((before + 16))"
kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null
tail -n +"$((n0 + 1))" "$T_DIR/strace" | grep -v -- '---' > "$T_DIR/calls"
# The first three answers (create, cancel, delete) each follow a sync.
first3=$(grep -o 'fsync\|fdatasync\|mq_timedsend' "$T_DIR/calls" | tr '\n' ' ' | sed 's/fdatasync/fsync/g' | cut -d' ' -f1-6)
check "create, cancel, delete: each answer after a sync ($first3)" is "$first3" "fsync mq_timedsend fsync mq_timedsend fsync mq_timedsend"
syncs=$(grep -c 'fsync\|fdatasync' "$T_DIR/calls")
sends=$(grep -c 'mq_timedsend' "$T_DIR/calls")
check "group commit: $sends answers, $syncs syncs" test "$syncs" -lt "$sends"
