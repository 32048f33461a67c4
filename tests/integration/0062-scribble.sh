# 0062-scribble: a process that can write the live table scribbles over
# a running job's slot while jobs print.  jobd keeps its own copy of every
# job's metadata, texts and line counters and only publishes them to the
# table: it neither hangs nor crashes nor believes what it finds there, the
# scribbled job ends as it would have (owner, outcome, row), other jobs
# and new ones are untouched, and only the scribbled slot may answer 503
# while it is being scribbled.
source "$(dirname "$0")/../lib.sh"
stack_up
inst=$(sed -n 's/^instance = //p' "$T_CONF")
tab=/dev/shm/jobs.$inst.tab
jobd_pid=$(cat "$T_DIR/run/jobd.pid")

create "lines=300&pace=0.01"; victim=$JOB
create "lines=300&pace=0.01" '{}' "$TB"; other=$JOB
printing() { api GET "/api/jobs/$1" "" "$2"; [ "$(jb .output_next)" -ge 20 ]; }
check "victim prints" wait_for 10 printing "$victim" "$TA"
check "the other prints" wait_for 10 printing "$other" "$TB"

# Two seconds of scribbling over the victim's slot, while both print and
# the other's owner polls.
"$T_TOP/tests/tools/scribble" "$tab" "$victim" 200 > "$T_DIR/scribbled" &
scr=$!
bad_other=0 polls=0
while alive $scr; do
	api GET "/api/jobs/$other" "" "$TB"
	polls=$((polls + 1))
	[ "$ST" = 200 ] || bad_other=$((bad_other + 1))
done
wait $scr
check "the scribbler found the slot" test -s "$T_DIR/scribbled"
check "polls of the other job answered 200 throughout ($polls polls)" \
    is "$bad_other" 0
check "jobd is alive" alive "$jobd_pid"
api GET /api/health "" -
check "health answers 200" is "$ST" 200

# The victim ends as it would have: jobd's own copy of it decides.
check "victim ends" wait_for 20 finished "$victim" "$TA"
check "victim completed, return code 0 (its row)" \
    is "$(sql "SELECT status, return_code, user_id, runner FROM jobs WHERE id='$victim'")" \
    "completed|0|alice|votify"
check "the victim's owner still sees it" is "$(jb .status)" completed
api GET "/api/jobs/$victim" "" "$TB"
check "bob still does not" is "$ST" 404
api GET "/api/jobs/$victim" "" "$TA"
check "its lines kept counting" test "$(jb .output_next)" -ge 300
check "its urls are what alice sent" is "$(jb '.urls[0]')" "$(furl "lines=300&pace=0.01")"

# The other job's lines are its own, in order, none lost or changed.
check "the other ends" wait_for 20 finished "$other" "$TB"
check "the other completed" is "$(jb .status)" completed
api GET "/api/jobs/$other" "" "$TB"
jb '.output[]' | sed -n 's/.*line \([0-9]*\)$/\1/p' > "$T_DIR/nums"
check "the other's last lines are its own, in order" \
    bash -c "seq \$(head -n1 '$T_DIR/nums') 299 | cmp -s - '$T_DIR/nums'"

# New work runs as before, in the same slots.
create "lines=3"; fresh=$JOB
check "a new job runs to the end" wait_for 10 finished "$fresh" "$TA"
check "completed" is "$(jb .status)/$(jb '.output|length')" "completed/$(jb '.output|length')"
check "jobd did not restart" is "$(cat "$T_DIR/run/jobd.pid")" "$jobd_pid"
check "jobd logged no crash" bash -c "! grep -qi 'segmentation\|abort\|assert' '$T_DIR/log/jobd.log'"
