#!/bin/sh
# bench/ublk-loop/selftest.sh: checks the C ublk server before the bench trusts its numbers. Runs in the guest:
#   bench/ublk-loop/vm-selftest.sh (boots the guest and runs this script there)
# fio --verify at depth 1 and 32, requests larger than the server's largest (split by the kernel), flushes and FUA; what fio wrote is on the backing device; SIGTERM
# and SIGINT remove the device; bad input is refused with one line.
set -u
here=$(cd "$(dirname "$0")" && pwd)
BIN=${UBLK_LOOP:-$here/../target/ublk-loop/ublk-loop}
RAW=${1:-/dev/ram0}
T=$(mktemp -d /tmp/ublk-loop-test.XXXXXX)
n=0; bad=0
ok() { n=$((n + 1)); echo "ok: $*"; }
no() { n=$((n + 1)); bad=$((bad + 1)); echo "FAIL: $*"; }
[ -x "$BIN" ] || { echo "FAIL: no $BIN (bench/ublk-loop/build.sh)"; exit 1; }
[ -b "$RAW" ] || { echo "FAIL: no $RAW"; exit 1; }

# start_server ARGS...: sets PID and DEV
start_server() {
  "$BIN" "$@" > "$T/out" 2> "$T/err" &
  PID=$!
  i=0; DEV=
  while [ $i -lt 600 ]; do
    DEV=$(head -n 1 "$T/out" 2>/dev/null)
    [ -n "$DEV" ] && break
    kill -0 $PID 2>/dev/null || break
    sleep 0.1; i=$((i + 1))
  done
  [ -n "$DEV" ] && [ -b "$DEV" ]
}
# stop_server SIGNAL: the server must exit 0 and its device must be gone
stop_server() {
  kill -"$1" $PID; wait $PID; rc=$?
  if [ $rc = 0 ] && [ ! -e "$DEV" ]; then ok "SIG$1: exit 0, $DEV removed ($(tail -n 1 "$T/err"))"
  else no "SIG$1: exit $rc, $DEV $( [ -e "$DEV" ] && echo still there || echo gone): $(cat "$T/err")"; fi
}
verify() { # NAME FIOARGS...
  v_name=$1; shift
  if fio --name="$v_name" --filename="$DEV" --ioengine=io_uring --direct=1 --verify=crc32c --verify_fatal=1 \
       --randrepeat=0 "$@" --output="$T/fio.$v_name" > /dev/null 2>&1; then ok "fio verify $v_name"
  else no "fio verify $v_name: $(grep -i -m 3 'verify\|err' "$T/fio.$v_name")"; fi
}

echo "--- ublk-loop on $RAW, 2 queues of depth 32, largest request 64k"
if start_server -q 2 -d 32 -m 64k "$RAW"; then
  ok "started: $DEV ($(cat /sys/block/${DEV#/dev/}/queue/max_sectors_kb) KiB per request)"
  verify rand4k-qd1 --rw=randwrite --bs=4k --size=16M --iodepth=1
  verify rand4k-qd32 --rw=randwrite --bs=4k --size=32M --iodepth=32
  verify seq1m-qd8-split --rw=write --bs=1M --size=64M --iodepth=8
  verify mixed-fsync --rw=randrw --bs=4k-64k --size=32M --iodepth=16 --fsync=4
  verify fua --rw=randwrite --bs=16k --size=16M --iodepth=4 --sync=1
  # what went through the server is on the backing device, byte for byte
  dd if=/dev/urandom of="$T/pattern" bs=1M count=8 status=none
  dd if="$T/pattern" of="$DEV" bs=1M seek=100 oflag=direct status=none
  if dd if="$RAW" bs=1M skip=100 count=8 iflag=direct status=none | cmp -s - "$T/pattern"; then ok "written through ublk = on $RAW"
  else no "data written through $DEV differs on $RAW"; fi
  dd if=/dev/urandom of="$T/pattern2" bs=1M count=4 status=none
  dd if="$T/pattern2" of="$RAW" bs=1M seek=200 oflag=direct status=none
  if dd if="$DEV" bs=1M skip=200 count=4 iflag=direct status=none | cmp -s - "$T/pattern2"; then ok "read through ublk = on $RAW"
  else no "data read through $DEV differs from $RAW"; fi
  # a device in use when the stop comes: fio gets errors, the server still exits cleanly
  fio --name=busy --filename="$DEV" --ioengine=io_uring --direct=1 --rw=randread --bs=4k --iodepth=16 \
      --time_based --runtime=30 --output=/dev/null > /dev/null 2>&1 &
  FIO=$!; sleep 2
  stop_server TERM
  wait $FIO 2>/dev/null
else
  no "server did not start: $(cat "$T/err")"
fi

echo "--- one queue of depth 1, SIGINT"
if start_server -q 1 -d 1 "$RAW"; then
  verify rand4k-qd1-depth1 --rw=randwrite --bs=4k --size=8M --iodepth=4
  stop_server INT
else no "depth 1 did not start: $(cat "$T/err")"; fi

echo "--- bad input"
for args in "/nonexistent/disk" "-q 0 $RAW" "-d 5000 $RAW" "-m 3000 $RAW" "-x $RAW" "$RAW $RAW"; do
  # shellcheck disable=SC2086
  out=$("$BIN" $args 2>&1 </dev/null); rc=$?
  lines=$(printf '%s\n' "$out" | wc -l)
  if [ $rc -ge 1 ] && [ "$lines" = 1 ]; then ok "refused '$args' (exit $rc): $out"
  else no "'$args' gave exit $rc, $lines lines: $out"; fi
done
[ -z "$(ls /sys/block | grep ublkb)" ] && ok "no ublk device left" || no "devices left: $(ls /sys/block | grep ublkb)"
rm -rf "$T"
echo "$((n - bad)) passed, $bad failed"
[ $bad = 0 ]
