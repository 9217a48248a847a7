# A planned restart under writes, and the lifecycle cases every ublk server is tested with (issue 13.6), for
# ublkd's devices that outlive it: remove during I/O; crash, taken over, removed; recovery after two kills (the second while the new daemon starts);
# --on-crash remove (the kernel removes the disk when ublkd dies; the next start deletes what is left) and,
# where the kernel has UBLK_F_USER_RECOVERY_FAIL_IO, --on-crash fail.
# it-scope: every-kernel
# it-seconds: 220
. it/lib.sh
set -e
start_daemon
truncate -s 64M "$D/base.img" "$D/s.cow"
u origin base "$D/base.img" >/dev/null
dd if=/dev/urandom of="$L/base" bs=1M count=16 oflag=direct status=none
u snapshot s --origin base --cow "$D/s.cow" --chunk 8 >/dev/null
dd if=/dev/urandom of="$L/base" bs=1M count=8 seek=4 oflag=direct status=none
ids() { for x in base s; do readlink -f "$L/$x"; done | tr '\n' ' '; }
before_ids=$(ids)

step "planned restart under writes: 'ublkd stop --hand-over', then 'ublkd serve' again: the writers see no error"
fio --name=handover --filename="$L/base" --offset=32M --size=16M --rw=randwrite --bs=4k-64k --ioengine=libaio --iodepth=4 \
  --direct=1 --rate=1m --verify=crc32c --do_verify=1 --output="$D/fio-handover.txt" >/dev/null 2>&1 & FIO=$!
rm -f "$D/stall" "$D/stall.stop" "$D/stall.errors"
stall_probe "$L/s" "$D/stall" & SP=$!
sleep 2
u stop --hand-over >/dev/null
wait "$DPID" || fail "the daemon exited with an error after the hand-over"
grep -q "the devices wait for the next ublkd" "$D/ublkd.log" || fail "the daemon did not hand over"
[ "$(ids)" = "$before_ids" ] || fail "the devices went with the daemon: $(ids)"
restart_daemon
touch "$D/stall.stop"; wait $SP
wait $FIO || { cat "$D/fio-handover.txt"; fail "fio failed across the hand-over"; }
[ -s "$D/stall.errors" ] && fail "a write failed across the hand-over: $(cat "$D/stall.errors")"
[ "$(ids)" = "$before_ids" ] || fail "the device numbers changed across the hand-over: $(ids)"
ok "handed over and taken over under fio --verify; longest client write $(cat "$D/stall") ms"

step "lifecycle: delete during I/O; crash then delete at once; crash, then delete once the device is back"
truncate -s 64M "$D/o2.img"
u origin o2 "$D/o2.img" >/dev/null
dd if=/dev/urandom of="$L/o2" bs=64k count=2000 oflag=direct status=none 2>/dev/null & W=$!
sleep 1
u remove --force o2 >/dev/null
wait $W 2>/dev/null && fail "writes to a removed device succeeded to the end"
[ -e "$L/o2" ] && fail "o2 is still there"
ok "remove --force during I/O: the writer got an error, the device is gone"
u origin o2 "$D/o2.img" >/dev/null
kill -9 "$DPID"; wait "$DPID" 2>/dev/null || true
restart_daemon
u remove o2 >/dev/null
[ -e "$L/o2" ] && fail "o2 is still there after a crash and a remove"
ok "crash, taken over, removed"
step "recover after two kills: the second daemon killed while it starts"
sha256sum < "$L/base" > "$D/base.sum"
sha256sum < "$L/s" > "$D/s.sum"
kill -9 "$DPID"; wait "$DPID" 2>/dev/null || true
"$UBLKD" --socket "$SOCK" serve --config "$D/devices.conf" --links "$L" --run-dir "$D/run" >>"$D/ublkd.log" 2>&1 &
DPID=$!
sleep "$(awk -v s="$$" 'BEGIN{srand(s); printf "%.1f", 1 + rand() * 5}')"
kill -9 "$DPID"; wait "$DPID" 2>/dev/null || true
restart_daemon
[ "$(ids)" = "$before_ids" ] || fail "the device numbers changed after two kills: $(ids), before $before_ids"
sha256sum < "$L/base" | cmp -s - "$D/base.sum" || fail "base reads differently after two kills"
sha256sum < "$L/s" | cmp -s - "$D/s.sum" || fail "snapshot s reads differently after two kills"
ok "taken over after two kills, reads as before"
stop_daemon
[ -e "$L/base" ] && fail "a stop left base behind"

step "--on-crash remove: the kernel removes the disk when ublkd dies; the next start deletes what is left and adds it again"
start_daemon --on-crash remove
truncate -s 64M "$D/o3.img"
# a number of its own (--id): between the kernel's removal and the restart, a test in the other lane that makes a
# device would take the lowest free number, and with it a kernel-chosen one (the daemon then logs that it took
# another); t-systemd-notify checks that a kernel-chosen number comes back
u origin o3 "$D/o3.img" --id 47 >/dev/null
disk=$(readlink -f "$L/o3")
[ "$disk" = /dev/ublkb47 ] || fail "--id 47 gave $disk"
kill -9 "$DPID"; wait "$DPID" 2>/dev/null || true
n=0; while [ -b "$disk" ] && [ $n -lt 100 ]; do sleep 0.2; n=$((n + 1)); done
[ -b "$disk" ] && fail "$disk is still there after the crash with --on-crash remove"
restart_daemon --on-crash remove
grep -q "deleted /dev/ublkc${disk#/dev/ublkb}: an earlier ublkd left it dead" "$D/ublkd.log" || fail "the dead device was not deleted"
[ "$(readlink -f "$L/o3")" = "$disk" ] || fail "o3 did not come back as $disk"
ok "$disk went with the daemon, was deleted and added again"
stop_daemon

if u features 2>/dev/null | grep -q USER_RECOVERY_FAIL_IO; then
  step "--on-crash fail: while no daemon runs, requests fail at once; the next daemon takes the device over"
  start_daemon --on-crash fail
  truncate -s 64M "$D/o4.img"
  u origin o4 "$D/o4.img" >/dev/null
  dd if=/dev/urandom of="$L/o4" bs=1M count=4 oflag=direct status=none
  sha256sum < "$L/o4" > "$D/o4.sum"
  disk=$(readlink -f "$L/o4")
  kill -9 "$DPID"; wait "$DPID" 2>/dev/null || true
  n=0; until timeout 10 dd if="$disk" of=/dev/null bs=4k count=1 iflag=direct status=none 2>/dev/null; [ $? = 1 ]; do
    n=$((n + 1)); [ $n -lt 50 ] || fail "reads of $disk neither failed nor worked while no daemon ran"; sleep 0.2
  done
  restart_daemon --on-crash fail
  [ "$(readlink -f "$L/o4")" = "$disk" ] || fail "o4 is not $disk after the crash"
  sha256sum < "$L/o4" | cmp -s - "$D/o4.sum" || fail "o4 reads differently after the crash"
  ok "reads failed while no daemon ran, and $disk was taken over"
  stop_daemon
else
  echo "skip: --on-crash fail needs UBLK_F_USER_RECOVERY_FAIL_IO (Linux 6.13+)"
fi
