# Refusals that need another user, no daemon, or a kernel (the rest are host tests and CliVmTest).
# it-seconds: 250
. it/lib.sh
set -e
start_daemon
expect_error "must run as root" setpriv --reuid=65534 --regid=65534 --clear-groups "$UBLKD" --socket "$D/other.sock" serve
expect_error "run as root" setpriv --reuid=65534 --regid=65534 --clear-groups "$UBLKD" --socket "$SOCK" list
expect_error "already running" "$UBLKD" --socket "$SOCK" serve
step "features without a daemon ask the kernel, and the daemon says the same"
direct=$("$UBLKD" --socket "$D/nobody.sock" features) || fail "features without a daemon: $direct"
[ "$direct" = "$(u features)" ] || fail "features differ: kernel '$direct', daemon '$(u features)'"
ok "features without a daemon: $direct"

step "SO_PEERCRED: a socket another user can reach still refuses them"
chmod 0777 "$D"; chmod 0666 "$SOCK"
expect_error "only root or the owner" setpriv --reuid=65534 --regid=65534 --clear-groups "$UBLKD" --socket "$SOCK" list
chmod 0700 "$D"; chmod 0600 "$SOCK"

step "device numbers in table lines (as dmsetup table prints them)"
truncate -s 32M "$D/o.img"
LO=$(losetup -f --show "$D/o.img"); NO=$(lsblk -dno MAJ:MIN "$LO" | tr -d ' ')
u load lo 0 65536 snapshot-origin "$NO" | grep -q "^lo /dev/ublkb" || fail "MAJ:MIN not loaded"
out=$(u load lx 0 65536 snapshot lo 254:4000 P 16 2>&1) && fail "a missing device number was taken"
echo "$out" | grep -q "no block device 254:4000" || fail "unclear: $out"
echo "$out" | grep -q truncate && fail "a device number got a file hint: $out"
u status --table lo | grep -q "snapshot-origin $LO" || fail "MAJ:MIN not resolved: $(u status --table lo)"
u remove lo
losetup -d "$LO"
ok "MAJ:MIN resolved, a missing one named"

step "read-only devices (issue 12.6): the kernel refuses writes; origin writes still copy into a read-only snapshot"
truncate -s 16M "$D/rw.img"; truncate -s 8M "$D/ro.cow"
u origin base-rw "$D/rw.img" >/dev/null
u snapshot snap-ro --origin base-rw --cow "$D/ro.cow" --read-only >/dev/null
[ "$(blockdev --getro "$L/snap-ro")" = 1 ] && [ "$(blockdev --getro "$L/base-rw")" = 0 ] \
  || fail "read-only flags: snap-ro $(blockdev --getro "$L/snap-ro"), base-rw $(blockdev --getro "$L/base-rw")"
dd if=/dev/zero of="$L/snap-ro" bs=4k count=1 oflag=direct status=none 2>/dev/null && fail "a write to a read-only snapshot went through"
dd if=/dev/urandom of="$L/base-rw" bs=64k count=4 oflag=direct status=none
cmp -n 262144 "$L/snap-ro" /dev/zero || fail "the read-only snapshot does not show the origin as it was"
u remove snap-ro base-rw
truncate -s 16M "$D/ro.img"
u origin base-ro "$D/ro.img" -r --id 42 >/dev/null
[ "$(blockdev --getro "$L/base-ro")" = 1 ] || fail "origin --read-only is writable"
[ "$(readlink -f "$L/base-ro")" = /dev/ublkb42 ] || fail "--id 42 gave $(readlink -f "$L/base-ro")"
truncate -s 16M "$D/id.img"
expect_error "ublk device id 42 is in use" u origin other "$D/id.img" --id 42
u list | grep -q "^other " && fail "a refused --id left a device"
u remove base-ro
ok "read-only snapshot and origin refuse writes; the snapshot kept its image through origin writes"
stop_daemon
expect_error "is not running" "$UBLKD" --socket "$SOCK" list

step "serve exits with the start's real status (systemd's Restart=on-failure)"
printf 'origin base %s\norigin other\n' "$D/o.img" > "$D/bad.conf"
cp "$D/bad.conf" "$D/bad.conf.orig" # (a socket's shared directory and the rest: host tests)
rc=0; "$UBLKD" --socket "$SOCK" serve --config "$D/bad.conf" --links "$L" --run-dir "$D/run" >"$D/bad.log" 2>&1 || rc=$?
[ "$rc" = 1 ] || { cat "$D/bad.log"; fail "serve exited $rc on a bad configuration (expected 1)"; }
grep -q "line 2: expected 'origin NAME PATH" "$D/bad.log" || { cat "$D/bad.log"; fail "the bad line is not named"; }
cmp -s "$D/bad.conf" "$D/bad.conf.orig" || fail "the bad configuration was rewritten"
[ -e "$SOCK" ] && fail "a failed start left its socket"
ok "exit 1, the line named, the file untouched"

ok "refused with one line each"
