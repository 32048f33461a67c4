#!/usr/bin/env python3
"""bench-post URL TOKEN N CLIENTS BODY [IDS-FILE]: POST BODY to
URL/api/jobs N times from CLIENTS threads, each over one keep-alive
connection; prints how many got 201 and the seconds it took, and writes
the new jobs' ids to IDS-FILE.  One process, so the figure is the
service's, not the start-up time of N curl processes."""
import http.client, json, sys, threading, time, urllib.parse

url, token, n, clients, body = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
u = urllib.parse.urlparse(url)
hdr = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
ids_file = sys.argv[6] if len(sys.argv) > 6 else None
left, ok, ids, lock = [n], [0], [], threading.Lock()


def client():
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    while True:
        with lock:
            if left[0] == 0:
                return
            left[0] -= 1
        conn.request("POST", "/api/jobs", body, hdr)
        r = conn.getresponse()
        text = r.read()
        if r.status == 201:
            with lock:
                ok[0] += 1
                ids.append(json.loads(text)["id"])


t0 = time.perf_counter()
threads = [threading.Thread(target=client) for _ in range(clients)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("%d %.3f" % (ok[0], time.perf_counter() - t0))
if ids_file:
    with open(ids_file, "w") as f:
        f.write("".join(i + "\n" for i in ids))
