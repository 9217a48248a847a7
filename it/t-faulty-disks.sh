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
SEC=$(blockdev --getsz "$LO"); SSEC=$(blockdev --getsz "$LS")
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
u remove slow

step "a COW on a disk that fails now and then (dm-flakey: 1 s up, 1 s down), beside a healthy snapshot"
dmsetup create it_flaky --table "0 $SSEC flakey $LF 0 1 1"
u snapshot good --origin base --cow "$D/snap.cow" --init --chunk 8 >/dev/null
sha256sum < "$L/good" > "$D/good.sum"
n=0; until u snapshot flaky --origin base --cow /dev/mapper/it_flaky --init --chunk 8 >/dev/null 2>&1; do
  n=$((n + 1)); [ $n -lt 20 ] || fail "cannot create a snapshot on the flakey COW while it is up"; sleep 0.3
done
timeout 300 fio --name=flaky --filename="$L/base" --rw=randwrite --bs=4k-16k --size=16m --number_ios=400 --iodepth=8 \
  --ioengine=libaio --direct=1 --verify=crc32c --verify_fatal=1 --output="$D/fio-flaky.txt" \
  || { cat "$D/fio-flaky.txt"; fail "origin writes failed or hung while a snapshot's COW failed now and then"; }
u status flaky | grep -q Invalid || fail "the snapshot on the failing COW is not Invalid: $(u status flaky)"
dd if="$L/flaky" of=/dev/null bs=4k count=1 iflag=direct status=none 2>/dev/null && fail "the invalid snapshot still reads"
sha256sum < "$L/good" | cmp -s - "$D/good.sum" || fail "the healthy snapshot changed"
u status good | grep -q Invalid && fail "the healthy snapshot went invalid"
ok "400 verified origin writes: the snapshot on the failing COW went Invalid ($(u status flaky)), the origin and the healthy snapshot lost nothing"
u remove flaky good base
stop_daemon
