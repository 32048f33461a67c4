# 0050-systemd-units: the shipped units, rendered as make install renders
# them, pass `systemd-analyze verify` with nothing to say; their exposure
# (`systemd-analyze security --offline`) is printed.  No stack.
source "$(dirname "$0")/../lib.sh"
T_DIR=$(mktemp -d /tmp/jobs-units.XXXXXX)
trap 'rm -rf "$T_DIR"; echo "$T_NAME: $T_PASS passed, $T_FAIL failed"; [ "$T_FAIL" = 0 ]' EXIT
if ! command -v systemd-analyze >/dev/null; then
	fail "systemd-analyze is not installed (package systemd)"
	exit 1
fi
units="jobd.service jobs-fcgi.socket jobs-fcgi.service"
for u in $units; do
	sed -e "s|@SBINDIR@|$BUILD|" -e "s|@CONFIG@|$T_DIR/jobs.ini|" \
	    -e "s|@UNITDIR@|$T_DIR|" -e "s|@DOWNLOAD_DIR@|/srv/jobs/downloads|g" \
	    -e "s|@SOCKET@|/run/jobs/fcgi.sock|g" \
	    "$T_TOP/scripts/systemd/$u.in" > "$T_DIR/$u"
done
(cd "$T_DIR" && systemd-analyze verify --man=no $(printf './%s ' $units)) > "$T_DIR/verify" 2>&1
check "systemd-analyze verify: no complaint" test $? = 0 -a ! -s "$T_DIR/verify"
sed 's/^/  /' "$T_DIR/verify" >&2
for u in jobd.service jobs-fcgi.service; do
	(cd "$T_DIR" && systemd-analyze security --offline=true "./$u") > "$T_DIR/sec" 2>&1
	check "$u: security understood every setting" bash -c "! grep -qi 'unknown\|ignoring' '$T_DIR/sec'"
	echo "  $(grep 'Overall exposure' "$T_DIR/sec")" >&2
done
grep -h "^[gu] " "$T_TOP/scripts/systemd/jobs.sysusers" > "$T_DIR/users"
check "sysusers: the jobs user" is "$(cut -d' ' -f1,2 "$T_DIR/users" | tr '\n' ' ')" "u jobs "
check "the socket is for nginx's group, not the service's" grep -qx "SocketGroup=www-data" "$T_DIR/jobs-fcgi.socket"
check "jobd tells systemd it is ready" grep -qx "Type=notify" "$T_DIR/jobd.service"
check "jobd and the responders share one private IPC namespace" \
    bash -c "grep -qx PrivateIPC=yes '$T_DIR/jobd.service' && grep -qx JoinsNamespaceOf=jobd.service '$T_DIR/jobs-fcgi.service'"
check "and one private /dev/shm" is "$(grep -h '^BindPaths=' "$T_DIR/jobd.service" "$T_DIR/jobs-fcgi.service" | sort -u)" "BindPaths=/dev/shm/jobs:/dev/shm"
