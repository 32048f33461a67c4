# 0042-abuse-bounds: what one user can do to the disk and to others is
# bounded: creates a minute per user (creates_per_minute), jobs stored
# per user (max_jobs_per_user), and a list page's bytes (whatever limit
# asks, a page of big rows ends early, with a cursor).
source "$(dirname "$0")/../lib.sh"
stack_up 's/^max_concurrent_jobs = .*/max_concurrent_jobs = 0/' \
    's/^max_live_jobs_per_user = .*/max_live_jobs_per_user = 100000/' \
    's/^creates_per_minute = .*/creates_per_minute = 30/' \
    's/^max_jobs_per_user = .*/max_jobs_per_user = 40/'

# Descriptors jobd inherited (here fd 9 from the shell that started it)
# never reach a job.
"$T_TOP/scripts/stack" jobd-stop --dir "$T_DIR"
"$T_TOP/scripts/stack" jobd-start --dir "$T_DIR" 9<"$T_CONF" >/dev/null
check "jobd holds the inherited fd 9" test -e "/proc/$(cat "$T_DIR/run/jobd.pid")/fd/9"
api PUT /api/admin/settings '{"max_concurrent_jobs": 2}' "$TR"
create "fds=1" "{}" "$TB"; fdjob=$JOB
check "fd job ends" wait_for 10 finished "$fdjob" "$TB"
# 3 is the folder bash lists them from.
check "the job had 0, 1 and 2 only" is "$(jb '.output[]|select(contains("fds: "))|sub("^.*fds: ";"")')" "0 1 2 3 "
api PUT /api/admin/settings '{"max_concurrent_jobs": 0}' "$TR"

# A create-then-cancel loop: 30 go through at once, then about one every
# two seconds (the bucket refills), the rest 429.
codes="" t0=$(date +%s)
for i in $(seq 1 45); do
	create "lines=1"; codes+="$ST "
	[ "$ST" = 429 ] && cp "$T_DIR/body" "$T_DIR/last429"
	[ "$ST" = 201 ] && api POST "/api/jobs/$JOB/cancel" >/dev/null
done
secs=$(( $(date +%s) - t0 + 1 ))
n201=$(echo $codes | tr ' ' '\n' | grep -c 201)
n429=$(echo $codes | tr ' ' '\n' | grep -c 429)
check "30 creates a minute, then 429 ($n201 201, $n429 429 in $secs s)" \
    test "$n201" -ge 30 -a "$n201" -le $((30 + secs / 2 + 1)) -a "$((n201 + n429))" = 45 -a "$n429" -gt 0
check "429 says why" bash -c "jq -r .error '$T_DIR/last429' | grep -q 'in the last minute'"
create "lines=1" "{}" "$TB"
check "another user is not held back" is "$ST" 201
check "refused creates left no rows" is "$(sql "SELECT count(*) FROM jobs WHERE user_id='alice'")" "$n201"

# Stored jobs: bob may keep 40; past that, 429 until he deletes some.
sed -i 's/^creates_per_minute = .*/creates_per_minute = 0/' "$T_CONF"
"$T_TOP/scripts/stack" jobd-stop --dir "$T_DIR"
"$T_TOP/scripts/stack" jobd-start --dir "$T_DIR" >/dev/null
for i in $(seq 3 40); do create "lines=1" "{}" "$TB"; done
check "bob's 40th job: 201" is "$ST" 201
create "lines=1" "{}" "$TB"
check "41st: 429" is "$ST" 429
check "says to delete some" bash -c "jq -r .error '$T_DIR/body' | grep -q 'stored jobs'"
api POST "/api/jobs/$JOB/cancel" "" "$TB"
last=$(sql "SELECT id FROM jobs WHERE user_id='bob' ORDER BY seq DESC LIMIT 1")
api POST "/api/jobs/$last/cancel" "" "$TB"
api DELETE "/api/jobs/$last" "" "$TB"
check "delete one" is "$ST" 204
create "lines=1" "{}" "$TB"
check "room again after a delete" is "$ST" 201

# A page of big rows: 100 URLs each (about 14 KB of texts a job).
sed -i 's/^max_jobs_per_user = .*/max_jobs_per_user = 1000/' "$T_CONF"
"$T_TOP/scripts/stack" jobd-stop --dir "$T_DIR"
"$T_TOP/scripts/stack" jobd-start --dir "$T_DIR" >/dev/null
u=$(furl "lines=1")
big="{\"urls\":[$(for i in $(seq 100); do printf '"%s%04d",' "$u" "$i"; done | sed 's/,$//')]}"
printf '%s' "$big" > "$T_DIR/big.json"
for i in $(seq 1 320); do
	curl -s -o /dev/null -H "Authorization: Bearer $TR" -H 'Content-Type: application/json' \
	    --data-binary @"$T_DIR/big.json" "$URL/api/jobs"
done
check "320 big jobs" is "$(sql "SELECT count(*) FROM jobs WHERE user_id='root'")" 320
curl -s -o "$T_DIR/page" -w '%{size_download}' -H "Authorization: Bearer $TR" \
    "$URL/api/jobs?limit=1000" > "$T_DIR/size"
n1=$(jq '.jobs|length' "$T_DIR/page")
check "the page ends early ($n1 jobs, $(cat "$T_DIR/size") bytes)" test "$n1" -lt 320
check "under 8 MiB" test "$(cat "$T_DIR/size")" -lt $((8 * 1024 * 1024))
cursor=$(jq -r '.next_cursor' "$T_DIR/page")
total=$n1
while [ "$cursor" != null ]; do
	curl -s -o "$T_DIR/page" -H "Authorization: Bearer $TR" "$URL/api/jobs?limit=1000&cursor=$cursor"
	total=$((total + $(jq '.jobs|length' "$T_DIR/page")))
	cursor=$(jq -r '.next_cursor' "$T_DIR/page")
done
check "the cursor leads through all 320" is "$total" 320
check "the WAL stays bounded" test "$(stat -c %s "$T_DIR/state/jobs.db-wal" 2>/dev/null || echo 0)" -lt $((80 * 1024 * 1024))

