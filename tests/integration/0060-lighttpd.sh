# 0060-lighttpd: the API's smoke tests through real lighttpd
# (nginx/lighttpd-jobs.conf): create, poll, since, 304, cancel, list, 401,
# 404, 413, JSON for lighttpd's own errors, the page; forged identity
# headers change nothing; and auth = remote_user behind mod_auth.
source "$(dirname "$0")/../lib.sh"
STACK_ARGS=(--server lighttpd)
stack_up
check "lighttpd serves the stack" pgrep -f "lighttpd -D -f $T_DIR/lighttpd.conf"
create "lines=3"
check "create: 201" is "$ST" 201
check "Location" is "$(hdr Location)" "/api/jobs/$JOB"
check "polled to the end" wait_for 10 status_is "$JOB" completed
n=$(jb .output_next)
api GET "/api/jobs/$JOB?since=$((n - 2))"
check "since" is "$(jb '.output|length') $(jb .output_next)" "2 $n"
etag=$(hdr ETag)
api GET "/api/jobs/$JOB?since=$((n - 2))" "" "$TA" -H "If-None-Match: $etag"
check "304 with If-None-Match" is "$ST" 304
create "hang=1"; h=$JOB
check "runs" wait_for 10 status_is "$h" running
# lighttpd wants a Content-Length on a POST (browsers send one).
api POST "/api/jobs/$h/cancel" "" "$TA" -H "Content-Length: 0"
check "cancel: 200 cancelled" is "$ST:$(jb .status)" "200:cancelled"
api GET "/api/jobs?limit=1"
check "list pages" is "$ST:$(jb '.jobs|length'):$(jb '.next_cursor != null')" "200:1:true"
api GET /api/jobs "" -
check "no token: 401" is "$ST:$(hdr WWW-Authenticate)" "401:Bearer"
api GET /api/jobs/00000000-0000-4000-8000-000000000000
check "no such job: 404 JSON" is "$ST:$(jb 'has("error")')" "404:true"
api POST /api/jobs "{\"urls\":[\"$(head -c 70000 /dev/zero | tr '\0' x)\"]}"
check "a body over 64 KiB: 413 JSON (responders)" is "$ST:$(jb 'has("error")')" "413:true"
st=$(head -c 2000000 /dev/zero | tr '\0' x | curl -s -o "$T_DIR/body" -w '%{http_code}' \
    -H "Authorization: Bearer $TA" -H 'Content-Type: application/json' --data-binary @- "$URL/api/jobs")
check "a body over 1 MiB: lighttpd's 413, in JSON" is "$st:$(jb 'has("error")')" "413:true"
api GET /nope "" -
check "unknown path outside /api: JSON 404" is "$ST:$(hdr Content-Type)" "404:application/json; charset=utf-8"
api GET / "" -
check "the page, with its CSP" is "$ST:$(hdr Content-Security-Policy | cut -c1-17)" "200:default-src 'none"

# A half-sent request (slowloris) is closed after lighttpd's 10 s read
# idle (server.max-read-idle in lighttpd-jobs.conf), not its default 60.
half_sent_closed() {
	local t0 rc
	exec 7<>"/dev/tcp/127.0.0.1/$T_PORT"
	printf 'GET /api/health HTTP/1.1\r\nHost: localhost\r\n' >&7
	t0=$(date +%s)
	timeout 25 cat <&7 >/dev/null; rc=$?
	exec 7>&-
	echo "  closed after $(( $(date +%s) - t0 )) s (rc $rc)" >&2
	[ "$rc" = 0 ] && [ $(( $(date +%s) - t0 )) -ge 5 ]
}
check "a half-sent request is closed after the read timeout" half_sent_closed
for h in "Remote-User: root" "X-Remote-User: root"; do
	api GET /api/admin/settings "" "$TA" -H "$h"
	check "token mode, forged '$h': still alice (403)" is "$ST" 403
done
st=$(curl -s -o /dev/null -w '%{http_code}' -u root:anything "$URL/api/admin/settings")
check "token mode, Basic root:anything: 401" is "$st" 401

# lighttpd starting the responders itself (bin-path): they take the
# socket it hands them on fd 0.
"$T_TOP/scripts/stack" down --dir "$T_DIR" >/dev/null
"$T_TOP/scripts/stack" jobd-start --dir "$T_DIR" >/dev/null
sed -e 's|lighttpd-jobs-socket.conf|lighttpd-jobs-spawn.conf|' "$T_DIR/lighttpd.conf" > "$T_DIR/spawn.conf"
printf 'var.jobs_fcgi = "%s -c %s -n 2"\n' "$BUILD/jobs-fcgi" "$T_CONF" > "$T_DIR/spawn.head"
cat "$T_DIR/spawn.head" "$T_DIR/spawn.conf" > "$T_DIR/spawn2.conf"
setsid lighttpd -D -f "$T_DIR/spawn2.conf" </dev/null >>"$T_DIR/log/lighttpd.log" 2>&1 &
echo $! > "$T_DIR/run/nginx.pid"
spawned() { api GET /api/health "" -; [ "$ST" = 200 ]; }
check "bin-path: lighttpd started the responders" wait_for 10 spawned
check "they took fd 0" grep -q "threads on fd 0" "$T_DIR/log/lighttpd.log"
create "lines=1"
check "bin-path: a job through them" wait_for 10 status_is "$JOB" completed
kill "$(cat "$T_DIR/run/nginx.pid")"; wait "$(cat "$T_DIR/run/nginx.pid")" 2>/dev/null
rm -f "$T_DIR/run/nginx.pid"
gone() { ! pgrep -f "jobs-fcgi -c $T_CONF -n 2" >/dev/null; }
check "lighttpd stopped the responders it started" wait_for 10 gone

# auth = remote_user behind mod_auth.
"$T_TOP/scripts/stack" down --dir "$T_DIR" >/dev/null
sed -i 's/^auth = token/auth = remote_user/' "$T_CONF"
printf 'carol:%s\nroot:%s\n' "$(openssl passwd -apr1 carolpw)" "$(openssl passwd -apr1 rootpw)" > "$T_DIR/htpasswd"
printf 'var.jobs_htpasswd = "%s"\ninclude "%s/nginx/lighttpd-remote-user.conf"\n' \
    "$T_DIR/htpasswd" "$T_TOP" > "$T_DIR/extra.conf"
URL=$(LIGHTTPD_EXTRA="$T_DIR/extra.conf" "$T_TOP/scripts/stack" up --dir "$T_DIR" \
    --port "$T_PORT" --config "$T_CONF" --server lighttpd 2>/dev/null)
code() { curl -s -o "$T_DIR/body" -w '%{http_code}' "$@"; }
served() { [ "$(code -u carol:carolpw "$URL/api/jobs")" = 200 ]; }
check "remote_user: carol with her password" wait_for 10 served
check "root with his: admin" is "$(code -u root:rootpw "$URL/api/admin/settings")" 200
check "carol is no admin" is "$(code -u carol:carolpw "$URL/api/admin/settings")" 403
check "a wrong password: 401" is "$(code -u carol:wrong "$URL/api/jobs")" 401
check "no password: 401" is "$(code "$URL/api/jobs")" 401
