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
# The loop's thread alone (strace -f prefixes each line with its pid):
# the checkpoint thread's syncs do not count.
tail -n +"$((n0 + 1))" "$T_DIR/strace" | grep -v -- '---' | grep "^$jpid " > "$T_DIR/calls"
# The first three answers (create, cancel, delete) each follow a sync
# made since the answer before (other syncs, the checkpoint's, may come
# in between: they do no harm).
order=$(grep -o 'fsync\|fdatasync\|mq_timedsend' "$T_DIR/calls" | sed 's/fdatasync/fsync/' |
    awk '$0 == "fsync" { s = 1 } $0 == "mq_timedsend" { n++; if (n <= 3) printf "%s ", s ? "synced" : "UNSYNCED"; s = 0 }')
check "create, cancel, delete: each answer after a sync ($order)" is "$order" "synced synced synced "
syncs=$(grep -c 'fsync\|fdatasync' "$T_DIR/calls")
sends=$(grep -c 'mq_timedsend' "$T_DIR/calls")
# Creates that arrive together share a sync; how many do depends on the
# timing, so the check is only that no answer costs more than one.
check "at most one sync an answer ($sends answers, $syncs syncs)" test "$syncs" -le "$sends"
