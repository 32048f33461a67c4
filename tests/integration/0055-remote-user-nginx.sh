# 0055-remote-user-nginx: auth = remote_user through real nginx.  Without
# auth_basic in the server, a client's Basic, Remote-User or X-Remote-User
# header makes nobody anybody (the bypass where `curl -u root:x` was an
# admin); with the shipped remote_user server block (auth_basic and
# $jobs_remote_user), the checked name is served and a wrong password is
# a JSON 401.
source "$(dirname "$0")/../lib.sh"
stack_up 's/^auth = token/auth = remote_user/'

code() { curl -s -o "$T_DIR/body" -w '%{http_code}' "$@"; }
check "Basic root:anything, no auth_basic: 401" is "$(code -u root:anything "$URL/api/admin/settings")" 401
check "Remote-User: root: 401" is "$(code -H 'Remote-User: root' "$URL/api/admin/settings")" 401
check "X-Remote-User: root: 401" is "$(code -H 'X-Remote-User: root' "$URL/api/jobs")" 401
check "Basic for a plain user: 401" is "$(code -u carol:x "$URL/api/jobs")" 401

# The remote_user server block: auth_basic with an htpasswd file.
{ printf 'carol:%s\n' "$(openssl passwd -apr1 carolpw)"
  printf 'root:%s\n' "$(openssl passwd -apr1 rootpw)"; } > "$T_DIR/htpasswd"
sed -i "s|set \$jobs_remote_user \"\";.*|auth_basic jobs; auth_basic_user_file $T_DIR/htpasswd; set \$jobs_remote_user \$remote_user;|" \
    "$T_DIR/nginx.conf"
# A reload starts new workers; the old ones go once their connections
# are done, and until then a new connection may still reach one of them
# (the configuration before: no auth_basic).  Wait for them to be gone.
old_workers=$(pgrep -P "$(cat "$T_DIR/run/nginx.pid")" | tr '\n' ' ')
kill -HUP "$(cat "$T_DIR/run/nginx.pid")"
old_gone() { local p; for p in $old_workers; do alive "$p" && return 1; done; return 0; }
check "nginx's old workers are gone after the reload" wait_for 10 old_gone
reloaded() { [ "$(code "$URL/api/jobs")" = 401 ] && [ "$(code -u carol:carolpw "$URL/api/jobs")" = 200 ]; }
check "nginx reloaded with auth_basic" wait_for 10 reloaded
check "carol with her password: her jobs" is "$(code -u carol:carolpw "$URL/api/jobs"):$(jb '.jobs|length')" "200:0"
check "root with his password: admin" is "$(code -u root:rootpw "$URL/api/admin/settings")" 200
check "carol is no admin" is "$(code -u carol:carolpw "$URL/api/admin/settings")" 403
check "a wrong password: 401" is "$(code -u carol:wrong "$URL/api/jobs")" 401
check "in JSON" is "$(jb .error)" "Sign in with your user name and password."
check "asking for Basic" bash -c "curl -s -D - -o /dev/null -u carol:wrong '$URL/api/jobs' | grep -qi '^WWW-Authenticate: Basic'"
check "a forged Remote-User beside a good password changes nothing" \
    is "$(code -u carol:carolpw -H 'Remote-User: root' "$URL/api/admin/settings")" 403
