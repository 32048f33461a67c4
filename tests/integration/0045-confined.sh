# 0045-confined: a job cannot reach jobd's state.  A hostile downloader
# (tests/tools/reach) tries to open the live table, the database and the
# command queue, and to write into another user's download folder: all
# blocked (mount and IPC namespaces, Landlock); it can still write its
# output and temp folders.
source "$(dirname "$0")/../lib.sh"
stack_up
inst=$(sed -n 's/^instance = //p' "$T_CONF")
mkdir -p "$T_DIR/downloads/bob"
"$T_TOP/scripts/stack" jobd-stop --dir "$T_DIR"
sed -i -e "s|^executable = .*|executable = $BUILD/tools/reach|" \
    -e "/^\[runner votify\]/a env = REACH_TAB=/dev/shm/jobs.$inst.tab\nenv = REACH_DB=$T_DIR/state/jobs.db\nenv = REACH_MQ=/jobs.$inst.cmd\nenv = REACH_OTHER=$T_DIR/downloads/bob\nenv = REACH_UMOUNT=1" \
    "$T_CONF"
"$T_TOP/scripts/stack" jobd-start --dir "$T_DIR" >/dev/null
# The probe reaches all of these when run outside a job: the test can fail.
(cd "$T_DIR" && REACH_TAB=/dev/shm/jobs.$inst.tab REACH_DB=$T_DIR/state/jobs.db \
    REACH_MQ=/jobs.$inst.cmd REACH_OTHER=$T_DIR/downloads/bob TMPDIR=$T_DIR \
    "$BUILD/tools/reach") > "$T_DIR/outside"
check "outside a job the probe reaches everything" is "$(grep -c REACHED "$T_DIR/outside")" 7
rm -f "$T_DIR/downloads/bob/planted-by-another-user"

create "x=1"
check "probe job ends" wait_for 10 finished "$JOB"
lines=$(jb '[.output[]|select(startswith("reach: "))]|join("\n")')
echo "$lines" | sed 's/^/  /' >&2
for what in "live table (read)" "live table (write)" "database (read)" \
    "command queue (write)" "another user's folder (write)" \
    "unmount what covers /dev/shm"; do
	check "$what: blocked" grep -qxF "reach: $what: blocked" <<< "$lines"
done
for what in "own output folder (write)" "own temp folder (write)"; do
	check "$what: reached" grep -qxF "reach: $what: REACHED" <<< "$lines"
done
check "nothing planted in bob's folder" test ! -e "$T_DIR/downloads/bob/planted-by-another-user"
check "its file is in alice's folder" test -e "$T_DIR/downloads/alice/reach-was-here"
