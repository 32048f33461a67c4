# 0046-crash-loop: jobd killed with kill -9 at random moments while
# clients create jobs, CRASH_KILLS times (10 here; `make crash-test` does
# 100): every job that got a 201 exists in one coherent final state, none
# ran twice, no job process is left over, and the table and the queue
# serve again.  Prints the counts.
source "$(dirname "$0")/../lib.sh"
K=${CRASH_KILLS:-10}
stack_up 's/^max_concurrent_jobs = .*/max_concurrent_jobs = 4/' \
    's/^max_live_jobs_per_user = .*/max_live_jobs_per_user = 100000/'

# creator SECONDS: creates for that long; "status id tag" per line.
tag=0
creator() {
	local end=$(( $(date +%s%N) + $1 * 1000000000 )) code id
	while [ "$(date +%s%N)" -lt "$end" ]; do
		tag=$((tag + 1))
		code=$(curl -s -o "$T_DIR/c.body" -w '%{http_code}' -m 3 \
		    -H "Authorization: Bearer $TA" -H 'Content-Type: application/json' \
		    -d "{\"urls\":[\"$(furl "lines=3&sleep=0.1&mark=$$.$BASHPID.$tag")\"]}" \
		    "$URL/api/jobs")
		id=$(jq -r '.id // "-"' "$T_DIR/c.body" 2>/dev/null)
		echo "$code $id $$.$BASHPID.$tag"
	done
}

kills=0
for ((k = 0; k < K; k++)); do
	creator 1 >> "$T_DIR/created.$k" &
	cpid=$!
	sleep "0.$((RANDOM % 9 + 1))"
	"$T_TOP/scripts/stack" jobd-kill --dir "$T_DIR" && kills=$((kills + 1))
	wait "$cpid"
	"$T_TOP/scripts/stack" jobd-start --dir "$T_DIR" >/dev/null || fail "jobd-start after kill $k"
done
cat "$T_DIR"/created.* > "$T_DIR/created"
ok201=$(grep -c '^201 ' "$T_DIR/created")
others=$(grep -vc '^201 ' "$T_DIR/created")
settled() { [ "$(sql "SELECT count(*) FROM jobs WHERE status IN ('queued','running')")" = 0 ]; }
check "creates went through between the kills ($ok201)" test "$ok201" -ge "$K"
check "every job settles" wait_for 120 settled

missing=0
while read -r code id t; do
	[ "$(sql "SELECT count(*) FROM jobs WHERE id='$id'")" = 1 ] || missing=$((missing + 1))
done < <(grep '^201 ' "$T_DIR/created")
check "every 201 has its row ($ok201 of them)" is "$missing" 0
check "every row in a final state" is "$(sql "SELECT count(*) FROM jobs WHERE status NOT IN ('completed','failed','cancelled') OR finished_at IS NULL OR return_code IS NULL")" 0
check "completed ones ran to the end" is "$(sql "SELECT count(*) FROM jobs WHERE status='completed' AND (return_code != 0 OR started_at IS NULL OR started_at > finished_at)")" 0
check "failed ones were interrupted by a restart" is "$(sql "SELECT count(*) FROM jobs WHERE status='failed' AND json_extract(output, '\$[#-1]') NOT LIKE '%jobd restarted%'")" 0
twice=$(cat "$T_DIR"/downloads/alice/ran.* 2>/dev/null | wc -l)
runs=$(ls "$T_DIR"/downloads/alice/ | grep -c '^ran\.')
check "none ran twice ($runs runs)" is "$twice" "$runs"
check "no job process left over" bash -c "! pgrep -f 'fake-votif[y].*$(basename "$T_DIR")' >/dev/null"
create "lines=1"
check "the queue serves again" is "$ST" 201
check "and the table" wait_for 10 status_is "$JOB" completed
echo "  crash loop: $kills kills, $((ok201 + others)) creates tried, $ok201 answered 201," \
    "$others not ($(grep -v '^201 ' "$T_DIR/created" | cut -d' ' -f1 | sort | uniq -c |
        awk '{ printf "%s%s x %s", (NR > 1 ? ", " : ""), $1, $2 }'))," \
    "rows: $(sql "SELECT count(*) FROM jobs WHERE status='completed'") completed," \
    "$(sql "SELECT count(*) FROM jobs WHERE status='failed'") interrupted (the check's own job included)" >&2
