# 0011-delete-retry: DELETE and retry of finished and live jobs.
source "$(dirname "$0")/../lib.sh"
stack_up

create "lines=2" '{"cover_size":"large","output":"keep"}'
done_id=$JOB
check "finishes" wait_for 10 finished "$done_id"
check "its file is there" test -e "$T_DIR/downloads/alice/keep/fake-done"

# Retry: the same urls, options and runner as a new job.
api POST "/api/jobs/$done_id/retry"
check "retry 201" is "$ST" 201
new=$(jb .id)
check "a new id" test "$new" != "$done_id"
check "Location of the new job" is "$(hdr Location)" "/api/jobs/$new"
check "same urls" is "$(jb '.urls[0]')" "$(furl "lines=2")"
check "same options" is "$(jq -c .options "$T_DIR/body")" '{"cover_size":"large","output":"keep"}'
check "retried job runs" wait_for 10 finished "$new"
api GET "/api/jobs/$done_id"
check "the old one is as it was" is "$(jb .status)" completed
create "hang=1"; live=$JOB
api POST "/api/jobs/$live/retry"
check "retry of a live job: 409" is "$ST" 409
api POST "/api/jobs/$done_id/retry" "" "$TB"
check "retry of another's job: 404" is "$ST" 404

# Delete.
api DELETE "/api/jobs/$live"
check "delete running: 409" is "$ST" 409
check "409 says cancel first" bash -c "jq -r .error '$T_DIR/body' | grep -q 'cancel it first'"
api DELETE "/api/jobs/$done_id" "" "$TB"
check "delete another's job: 404" is "$ST" 404
api DELETE "/api/jobs/$done_id"
check "delete finished: 204" is "$ST" 204
check "204 has no body" is "$(wc -c < "$T_DIR/body")" 0
api GET "/api/jobs/$done_id"
check "then 404" is "$ST" 404
check "row gone" is "$(sql "SELECT count(*) FROM jobs WHERE id='$done_id'")" 0
check "files on disk stay" test -e "$T_DIR/downloads/alice/keep/fake-done"
api DELETE "/api/jobs/$done_id"
check "delete again: 404" is "$ST" 404
api GET /api/jobs
check "gone from the list" is "$(jb "[.jobs[].id|select(.==\"$done_id\")]|length")" 0

# A cancelled job can be deleted once it has ended; queued too after cancel.
api POST "/api/jobs/$live/cancel"
check "ends" wait_for 12 finished "$live"
api DELETE "/api/jobs/$live"
check "delete cancelled: 204" is "$ST" 204
api GET /api/health "" -
check "slot freed" is "$(jb .live_slots_free)" 256
