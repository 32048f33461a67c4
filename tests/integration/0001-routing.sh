# 0001-routing: health, unknown paths, methods, identity, headers.
source "$(dirname "$0")/../lib.sh"
stack_up

api GET /api/health "" -
check "health 200" is "$ST" 200
check "health ok" is "$(jb .status)" ok
check "health counts" is "$(jb '[.queued,.running,.live_slots,.live_slots_free]|@csv')" "0,0,256,256"
check "json content type" is "$(hdr Content-Type)" "application/json; charset=utf-8"
check "cache-control" is "$(hdr Cache-Control)" "no-cache"

api GET /api/nope "" -
check "unknown path 404" is "$ST" 404
check "404 is json" is "$(jb 'has("error")')" true
api GET /api/jobs/x/y/z
check "deep unknown path 404" is "$ST" 404
for p in /api /api/ /api/jobs/ /x.html /web/index.html /nope/; do
	api GET "$p" "" -
	check "$p: 404 in JSON" is "$ST $(jb 'has("error")') $(hdr Content-Type)" "404 true application/json; charset=utf-8"
done

# The web page: / and its files, with the page's security headers.
api GET / "" -
check "/ is the page" is "$ST $(hdr Content-Type)" "200 text/html; charset=utf-8"
check "the page is web/index.html" cmp -s "$T_DIR/body" "$T_TOP/web/index.html"
check "CSP" is "$(hdr Content-Security-Policy)" "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
check "nosniff" is "$(hdr X-Content-Type-Options)" nosniff
check "no referrer" is "$(hdr Referrer-Policy)" no-referrer
for f in index.html:text/html app.css:text/css app.js:text/javascript; do
	api GET "/${f%%:*}" "" -
	check "/${f%%:*}: ${f#*:}" is "$ST $(hdr Content-Type) $(hdr X-Content-Type-Options)" "200 ${f#*:}; charset=utf-8 nosniff"
done
# The API's answers keep their own headers.
api GET /api/health "" -
check "no page headers on the API" is "$(hdr Content-Security-Policy)$(hdr Cache-Control)" "no-cache"

# A second stack on the same port does not come up half: it says why and
# stops what it started (the first one's nginx would answer its health).
inst2="t$$y$RANDOM"
conf2=$("$T_TOP/scripts/stack" config --dir "$T_DIR/second" --instance "$inst2")
"$T_TOP/scripts/stack" up --dir "$T_DIR/second" --port "$T_PORT" \
    --instance "$inst2" > /dev/null 2> "$T_DIR/second.err"
check "second stack on the port: fails" test $? -ne 0
check "second stack: says the port is in use" grep -q "port $T_PORT is in use" "$T_DIR/second.err"
check "second stack: nothing left running" bash -c "! pgrep -f '$T_DIR/secon[d]/' > /dev/null"
left=$("$BUILD/jobctl" -c "$conf2" ipc) || left="jobctl ipc failed"
check "second stack: no table or queue left" is "$left" ""
api GET /api/health "" -
check "the first stack still answers" is "$ST" 200

api PATCH /api/jobs "" -
check "405 before identity" is "$ST" 405
check "405 Allow" is "$(hdr Allow)" "GET, POST"
api PUT /api/jobs/6f1c2a9e-3b8d-4c1e-9a57-0d2f4b6e8c11
check "405 on a job" is "$ST" 405
check "405 Allow on a job" is "$(hdr Allow)" "GET, DELETE"

api GET /api/jobs "" -
check "401 without token" is "$ST" 401
check "WWW-Authenticate" is "$(hdr WWW-Authenticate)" "Bearer"
api GET /api/jobs "" jm_wrong
check "401 wrong token" is "$ST" 401
api GET /api/jobs/not-a-uuid "" -
check "route-shaped path without token: 401" is "$ST" 401
api GET /api/jobs/not-a-uuid
check "malformed id with token: 404" is "$ST" 404
api GET /api/jobs/6f1c2a9e-3b8d-4c1e-9a57-0d2f4b6e8c11
check "missing job 404" is "$ST" 404
check "missing job error" is "$(jb .error)" "No job with that id."

api GET /api/admin/settings
check "non-admin 403" is "$ST" 403
api GET /api/admin/settings "" "$TR"
check "admin 200" is "$ST" 200

# Revoked and disabled identities are refused.
tok=$(ctl token issue bob)
api GET /api/jobs "" "$tok"
check "fresh token works" is "$ST" 200
ctl token revoke "$tok"
api GET /api/jobs "" "$tok"
check "revoked token 401" is "$ST" 401
ctl user disable bob
api GET /api/jobs "" "$TB"
check "disabled user 401" is "$ST" 401
ctl user enable bob
api GET /api/jobs "" "$TB"
check "enabled again 200" is "$ST" 200

# Outside /api/ and the page: nginx answers, still JSON.
ST=$(curl -s -o /dev/null -w '%{http_code}' "$URL/x.html")
check "non-api path 404" is "$ST" 404

# nginx's own refusal of headers too large: JSON, not its HTML page.
st=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -H "X-Big: $(head -c 20000 /dev/zero | tr '\0' a)" \
    -H "X-Big2: $(head -c 20000 /dev/zero | tr '\0' a)" "$URL/api/health")
check "headers too large: 400 in JSON" is "$st:$(jb .error)" "400:The request headers are too large."
