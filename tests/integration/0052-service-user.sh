# 0052-service-user: the stack run as an unprivileged service user
# (`jobs`, made here if missing), as the systemd units run it.  The live
# table, the command queue, the socket, the database and the download
# folders belong to it with no access for others; another local user
# (`jobs-other`) reads no job, no output and no token, and cannot send a
# command.  Jobs still run (in a user namespace of their own).
source "$(dirname "$0")/../lib.sh"
id jobs >/dev/null 2>&1 || useradd --system --user-group --no-create-home jobs
id jobs-other >/dev/null 2>&1 || useradd --user-group --no-create-home jobs-other
# The binaries where the service user can reach them, whatever the
# checkout's folder allows.
B=$(mktemp -d /tmp/jobs-svc-bin.XXXXXX)
cp "$BUILD"/jobd "$BUILD"/jobs-init "$BUILD"/jobs-fcgi "$BUILD"/jobctl "$BUILD"/tools/mqprobe "$B/"
chmod 0755 "$B" "$B"/*
BUILD=$B
STACK_ARGS=(--user jobs)
stack_up
trap 'stack_down; rm -rf "$B"' EXIT
chmod 0755 "$T_DIR"	# the test's folder, so that jobs-other may try
inst=$(sed -n 's/^instance = //p' "$T_CONF")
jpid=$(cat "$T_DIR/run/jobd.pid")
check "jobd runs as jobs" is "$(stat -c %U "/proc/$jpid")" jobs
create "lines=3"; job=$JOB
check "a job runs to the end as jobs" wait_for 15 status_is "$job" completed
# Where the stack named a cgroup for jobs (scripts/stack, as root on a
# host with a cpu cgroup), a job of the service user joins it too.
cg=$(sed -n 's/^job_cgroup = //p' "$T_CONF")
if [ -n "$cg" ]; then
	create "cgroup=1"
	check "its job ends" wait_for 15 finished "$JOB"
	api GET "/api/jobs/$JOB"
	check "in the jobs' cgroup, from its user namespace" is \
	    "$(jb '[.output[]|select(contains("cgroup: "))][0]|sub(".*cgroup: ";"")')" "/${cg##*/}"
fi
check "its files are jobs'" is "$(stat -c %U "$T_DIR/downloads/alice")" jobs

check "live table: jobs, 0640" is "$(stat -c '%U %a' "/dev/shm/jobs.$inst.tab")" "jobs 640"
read -r qmode quid _ < <("$B/mqprobe" stat "/jobs.$inst.cmd")
check "command queue: jobs, 0660" is "$(id -un "$quid") $qmode" "jobs 660"
sock=$(sed -n 's/^socket = //p' "$T_CONF")
check "socket: jobs, 0660" is "$(stat -c '%U %a' "$sock")" "jobs 660"
check "database: no access for others" is "$(stat -c '%a' "$T_DIR/state/jobs.db" | cut -c3)" 0
check "download folders: no access for others" \
    is "$(find "$T_DIR/downloads" -perm /007 | wc -l)" 0

other() { setpriv --reuid=jobs-other --regid=jobs-other --init-groups "$@" 2>/dev/null; }
check "another user cannot read the table" bash -c "$(declare -f other); ! other cat /dev/shm/jobs.$inst.tab >/dev/null"
check "nor the database" bash -c "$(declare -f other); ! other cat '$T_DIR/state/jobs.db' >/dev/null"
check "nor a job's output folder" bash -c "$(declare -f other); ! other ls '$T_DIR/downloads/alice' >/dev/null"
check "nor write the command queue" bash -c "$(declare -f other); ! other '$B/mqprobe' write /jobs.$inst.cmd"
check "nor the config's state (tokens are hashed there)" bash -c "$(declare -f other); ! other ls '$T_DIR/state' >/dev/null"
