# 0056-vhost-tls: the shipped public vhost (nginx/jobs-vhost.conf with
# nginx/jobs-limits.conf), run by a real nginx with a certificate the test
# makes: https answers with HSTS, http redirects to https, and 300
# half-open connections from one address (slowloris) neither stop another
# client's answers nor outlive client_header_timeout.
source "$(dirname "$0")/../lib.sh"
stack_up
P1=$(free_port); P2=$(free_port)
V="$T_DIR/vhost"; mkdir -p "$V/tmp"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$V/key.pem" -out "$V/cert.pem" 2>/dev/null
sock=$(sed -n 's/^socket = //p' "$T_CONF")
sed -e "s|listen 80;|listen 127.0.0.1:$P1;|" -e "s|listen 443 ssl http2;|listen 127.0.0.1:$P2 ssl http2;|" \
    -e '/listen \[::\]/d' -e "s|/etc/letsencrypt/live/jobs.example.org/fullchain.pem|$V/cert.pem|" \
    -e "s|/etc/letsencrypt/live/jobs.example.org/privkey.pem|$V/key.pem|" \
    -e "s|/run/jobs/fcgi.sock|$sock|" -e "s|/usr/share/jobs/web|$T_TOP/web|" \
    -e "s|/usr/share/jobs/nginx|$T_TOP/nginx|" "$T_TOP/nginx/jobs-vhost.conf" > "$V/vhost.conf"
# The test's own short header timeout, so that the check below is quick.
sed -e 's/client_header_timeout 10s;/client_header_timeout 3s;/' "$T_TOP/nginx/jobs-limits.conf" > "$V/limits.conf"
user=""; [ "$(id -u)" = 0 ] && user="user $(id -un) $(id -gn);"
cat > "$V/nginx.conf" <<CONF
$user
worker_processes 1;
pid $V/nginx.pid;
events { worker_connections 2048; }
http {
	access_log off;
	client_body_temp_path $V/tmp; fastcgi_temp_path $V/tmp; proxy_temp_path $V/tmp;
	uwsgi_temp_path $V/tmp; scgi_temp_path $V/tmp;
	include $V/limits.conf;
	include $V/vhost.conf;
}
CONF
check "nginx -t accepts the vhost" nginx -t -q -c "$V/nginx.conf" -p "$V" -e "$V/error.log"
setsid nginx -c "$V/nginx.conf" -p "$V" -e "$V/error.log" -g 'daemon off;' &
vpid=$!
trap 'kill $vpid 2>/dev/null; wait $vpid 2>/dev/null; stack_down' EXIT
H="https://127.0.0.1:$P2"
up() { curl -s -o /dev/null --cacert "$V/cert.pem" "$H/api/health"; }
check "the TLS vhost comes up" wait_for 10 up
check "health over https" is "$(curl -s -o "$T_DIR/body" -w '%{http_code}' --cacert "$V/cert.pem" "$H/api/health")" 200
check "HSTS" bash -c "curl -s -D - -o /dev/null --cacert '$V/cert.pem' '$H/api/health' | grep -qi '^Strict-Transport-Security: max-age='"
check "http redirects to https" is "$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$P1/api/jobs")" "301 https://127.0.0.1/api/jobs"
check "a token works over https" is "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$V/cert.pem" -H "Authorization: Bearer $TA" "$H/api/jobs")" 200

# Slowloris from 127.0.0.2: 300 connections, each a partial request line.
/usr/bin/python3 - "$P2" > "$V/slow.out" <<'PY' &
import socket, ssl, sys, time
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
socks = []
for i in range(300):
    try:
        s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), source_address=("127.0.0.2", 0))
        s = ctx.wrap_socket(s)
        s.send(b"GET /api/health HTTP/1.1\r\nHost: x\r\n")
        socks.append(s)
    except OSError:
        pass
print("open", len(socks), flush=True)
time.sleep(6)
closed = 0
for s in socks:
    try:
        s.settimeout(0.5)
        closed += s.recv(1) == b""
    except (OSError, ssl.SSLError):
        closed += 1
print("closed", closed, flush=True)
PY
spid=$!
opened() { grep -q '^open' "$V/slow.out"; }
check "300 half-open connections made" wait_for 20 opened
check "another client still answered meanwhile" is "$(curl -s -m 2 -o /dev/null -w '%{http_code}' --cacert "$V/cert.pem" "$H/api/health")" 200
wait "$spid"
check "the half-open ones were closed by the header timeout ($(cat "$V/slow.out" | tr '\n' ' '))" \
    bash -c "[ \"\$(sed -n 's/^closed //p' '$V/slow.out')\" -ge 290 ]"
