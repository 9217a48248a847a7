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
# verify_pair ORIGIN SNAP WHAT [FIO OPTIONS...]: fio --verify on an origin and a snapshot at once
verify_pair() {
  vp_o=$1 vp_s=$2 vp_what=$3; shift 3
  fio --name=origin --filename="$L/$vp_o" --rw=randwrite --bs=4k-64k "$@" $common --output="$D/fio-$vp_o.txt" &
  vp_p1=$!
  fio --name=snap --filename="$L/$vp_s" --rw=randwrite --bs=4k-32k --offset=64M $common --output="$D/fio-$vp_s.txt" &
  vp_p2=$!
  wait $vp_p1 || { cat "$D/fio-$vp_o.txt"; fail "fio on the origin failed ($vp_what)"; }
  wait $vp_p2 || { cat "$D/fio-$vp_s.txt"; fail "fio on the snapshot failed ($vp_what)"; }
}
step "fio on origin and snapshot at once"
verify_pair base snap "zero copy where offered" --fdatasync=32
grep -i "verify" "$D/fio-base.txt" "$D/fio-snap.txt" | grep -iv "verify: *0" | grep -i "err\|bad\|fail" && fail "verify errors"
grep -h "err=" "$D/fio-base.txt" "$D/fio-snap.txt"
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
batch=0
grep -q "kernel ublk features:.*BATCH_IO" "$D/ublkd.log" && batch=1
grep -q "base on .*batch I/O" "$D/ublkd.log" && fail "batches without --batch-io"
if grep -q "base on .*(zero copy" "$D/ublkd.log"; then
  step "the same in copy mode (--no-zero-copy): this kernel offers both"
  truncate -s 0 "$D/snap.cow"; truncate -s 320M "$D/snap.cow"
  restart_daemon --queues 2 --depth 64 --no-zero-copy
  u origin base2 "$D/origin.img" >/dev/null
  u snapshot snap2 --origin base2 --cow "$D/snap.cow" --store P --chunk 8 >/dev/null
  grep -q "base2 on .*(zero copy" "$D/ublkd.log" && fail "--no-zero-copy still used zero copy"
  verify_pair base2 snap2 "copy mode"
  ok "no verify error in copy mode either"
  u remove snap2 base2
  stop_daemon
else
  echo "note: this kernel has no zero copy for ublk (AUTO_BUF_REG): copy mode only"
fi
if [ "$batch" = 1 ]; then
  step "batched ublk commands (--batch-io, UBLK_F_BATCH_IO): this kernel offers them"
  truncate -s 0 "$D/snap.cow"; truncate -s 320M "$D/snap.cow"
  restart_daemon --queues 2 --depth 64 --batch-io
  u origin base3 "$D/origin.img" >/dev/null
  u snapshot snap3 --origin base3 --cow "$D/snap.cow" --store P --chunk 8 >/dev/null
  grep -q "base3 on .*batch I/O)" "$D/ublkd.log" || fail "--batch-io used no batches: $(grep 'base3 on' "$D/ublkd.log")"
  u status --json | grep -q '"name":"base3".*"batch_io":true' || fail "status --json does not say batch_io: $(u status --json)"
  verify_pair base3 snap3 "batched commands" --fdatasync=32
  ok "no verify error with batched ublk commands either"
  u remove snap3 base3
  stop_daemon
else
  echo "note: this kernel offers no batches for ublk (UBLK_F_BATCH_IO)"
fi
