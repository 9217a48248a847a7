# Stop and start the daemon from its configuration: every persistent snapshot reads as before.
# (Crashes under writes, and the take-over of the devices, are t-crash-recovery's and t-crash-lifecycle's.)
# it-seconds: 250
. it/lib.sh
set -e
start_daemon
truncate -s 64M "$D/origin.img" "$D/a.cow" "$D/b.cow" "$D/n.cow"
u origin base "$D/origin.img" >/dev/null
dd if=/dev/urandom of="$L/base" bs=1M count=24 oflag=direct status=none
u snapshot a --origin base --cow "$D/a.cow" --store P --chunk 8 >/dev/null
dd if=/dev/urandom of="$L/base" bs=1M count=16 seek=8 oflag=direct status=none
u snapshot b --origin base --cow "$D/b.cow" --store PO --chunk 64 >/dev/null
u snapshot n --origin base --cow "$D/n.cow" --store N --chunk 16 >/dev/null
dd if=/dev/urandom of="$L/b" bs=64k count=40 seek=100 oflag=direct status=none
dd if=/dev/urandom of="$L/base" bs=1M count=16 seek=4 oflag=direct status=none
for x in base a b; do sha256sum < "$L/$x" > "$D/$x.sum"; done
u status > "$D/status.before"
step "graceful restart"
stop_daemon
restart_daemon
for x in base a b; do sha256sum < "$L/$x" | cmp -s - "$D/$x.sum" || fail "$x reads differently after the restart"; done
[ -e "$L/n" ] && fail "the transient snapshot came back"
grep -q "transient snapshot n did not survive" "$D/ublkd.log" || fail "no word about the transient snapshot"
u status | grep -v "^n:" > "$D/status.after"
grep -v "^n:" "$D/status.before" | cmp -s - "$D/status.after" || { cat "$D/status.before" "$D/status.after"; fail "status changed across the restart"; }
ok "origin and persistent snapshots read as before, status unchanged"
step "SIGTERM stops the daemon gracefully"
kill -TERM "$DPID"; wait "$DPID" || fail "the daemon exited with an error on SIGTERM"
grep -q "signal: stopping" "$D/ublkd.log" || fail "no graceful stop on SIGTERM"
[ -e "$L/base" ] && fail "devices left behind after SIGTERM"
restart_daemon
for x in base a b; do sha256sum < "$L/$x" | cmp -s - "$D/$x.sum" || fail "$x reads differently after SIGTERM and restart"; done
ok "after SIGTERM and a restart, everything reads as before"
step "a backing file missing at start: kept in the configuration, brought up later"
stop_daemon
cp "$D/devices.conf" "$D/devices.conf.before"
mkdir "$D/away"; mv "$D/b.cow" "$D/away/"
restart_daemon
cmp -s "$D/devices.conf" "$D/devices.conf.before" || { diff "$D/devices.conf.before" "$D/devices.conf"; fail "the configuration lost or changed entries"; }
u status > "$D/status.partial"; cat "$D/status.partial"
grep -q "^b: not active: no such file" "$D/status.partial" || fail "b is not shown as not active with its reason"
grep -q "^base: not active: waiting for snapshot b" "$D/status.partial" || fail "the origin started while its snapshot b was missing"
sha256sum < "$L/a" | cmp -s - "$D/a.sum" || fail "snapshot a reads differently"
mv "$D/away/b.cow" "$D/"
u activate --all
u activate base >/dev/null # again: nothing to do
sha256sum < "$L/a" | cmp -s - "$D/a.sum" || fail "snapshot a changed"
u status | grep -q "not active" && fail "still not active after activate: $(u status)"
ok "kept as it was, shown with the reason, brought up by 'ublkd activate'"
stop_daemon
