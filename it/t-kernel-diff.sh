# Against the kernel's dm-snapshot: the same random writes applied to a dm-snapshot stack and to a
# ublkd stack over identical starting images give identical origin and snapshot images (and the same
# status line); a COW written by one opens in the other with the same snapshot contents.
. it/lib.sh
set -e
start_daemon
W=$D
kernel_twin base snap
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
