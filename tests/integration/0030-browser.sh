# 0030-browser: the web page in a real browser.  Debian's chromium, driven
# by playwright-core (tests/browser/web.test.mjs), against the real stack:
# sign-in, submit, the live log, cancel, retry, delete, admin settings,
# jobd stopped and started, axe-core.  Screenshots go to
# test-artefacts/browser/ (desktop and phone width).
source "$(dirname "$0")/../lib.sh"
B="$T_TOP/tests/browser"
summary() { echo "$T_NAME: $T_PASS passed, $T_FAIL failed"; }
if [ ! -x /usr/bin/chromium ] || ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	fail "chromium, node and npm are needed: run scripts/deps as root"
	summary; exit 1
fi
# playwright-core and axe-core, as package-lock.json pins them.
if [ ! -f "$B/node_modules/.package-lock.json" ] ||
    [ "$B/package-lock.json" -nt "$B/node_modules/.package-lock.json" ]; then
	(cd "$B" && npm ci --no-audit --no-fund --loglevel=error) >&2 ||
	    { fail "npm ci in tests/browser"; summary; exit 1; }
fi
stack_up
# bob: 23 short jobs, more than a page of the list (20), for its paging.
for i in $(seq 20); do create "lines=0" '{}' "$TB"; done
wait_for 20 finished "$JOB" "$TB"
for i in 1 2 3; do create "lines=0" '{}' "$TB"; done
check "bob's jobs made" is "$ST" 201
shots="$T_TOP/test-artefacts/browser"
mkdir -p "$shots" && rm -f "$shots"/*.png
out="$T_DIR/browser.out"
T_SCALE=$(( T_SLACK > 0 ? 3 : 1 )) T_URL=$URL T_TA=$TA T_TR=$TR T_DIR=$T_DIR T_TOP=$T_TOP T_SHOTS=$shots \
    timeout -k 5 150 node "$B/web.test.mjs" > "$out" 2>&1
rc=$?
# Its checks count as this file's; its own summary line is not repeated.
grep -v ': [0-9]* passed, [0-9]* failed$' "$out"
n_ok=$(grep -c '^ok - ' "$out") n_bad=$(grep -c '^not ok - ' "$out")
T_PASS=$((T_PASS + n_ok)) T_FAIL=$((T_FAIL + n_bad))
[ "$rc" -eq 0 ] || fail "node exited with status $rc"
[ "$n_ok" -gt 0 ] || fail "no check ran"
