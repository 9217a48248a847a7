# Devices outlive the daemon (issue 13): ext4 on an origin and on a writable persistent snapshot, fio writing
# and verifying on both, ublkd killed with SIGKILL again and again at random moments and started again from its
# configuration each time. The new daemon takes the devices over (ublk user recovery): fio sees no error and its
# verify passes, the kernel logs no I/O error, the device numbers never change, e2fsck is clean on both, and the
# kernel's dm-snapshot shows the same snapshot image from the COW. Then a merge interrupted by SIGKILL.
# (The lifecycle cases every ublk server is tested with are in t-crash-lifecycle.)
# it-scope: every-kernel
# it-seconds: 600
. it/lib.sh
set -e
# Ten kills on the first kernel; on the others (IT_SCOPE=delta), where the same code meets the kernel's other
# recovery, five: the suite's time goes mostly to the restarts (a JVM start is 10-30 s in the emulated guest).
if [ "${IT_SCOPE:-full}" = delta ]; then KILLS=${KILLS:-5}; else KILLS=${KILLS:-10}; fi
start_daemon
truncate -s 128M "$D/origin.img"; truncate -s 256M "$D/snap.cow" # room for every origin chunk and the snapshot's own writes
u origin base "$D/origin.img" >/dev/null
mkfs.ext4 -q -F "$L/base"
u snapshot snap --origin base --cow "$D/snap.cow" --store P --chunk 8 >/dev/null
u list
ids() { for x in base snap; do readlink -f "$L/$x"; done | tr '\n' ' '; }
before_ids=$(ids)
mkdir -p "$D/mb" "$D/ms"
mount "$L/base" "$D/mb"
mount "$L/snap" "$D/ms"
devs=$(for x in base snap; do basename "$(readlink -f "$L/$x")"; done | tr '\n' '|' | sed 's/|$//')
dmesg > "$D/dmesg.before"

# fio in rounds until told to stop: each round writes 8 MiB of random 4k-64k blocks to a new file and verifies
# them (crc32c); a failed round is recorded. Kills land in writes, in copies and in verifies.
fio_loop() { # dir tag
  r=0
  while [ ! -e "$D/stop-fio" ]; do
    r=$((r + 1))
    if ! fio --name="$2" --directory="$1" --filename="f$((r % 3))" --size=8M --rw=randwrite --bs=4k-64k \
         --ioengine=libaio --iodepth=4 --direct=1 --verify=crc32c --do_verify=1 --fsync_on_close=1 \
         --output="$D/fio-$2-$r.txt" >/dev/null 2>&1; then
      echo "round $r" >> "$D/fio-$2.failed"
    fi
    echo "$r" > "$D/fio-$2.rounds"
  done
}
fio_loop "$D/mb" origin & F1=$!
fio_loop "$D/ms" snap & F2=$!

step "SIGKILL ublkd $KILLS times under fio, 1 to 4 s apart, each time started again from its configuration"
k=0
stalls=""
while [ $k -lt "$KILLS" ]; do
  k=$((k + 1))
  sleep "$(awk -v s="$$$k" 'BEGIN{srand(s); printf "%.1f", 1 + rand() * 3}')"
  rm -f "$D/stall.stop" "$D/stall"; stall_probe "$D/mb/probe" "$D/stall" & SP=$!
  sleep 0.3
  kill -9 "$DPID"; wait "$DPID" 2>/dev/null || true
  t0=$(date +%s%N)
  [ "$(ids)" = "$before_ids" ] || fail "kill $k: the device nodes changed: $(ids), before $before_ids"
  restart_daemon
  t1=$(date +%s%N)
  sleep 0.5; touch "$D/stall.stop"; wait $SP
  [ -s "$D/stall.errors" ] && fail "kill $k: a client's write failed: $(cat "$D/stall.errors")"
  stalls="$stalls $(cat "$D/stall")"
  grep -q "took over /dev/ublkb" "$D/ublkd.log" || fail "kill $k: the new daemon took nothing over"
  [ "$(ids)" = "$before_ids" ] || fail "kill $k: the device numbers changed: $(ids), before $before_ids"
  echo "kill $k: a client's write waited $(cat "$D/stall") ms; the new daemon was up $(( (t1 - t0) / 1000000 )) ms after the kill"
done
ok "$KILLS kills, each device taken over under its own number; longest client write per recovery (ms):$stalls"
touch "$D/stop-fio"
wait $F1 || true; wait $F2 || true
rounds="origin $(cat "$D/fio-origin.rounds") rounds, snapshot $(cat "$D/fio-snap.rounds") rounds"
for t in origin snap; do
  if [ -e "$D/fio-$t.failed" ]; then
    f=$(head -1 "$D/fio-$t.failed" | cut -d' ' -f2)
    cat "$D/fio-$t-$f.txt" >&2
    fail "fio on $t failed in: $(tr '\n' ' ' < "$D/fio-$t.failed") ($rounds)"
  fi
done
ok "fio wrote and verified with no error across the kills: $rounds"
dmesg > "$D/dmesg.after"
if diff "$D/dmesg.before" "$D/dmesg.after" | grep -E "^>" | grep -E "($devs)" | grep -Ei "error|fail|abort"; then
  fail "the kernel logged errors on the devices"
fi
ok "no I/O or file system error in the kernel's log for $devs"
umount "$D/mb"; umount "$D/ms"
e2fsck -fn "$L/base" > "$D/fsck-base.txt" 2>&1 || { cat "$D/fsck-base.txt"; fail "e2fsck on the origin"; }
e2fsck -fn "$L/snap" > "$D/fsck-snap.txt" 2>&1 || { cat "$D/fsck-snap.txt"; fail "e2fsck on the snapshot"; }
ok "e2fsck -fn is clean on both"
sha256sum < "$L/snap" > "$D/snap.sum"
u status snap

step "the kernel's dm-snapshot shows the same snapshot image from the COW"
stop_daemon
S=$(( $(stat -c %s "$D/origin.img") / 512 ))
LO=$(losetup -f --show "$D/origin.img"); LC=$(losetup -f --show "$D/snap.cow")
dmsetup create it_recov --table "0 $S snapshot $LO $LC P 8"
sha256sum < /dev/mapper/it_recov | cmp -s - "$D/snap.sum" || { dmsetup remove it_recov; losetup -d "$LO" "$LC"; fail "the kernel shows another image"; }
dmsetup remove it_recov; losetup -d "$LO" "$LC"
ok "the kernel reads the snapshot's image from the COW, byte for byte"

step "a merge interrupted by SIGKILL resumes and ends with the snapshot's image"
restart_daemon
# ublk device numbers are the whole machine's: while this daemon was stopped, a test in the other lane may have
# taken one; the daemon then takes another and says so (anything else is a failure)
if [ "$(ids)" != "$before_ids" ]; then
  tail -n 20 "$D/ublkd.log" | grep -q "which is in use: it is /dev/ublkb" \
    || fail "the device numbers changed at a clean restart: $(ids), before $before_ids"
  echo "another test took the numbers meanwhile: $(ids), before $before_ids (the daemon said so)"
fi
dd if=/dev/urandom of="$L/base" bs=1M count=16 seek=8 oflag=direct status=none
u merge snap >/dev/null
sleep 1
kill -9 "$DPID"; wait "$DPID" 2>/dev/null || true
restart_daemon
# the merged snapshot's device goes when the merge ends (a status command per look would be a JVM start each)
n=0
while [ -e "$L/snap" ]; do
  n=$((n + 1)); [ $n -lt 600 ] || fail "the merge did not end: $(u status snap)"; sleep 0.5
done
u status snap >/dev/null 2>&1 && fail "the snapshot's device went, but the daemon still has it: $(u status snap)"
u list
sha256sum < "$L/base" | cmp -s - "$D/snap.sum" || fail "after the interrupted merge the origin is not the snapshot's image"
ok "the merge resumed after SIGKILL; the origin is the snapshot's image"

stop_daemon
ok "crash recovery: $KILLS kills, longest client write per recovery (ms):$stalls; $rounds"
