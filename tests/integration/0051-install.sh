# 0051-install: make install into a temp DESTDIR with PREFIX=/usr puts
# every piece where the units and the vhost say; a stack runs from the
# installed binaries (a job created and run through nginx); make uninstall
# takes it all away again.
source "$(dirname "$0")/../lib.sh"
D=$(mktemp -d /tmp/jobs-install.XXXXXX)
make -s -C "$T_TOP" install DESTDIR="$D" PREFIX=/usr BUILD="$BUILD" > "$D.log" 2>&1
rc=$?
for f in usr/sbin/jobd usr/sbin/jobs-init usr/sbin/jobs-fcgi usr/sbin/jobctl \
    usr/lib/systemd/system/jobd.service usr/lib/systemd/system/jobs-fcgi.socket \
    usr/lib/systemd/system/jobs-fcgi.service usr/lib/sysusers.d/jobs.conf \
    usr/lib/tmpfiles.d/jobs.conf usr/share/jobs/web/index.html \
    usr/share/jobs/nginx/jobs-locations.inc usr/share/jobs/nginx/jobs-vhost.conf \
    usr/share/jobs/jobs.ini.sample; do
	[ -f "$D/$f" ] || { fail "not installed: $f"; rc=1; }
done
check "make install: every file in place" test "$rc" = 0
check "jobs-init beside jobd" test -x "$D/usr/sbin/jobs-init"
check "binaries 0755" is "$(stat -c %a "$D/usr/sbin/jobd")" 755
check "units run the installed jobd" grep -qx "ExecStart=/usr/sbin/jobd -c /etc/jobs/jobs.ini" "$D/usr/lib/systemd/system/jobd.service"
check "the vhost includes the installed locations" grep -q "include /usr/share/jobs/nginx/jobs-locations.inc;" "$D/usr/share/jobs/nginx/jobs-vhost.conf"
check "the sample config is complete" bash -c "! grep -q '@[A-Z_]*@' '$D/usr/share/jobs/jobs.ini.sample'"
check "the sample config is read by jobctl" "$D/usr/sbin/jobctl" -c "$D/usr/share/jobs/jobs.ini.sample" ipc

# A stack from the installed binaries.
BUILD="$D/usr/sbin"
stack_up
create "lines=3"
check "a job through the installed stack" wait_for 10 status_is "$JOB" completed
# Its command line, not its exe: under valgrind (make valgrind) the
# process is valgrind's, running the installed jobd.
check "jobd runs from the installed tree" bash -c "tr '\\0' '\\n' < /proc/$(cat "$T_DIR/run/jobd.pid")/cmdline | grep -qx '$D/usr/sbin/jobd'"
"$T_TOP/scripts/stack" down --dir "$T_DIR" >/dev/null

make -s -C "$T_TOP" uninstall DESTDIR="$D" PREFIX=/usr >> "$D.log" 2>&1
check "make uninstall leaves no file" is "$(find "$D" -type f | wc -l)" 0
rm -rf "$D" "$D.log"
