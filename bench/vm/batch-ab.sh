#!/bin/sh
# bench/vm/batch-ab.sh OUT: runs inside the guest (bench/batch-ab.sh boots it on a kernel with UBLK_F_BATCH_IO).
# A ublkd origin without snapshots (pass-through) on the RAM disk, served two ways in turns: with batches
# (serve --batch-io, UBLK_F_BATCH_IO: tags fetched many per completion, answers committed once per loop turn) and
# with one command per request (the default: FETCH_REQ, COMMIT_AND_FETCH_REQ). Each repetition runs both, in an order that
# alternates, a fresh daemon each, the same warm-up first; per run: fio's JSON, the daemon's request counters
# (io_uring_enter calls per request) and its queue threads' CPU time.
# Knobs: BENCH_SECONDS (per run, default 4), BENCH_REPS (default 3).
out=$1
. it/lib.sh
set -e
secs=${BENCH_SECONDS:-4}
reps=${BENCH_REPS:-3}
RAW=/dev/ram0
modprobe brd 2>/dev/null || true
[ -b $RAW ] || fail "no RAM disk $RAW (tools/ublk-vm's UBLK_VM_BRD)"
mkdir -p "$out"
uname -r > "$out/kernel.txt"
: > "$out/runs.txt"

queue_cpu() { # the queue threads' utime+stime in clock ticks
  for t in /proc/$DPID/task/*; do
    case "$(cat "$t/comm" 2>/dev/null)" in ublk*q*) awk '{print $14 + $15}' "$t/stat";; esac
  done | awk '{s += $1} END {print s + 0}'
}

run_mode() { # MODE REP
  rm_mode=$1 rm_rep=$2
  if [ "$rm_mode" = batch ]; then start_daemon --batch-io; else start_daemon; fi
  truncate -s 0 "$D/devices.conf" 2>/dev/null || true
  u origin bo $RAW >/dev/null
  if [ "$rm_mode" = batch ]; then
    grep -q "bo on .*batch I/O" "$D/ublkd.log" || fail "no batch I/O on this kernel: $(grep 'bo on' "$D/ublkd.log")"
  else
    grep -q "bo on .*batch I/O" "$D/ublkd.log" && fail "batches without --batch-io"
  fi
  # the same warm-up for both: the JIT and the queues' request buffers
  fio --name=warm --filename="$L/bo" --ioengine=io_uring --direct=1 --iodepth=32 --rw=randread --bs=4k \
      --size=256M --runtime=3 --time_based --numjobs="$(nproc)" --group_reporting >/dev/null 2>&1
  for cell in randread-qd1 randwrite-qd1 randread-qd32 randwrite-qd32; do
    rw=${cell%-qd*}; qd=${cell#*-qd}
    u stats --json > "$out/$cell.$rm_mode.r$rm_rep.stats0.json"
    c0=$(queue_cpu)
    fio --name=bench --filename="$L/bo" --ioengine=io_uring --direct=1 --iodepth="$qd" --rw="$rw" --bs=4k \
        --size=256M --runtime="$secs" --time_based --randrepeat=0 --output-format=json \
        --output="$out/$cell.$rm_mode.r$rm_rep.fio.json" >/dev/null 2>&1 || fail "fio $cell ($rm_mode)"
    c1=$(queue_cpu)
    u stats --json > "$out/$cell.$rm_mode.r$rm_rep.stats1.json"
    echo "$cell $rm_mode $rm_rep $((c1 - c0)) $(getconf CLK_TCK)" >> "$out/runs.txt"
  done
  u remove bo >/dev/null
  stop_daemon
}

r=1
while [ $r -le "$reps" ]; do
  if [ $((r % 2)) = 1 ]; then order="batch per-tag"; else order="per-tag batch"; fi
  for m in $order; do
    echo "batch-ab: repetition $r, $m" >&2
    run_mode "$m" "$r"
  done
  r=$((r + 1))
done
echo "batch-ab: done" >&2
