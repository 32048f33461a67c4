# 0064-job-cgroup: with [jobd] job_cgroup, every job runs in that cgroup,
# which jobd makes and weighs job_cpu_weight (on cgroup v1, the matching
# cpu.shares); a job_cgroup jobd cannot make stops it at start, saying
# so.  The first part needs a cpu cgroup this host lets us make (root,
# and cgroup v1's cpu controller or v2's enabled at the root); without
# one it is skipped, saying why.
source "$(dirname "$0")/../lib.sh"
cg="" base="" knob="" want=""
if [ -w /sys/fs/cgroup/cpu/cgroup.procs ]; then
	base=/sys/fs/cgroup/cpu knob=cpu.shares want=204	# weight 20
elif [ -w /sys/fs/cgroup/cgroup.subtree_control ] &&
    grep -qw cpu /sys/fs/cgroup/cgroup.subtree_control; then
	base=/sys/fs/cgroup knob=cpu.weight want=20
fi
[ -n "$base" ] && cg="$base/jobs-test-$$"
stack_up "s|^job_cpu_weight = .*|job_cpu_weight = 20|" \
    ${cg:+"s|^job_cgroup =.*|job_cgroup = $cg|"}

if [ -n "$cg" ]; then
	check "jobd made the cgroup and weighed it" is "$(cat "$cg/$knob")" "$want"
	create "cgroup=1&nice=1"
	check "the job ends" wait_for 10 finished "$JOB"
	api GET "/api/jobs/$JOB"
	check "it ran in the cgroup" is \
	    "$(jb '[.output[]|select(contains("cgroup: "))][0]|sub(".*cgroup: ";"")')" "${cg#"$base"}"
	check "at its niceness too" is \
	    "$(jb '[.output[]|select(contains("nice: "))][0]|sub(".*nice: ";"")')" 10
	outside() { ! grep -q "jobs-test-$$" "/proc/$1/cgroup"; }
	check "jobd itself stays where it was" outside "$(cat "$T_DIR/run/jobd.pid")"
	# Nothing of the job is left in it: the cgroup can go.
	check "the ended job left nothing in the cgroup" rmdir "$cg"
else
	echo "  skipped the cgroup itself: no cpu cgroup can be made here" \
	    "(not root, or no cpu controller)" >&2
fi

# A job_cgroup jobd cannot make: jobd stops at start and says why (its
# own instance and state folder, beside the running stack).
sed -e "s|^job_cgroup =.*|job_cgroup = /proc/no-such/jobs|" \
    -e "s|^instance = .*|instance = t$$bad|" \
    -e "s|^state_dir = .*|state_dir = $T_DIR/bad-state|" "$T_CONF" > "$T_DIR/bad.ini"
timeout 20 "$BUILD/jobd" -c "$T_DIR/bad.ini" 2> "$T_DIR/bad.err"
rc=$?
check "jobd refuses to start" is "$rc" 1
check "and names job_cgroup" grep -q "job_cgroup: cannot make '/proc/no-such/jobs'" "$T_DIR/bad.err"
check "leaving no queue or shared memory behind" is \
    "$("$BUILD/jobctl" -c "$T_DIR/bad.ini" ipc)" ""
