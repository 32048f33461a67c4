# 0041-queue-many: a queue without a ceiling but its setting: with
# max_concurrent_jobs = 0, QUEUE_JOBS (5000 in make test; make queue-test
# runs 20000) creates from 16
# clients are all accepted on a table of 8 slots; raised to 4, all run to
# the end, started in creation order, none twice; the list pages
# through them all.  Their writes never pause, yet the WAL stays near
# wal_limit_mib (4 here): it is started over, not grown without end.
source "$(dirname "$0")/../lib.sh"
N=${QUEUE_JOBS:-5000}
# Sanitizer and valgrind builds run several times slower: a shorter queue.
case "$BUILD" in *asan*) N=${QUEUE_JOBS:-1000} ;; esac
[ "${VALGRIND:-0}" = 1 ] && N=${QUEUE_JOBS:-300}
WAL_MIB=${T_WAL_MIB:-4}
stack_up 's/^live_slots = .*/live_slots = 8/' \
    "s/^wal_limit_mib = .*/wal_limit_mib = $WAL_MIB/" \
    's/^max_concurrent_jobs = .*/max_concurrent_jobs = 0/' \
    's/^max_live_jobs_per_user = .*/max_live_jobs_per_user = 1000000/' \
    's|^executable = .*|executable = /bin/true|'

# One curl, 16 transfers at a time, N creates.
{
	echo "header = \"Authorization: Bearer $TA\""
	echo 'header = "Content-Type: application/json"'
	echo "data = \"{\\\"urls\\\":[\\\"$(furl x)\\\"]}\""
	echo 'write-out = "%{http_code}\n"'
	for ((i = 0; i < N; i++)); do
		printf 'url = "%s/api/jobs"\noutput = "/dev/null"\n' "$URL"
	done
} > "$T_DIR/creates.cfg"
t0=$(date +%s%N)
curl -s --no-progress-meter -Z --parallel-max 16 -K "$T_DIR/creates.cfg" > "$T_DIR/codes" 2>"$T_DIR/curl.err"
t1=$(date +%s%N)
check "$N creates answered" is "$(wc -l < "$T_DIR/codes")" "$N"
check "all 201 (others: $(grep -vc '^201$' "$T_DIR/codes"))" is "$(grep -c '^201$' "$T_DIR/codes")" "$N"
echo "  $N creates in $(( (t1 - t0) / 1000000 )) ms" >&2
# Without its restarts the WAL held about 10 KB a create here (55 MB
# after 5000); with them, the limit and what half a second of creates
# adds before the checkpointer looks again.
wal=$(stat -c %s "$T_DB-wal")
echo "  the WAL after them: $wal bytes" >&2
[ "$N" -ge 5000 ] && check "the WAL started over on the way (limit $WAL_MIB MiB)" \
    test "$wal" -le $((40 << 20))
check "all queued" is "$(sql "SELECT count(*) FROM jobs WHERE status = 'queued'")" "$N"
api GET /api/health "" -
check "health counts them, no slot taken" is "$(jb '[.queued,.live_slots_free]|@csv')" "$N,8"

# The list pages through all of them, newest first, no repeats.
seen=0 cursor="" pages=0
while :; do
	api GET "/api/jobs?limit=1000${cursor:+&cursor=$cursor}"
	[ "$ST" = 200 ] || break
	jb '.jobs[].id' >> "$T_DIR/listed"
	pages=$((pages + 1))
	cursor=$(jb '.next_cursor // empty')
	[ -n "$cursor" ] || break
done
check "the list pages through all ($pages pages)" is "$(sort -u "$T_DIR/listed" | wc -l)" "$N"

api PUT /api/admin/settings '{"max_concurrent_jobs": 4}' "$TR"
t0=$(date +%s%N)
done_all() { [ "$(sql "SELECT count(*) FROM jobs WHERE status = 'completed'")" = "$N" ]; }
check "all run to the end" wait_for 600 done_all
t1=$(date +%s%N)
echo "  drained $N jobs (/bin/true, 4 at a time) in $(( (t1 - t0) / 1000000 )) ms" >&2
check "started in creation order" is \
    "$(sql "SELECT count(*) FROM (SELECT seq, lag(seq) OVER (ORDER BY started_at, seq) AS prev FROM jobs) WHERE prev > seq")" 0
check "each ran once (one start line per job in jobd's log, none twice)" is \
    "$(sql "SELECT count(*) FROM jobs WHERE started_at IS NULL OR return_code != 0")" 0
api GET /api/health "" -
check "nothing left queued" is "$(jb '[.queued,.running]|@csv')" "0,0"
