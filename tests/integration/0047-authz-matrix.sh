# 0047-authz-matrix: every endpoint against every kind of caller: no
# token, malformed headers, a wrong token, a revoked token, a disabled
# user's token, a user (on their own job and on another user's), an
# admin.  And "no such job" answers exactly as "someone else's job".
source "$(dirname "$0")/../lib.sh"
stack_up
ctl user add carol >/dev/null
TC=$(ctl token issue carol); ctl user disable carol >/dev/null
TV=$(ctl token issue alice); ctl token revoke "$TV" >/dev/null
NOPE=00000000-0000-4000-8000-000000000000

create "hang=1" "{}" "$TA"; run_a=$JOB
create "lines=1" "{}" "$TA"; done_a=$JOB
create "hang=1" "{}" "$TB"; run_b=$JOB
check "jobs settle" wait_for 10 finished "$done_a"

# call METHOD PATH BODY AUTH-HEADER...: the status of one request.
call() {
	local m=$1 p=$2 body=$3; shift 3
	local args=(-s -o "$T_DIR/body" -w '%{http_code}' -X "$m")
	for h in "$@"; do args+=(-H "$h"); done
	[ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
	curl "${args[@]}" "$URL$p"
}
B="{\"urls\":[\"$(furl lines=1)\"]}"
# The endpoints, each with the status a plain user gets on their own
# things; "-" marks the ones that need no identity.
endpoints=(
	"GET /api/jobs - 200"
	"POST /api/jobs $B 201"
	"GET /api/jobs/$done_a - 200"
	"POST /api/jobs/$done_a/retry - 201"
	"POST /api/jobs/$run_a/cancel - 200"
	"DELETE /api/jobs/$done_a - 204"
	"GET /api/admin/users/bob/jobs - 403"
	"GET /api/admin/settings - 403"
	"PUT /api/admin/settings {} 403"
)
bad_ids=(
	"none|"
	"empty bearer|Authorization: Bearer"
	"basic|Authorization: Basic YWxpY2U6eA=="
	"no scheme|Authorization: $TA"
	"wrong token|Authorization: Bearer x$TA"
	"overlong token|Authorization: Bearer $(printf 'a%.0s' $(seq 300))"
	"revoked token|Authorization: Bearer $TV"
	"disabled user|Authorization: Bearer $TC"
	"forged Remote-User|Remote-User: root"
)
n=0 rows_before=$(rows)
for e in "${endpoints[@]}"; do
	read -r m p body want <<< "$e"
	[ "$body" = - ] && body=""
	for idh in "${bad_ids[@]}"; do
		name=${idh%%|*} h=${idh#*|}
		st=$(call "$m" "$p" "$body" ${h:+"$h"})
		check "$m $p as $name: 401" is "$st" 401
		n=$((n + 1))
	done
done
check "no refused call changed anything" is "$(rows) $(sql "SELECT group_concat(status) FROM jobs")" \
    "$rows_before running,completed,running"
for e in "${endpoints[@]}"; do
	read -r m p body want <<< "$e"
	[ "$body" = - ] && body=""
	check "$m $p as alice: $want" is "$(call "$m" "$p" "$body" "Authorization: Bearer $TA")" "$want"
	n=$((n + 1))
done
# Another user's job: exactly as a job that does not exist.
for e in "GET /api/jobs/ -" "POST /api/jobs/ /cancel" "POST /api/jobs/ /retry" "DELETE /api/jobs/ -"; do
	read -r m pre post <<< "$e"
	[ "$post" = - ] && post=""
	st1=$(call "$m" "$pre$run_b$post" "" "Authorization: Bearer $TA"); b1=$(cat "$T_DIR/body")
	st2=$(call "$m" "$pre$NOPE$post" "" "Authorization: Bearer $TA"); b2=$(cat "$T_DIR/body")
	check "$m bob's job as alice: 404 like no job" is "$st1 $b1" "404 $b2"
	n=$((n + 2))
done
check "bob's job untouched" status_is "$run_b" running "$TB"
# The admin.
for e in "GET /api/admin/users/bob/jobs 200" "GET /api/admin/settings 200" \
    "PUT /api/admin/settings 200" "GET /api/jobs/$run_b 404" "POST /api/jobs/$run_b/cancel 404"; do
	read -r m p want <<< "$e"
	body=""; [ "$m" = PUT ] && body='{"job_expiry_days": 30}'
	check "$m $p as root: $want" is "$(call "$m" "$p" "$body" "Authorization: Bearer $TR")" "$want"
	n=$((n + 1))
done
for p in /api/health /api/metrics; do
	check "GET $p needs no identity" is "$(call GET "$p" "")" 200
	n=$((n + 1))
done
echo "  authorization matrix: $n requests" >&2

# Timing of "no such job" against "someone else's job" (figures only).
tm() { for i in $(seq 1 200); do curl -s -o /dev/null -w '%{time_total}\n' \
    -H "Authorization: Bearer $TA" "$URL/api/jobs/$1"; done | sort -n | sed -n '100p'; }
echo "  median of 200 GETs: someone else's job $(tm "$run_b") s, no such job $(tm "$NOPE") s" >&2
