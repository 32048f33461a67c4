# 0014-backlog: jobd restarted with fewer slots than queued jobs loses
# none: queued jobs wait in SQLite and run, oldest first, as slots free.
source "$(dirname "$0")/../lib.sh"
stack_up 's/^live_slots = .*/live_slots = 4/' 's/^max_concurrent_jobs = .*/max_concurrent_jobs = 0/'

ids=()
for i in 1 2 3 4; do create "lines=1"; ids+=("$JOB"); done
check "four queued" is "$(sql "SELECT count(*) FROM jobs WHERE status='queued'")" 4
"$T_TOP/scripts/stack" jobd-stop --dir "$T_DIR"
sed -i 's/^live_slots = .*/live_slots = 2/' "$T_CONF"
"$T_TOP/scripts/stack" jobd-start --dir "$T_DIR" >/dev/null
api GET /api/health "" -
check "two slots now, four queued, no slot taken" is "$(jb '[.live_slots,.queued,.live_slots_free]|@csv')" "2,4,2"
api GET "/api/jobs/${ids[3]}"
check "a waiting job is readable (SQLite)" is "$ST:$(jb .status)" "200:queued"
api POST "/api/jobs/${ids[3]}/cancel"
check "a waiting job can be cancelled" is "$ST:$(jb .status)" "200:cancelled"
check "with a line saying who" is "$(jb '.output[0]')" "jobd: cancelled by alice"
api PUT /api/admin/settings '{"max_concurrent_jobs": 2}' "$TR"
for i in 0 1 2; do
	check "job $i runs once slots free up" wait_for 15 status_is "${ids[$i]}" completed
done
api GET "/api/jobs/${ids[3]}"
check "the cancelled one never ran" is "$(jb .status)/$(jb .started_at)" "cancelled/null"
check "each ran once" is "$(sql "SELECT count(*) FROM jobs WHERE status='completed'")" 3
