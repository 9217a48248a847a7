# Issue 13.5: faulty disks under the stores. An origin whose disk fails returns errors to its users
# while the snapshot's COW and status stay intact, and works again once the disk heals; a slow COW
# (dm-delay, 500 ms per I/O) loses no request and hangs nothing; a COW on an intermittently failing
# disk (dm-flakey) makes that snapshot Invalid while the origin and the other snapshot lose nothing.
# it-seconds: 240
. it/lib.sh
set -e
start_daemon
truncate -s 16M "$D/origin.img"; truncate -s 32M "$D/snap.cow" "$D/slow.cow" "$D/flaky.cow"
LO=$(losetup -f --show "$D/origin.img"); LS=$(losetup -f --show "$D/slow.cow"); LF=$(losetup -f --show "$D/flaky.cow")
SEC=$(blockdev --getsz "$LO")
cleanup() {
  for n in it_ofail it_slow it_flaky; do dmsetup remove "$n" 2>/dev/null || true; done
  losetup -d "$LO" "$LS" "$LF" 2>/dev/null || true
}
trap cleanup EXIT
dmsetup create it_ofail --table "0 $SEC linear $LO 0"
dd if=/dev/urandom of=/dev/mapper/it_ofail bs=1M count=16 oflag=direct status=none
u origin base /dev/mapper/it_ofail >/dev/null
u snapshot s1 --origin base --cow "$D/snap.cow" --chunk 8 >/dev/null
sha256sum < "$L/s1" > "$D/s1.sum"
dd if=/dev/urandom of="$L/base" bs=1M count=16 oflag=direct status=none # every chunk copied out
before=$(u status s1)

step "the origin's disk fails"
dmsetup suspend --noflush it_ofail; dmsetup load it_ofail --table "0 $SEC error"; dmsetup resume it_ofail
dd if=/dev/urandom of="$L/base" bs=4k count=4 seek=100 oflag=direct status=none 2>/dev/null && fail "a write to the failed origin went through"
dd if="$L/base" of=/dev/null bs=4k count=4 skip=200 iflag=direct status=none 2>/dev/null && fail "a read of the failed origin went through"
[ "$(u status s1)" = "$before" ] || fail "the snapshot's status changed: '$before' -> '$(u status s1)'"
sha256sum < "$L/s1" | cmp -s - "$D/s1.sum" || fail "the snapshot reads differently while the origin fails"
ok "errors to the origin's users; the snapshot (all in its COW) reads as before and its status is unchanged"

step "the disk heals"
dmsetup suspend --noflush it_ofail; dmsetup load it_ofail --table "0 $SEC linear $LO 0"; dmsetup resume it_ofail
dd if=/dev/urandom of="$D/new" bs=1M count=2 status=none
dd if="$D/new" of="$L/base" bs=1M count=2 seek=4 oflag=direct status=none || fail "the healed origin refuses writes"
cmp -n 2097152 -i 0:4194304 "$D/new" "$L/base" || fail "the healed origin reads back other data"
sha256sum < "$L/s1" | cmp -s - "$D/s1.sum" || fail "the snapshot changed"
u remove s1
ok "the origin works again; the snapshot never changed"

step "a slow COW (dm-delay, 500 ms per I/O): origin writes that copy, at depth 8"
slow_cow_writes it_slow "$LS" 500 64 8 libaio
u remove slow

step "a COW on a disk that fails now and then (dm-flakey: 1 s up, 1 s down), beside a healthy snapshot"
flaky_cow_writes it_flaky "$LF" "$D/snap.cow" 8 libaio
u remove flaky good base
stop_daemon
