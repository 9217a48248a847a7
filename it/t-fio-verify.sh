# fio --verify=crc32c on the origin and on a writable snapshot at the same time, several queues, depth 32.
# it-scope: every-kernel
. it/lib.sh
set -e
start_daemon --queues 2 --depth 64
truncate -s 256M "$D/origin.img"; truncate -s 320M "$D/snap.cow"
u origin base "$D/origin.img" >/dev/null
dd if=/dev/urandom of="$L/base" bs=1M count=64 oflag=direct status=none
u snapshot snap --origin base --cow "$D/snap.cow" --store P --chunk 8 >/dev/null
common="--ioengine=io_uring --direct=1 --iodepth=32 --verify=crc32c --verify_fatal=1 --do_verify=1 --size=48M --randrepeat=0 --group_reporting --verify_state_save=0"
step "fio on origin and snapshot at once"
fio --name=origin --filename="$L/base" --rw=randwrite --bs=4k-64k --fdatasync=32 $common --output="$D/fio-origin.txt" &
P1=$!
fio --name=snap --filename="$L/snap" --rw=randwrite --bs=4k-32k --offset=64M $common --output="$D/fio-snap.txt" &
P2=$!
wait $P1 || { cat "$D/fio-origin.txt"; fail "fio on the origin failed"; }
wait $P2 || { cat "$D/fio-snap.txt"; fail "fio on the snapshot failed"; }
grep -i "verify" "$D/fio-origin.txt" "$D/fio-snap.txt" | grep -iv "verify: *0" | grep -i "err\|bad\|fail" && fail "verify errors"
grep -h "err=" "$D/fio-origin.txt" "$D/fio-snap.txt"
ok "no verify error on either device"
u status
step "the daemon's request counters say what the requests were, and what they cost"
# the same chunk twice: the first write copies it unless fio's writes did (they need not cover every chunk), the
# second copies nothing
dd if=/dev/urandom of="$L/base" bs=4k count=1 oflag=direct status=none
dd if=/dev/urandom of="$L/base" bs=4k count=1 oflag=direct status=none
u stats
j=$(u stats --json)
for k in passthrough-write copying-write origin-write origin-read; do
  echo "$j" | grep -q "\"name\":\"base\".*\"kind\":\"$k\",\"requests\":[1-9][0-9]*,\"service_ns\":[1-9][0-9]*,\"kernel_entries\":[1-9]" \
    || fail "base: no $k requests with their time and kernel entries counted: $j"
done
for k in snapshot-write snapshot-read-cow; do
  echo "$j" | grep -q "\"name\":\"snap\".*\"kind\":\"$k\",\"requests\":[1-9]" || fail "snap: no $k requests counted: $j"
done
echo "$j" | grep -q '"failed":[1-9]' && fail "requests counted as failed: $j"
ok "counted per kind on both devices"
u remove snap base
stop_daemon
if grep -q "(zero copy)" "$D/ublkd.log"; then
  step "the same in copy mode (--no-zero-copy): this kernel offers both"
  truncate -s 0 "$D/snap.cow"; truncate -s 320M "$D/snap.cow"
  restart_daemon --queues 2 --depth 64 --no-zero-copy
  u origin base2 "$D/origin.img" >/dev/null
  u snapshot snap2 --origin base2 --cow "$D/snap.cow" --store P --chunk 8 >/dev/null
  grep -q "base2 on .* (zero copy)" "$D/ublkd.log" && fail "--no-zero-copy still used zero copy"
  fio --name=origin --filename="$L/base2" --rw=randwrite --bs=4k-64k $common --output="$D/fio-origin2.txt" &
  P1=$!
  fio --name=snap --filename="$L/snap2" --rw=randwrite --bs=4k-32k --offset=64M $common --output="$D/fio-snap2.txt" &
  P2=$!
  wait $P1 || { cat "$D/fio-origin2.txt"; fail "fio on the origin failed (copy mode)"; }
  wait $P2 || { cat "$D/fio-snap2.txt"; fail "fio on the snapshot failed (copy mode)"; }
  ok "no verify error in copy mode either"
  u remove snap2 base2
  stop_daemon
else
  echo "note: this kernel has no zero copy for ublk (AUTO_BUF_REG): copy mode only"
fi
