# Refusals that need another user or no daemon (the rest are in CliVmTest, in one JVM).
. it/lib.sh
set -e
start_daemon
expect_error "must run as root" setpriv --reuid=65534 --regid=65534 --clear-groups "$UBLKD" --socket "$D/other.sock" serve
expect_error "run as root" setpriv --reuid=65534 --regid=65534 --clear-groups "$UBLKD" --socket "$SOCK" list
expect_error "already running" "$UBLKD" --socket "$SOCK" serve
stop_daemon
expect_error "is not running" "$UBLKD" --socket "$SOCK" list
ok "refused with one line each"
