# Bad input: every refusal is one line naming the problem and what to do, and changes nothing.
. it/lib.sh
set -e
start_daemon
truncate -s 64M "$D/origin.img" "$D/ok.cow"
truncate -s 6k "$D/tiny.cow"
u origin base "$D/origin.img" >/dev/null
u snapshot good --origin base --cow "$D/ok.cow" >/dev/null
u list > "$D/list.before"
cp "$D/devices.conf" "$D/conf.before"
expect_error "unknown origin" u snapshot s1 --origin nosuch --cow "$D/x.cow" --create 16M
expect_error "in use by snapshot good" u snapshot s2 --origin base --cow "$D/ok.cow"
expect_error "in use by origin base" u snapshot s3 --origin base --cow "$D/origin.img"
expect_error "too small" u snapshot s4 --origin base --cow "$D/tiny.cow" --chunk 8
expect_error "bad chunk size" u snapshot s5 --origin base --cow "$D/c5.cow" --create 16M --chunk 12
expect_error "bad chunk size" u snapshot s6 --origin base --cow "$D/c6.cow" --create 16M --chunk 4096m
expect_error "no such file" u origin o2 "$D/missing.img"
expect_error "no such file" u snapshot s7 --origin base --cow "$D/missing.cow"
expect_error "exists already" u origin base "$D/ok.cow"
expect_error "bad store type" u snapshot s8 --origin base --cow "$D/c8.cow" --create 16M --store Q
expect_error "bad name" u origin "bad/name" "$D/origin.img"
printf 'XFSB-not-a-cow' | dd of="$D/junk.cow" bs=512 conv=sync status=none; truncate -s 16M "$D/junk.cow"
sha256sum < "$D/junk.cow" > "$D/junk.sum"
expect_error "not a snapshot COW" u snapshot s9 --origin base --cow "$D/junk.cow"
sha256sum < "$D/junk.cow" | cmp -s - "$D/junk.sum" || fail "the refused COW was written to"
expect_error "still has snapshots" u remove base
expect_error "unknown device" u remove nosuch
expect_error "unknown target" u load x "0 100 linear /dev/null 0"
expect_error "must keep the COW" u reload good --table "snapshot $D/origin.img $D/other.cow P 16"
expect_error "a command is needed" "$UBLKD"
expect_error "Unknown option" "$UBLKD" status --frobnicate
expect_error "must run as root" setpriv --reuid=65534 --regid=65534 --clear-groups "$UBLKD" --socket "$D/other.sock" serve
expect_error "run as root" setpriv --reuid=65534 --regid=65534 --clear-groups "$UBLKD" --socket "$SOCK" list
expect_error "is not running" "$UBLKD" --socket /tmp/nowhere.sock list
u list > "$D/list.after"
cmp "$D/list.before" "$D/list.after" || fail "a refused command changed the devices"
cmp "$D/conf.before" "$D/devices.conf" || fail "a refused command changed the configuration"
ok "nothing changed"
u remove good; u remove base
stop_daemon
