# ext4 on the origin; files written; snapshot taken; files changed and deleted on the origin;
# the snapshot mounted read-only shows the old files byte for byte. Removing a mounted device or
# one a process holds open is refused, naming who uses it.
. it/lib.sh
set -e
start_daemon
truncate -s 384M "$D/origin.img"; truncate -s 192M "$D/snap.cow"
u origin base "$D/origin.img" >/dev/null
mkfs.ext4 -q -F "$L/base"
mkdir -p "$D/m" "$D/s"
mount "$L/base" "$D/m"
step "writing files"
i=1
while [ $i -le 24 ]; do dd if=/dev/urandom of="$D/m/file$i" bs=16k count=$((i * 5)) status=none; i=$((i + 1)); done
mkdir -p "$D/m/tree" && cp -r /usr/share/doc/fio /usr/share/doc/dmsetup "$D/m/tree/" 2>/dev/null || true
sums "$D/m" > "$D/before.sums"
step "snapshot (file system frozen, as LVM does)"
sync; fsfreeze -f "$D/m"
u snapshot snap --origin base --cow "$D/snap.cow" --store P --chunk 16 >/dev/null || { fsfreeze -u "$D/m"; fail "snapshot"; }
fsfreeze -u "$D/m"
step "changing and deleting files on the origin"
rm "$D/m/file1" "$D/m/file2" "$D/m/file3"; rm -rf "$D/m/tree"
i=4; while [ $i -le 12 ]; do dd if=/dev/urandom of="$D/m/file$i" bs=16k count=7 conv=notrunc status=none; i=$((i + 1)); done
i=13; while [ $i -le 16 ]; do dd if=/dev/urandom of="$D/m/file$i" bs=16k count=40 status=none; i=$((i + 1)); done
dd if=/dev/urandom of="$D/m/new" bs=1M count=20 status=none
sync
sums "$D/m" > "$D/origin-after.sums"
cmp -s "$D/before.sums" "$D/origin-after.sums" && fail "the origin did not change"
step "mounting the snapshot read-only"
mount -o ro,noload "$L/snap" "$D/s"
sums "$D/s" > "$D/snap.sums"
cmp "$D/before.sums" "$D/snap.sums" || { diff "$D/before.sums" "$D/snap.sums" | head; fail "snapshot differs"; }
ok "snapshot shows the $(wc -l < "$D/before.sums") files as they were, byte for byte"
u status snap
step "remove of a mounted device is refused (issue 13.4), naming the mount; a process holding one is named"
expect_error "busy: mounted on $D/s" u remove snap
umount "$D/s"
sleep 60 < "$L/snap" & holder=$!
n=0; until [ "$(cat /proc/$holder/comm 2>/dev/null)" = sleep ] || [ $n -ge 50 ]; do sleep 0.1; n=$((n + 1)); done
expect_error "open by pid $holder (sleep)" u remove snap
kill $holder; wait $holder 2>/dev/null || true
u list | grep -q snap || fail "a refused remove took snap away"
umount "$D/m"
e2fsck -fn "$L/base" >/dev/null || fail "origin file system damaged"
e2fsck -fn "$L/snap" >/dev/null || fail "snapshot file system damaged"
ok "both file systems check clean"
u remove snap base
stop_daemon
