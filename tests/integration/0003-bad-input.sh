# 0003-bad-input: every 4xx of create and list, each changing nothing.
source "$(dirname "$0")/../lib.sh"
stack_up

u=$(furl "lines=1")
bad() {	# bad DESC STATUS BODY [CURL-ARGS...]
	local desc=$1 want=$2 body=$3; shift 3
	api POST /api/jobs "$body" "$TA" "$@"
	check "$desc: $want" is "$ST" "$want"
	check "$desc: JSON error" bash -c "jq -e '.error|type==\"string\" and length>0' '$T_DIR/body' >/dev/null"
}
bad "not JSON" 400 '{"urls": ['
bad "trailing garbage" 400 "{\"urls\":[\"$u\"]} x"
bad "not an object" 400 '["x"]'
bad "null" 400 'null'
check "null: says an object is wanted" is "$(jb .error)" "The body must be a JSON object."
bad "empty body" 400 ' '
# Only what RFC 8259 calls JSON (json-c alone takes all of these).
bad "single quotes" 400 "{'urls': ['$u']}"
bad "trailing comma" 400 "{\"urls\":[\"$u\"],}"
bad "comment" 400 "{\"urls\":[\"$u\"]} /* comment */"
bad "NaN" 400 "{\"urls\":[\"$u\"],\"options\":{\"truncate\":NaN}}"
bad "1." 400 "{\"urls\":[\"$u\"],\"options\":{\"truncate\":10.}}"
bad "byte order mark" 400 "$(printf '\xef\xbb\xbf'){\"urls\":[\"$u\"]}"
bad "bad UTF-8" 400 "{\"urls\":[\"$u\"],\"options\":{\"output\":\"$(printf '\xff')\"}}"
bad "too deep" 400 "{\"urls\":[\"$u\"],\"x\":$(printf '[%.0s' $(seq 20))$(printf ']%.0s' $(seq 20))}"
check "too deep: says so" bash -c "jq -r .error '$T_DIR/body' | grep -q deeper"
bad "duplicate key" 400 "{\"urls\":[\"$u\"],\"urls\":[\"$u\"]}"
check "duplicate key: named" is "$(jb .error)" 'The key "urls" appears twice in one object.'
bad "NUL in an option" 400 "{\"urls\":[\"$u\"],\"options\":{\"output\":\"a\\u0000b\"}}"
bad "urls missing" 400 '{"options":{}}'
bad "urls empty" 400 '{"urls":[]}'
bad "urls not a list" 400 "{\"urls\":\"$u\"}"
bad "url not a string" 400 '{"urls":[42]}'
bad "101 urls" 400 "{\"urls\":[$(for i in $(seq 101); do printf '"%s",' "$u"; done | sed 's/,$//')]}"
bad "not a spotify url" 400 '{"urls":["https://example.com/album/1DFixLWuPkv3KT3TnV35m3"]}'
bad "url starting with -" 400 '{"urls":["--output=/etc"]}'
bad "id too short" 400 '{"urls":["https://open.spotify.com/album/1DFixLWuPkv3KT3"]}'
bad "unknown option" 400 "{\"urls\":[\"$u\"],\"options\":{\"cookies_path\":\"/x\"}}"
bad "option out of set" 400 "{\"urls\":[\"$u\"],\"options\":{\"video_format\":\"ask\"}}"
bad "list option item out of set" 400 "{\"urls\":[\"$u\"],\"options\":{\"audio_quality\":\"aac-medium,mp3\"}}"
bad "int out of range" 400 "{\"urls\":[\"$u\"],\"options\":{\"truncate\":3}}"
bad "bool as string" 400 "{\"urls\":[\"$u\"],\"options\":{\"overwrite\":\"true\"}}"
bad "output with .." 400 "{\"urls\":[\"$u\"],\"options\":{\"output\":\"../bob\"}}"
bad "absolute output" 400 "{\"urls\":[\"$u\"],\"options\":{\"output\":\"/etc\"}}"
bad "options not an object" 400 "{\"urls\":[\"$u\"],\"options\":[]}"
bad "unknown runner" 400 "{\"urls\":[\"$u\"],\"runner\":\"nope\"}"
bad "unknown field" 400 "{\"urls\":[\"$u\"],\"priority\":1}"
bad "invalid UTF-8 body" 400 "$(printf '{"urls":["\xff"]}')"
api POST /api/jobs "{\"urls\":[\"$u\"],\"options\":{\"cookies_path\":\"/x\"}}"
check "message names the option" bash -c "jq -r .error '$T_DIR/body' | grep -q cookies_path"
api POST /api/jobs "{\"urls\":[\"$u\"],\"options\":{\"truncate\":3}}"
check "message gives the range" bash -c "jq -r .error '$T_DIR/body' | grep -q '4 to 1000'"

big=$(head -c 70000 /dev/zero | tr '\0' 'a')
bad "body over 64 KiB" 413 "{\"urls\":[\"$u\"],\"x\":\"$big\"}"
# Past nginx's client_max_body_size the answer is nginx's, still JSON.
{ printf '{"urls":["%s"],"x":"' "$u"; head -c 2000000 /dev/zero | tr '\0' a; printf '"}'; } > "$T_DIR/huge.json"
bad "body of 2 MB" 413 "@$T_DIR/huge.json"
check "body of 2 MB: JSON content type" is "$(hdr Content-Type)" "application/json; charset=utf-8"
CT=text/plain bad "text/plain" 415 "{\"urls\":[\"$u\"]}"
CT= bad "no content type" 415 "{\"urls\":[\"$u\"]}"
CT="application/json; charset=utf-8" bad "json with charset is fine, bad body" 400 '{}'


# Nothing changed: no row, no process, no folder.
check "no rows" is "$(rows)" 0
api GET /api/health "" -
check "nothing queued or running" is "$(jb '.queued+.running')" 0
check "no download folder made" test ! -e "$T_DIR/downloads/alice"
check "no temp folder made" is "$(ls "$T_DIR/state/tmp" | wc -l)" 0

# A create of the largest allowed size still works (fragmented message).
long=$(furl "lines=1&pad=$(head -c 400 /dev/zero | tr '\0' 'p')")
api POST /api/jobs "{\"urls\":[$(for i in $(seq 100); do printf '"%s",' "$long"; done | sed 's/,$//')]}"
check "100 long urls accepted" is "$ST" 201
check "all 100 urls kept" is "$(jb '.urls|length')" 100
check "and the daemon still answers" bash -c "curl -sf '$URL/api/health' >/dev/null"

# List parameters.
for q in "limit=0" "limit=1001" "limit=x" "limit=-1" "cursor=nope" "status=done" "status=running,x"; do
	api GET "/api/jobs?$q"
	check "list $q: 400" is "$ST" 400
done
api GET "/api/jobs?limit=1000&status=queued,running,completed"
check "list good params: 200" is "$ST" 200
first=$(jb '.jobs[0].id')
for q in "since=-1" "since=x" "since=1.5"; do
	api GET "/api/jobs/$first?$q"
	check "get $q: 400" is "$ST" 400
done
