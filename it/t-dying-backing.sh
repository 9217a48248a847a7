# A backing device that dies fails I/O with EIO; the daemon and the other devices keep running.
. it/lib.sh
set -e
modprobe brd rd_nr=2 rd_size=65536 2>/dev/null || true
[ -b /dev/ram1 ] || { echo "skip: no brd RAM disks"; exit 0; }
start_daemon
truncate -s 64M "$D/origin.img" "$D/good.cow"
SEC=$(blockdev --getsz /dev/ram1)
dmsetup create it_dying --table "0 $SEC linear /dev/ram1 0"
dd if=/dev/zero of=/dev/mapper/it_dying bs=1M count=1 status=none
u origin base "$D/origin.img" >/dev/null
dd if=/dev/urandom of="$L/base" bs=1M count=16 oflag=direct status=none
u snapshot doomed --origin base --cow /dev/mapper/it_dying --store P --chunk 8 >/dev/null
u snapshot good --origin base --cow "$D/good.cow" --store P --chunk 8 >/dev/null
sha256sum < "$L/good" > "$D/good.sum"
step "the COW of 'doomed' starts failing"
dmsetup suspend --noflush it_dying; dmsetup load it_dying --table "0 $SEC error"; dmsetup resume it_dying
dd if=/dev/urandom of="$L/base" bs=1M count=16 oflag=direct status=none || fail "origin writes failed"
u status doomed | grep -q Invalid || fail "the snapshot on the failing COW is not invalid: $(u status doomed)"
dd if="$L/doomed" of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null && fail "reading the invalid snapshot worked"
sha256sum < "$L/good" | cmp -s - "$D/good.sum" || fail "the other snapshot changed"
u status
ok "origin writes go on, the other snapshot is intact, the failed one is Invalid and fails I/O"
u remove doomed good base
stop_daemon
dmsetup remove it_dying
