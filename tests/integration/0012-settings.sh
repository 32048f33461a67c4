# 0012-settings: settings read, checked, stored and applied at once.
source "$(dirname "$0")/../lib.sh"
stack_up

api GET /api/admin/settings "" "$TR"
check "defaults" is "$(jq -c . "$T_DIR/body")" '{"job_expiry_days":30,"max_concurrent_jobs":2,"cancel_grace_seconds":10,"max_live_jobs_per_user":20,"max_job_seconds":21600,"max_queued_jobs":100000}'
api PUT /api/admin/settings '{"max_concurrent_jobs": 1}' "$TA"
check "non-admin PUT: 403" is "$ST" 403
for body in '{"nope": 1}' '{"max_concurrent_jobs": 4097}' '{"max_queued_jobs": 0}' '{"max_queued_jobs": 10000001}' '{"max_concurrent_jobs": -1}' \
    '{"max_concurrent_jobs": "2"}' '{"max_concurrent_jobs": 1.5}' \
    '{"job_expiry_days": 1, "max_job_seconds": 0}' '[1]' 'x'; do
	api PUT /api/admin/settings "$body" "$TR"
	check "PUT $body: 400" is "$ST" 400
done
api PUT /api/admin/settings '{"max_job_seconds": 0}' "$TR"
check "400 gives the range" bash -c "jq -r .error '$T_DIR/body' | grep -q '1 to 604800'"
api GET /api/admin/settings "" "$TR"
check "nothing changed" is "$(jb '[.job_expiry_days,.max_job_seconds]|@csv')" "30,21600"
api PUT /api/admin/settings '{"job_expiry_days": 7}' "$TR"
check "PUT answers all settings" is "$(jb '[.job_expiry_days,.max_concurrent_jobs]|@csv')" "7,2"
check "stored in SQLite" is "$(sql "SELECT value FROM settings WHERE key='job_expiry_days'")" 7

# Drain: 0 starts nothing; raising it starts the waiting jobs at once.
api PUT /api/admin/settings '{"max_concurrent_jobs": 0}' "$TR"
create "lines=1"; a=$JOB
create "lines=1"; b=$JOB
sleep 0.5	# give a wrongly started job the time to show itself
check "drained: stays queued" status_is "$a" queued
check "drained: second too" status_is "$b" queued
api PUT /api/admin/settings '{"max_concurrent_jobs": 2}' "$TR"
check "raised: first runs" wait_for 10 finished "$a"
check "raised: second runs" wait_for 10 finished "$b"

# Lowering lets running jobs finish.
create "hang=1"; h1=$JOB
create "hang=1"; h2=$JOB
both() { status_is "$h1" running && status_is "$h2" running; }
check "two running" wait_for 10 both
api PUT /api/admin/settings '{"max_concurrent_jobs": 1}' "$TR"
check "lowered: both still run" both

# Per-user limit: 429 with the limit in the message; cancel frees it.
api PUT /api/admin/settings '{"max_live_jobs_per_user": 2}' "$TR"
create "lines=1"
check "third live job: 429" is "$ST" 429
check "429 says the limit" bash -c "jq -r .error '$T_DIR/body' | grep -q ' 2 '"
create "lines=1" "{}" "$TB"
check "another user is not limited" is "$ST" 201
api POST "/api/jobs/$h2/cancel"
create "lines=1"
check "a cancelled job stops counting at once" is "$ST" 201
api POST "/api/jobs/$JOB/cancel"

# Timeout: a running job past max_job_seconds fails, saying so.
api PUT /api/admin/settings '{"max_job_seconds": 1, "cancel_grace_seconds": 1}' "$TR"
check "timed out" wait_for 6 finished "$h1"
api GET "/api/jobs/$h1"
check "timeout: failed" is "$(jb .status)" failed
check "timeout: real return code" is "$(jb .return_code)" -15
check "timeout: a line says so" bash -c "jq -r '.output[]' '$T_DIR/body' | grep -q 'max_job_seconds'"

# Settings survive a restart of jobd.
"$T_TOP/scripts/stack" jobd-stop --dir "$T_DIR"
api GET /api/admin/settings "" "$TR"
check "read while jobd is down" is "$ST:$(jb .max_job_seconds)" "200:1"
"$T_TOP/scripts/stack" jobd-start --dir "$T_DIR" >/dev/null
api GET /api/admin/settings "" "$TR"
check "kept across restart" is "$(jb '[.job_expiry_days,.max_concurrent_jobs,.max_live_jobs_per_user,.max_job_seconds]|@csv')" "7,1,2,1"
