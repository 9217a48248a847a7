# Refusals that need another user, no daemon, or a kernel (the rest are host tests and CliVmTest).
. it/lib.sh
set -e
start_daemon
expect_error "must run as root" setpriv --reuid=65534 --regid=65534 --clear-groups "$UBLKD" --socket "$D/other.sock" serve
expect_error "run as root" setpriv --reuid=65534 --regid=65534 --clear-groups "$UBLKD" --socket "$SOCK" list
expect_error "already running" "$UBLKD" --socket "$SOCK" serve

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
stop_daemon
expect_error "is not running" "$UBLKD" --socket "$SOCK" list

step "serve exits with the start's real status (systemd's Restart=on-failure)"
printf 'origin base %s\norigin other\n' "$D/o.img" > "$D/bad.conf"
cp "$D/bad.conf" "$D/bad.conf.orig" # (a socket's shared directory and the rest: host tests)
rc=0; "$UBLKD" --socket "$SOCK" serve --config "$D/bad.conf" --links "$L" --run-dir "$D/run" >"$D/bad.log" 2>&1 || rc=$?
[ "$rc" = 1 ] || { cat "$D/bad.log"; fail "serve exited $rc on a bad configuration (expected 1)"; }
grep -q "line 2: expected 'origin NAME PATH'" "$D/bad.log" || { cat "$D/bad.log"; fail "the bad line is not named"; }
cmp -s "$D/bad.conf" "$D/bad.conf.orig" || fail "the bad configuration was rewritten"
[ -e "$SOCK" ] && fail "a failed start left its socket"
ok "exit 1, the line named, the file untouched"

ok "refused with one line each"
