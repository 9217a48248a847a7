# Batched ublk commands (serve --batch-io, UBLK_F_BATCH_IO) under the conditions that test a transport: every
# ring with an 8-entry SQ (-Dublkd.ringEntries=8), so a turn's COMMIT_IO_CMDS and the copies' linked chains keep
# meeting a full SQ; a slow COW (dm-delay, 200 ms per I/O), so answers come back one by one long after their
# fetch; and a COW on a disk that fails now and then (dm-flakey), so that snapshot goes Invalid while requests
# are in flight. fio --verify finds no error on the origin, the healthy snapshots never change, nothing hangs.
# Then the kernel's differential (kernel_twin): the same writes through batches and small rings leave the same
# images and status line as the kernel's dm-snapshot.
# On kernels without UBLK_F_BATCH_IO it says so and passes.
# it-scope: every-kernel
# it-seconds: 220
. it/lib.sh
set -e
UBLKD_JAVA_OPTS="$UBLKD_JAVA_OPTS -Dublkd.ringEntries=8"
export UBLKD_JAVA_OPTS
start_daemon --queues 2 --depth 32 --batch-io
t0=$(date +%s)
# Asked before any device is made: on a kernel without batches this test makes none (the other lane's tests
# count on the device numbers they free staying free for a moment).
if ! grep -q "kernel ublk features:.*BATCH_IO" "$D/ublkd.log"; then
  echo "note: this kernel offers no batches for ublk (UBLK_F_BATCH_IO): nothing to test"
  stop_daemon
  exit 0
fi
truncate -s 16M "$D/origin.img"
u origin base "$D/origin.img" >/dev/null
grep -q "base on .*batch I/O)" "$D/ublkd.log" || fail "--batch-io used no batches: $(grep 'base on' "$D/ublkd.log")"
small_rings 3
ok "batched commands, all $RINGS rings with an 8-entry SQ"

step "fio --verify at depth 32 on the origin, 4 snapshots copying, small rings"
verify_four_snapshots
u remove s1 s2 s3 s4

truncate -s 32M "$D/slow.cow" "$D/flaky.cow" "$D/good.cow"
LS=$(losetup -f --show "$D/slow.cow"); LF=$(losetup -f --show "$D/flaky.cow")
cleanup() {
  for n in it_bslow it_bflaky it_ksnap it_korigin; do dmsetup remove "$n" 2>/dev/null || true; done
  for l in "$LS" "$LF" "${LO:-}" "${LC:-}"; do [ -z "$l" ] || losetup -d "$l" 2>/dev/null || true; done
}
trap cleanup EXIT

step "a slow COW (dm-delay, 200 ms per I/O): origin writes that copy, at depth 16"
slow_cow_writes it_bslow "$LS" 200 96 16 io_uring
u remove slow

step "a COW on a disk that fails now and then (dm-flakey: 1 s up, 1 s down), beside a healthy snapshot"
flaky_cow_writes it_bflaky "$LF" "$D/good.cow" 16 io_uring
u remove flaky good base

step "against the kernel's dm-snapshot, through batched commands and small rings"
kernel_twin kbase ksnap
dmsetup remove it_ksnap; dmsetup remove it_korigin; losetup -d "$LO" "$LC"
u remove ksnap kbase
grep -E "stopped on an error|callback failed|task failed" "$D/ublkd.log" && fail "the daemon reported failures"
stop_daemon
