#!/bin/sh
# bench/vm/batch-ab.sh OUT: runs inside the guest (bench/batch-ab.sh boots it on a kernel with UBLK_F_BATCH_IO).
# A ublkd origin without snapshots (pass-through) on the RAM disk, served two ways in turns: with batches
# (serve --batch-io, UBLK_F_BATCH_IO: tags fetched many per completion, answers committed once per loop turn) and
# with one command per request (the default: FETCH_REQ, COMMIT_AND_FETCH_REQ). Each repetition runs both, in an order that
# alternates, a fresh daemon each, the same warm-up first; per run: fio's JSON, the daemon's request counters
# (io_uring_enter calls per request) and its queue threads' CPU time.
# Knobs: BENCH_SECONDS (per run, default 4), BENCH_REPS (default 3), BENCH_JIT (c2, the default, or c1: the daemon's
# JIT under software emulation, as bench/vm/inside.sh explains; the client commands keep it/lib.sh's).
out=$1
. it/lib.sh
set -e
secs=${BENCH_SECONDS:-4}
reps=${BENCH_REPS:-3}
jit=${BENCH_JIT:-c2}
CLI_OPTS=$UBLKD_JAVA_OPTS
DAEMON_JIT=$(bench_daemon_jit "$jit")
JITDIR=$out/jit
mkdir -p "$JITDIR"
RAW=/dev/ram0
modprobe brd 2>/dev/null || true
[ -b $RAW ] || fail "no RAM disk $RAW (tools/ublk-vm's UBLK_VM_BRD)"
mkdir -p "$out"
uname -r > "$out/kernel.txt"
{ echo "jit ${DAEMON_JIT:-full}"
  echo "guest_args $(tr ' ' '\n' < /proc/cmdline | grep -E '^(no)?pti|^mitigations=' | tr '\n' ' ')"; } > "$out/env.txt"
: > "$out/runs.txt"

queue_cpu() { # the queue threads' utime+stime in clock ticks
  for t in /proc/$DPID/task/*; do
    case "$(cat "$t/comm" 2>/dev/null)" in ublk*q*) awk '{print $14 + $15}' "$t/stat";; esac
  done | awk '{s += $1} END {print s + 0}'
}

jit_lines() { # the lines the daemon's JIT has logged so far (a compilation each, and its details)
  cat "$JITDIR"/jit-"$DPID".log 2>/dev/null | wc -l
}

fio_cell() { # NAME RW DEPTH SECONDS [fio options...]
  fc_name=$1 fc_rw=$2 fc_qd=$3 fc_secs=$4; shift 4
  fio --name="$fc_name" --filename="$L/bo" --ioengine=io_uring --direct=1 --iodepth="$fc_qd" --rw="$fc_rw" --bs=4k \
      --size=256M --runtime="$fc_secs" --time_based "$@"
}

run_mode() { # MODE REP
  rm_mode=$1 rm_rep=$2
  # the daemon with its JIT and a log of its compilations (%p: a file per JVM); the client commands without
  UBLKD_JAVA_OPTS="$DAEMON_JIT -Xlog:jit+compilation=debug:file=$JITDIR/jit-%p.log:uptime"
  if [ "$rm_mode" = batch ]; then start_daemon --batch-io; else start_daemon; fi
  UBLKD_JAVA_OPTS=$CLI_OPTS
  truncate -s 0 "$D/devices.conf" 2>/dev/null || true
  u origin bo $RAW >/dev/null
  if [ "$rm_mode" = batch ]; then
    grep -q "bo on .*batch I/O" "$D/ublkd.log" || fail "no batch I/O on this kernel: $(grep 'bo on' "$D/ublkd.log")"
  else
    grep -q "bo on .*batch I/O" "$D/ublkd.log" && fail "batches without --batch-io"
  fi
  # the same warm-up for both: the queues' request buffers (every tag of every queue), then the JIT: every cell's
  # pattern, in rounds, until a round compiles nothing (C2 alone interprets each method until it is hot; at most 4)
  fio_cell warm randread 32 3 --numjobs="$(nproc)" --group_reporting >/dev/null 2>&1
  wr=1
  while [ $wr -le 4 ]; do
    j0=$(jit_lines)
    for cell in randread-qd1 randwrite-qd1 randread-qd32 randwrite-qd32; do
      fio_cell warm "${cell%-qd*}" "${cell#*-qd}" 2 >/dev/null 2>&1
    done
    [ "$(jit_lines)" = "$j0" ] && break
    wr=$((wr + 1))
  done
  echo "batch-ab: $rm_mode warmed in $((wr > 4 ? 4 : wr)) round(s)" >&2
  for cell in randread-qd1 randwrite-qd1 randread-qd32 randwrite-qd32; do
    rw=${cell%-qd*}; qd=${cell#*-qd}
    u stats --json > "$out/$cell.$rm_mode.r$rm_rep.stats0.json"
    c0=$(queue_cpu); j0=$(jit_lines)
    fio_cell bench "$rw" "$qd" "$secs" --randrepeat=0 --output-format=json \
        --output="$out/$cell.$rm_mode.r$rm_rep.fio.json" >/dev/null 2>&1 || fail "fio $cell ($rm_mode)"
    c1=$(queue_cpu); j1=$(jit_lines)
    u stats --json > "$out/$cell.$rm_mode.r$rm_rep.stats1.json"
    echo "$cell $rm_mode $rm_rep $((c1 - c0)) $(getconf CLK_TCK) $((j1 - j0))" >> "$out/runs.txt"
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
