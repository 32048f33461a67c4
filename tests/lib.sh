# lib.sh: helpers for the integration tests.  Each test file starts its
# own stack (nginx, responders, jobd with tests/fake-votify as votify) on
# a free loopback port with a unique instance, and stops it at exit.
set -u
T_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$T_TOP/$BUILD" ;; esac
export BUILD
T_PASS=0 T_FAIL=0 T_NAME=$(basename "$0" .sh)
# Seconds added to deadlines that measure jobd itself, when it runs
# under valgrind (make valgrind) and is many times slower.
T_SLACK=0; [ "${VALGRIND:-0}" = 1 ] && T_SLACK=3

ok() { T_PASS=$((T_PASS + 1)); }
fail() { T_FAIL=$((T_FAIL + 1)); echo "not ok - $T_NAME: $1" >&2; }

# check DESC CMD...: pass when CMD succeeds.
check() {
	local desc=$1; shift
	if "$@"; then ok; else fail "$desc"; fi
}

# wait_for SECONDS CMD...: poll CMD every 50 ms until it succeeds.
wait_for() {
	local end=$(( $(date +%s%N) / 1000000 + $1 * 1000 )); shift
	while ! "$@"; do
		[ $(( $(date +%s%N) / 1000000 )) -ge $end ] && return 1
		sleep 0.05
	done
}

# free_port: a port below the kernel's ephemeral range (where no client
# socket can hold it) that no socket uses now, in any state.
free_port() {
	local p low
	read -r low _ < /proc/sys/net/ipv4/ip_local_port_range
	[ "${low:-0}" -gt 12000 ] || low=32768
	while :; do
		p=$(( 10000 + RANDOM % (low - 10000) ))
		ss -tanH "sport = :$p" 2>/dev/null | grep -q . || { echo $p; return; }
	done
}

# stack_up [SED-EXPR...]: config edits, then the stack and three users:
# alice and bob ($TA, $TB) and the admin root ($TR).
stack_up() {
	T_DIR=$(mktemp -d /tmp/jobs-test.XXXXXX)
	T_PORT=$(free_port)
	T_CONF=$("$T_TOP/scripts/stack" config --dir "$T_DIR" \
	    --instance "t$$x$RANDOM" --votify "$T_TOP/tests/fake-votify")
	local e
	for e in "$@"; do sed -i "$e" "$T_CONF"; done
	[ -n "${T_EXTRA_CONF:-}" ] && printf '%s\n' "$T_EXTRA_CONF" >> "$T_CONF"
	trap stack_down EXIT
	# A timeout (run-integration) or Ctrl-C still stops the stack.
	trap 'fail "stopped by a signal"; exit 124' TERM INT
	URL=$("$T_TOP/scripts/stack" up --dir "$T_DIR" --port "$T_PORT" \
	    --config "$T_CONF" ${STACK_ARGS[@]+"${STACK_ARGS[@]}"}) ||
	    { fail "stack up"; exit 1; }
	T_DB="$T_DIR/state/jobs.db"
	ctl user add alice >/dev/null; ctl user add bob >/dev/null
	ctl user add root admin >/dev/null
	TA=$(ctl token issue alice); TB=$(ctl token issue bob); TR=$(ctl token issue root)
}

stack_down() {
	local left
	"$T_TOP/scripts/stack" down --dir "$T_DIR" || fail "stack down (valgrind?)"
	# A clean stop leaves no shared memory or queue of the instance
	# (jobctl probes every name, /dev/mqueue mounted or not).
	left=$(ctl ipc)
	[ -z "$left" ] || fail "IPC objects left behind: $left"
	# Sanitizer builds report into the daemons' logs (make asan).
	if grep -l "ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:" \
	    "$T_DIR"/log/*.log >&2 2>/dev/null; then
		fail "a sanitizer reported an error"
		grep -h -A 20 "Sanitizer\|runtime error:" "$T_DIR"/log/*.log | head -n 60 >&2
	fi
	if [ "$T_FAIL" -gt 0 ]; then
		echo "--- logs of $T_NAME" >&2
		tail -n 20 "$T_DIR"/log/jobd.log "$T_DIR"/log/fcgi.log >&2 || true
	fi
	rm -rf "$T_DIR"
	echo "$T_NAME: $T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" -eq 0 ] || exit 1
}

# ctl: jobctl as the stack's service user, when it has one (jobctl talks
# to jobd, and writes the database, as jobd's own user).
ctl() {
	local u; u=$(cat "$T_DIR/run/user" 2>/dev/null || true)
	if [ -n "$u" ]; then
		setpriv --reuid="$u" --regid="$(id -gn "$u")" --init-groups \
		    "$BUILD/jobctl" -c "$T_CONF" "$@"
	else
		"$BUILD/jobctl" -c "$T_CONF" "$@"
	fi
}
sql() { sqlite3 -cmd '.timeout 5000' "$T_DB" "$@"; }

# api METHOD PATH [BODY [TOKEN [CURL-ARGS...]]]: sets ST; body in $T_DIR/body,
# headers in $T_DIR/headers.  TOKEN defaults to alice's; "-" sends none.
# CT overrides the body's Content-Type ("" sends none).
api() {
	local m=$1 p=$2 body=${3:-} tok=${4:-$TA}
	shift $(( $# < 4 ? $# : 4 ))
	local args=(-s -o "$T_DIR/body" -D "$T_DIR/headers" -w '%{http_code}' -X "$m")
	[ "$tok" != - ] && args+=(-H "Authorization: Bearer $tok")
	rm -f "$T_DIR/body"; : > "$T_DIR/body"
	[ -n "$body" ] && args+=(-H "Content-Type: ${CT-application/json}" --data-binary "$body")
	ST=$(curl "${args[@]}" "$@" "$URL$p")
}

# jb FILTER: jq on the last body.
jb() { jq -r "$1" "$T_DIR/body"; }
hdr() { sed -n "s/^$1: *//Ip" "$T_DIR/headers" | tr -d '\r'; }
is() { [ "$1" = "$2" ] || { echo "  expected '$2', got '$1'" >&2; return 1; }; }

# A Spotify-shaped URL whose query string tells fake-votify what to do.
furl() { echo "https://open.spotify.com/track/AAAAAAAAAAAAAAAAAAAAAA?$1"; }

# create QUERY [OPTIONS-JSON [TOKEN]]: a job; its id in $JOB.
create() {
	api POST /api/jobs "{\"urls\":[\"$(furl "$1")\"],\"options\":${2:-{\}}}" "${3:-$TA}"
	JOB=$(jb .id)
}

status_is() { api GET "/api/jobs/$1" "" "${3:-$TA}"; [ "$(jb .status)" = "$2" ]; }
finished() { api GET "/api/jobs/$1" "" "${2:-$TA}"; case "$(jb .status)" in completed|failed|cancelled) return 0;; esac; return 1; }
rows() { sql "SELECT count(*) FROM jobs"; }
# alive PID: the process exists and is not a zombie.
alive() { local st; st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null); [ -n "$st" ] && [ "$st" != Z ]; }
