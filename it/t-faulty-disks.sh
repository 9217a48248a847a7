# Issue 13.5: faulty disks under the stores. An origin whose disk fails returns errors to its users
# while the snapshot's COW and status stay intact, and works again once the disk heals; a slow COW
# (dm-delay, 500 ms per I/O) loses no request and hangs nothing.
. it/lib.sh
set -e
start_daemon
truncate -s 16M "$D/origin.img"; truncate -s 32M "$D/snap.cow" "$D/slow.cow"
LO=$(losetup -f --show "$D/origin.img"); LS=$(losetup -f --show "$D/slow.cow")
SEC=$(blockdev --getsz "$LO"); SSEC=$(blockdev --getsz "$LS")
cleanup() {
  for n in it_ofail it_slow; do dmsetup remove "$n" 2>/dev/null || true; done
  losetup -d "$LO" "$LS" 2>/dev/null || true
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
dmsetup create it_slow --table "0 $SSEC delay $LS 0 500"
u snapshot slow --origin base --cow /dev/mapper/it_slow --chunk 8 >/dev/null
sha256sum < "$L/slow" > "$D/slow.sum"
timeout 300 fio --name=slow --filename="$L/base" --rw=randwrite --bs=4k --size=16m --number_ios=64 --iodepth=8 \
  --ioengine=libaio --direct=1 --randrepeat=0 --verify=crc32c --verify_fatal=1 --output="$D/fio-slow.txt" \
  || { cat "$D/fio-slow.txt"; fail "fio over the slow COW failed or hung"; }
sha256sum < "$L/slow" | cmp -s - "$D/slow.sum" || fail "the snapshot on the slow COW changed"
u status slow | grep -q Invalid && fail "the snapshot on the slow COW went invalid"
u status slow
ok "64 verified writes that copied into a 500 ms COW: none lost, the snapshot intact"
u remove slow base
stop_daemon
