# 0049-socket-activation: the responders take the listening socket
# systemd passes (LISTEN_FDS), here from systemd-socket-activate, which
# does what a .socket unit does; nginx reaches them through it.
source "$(dirname "$0")/../lib.sh"
stack_up
if ! command -v systemd-socket-activate >/dev/null; then
	fail "systemd-socket-activate is not installed (package systemd)"
	exit 1
fi
sock=$(sed -n 's/^socket = //p' "$T_CONF")
kill "$(cat "$T_DIR/run/fcgi.pid")"
gone() { [ ! -S "$sock" ]; }
check "the pool stopped (its socket removed)" wait_for 10 gone
systemd-socket-activate -l "$sock" "$BUILD/jobs-fcgi" -c "$T_CONF" \
    >> "$T_DIR/log/fcgi.log" 2>&1 &
echo $! > "$T_DIR/run/fcgi.pid"
healthy() { api GET /api/health "" -; [ "$ST" = 200 ]; }
check "nginx reaches the socket-activated pool" wait_for 10 healthy
check "the pool took the socket systemd passed" grep -q "threads on the socket systemd passed" "$T_DIR/log/fcgi.log"
create "lines=2"
check "a create through it" is "$ST" 201
check "and its job runs" wait_for 10 status_is "$JOB" completed
