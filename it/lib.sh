# it/lib.sh: shared helpers for the end-to-end tests (sourced by it/t-*.sh; POSIX sh; run in the VM).
top=$(pwd)
. "$top/scripts/lib/jdk.sh"
JAVA_HOME=$(ublksnap_find_jdk) || exit 1
JAVA="$JAVA_HOME/bin/java"
# A crashing JVM leaves its report where the suite looks for it (it/guest-suite gives each test a directory).
UBLKD_ERROR_DIR=${UBLKD_ERROR_DIR:-$top/build}
JAVA_OPTS="--enable-native-access=ALL-UNNAMED -XX:ErrorFile=$UBLKD_ERROR_DIR/hs_err_%p.log"
export JAVA_HOME UBLKD_ERROR_DIR
UBLKD="$top/bin/ublkd"

fail() { echo "FAIL: $*" >&2; [ -n "${D:-}" ] && [ -f "$D/ublkd.log" ] && { echo "--- daemon log:" >&2; tail -n 40 "$D/ublkd.log" >&2; }; exit 1; }
step() { echo "--- $*"; }
ok() { echo "ok: $*"; }

# In the emulated guest every JVM runs with C1 only: qemu's multi-threaded emulation runs JIT code torn while
# another vCPU patches it (tools/diag/emulator-jit-probe crashes a pure-Java program there within seconds with the
# full JIT, never with C1 only). C1 also costs less CPU than it saves in runs this short. A guest whose vCPUs take
# turns on one host thread (UBLK_VM_TCG_THREAD=single: the probe saw no crash in 3 runs of 60 s with the full JIT)
# keeps the JIT users get. EMULATED_JIT_OPTS is what this guest adds to the JVM (bench/vm/inside.sh uses it too).
EMULATED_JIT_OPTS=
if [ "${UBLK_VM_EMULATED:-0}" = 1 ] && [ "${UBLK_VM_TCG_SINGLE:-0}" != 1 ]; then
  EMULATED_JIT_OPTS=-XX:TieredStopAtLevel=1
fi
JAVA_OPTS="$JAVA_OPTS $EMULATED_JIT_OPTS"
UBLKD_JAVA_OPTS=${UBLKD_JAVA_OPTS-$EMULATED_JIT_OPTS}
export UBLKD_JAVA_OPTS

# bench_daemon_jit c1|c2: the JIT options of a bench's daemon under emulation (bench/vm/inside.sh says why): c2, C2
# alone with its thresholds scaled to a tenth; c1, EMULATED_JIT_OPTS. Outside emulation nothing (the full JIT).
bench_daemon_jit() {
  if [ "$1" = c2 ] && [ -n "$EMULATED_JIT_OPTS" ]; then
    echo "-XX:-TieredCompilation -XX:CompileThresholdScaling=0.1"
  else
    echo "$EMULATED_JIT_OPTS"
  fi
}

# start_daemon [serve options...]: a daemon of the test's own, in $D, its stable names in $L, the files for udev
# in $D/run (tests run side by side: none uses /run/ublksnap)
start_daemon() {
  D=$(mktemp -d /tmp/it.XXXXXX)
  L=$D/links
  SOCK=$D/ublkd.sock
  "$UBLKD" --socket "$SOCK" serve --config "$D/devices.conf" --links "$L" --run-dir "$D/run" "$@" >>"$D/ublkd.log" 2>&1 &
  DPID=$!
  "$UBLKD" --socket "$SOCK" wait --timeout 120 >/dev/null || fail "the daemon did not start"
}

# restart_daemon [serve options...]: same config, same links. Waits for the daemon's "ready" line in its log
# rather than with 'ublkd wait' (start_daemon tests that): one JVM start less per restart, and the new daemon
# does not share the guest's CPUs with a client JVM while it takes devices over.
restart_daemon() {
  logged=$(wc -c < "$D/ublkd.log" 2>/dev/null || echo 0)
  "$UBLKD" --socket "$SOCK" serve --config "$D/devices.conf" --links "$L" --run-dir "$D/run" "$@" >>"$D/ublkd.log" 2>&1 &
  DPID=$!
  wait_ready "$logged"
}

# wait_ready OFFSET: until the daemon's log says "ready" after byte OFFSET; fails when the daemon exits first or
# after 120 s. One tail follows the log (inotify) and exits with the daemon: in the emulated guest a process
# start costs some 50 ms of CPU, so a loop of short-lived processes polling every 0.1 s took most of a CPU away
# from the daemon it waited for.
wait_ready() {
  rm -f "$D/ready.fifo"; mkfifo "$D/ready.fifo"
  tail -c +$(($1 + 1)) --pid="$DPID" -s 0.5 -f "$D/ublkd.log" > "$D/ready.fifo" 2>/dev/null & tail_pid=$!
  ready=0; timeout 120 grep -q -m 1 "ready on $SOCK" < "$D/ready.fifo" && ready=1
  kill "$tail_pid" 2>/dev/null || true; wait "$tail_pid" 2>/dev/null || true
  rm -f "$D/ready.fifo"
  [ $ready = 1 ] && return 0
  kill -0 "$DPID" 2>/dev/null || fail "the daemon did not restart (it exited)"
  fail "the daemon did not restart within 120 s"
}

u() { "$UBLKD" --socket "$SOCK" "$@"; }

stop_daemon() {
  u stop || fail "ublkd stop failed"
  wait "$DPID" || fail "the daemon exited with an error"
}

# expect_error "words" command...: the command must fail with a one-line error containing the words
expect_error() {
  words=$1; shift
  if out=$("$@" 2>&1); then fail "expected '$*' to fail ($words), but it succeeded: $out"; fi
  [ "$(printf '%s\n' "$out" | wc -l)" -le 1 ] || fail "error of '$*' is not one line: $out"
  printf '%s' "$out" | grep -q -- "$words" || fail "error of '$*' does not say '$words': $out"
  echo "refused as expected: $out"
}

sums() { (cd "$1" && find . -type f -exec sha256sum {} + | sort -k2); }

# apply_writes SEED COUNT MAXSECTORS DEVICE...: the same deterministic random writes to each device
apply_writes() {
  "$JAVA" $JAVA_OPTS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$top/ublkd/target/test-classes" io.ublksnap.it.ApplyWrites "$@"
}

# stall_probe FILE OUT: until OUT.stop exists, writes 4 KiB to FILE (O_DIRECT) every 50 ms and keeps the longest
# time one write took, in ms, in OUT (what a client sees while ublkd is away); a failed write goes to OUT.errors.
# One fio process does the writes: a shell loop of dd and date took a CPU of the emulated guest (a process start
# costs some 50 ms there) away from the daemon whose absence it measured.
stall_probe() {
  rm -f "$2.json" "$2.errors.fio"
  fio --name=stall-probe --filename="$1" --rw=write --bs=4k --size=4k --zero_buffers --direct=1 --ioengine=psync \
    --rate_iops=20 --time_based --runtime=3600 --output-format=json --output="$2.json" >/dev/null 2>"$2.errors.fio" &
  probe_pid=$!
  while [ ! -e "$2.stop" ]; do sleep 0.5; done
  kill -INT "$probe_pid" 2>/dev/null || true; wait "$probe_pid" 2>/dev/null || true
  # the job's error, then the longest total latency of its writes (ns)
  err=$(sed -n 's/^ *"error" : \([0-9]*\),*$/\1/p' "$2.json" 2>/dev/null | head -n 1)
  max=$(awk '/"write" : \{/ { w = 1 } w && /"lat_ns" : \{/ { l = 1 } w && l && /"max" :/ { gsub(/[^0-9]/, ""); print; exit }' "$2.json" 2>/dev/null)
  [ "$err" = 0 ] || echo "write failed (fio error ${err:-unknown}): $(tail -n 3 "$2.errors.fio" 2>/dev/null | tr '\n' ' ')" >> "$2.errors"
  echo $(( ${max:-0} / 1000000 )) > "$2"
}

# small_rings MIN: every io_uring the daemon holds, at least MIN of them, has an 8-entry SQ (-Dublkd.ringEntries=8);
# sets RINGS to their number.
small_rings() {
  RINGS=$(grep -l "^SqMask:" /proc/"$DPID"/fdinfo/* 2>/dev/null | wc -l)
  sr_small=$(grep -l "^SqMask:[[:space:]]*0x7$" /proc/"$DPID"/fdinfo/* 2>/dev/null | wc -l)
  [ "$RINGS" -ge "$1" ] && [ "$sr_small" = "$RINGS" ] || fail "$sr_small of the daemon's $RINGS rings have an 8-entry SQ"
}

# slow_cow_writes DM DEV MS IOS DEPTH ENGINE: snapshot "slow" of origin "base" on DEV behind dm-delay (device DM, MS ms
# per I/O), then IOS verified 4 KiB random origin writes at DEPTH (fio's ioengine ENGINE), each copying into it: none
# may fail or hang, the snapshot must read as before and stay valid. The caller removes the snapshot and DM.
slow_cow_writes() {
  dmsetup create "$1" --table "0 $(blockdev --getsz "$2") delay $2 0 $3"
  u snapshot slow --origin base --cow "/dev/mapper/$1" --chunk 8 >/dev/null
  sha256sum < "$L/slow" > "$D/slow.sum"
  timeout 300 fio --name=slow --filename="$L/base" --rw=randwrite --bs=4k --size=16m --number_ios="$4" --iodepth="$5" \
    --ioengine="$6" --direct=1 --randrepeat=0 --verify=crc32c --verify_fatal=1 --output="$D/fio-slow.txt" \
    || { cat "$D/fio-slow.txt"; fail "fio over the slow COW failed or hung"; }
  sha256sum < "$L/slow" | cmp -s - "$D/slow.sum" || fail "the snapshot on the slow COW changed"
  u status slow | grep -q Invalid && fail "the snapshot on the slow COW went invalid"
  u status slow
  ok "$4 verified writes that copied into a $3 ms COW at depth $5: none lost, the snapshot intact"
}

# flaky_cow_writes DM DEV GOODCOW DEPTH ENGINE: snapshot "good" on GOODCOW (made anew) and snapshot "flaky" on DEV
# behind dm-flakey (device DM: 1 s up, 1 s down), then verified origin writes at DEPTH (fio's ioengine ENGINE): none
# may fail or hang, "flaky" must end Invalid and refuse reads, "good" must read as before and stay valid. The COW's
# I/O has to meet a down period, so it has to go on for 2 s or more, one full cycle of the disk: a round writes 4 MiB
# of chunks neither snapshot holds yet, in order, 4 KiB at a time, paced at 250 writes a second, so that every write
# copies (4 KiB chunks) and the copies go on for some 4 s. Rounds of random writes copied in bursts (a new chunk
# less and less often as the rounds went, and nothing during fio's start and its verify): in about 1 run in 10 every
# burst fell in an up period (CI rehearsals of 2026-11-23 and 2026-11-24, on 6.12 and on 7.3.4). A round faster than
# 4 s (the pacing not kept) is followed by another on the next 4 MiB. The caller removes both snapshots and DM.
flaky_cow_writes() {
  dmsetup create "$1" --table "0 $(blockdev --getsz "$2") flakey $2 0 1 1"
  u snapshot good --origin base --cow "$3" --init --chunk 8 >/dev/null
  sha256sum < "$L/good" > "$D/good.sum"
  fc_n=0; until u snapshot flaky --origin base --cow "/dev/mapper/$1" --init --chunk 8 >/dev/null 2>&1; do
    fc_n=$((fc_n + 1)); [ $fc_n -lt 20 ] || fail "cannot create a snapshot on the flakey COW while it is up"; sleep 0.3
  done
  fc_t0=$(date +%s); fc_rounds=0
  while [ $fc_rounds = 0 ] || { [ $(( $(date +%s) - fc_t0 )) -lt 4 ] && [ $fc_rounds -lt 4 ]; }; do
    timeout 300 fio --name=flaky --filename="$L/base" --rw=write --bs=4k --offset=$((fc_rounds * 4))m --size=4m \
      --rate_iops=250 --iodepth="$4" --ioengine="$5" --direct=1 --verify=crc32c --verify_fatal=1 --output="$D/fio-flaky.txt" \
      || { cat "$D/fio-flaky.txt"; fail "origin writes failed or hung while a snapshot's COW failed now and then"; }
    fc_rounds=$((fc_rounds + 1))
  done
  fc_secs=$(( $(date +%s) - fc_t0 ))
  u status flaky | grep -q Invalid || fail "the snapshot on the failing COW is not Invalid after $fc_rounds rounds of writes: $(u status flaky)"
  dd if="$L/flaky" of=/dev/null bs=4k count=1 iflag=direct status=none 2>/dev/null && fail "the invalid snapshot still reads"
  sha256sum < "$L/good" | cmp -s - "$D/good.sum" || fail "the healthy snapshot changed"
  u status good | grep -q Invalid && fail "the healthy snapshot went invalid"
  ok "$fc_rounds x 1024 verified origin writes that copied, at depth $4, in $fc_secs s with fio's verify: the snapshot on the failing COW went Invalid ($(u status flaky)), the origin and the healthy snapshot lost nothing"
}

# verify_four_snapshots: origin "base" (16 MiB) filled with random data, snapshots s1 to s4 of it (P store, 8 KiB
# chunks), then fio --verify at depth 32 on the origin, each first write to a chunk copying it into 4 COWs: no
# verify error, and every snapshot still reads as the origin did. The snapshots stay.
verify_four_snapshots() {
  dd if=/dev/urandom of="$L/base" bs=1M count=16 oflag=direct status=none
  vf_before=$(sha256sum < "$L/base")
  for vf_i in 1 2 3 4; do
    truncate -s 24M "$D/s$vf_i.cow"
    u snapshot "s$vf_i" --origin base --cow "$D/s$vf_i.cow" --store P --chunk 16 >/dev/null
  done
  timeout 300 fio --name=origin --filename="$L/base" --rw=randwrite --bs=4k-64k --ioengine=io_uring --direct=1 \
    --iodepth=32 --verify=crc32c --verify_fatal=1 --do_verify=1 --size=16M --randrepeat=0 --verify_state_save=0 \
    --output="$D/fio.txt" || { cat "$D/fio.txt"; fail "fio on the origin failed or hung"; }
  grep -h "err=" "$D/fio.txt"
  grep -q "err= *0" "$D/fio.txt" || fail "fio reports errors"
  for vf_i in 1 2 3 4; do
    [ "$(sha256sum < "$L/s$vf_i")" = "$vf_before" ] || fail "snapshot s$vf_i no longer reads as the origin did"
  done
  ok "no verify error on the origin; all 4 snapshots read as the origin did before fio"
}

# kernel_twin ORIGIN SNAP: the differential step. Over two identical random 64 MiB images in $D, the kernel's stack
# (dm-snapshot-origin it_korigin and dm-snapshot it_ksnap, P 8, on loop devices LO and LC, as LVM sets them up) and
# the running daemon's (origin ORIGIN on u.img, snapshot SNAP on u.cow) take the same random writes, through each
# origin and each snapshot, and must end with identical origin and snapshot images and the same status line.
# Leaves both stacks up; sets S to the images' size in sectors.
kernel_twin() {
  S=131072
  dd if=/dev/urandom of="$D/base0.img" bs=1M count=64 status=none
  cp "$D/base0.img" "$D/k.img"; cp "$D/base0.img" "$D/u.img"
  truncate -s 40M "$D/k.cow" "$D/u.cow"
  LO=$(losetup -f --show "$D/k.img"); LC=$(losetup -f --show "$D/k.cow")
  dmsetup create it_korigin --table "0 $S snapshot-origin $LO"
  dmsetup create it_ksnap --table "0 $S snapshot $LO $LC P 8"
  # the origin learns its snapshots' chunk size (and splits writes at it) when it is resumed after they exist
  dmsetup suspend it_korigin; dmsetup resume it_korigin
  u origin "$1" "$D/u.img" >/dev/null
  u snapshot "$2" --origin "$1" --cow "$D/u.cow" --store P --chunk 8 >/dev/null
  step "applying the same writes to the kernel's stack and ublkd's"
  apply_writes 11 300 96 /dev/mapper/it_korigin "$L/$1" -- 12 200 40 /dev/mapper/it_ksnap "$L/$2" \
    -- 13 300 128 /dev/mapper/it_korigin "$L/$1"
  cmp /dev/mapper/it_korigin "$L/$1" || fail "origin images differ"
  cmp /dev/mapper/it_ksnap "$L/$2" || fail "snapshot images differ"
  ok "origin and snapshot images are identical on both stacks"
  kt_k=$(dmsetup status it_ksnap | cut -d' ' -f4-)
  kt_u=$(u status "$2" | cut -d' ' -f5-)
  echo "kernel status: $kt_k"; echo "ublkd status:  $kt_u"
  [ "$kt_k" = "$kt_u" ] || fail "status lines differ: kernel '$kt_k', ublkd '$kt_u'"
  ok "same status line"
}
