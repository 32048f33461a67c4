# 0064-job-cgroup: with [jobd] job_cgroup, every job runs in that cgroup,
# which jobd makes and weighs job_cpu_weight (on cgroup v1, the matching
# cpu.shares); a job_cgroup jobd cannot make stops it at start, saying
# so.  The first part uses the cgroup scripts/stack names where the host
# lets it make a cpu cgroup (root, and cgroup v1's cpu controller or
# v2's enabled at the root); without one it is skipped, saying why.
source "$(dirname "$0")/../lib.sh"
stack_up "s|^job_cpu_weight = .*|job_cpu_weight = 20|"
cg=$(sed -n 's/^job_cgroup = //p' "$T_CONF")

if [ -n "$cg" ]; then
	knob=cpu.weight want=20
	[ -e "$cg/$knob" ] || knob=cpu.shares want=204	# v1: weight 20
	check "jobd made the cgroup and weighed it" is "$(cat "$cg/$knob")" "$want"
	create "cgroup=1&nice=1"
	check "the job ends" wait_for 10 finished "$JOB"
	api GET "/api/jobs/$JOB"
	check "it ran in the cgroup" is \
	    "$(jb '[.output[]|select(contains("cgroup: "))][0]|sub(".*cgroup: ";"")')" "/${cg##*/}"
	check "at its niceness too" is \
	    "$(jb '[.output[]|select(contains("nice: "))][0]|sub(".*nice: ";"")')" 10
	outside() { ! grep -q "/${cg##*/}" "/proc/$1/cgroup"; }
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
