# Batched ublk commands (serve --batch-io, UBLK_F_BATCH_IO) under the conditions that test a transport: every
# ring with an 8-entry SQ (-Dublkd.ringEntries=8), so a turn's COMMIT_IO_CMDS and the copies' linked chains keep
# meeting a full SQ; a slow COW (dm-delay, 200 ms per I/O), so answers come back one by one long after their
# fetch; and a COW on a disk that fails now and then (dm-flakey), so that snapshot goes Invalid while requests
# are in flight. fio --verify finds no error on the origin, the healthy snapshots never change, nothing hangs.
# On kernels without UBLK_F_BATCH_IO it says so and passes.
# it-scope: every-kernel
# it-seconds: 150
. it/lib.sh
set -e
UBLKD_JAVA_OPTS="$UBLKD_JAVA_OPTS -Dublkd.ringEntries=8"
export UBLKD_JAVA_OPTS
start_daemon --queues 2 --depth 32 --batch-io
t0=$(date +%s)
truncate -s 16M "$D/origin.img"
u origin base "$D/origin.img" >/dev/null
if ! grep -q "kernel ublk features:.*BATCH_IO" "$D/ublkd.log"; then
  grep -q "base on .*batch I/O" "$D/ublkd.log" && fail "batches on a kernel that offers none"
  echo "note: this kernel offers no batches for ublk (UBLK_F_BATCH_IO): nothing to test"
  u remove base
  stop_daemon
  exit 0
fi
grep -q "base on .*batch I/O)" "$D/ublkd.log" || fail "--batch-io used no batches: $(grep 'base on' "$D/ublkd.log")"
rings=$(grep -l "^SqMask:" /proc/"$DPID"/fdinfo/* 2>/dev/null | wc -l)
small=$(grep -l "^SqMask:[[:space:]]*0x7$" /proc/"$DPID"/fdinfo/* 2>/dev/null | wc -l)
[ "$rings" -ge 3 ] && [ "$small" = "$rings" ] || fail "$small of the daemon's $rings rings have an 8-entry SQ"
ok "batched commands, all $rings rings with an 8-entry SQ"

step "fio --verify at depth 32 on the origin, 4 snapshots copying, small rings"
dd if=/dev/urandom of="$L/base" bs=1M count=16 oflag=direct status=none
before=$(sha256sum < "$L/base")
for i in 1 2 3 4; do
  truncate -s 24M "$D/s$i.cow"
  u snapshot "s$i" --origin base --cow "$D/s$i.cow" --store P --chunk 16 >/dev/null
done
timeout 300 fio --name=origin --filename="$L/base" --rw=randwrite --bs=4k-64k --ioengine=io_uring --direct=1 \
  --iodepth=32 --verify=crc32c --verify_fatal=1 --do_verify=1 --size=16M --randrepeat=0 --verify_state_save=0 \
  --output="$D/fio.txt" || { cat "$D/fio.txt"; fail "fio on the origin failed or hung"; }
grep -q "err= *0" "$D/fio.txt" || fail "fio reports errors"
for i in 1 2 3 4; do
  [ "$(sha256sum < "$L/s$i")" = "$before" ] || fail "snapshot s$i no longer reads as the origin did"
done
ok "no verify error; all 4 snapshots read as the origin did ($(( $(date +%s) - t0 ))s)"
u remove s1 s2 s3 s4

truncate -s 32M "$D/slow.cow" "$D/flaky.cow" "$D/good.cow"
LS=$(losetup -f --show "$D/slow.cow"); LF=$(losetup -f --show "$D/flaky.cow")
SSEC=$(blockdev --getsz "$LS")
cleanup() {
  for n in it_bslow it_bflaky; do dmsetup remove "$n" 2>/dev/null || true; done
  losetup -d "$LS" "$LF" 2>/dev/null || true
}
trap cleanup EXIT

step "a slow COW (dm-delay, 200 ms per I/O): origin writes that copy, at depth 16"
dmsetup create it_bslow --table "0 $SSEC delay $LS 0 200"
u snapshot slow --origin base --cow /dev/mapper/it_bslow --chunk 8 >/dev/null
sha256sum < "$L/slow" > "$D/slow.sum"
timeout 300 fio --name=slow --filename="$L/base" --rw=randwrite --bs=4k --size=16m --number_ios=96 --iodepth=16 \
  --ioengine=io_uring --direct=1 --randrepeat=0 --verify=crc32c --verify_fatal=1 --output="$D/fio-slow.txt" \
  || { cat "$D/fio-slow.txt"; fail "fio over the slow COW failed or hung"; }
sha256sum < "$L/slow" | cmp -s - "$D/slow.sum" || fail "the snapshot on the slow COW changed"
u status slow | grep -q Invalid && fail "the snapshot on the slow COW went invalid"
ok "96 verified writes that copied into a 200 ms COW: none lost, the snapshot intact ($(( $(date +%s) - t0 ))s)"
u remove slow

step "a COW on a disk that fails now and then (dm-flakey: 1 s up, 1 s down), beside a healthy snapshot"
dmsetup create it_bflaky --table "0 $SSEC flakey $LF 0 1 1"
u snapshot good --origin base --cow "$D/good.cow" --chunk 8 >/dev/null
sha256sum < "$L/good" > "$D/good.sum"
n=0; until u snapshot flaky --origin base --cow /dev/mapper/it_bflaky --init --chunk 8 >/dev/null 2>&1; do
  n=$((n + 1)); [ $n -lt 20 ] || fail "cannot create a snapshot on the flakey COW while it is up"; sleep 0.3
done
timeout 300 fio --name=flaky --filename="$L/base" --rw=randwrite --bs=4k-16k --size=16m --number_ios=400 --iodepth=16 \
  --ioengine=io_uring --direct=1 --verify=crc32c --verify_fatal=1 --output="$D/fio-flaky.txt" \
  || { cat "$D/fio-flaky.txt"; fail "origin writes failed or hung while a snapshot's COW failed now and then"; }
u status flaky | grep -q Invalid || fail "the snapshot on the failing COW is not Invalid: $(u status flaky)"
sha256sum < "$L/good" | cmp -s - "$D/good.sum" || fail "the healthy snapshot changed"
u status good | grep -q Invalid && fail "the healthy snapshot went invalid"
ok "400 verified origin writes: the snapshot on the failing COW went Invalid, the origin and the healthy snapshot lost nothing ($(( $(date +%s) - t0 ))s)"
u remove flaky good base
grep -E "stopped on an error|callback failed|task failed" "$D/ublkd.log" && fail "the daemon reported failures"
stop_daemon
