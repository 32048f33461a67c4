# 0048-resource-bounds: abuse by one user stays bounded.  A job printing
# 1 GB as fast as it can, one printing a 100 MB line without a newline,
# and 10,000 creates from one user: jobd's memory stays bounded (its
# peak RSS is printed), the 500-line cap and the per-user limit hold,
# and another user's polls keep answering meanwhile.
source "$(dirname "$0")/../lib.sh"
# Sanitizer and valgrind builds run several times slower, and ASan keeps
# freed memory in quarantine: a smaller flood there, and no RSS bound.
flood=1073741824 rss_max=65536
case "$BUILD" in *asan*) flood=134217728 rss_max="" ;; esac
[ "${VALGRIND:-0}" = 1 ] && { flood=67108864; rss_max=""; }
stack_up
jpid=$(cat "$T_DIR/run/jobd.pid")
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$jpid/status"; }
rss0=$(rss)
create "lines=2" "{}" "$TB"; bobs=$JOB
create "flood=$flood"; fjob=$JOB
create "oneline=104857600"; long=$JOB
# Bob polls his job all the while; jobd's RSS is sampled.
peak=$rss0 polls=0 bad=0
ended() { finished "$fjob" && finished "$long"; }
end=$(( $(date +%s) + 120 ))
while ! ended && [ "$(date +%s)" -lt "$end" ]; do
	for i in 1 2 3 4 5; do
		st=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TB" "$URL/api/jobs/$bobs")
		polls=$((polls + 1)); [ "$st" = 200 ] || bad=$((bad + 1))
	done
	r=$(rss); [ "${r:-0}" -gt "$peak" ] && peak=$r
done
check "both abusive jobs ended" ended
check "bob's $polls polls all answered 200 ($bad not)" is "$bad" 0
echo "  jobd RSS: $rss0 kB at start, peak $peak kB while $flood bytes and a 100 MB line went through" >&2
[ -n "$rss_max" ] && check "jobd's RSS stayed under 64 MiB (peak $peak kB)" test "$peak" -lt "$rss_max"
api GET "/api/jobs/$fjob"
check "1 GB of output: 500 lines held" is "$(jb '.output|length')" 500
check "lines counted past that" test "$(jb .output_next)" -gt $((flood / 40))
check "no line over 4 KiB" is "$(jb '[.output[]|select(utf8bytelength > 4096)]|length')" 0
api GET "/api/jobs/$long"
check "the 100 MB line is cut" bash -c "jq -r '.output[0]' '$T_DIR/body' | grep -q ' \[line cut\]$'"
check "to 4 KiB" test "$(jb '.output[0]|utf8bytelength')" -le 4096

# 10,000 creates from one user: the per-user limit (20 live) holds.
{
	echo "header = \"Authorization: Bearer $TA\""
	echo 'header = "Content-Type: application/json"'
	echo "data = \"{\\\"urls\\\":[\\\"$(furl hang=1)\\\"]}\""
	echo 'write-out = "%{http_code}\n"'
	for i in $(seq 1 10000); do printf 'url = "%s/api/jobs"\noutput = "/dev/null"\n' "$URL"; done
} > "$T_DIR/creates.cfg"
curl -s --no-progress-meter -Z --parallel-max 16 -K "$T_DIR/creates.cfg" > "$T_DIR/codes" 2>/dev/null
check "10,000 creates: 20 accepted" is "$(grep -c '^201$' "$T_DIR/codes")" 20
check "the rest 429" is "$(grep -c '^429$' "$T_DIR/codes")" 9980
check "alice has 20 live jobs" is "$(sql "SELECT count(*) FROM jobs WHERE user_id='alice' AND status IN ('queued','running')")" 20
api GET "/api/jobs/$bobs" "" "$TB"
check "bob still served" is "$ST" 200
echo "  jobd RSS after: $(rss) kB" >&2
