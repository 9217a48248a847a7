# The same merge on the kernel's snapshot-merge and on ublkd, from identical images with identical
# writes (before the snapshot, to origin and snapshots, and during the merge): identical images
# afterwards, and the same status when done. Also a merge interrupted by a daemon restart resumes.
# it-seconds: 210
. it/lib.sh
set -e
S=131072
start_daemon
W=$D
dd if=/dev/urandom of="$W/base0.img" bs=1M count=64 status=none
cp "$W/base0.img" "$W/k.img"; cp "$W/base0.img" "$W/u.img"
truncate -s 48M "$W/k1.cow" "$W/k2.cow" "$W/u1.cow" "$W/u2.cow"
LO=$(losetup -f --show "$W/k.img"); L1=$(losetup -f --show "$W/k1.cow"); L2=$(losetup -f --show "$W/k2.cow")
dmsetup create it_mo --table "0 $S snapshot-origin $LO"
dmsetup create it_m2 --table "0 $S snapshot $LO $L2 P 16"
dmsetup create it_m1 --table "0 $S snapshot $LO $L1 P 8"
dmsetup suspend it_mo; dmsetup resume it_mo # as LVM does: the origin learns its snapshots' chunk size
u origin base "$W/u.img" >/dev/null
u snapshot s2 --origin base --cow "$W/u2.cow" --store P --chunk 16 >/dev/null
u snapshot s1 --origin base --cow "$W/u1.cow" --store P --chunk 8 >/dev/null
step "identical writes to both stacks"
apply_writes 21 300 64 /dev/mapper/it_mo "$L/base" -- 22 150 32 /dev/mapper/it_m1 "$L/s1" \
  -- 23 100 16 /dev/mapper/it_m2 "$L/s2" -- 24 200 128 /dev/mapper/it_mo "$L/base"
cmp /dev/mapper/it_m1 "$L/s1" || fail "s1 differs before the merge"
dd if="$L/s1" of="$W/s1.img" bs=1M status=none
dd if="$L/s2" of="$W/s2.img" bs=1M status=none
step "kernel: snapshot-merge of s1, with writes during the merge"
dmsetup suspend it_mo; dmsetup suspend it_m1
dmsetup load it_mo --table "0 $S snapshot-merge $LO $L1 P 8"
dmsetup resume it_mo
apply_writes 25 200 64 /dev/mapper/it_mo
dmsetup remove it_m1
n=0; while :; do
  st=$(dmsetup status it_mo | cut -d' ' -f4-); a=${st%%/*}; m=${st##* }
  [ "$a" = "$m" ] && break
  n=$((n + 1)); [ $n -gt 600 ] && fail "kernel merge did not finish: $st"; sleep 0.5
done
echo "kernel merge done: $st"
step "ublkd: merge of s1, with the same writes during the merge"
u merge s1 >/dev/null
dd if="$L/s1" of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null && fail "the merging snapshot's own device still serves I/O"
ok "the merging snapshot's own device fails I/O, as in the kernel"
apply_writes 25 200 64 "$L/base"
n=0; while [ -e "$L/s1" ]; do n=$((n + 1)); [ $n -gt 1200 ] && fail "ublkd merge did not finish"; sleep 0.5; done
cmp /dev/mapper/it_mo "$L/base" || fail "origins differ after the merges"
ok "identical origins after the merge"
cmp /dev/mapper/it_m2 "$L/s2" || fail "the other snapshots differ after the merges"
cmp "$L/s2" "$W/s2.img" || fail "the other snapshot changed"
ok "the other snapshot kept its image on both stacks"
dmsetup remove it_m2; dmsetup remove it_mo; losetup -d "$LO" "$L1" "$L2"
u remove s2 base

step "a merge interrupted by a restart resumes where it stopped"
cp "$W/base0.img" "$W/r.img"; truncate -s 64M "$W/r.cow"; rm -f "$W/r.cow"; truncate -s 64M "$W/r.cow"
u origin rbase "$W/r.img" >/dev/null
u snapshot r1 --origin rbase --cow "$W/r.cow" --store P --chunk 8 >/dev/null
apply_writes 31 400 128 "$L/rbase" -- 32 100 64 "$L/r1"
dd if="$L/r1" of="$W/r1.img" bs=1M status=none
u merge r1 >/dev/null
stop_daemon
grep -q "^merge r1" "$D/devices.conf" || echo "note: the merge finished before the stop"
restart_daemon
n=0; while [ -e "$L/r1" ]; do n=$((n + 1)); [ $n -gt 1200 ] && fail "resumed merge did not finish"; sleep 0.5; done
cmp "$L/rbase" "$W/r1.img" || fail "the resumed merge left a different image"
ok "the resumed merge finished with the snapshot's image"
u remove rbase
stop_daemon
