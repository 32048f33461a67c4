# 0040-queue-trust: whoever can write jobd's command queue is no skeleton
# key: forged users and admin flags are refused, replies go only to live
# clients' queues, bad messages are dropped (and logged at a bounded
# rate), and jobd keeps serving with no job or setting changed.  Also:
# IPC objects squatted by another local user are never used.
source "$(dirname "$0")/../lib.sh"
stack_up
ctl user add carol >/dev/null
ctl user disable carol >/dev/null

create "hang=1" "{}" "$TB"; bob_job=$JOB
check "bob's job runs" wait_for 5 status_is "$bob_job" running "$TB"
rows_before=$(rows)
settings_before=$(sql "SELECT group_concat(key || '=' || value) FROM settings")

"$BUILD/tools/forge" "$T_CONF" "$bob_job" > "$T_DIR/forge.out" 2>&1
check "forge: every hostile message handled as it should" \
    grep -q '^forge: [0-9]* passed, 0 failed$' "$T_DIR/forge.out"
grep '^not ok' "$T_DIR/forge.out" >&2

check "no job was made" is "$(rows)" "$rows_before"
check "no user folder for mallory" test ! -e "$T_DIR/downloads/mallory"
check "no setting changed" is "$(sql "SELECT group_concat(key || '=' || value) FROM settings")" "$settings_before"
check "bob's job still runs" status_is "$bob_job" running "$TB"
api GET /api/admin/settings "" "$TR"
check "max_concurrent_jobs as it was" is "$(jb .max_concurrent_jobs)" 2
create "lines=1"
check "a real create still works" is "$ST" 201
check "jobd logs refusals" grep -q "refused: user 'mallory' is unknown" "$T_DIR/log/jobd.log"

# A flood of bad messages is logged at a bounded rate.
for i in $(seq 1 5); do "$BUILD/tools/forge" "$T_CONF" "$bob_job" >/dev/null 2>&1; done
n=$(grep -c "dropped\|refused" "$T_DIR/log/jobd.log")
check "bad messages logged at most 20 a minute (got $n)" test "$n" -le 20

# Squatting: a table and a queue another user made under the instance's
# names before jobd starts are not used (jobd replaces them as root; as
# a service user it refuses to start, see the README).
"$T_TOP/scripts/stack" jobd-stop --dir "$T_DIR"
inst=$(sed -n 's/^instance = //p' "$T_CONF")
if id nobody >/dev/null 2>&1; then
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    bash -c "umask 0; printf 'not a table' > /dev/shm/jobs.$inst.tab"
	check "squatted table is nobody's" is "$(stat -c %U /dev/shm/jobs.$inst.tab)" nobody
	"$T_TOP/scripts/stack" jobd-start --dir "$T_DIR" >/dev/null
	check "jobd replaced the squatted table" is "$(stat -c '%U %a' /dev/shm/jobs.$inst.tab)" "$(id -un) 640"
	check "jobd logged it" grep -q "another user had made" "$T_DIR/log/jobd.log"
	api GET "/api/jobs/$bob_job" "" "$TB"
	check "service answers after the squat" is "$ST" 200
else
	fail "no user 'nobody' to squat with"
fi
