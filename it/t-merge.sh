# Merge online (issue: merge and handover). ext4 on the origin, two snapshots, files damaged,
# merge of the first while the file system is mounted (read-only) and fio writes (and verifies)
# a raw region of the origin; afterwards the origin holds the first snapshot's image plus fio's
# writes, the file system checks clean with the old files back, and the second snapshot still
# reads its own image.
. it/lib.sh
set -e
start_daemon
truncate -s 256M "$D/origin.img"; truncate -s 160M "$D/s1.cow" "$D/s2.cow"
u origin base "$D/origin.img" >/dev/null
# ext4 on the first 192 MiB; the last 64 MiB are a raw region for fio
mkfs.ext4 -q -F "$L/base" 196608k
mkdir -p "$D/m"; mount "$L/base" "$D/m"
i=1; while [ $i -le 20 ]; do dd if=/dev/urandom of="$D/m/file$i" bs=16k count=$((i * 6)) status=none; i=$((i + 1)); done
dd if=/dev/urandom of="$L/base" bs=1M seek=192 count=64 oflag=direct status=none
sums "$D/m" > "$D/v1.sums"
sync; fsfreeze -f "$D/m"
u snapshot s2 --origin base --cow "$D/s2.cow" --store P --chunk 16 >/dev/null || { fsfreeze -u "$D/m"; fail snapshot; }
u snapshot s1 --origin base --cow "$D/s1.cow" --store P --chunk 8 >/dev/null || { fsfreeze -u "$D/m"; fail snapshot; }
fsfreeze -u "$D/m"
head -c 201326592 "$L/s1" | sha256sum > "$D/s1-fs.sum"
sha256sum < "$L/s2" > "$D/s2.sum"
step "damaging files and the raw region on the origin"
rm "$D/m/file1" "$D/m/file2"; i=3; while [ $i -le 10 ]; do dd if=/dev/zero of="$D/m/file$i" bs=4k count=9 conv=notrunc status=none; i=$((i + 1)); done
dd if=/dev/urandom of="$D/m/junk" bs=1M count=30 status=none
sync
dd if=/dev/urandom of="$L/base" bs=1M seek=200 count=40 oflag=direct status=none
sums "$D/m" | cmp -s - "$D/v1.sums" && fail "the damage did not show"
mount -o remount,ro "$D/m"
step "merging s1 while the file system is mounted and fio writes to the origin"
fio --name=during-merge --filename="$L/base" --offset=192M --size=64M --rw=randwrite --bs=4k-32k \
    --ioengine=io_uring --direct=1 --iodepth=16 --verify=crc32c --verify_fatal=1 --do_verify=1 \
    --randrepeat=0 --verify_state_save=0 --output="$D/fio.txt" &
FIO=$!
sleep 1
u merge s1 --wait 2>"$D/progress.txt" || { cat "$D/progress.txt"; fail "merge failed"; }
tail -c 300 "$D/progress.txt"; echo
wait $FIO || { cat "$D/fio.txt"; fail "fio failed during the merge"; }
ok "fio wrote and verified its region during the merge"
[ -e "$L/s1" ] && fail "the merged snapshot still exists"
u status
umount "$D/m"
head -c 201326592 "$L/base" | sha256sum | cmp -s - "$D/s1-fs.sum" || fail "the origin's file system area is not the snapshot's image"
e2fsck -fn "$L/base" >/dev/null 2>&1 || fail "the merged file system does not check clean"
mount -o ro "$L/base" "$D/m"
sums "$D/m" | cmp - "$D/v1.sums" || fail "the merged files differ from the snapshot's"
umount "$D/m"
ok "the origin holds the snapshot's file system, byte for byte"
sha256sum < "$L/s2" | cmp -s - "$D/s2.sum" || fail "the other snapshot's image changed during the merge"
ok "the second snapshot still reads its own image"
u remove s2 base
stop_daemon
