# Against the kernel's dm-snapshot: the same random writes applied to a dm-snapshot stack and to a
# ublkd stack over identical starting images give identical origin and snapshot images (and the same
# status line); a COW written by one opens in the other with the same snapshot contents.
. it/lib.sh
set -e
S=131072 # 64 MiB in sectors
start_daemon
W=$D
dd if=/dev/urandom of="$W/base0.img" bs=1M count=64 status=none
cp "$W/base0.img" "$W/k.img"; cp "$W/base0.img" "$W/u.img"
truncate -s 40M "$W/k.cow" "$W/u.cow"
LO=$(losetup -f --show "$W/k.img"); LC=$(losetup -f --show "$W/k.cow")
dmsetup create it_korigin --table "0 $S snapshot-origin $LO"
dmsetup create it_ksnap --table "0 $S snapshot $LO $LC P 8"
# as LVM does: the origin is suspended and resumed once its snapshots exist, so that it splits
# writes at the snapshots' chunk size (it learns that size on resume)
dmsetup suspend it_korigin; dmsetup resume it_korigin
u origin base "$W/u.img" >/dev/null
u snapshot snap --origin base --cow "$W/u.cow" --store P --chunk 8 >/dev/null
step "applying the same writes to both stacks"
apply_writes 11 300 96 /dev/mapper/it_korigin "$L/base" -- 12 200 40 /dev/mapper/it_ksnap "$L/snap" \
  -- 13 300 128 /dev/mapper/it_korigin "$L/base"
cmp /dev/mapper/it_korigin "$L/base" || fail "origin images differ"
cmp /dev/mapper/it_ksnap "$L/snap" || fail "snapshot images differ"
ok "origin and snapshot images are identical on both stacks"
kstat=$(dmsetup status it_ksnap | cut -d' ' -f4-)
ustat=$(u status snap | cut -d' ' -f5-)
echo "kernel status: $kstat"; echo "ublkd status:  $ustat"
[ "$kstat" = "$ustat" ] || fail "status lines differ: kernel '$kstat', ublkd '$ustat'"
ok "same status line"
dd if=/dev/mapper/it_ksnap of="$W/ksnap.img" bs=1M status=none
dd if="$L/snap" of="$W/usnap.img" bs=1M status=none
dmsetup remove it_ksnap; dmsetup remove it_korigin
sync
cmp -s "$W/k.cow" "$W/u.cow" && ok "the COW files are byte for byte the same" || echo "note: COW files differ in layout (allowed)"
stop_daemon # keeps the COW valid (remove would invalidate it)

step "a COW written by the kernel, opened by ublkd"
start_daemon
losetup -d "$LO"; losetup -d "$LC"
u origin kb "$W/k.img" >/dev/null
u snapshot ks --origin kb --cow "$W/k.cow" --store P --chunk 8 >/dev/null
cmp "$L/ks" "$W/ksnap.img" || fail "ublkd shows a different image of the kernel's snapshot"
ok "ublkd presents the kernel's snapshot identically"
u status ks
stop_daemon
"$UBLKD" cow export --origin "$W/k.img" --cow "$W/k.cow" --out "$W/kexport.img" >/dev/null
cmp "$W/kexport.img" "$W/ksnap.img" || fail "offline export differs"
ok "offline export agrees too"

step "a COW written by ublkd, opened by the kernel"
LO=$(losetup -f --show "$W/u.img"); LC=$(losetup -f --show "$W/u.cow")
dmsetup create it_usnap --table "0 $S snapshot $LO $LC P 8"
cmp /dev/mapper/it_usnap "$W/usnap.img" || fail "the kernel shows a different image of ublkd's snapshot"
ok "the kernel presents ublkd's snapshot identically: $(dmsetup status it_usnap)"
dmsetup remove it_usnap; losetup -d "$LO"; losetup -d "$LC"
