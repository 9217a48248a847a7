#!/bin/sh
# bench/vm/inside.sh OUT: runs inside the guest (bench/vm-bench.sh boots it). Every cell (a fio job on a set of
# stacks) runs BENCH_REPS times; a repetition runs every cell once (the base cells first), and within a cell the
# stacks take turns in an order that rotates with the repetition, so that no stack always goes first. Stacks:
#   raw   the RAM disk itself                      dm     the kernel's dm-snapshot
#   ublk  ublkd with snapshots                     pass   a ublkd origin without snapshots (ublk + Java)
#   cloop bench/ublk-loop, the C ublk server over the same RAM disk (ublk alone)
# Per measured run it keeps, raw, for BenchReport: fio's JSON; the server's threads (name, CPU time, time
# slices) and the guest's /proc/stat before and after; the JIT's compilations during the run (ublkd runs with
# -Xlog:jit+compilation, C2 only under software emulation (C1 only with BENCH_JIT=c1), and --on-crash remove; nothing
# else is added to the JVM users get, but for native memory tracking with BENCH_MEM_OWN_DAEMON=0). In the last repetition, one short probe run per cell and server stack with perf
# counting io_uring_enter calls, SQEs, completions, io-wq punts and context switches per thread. The merge of
# 256 MiB on dm and ublkd once per repetition, in turns. Last, ublkd's memory with 1 snapshot of 65,536
# exceptions and with 4 snapshots (a daemon of its own with native memory tracking, or with
# BENCH_MEM_OWN_DAEMON=0 the bench's daemon, started with it).
#
# Knobs (environment): BENCH_SECONDS (per run), BENCH_REPS, BENCH_QUICK=1 (fewer cells), BENCH_PROBE_SECONDS,
# BENCH_WARM_ROUNDS (most warm-up rounds), BENCH_WARM_QUIET (a round with at most this many JIT events ends the
# warm-up), BENCH_WARM_SECONDS, BENCH_MERGE_MIB, BENCH_MEM_OWN_DAEMON, BENCH_JIT (c2 or c1).
out=$1
. it/lib.sh
# The daemon as users run it, except under software emulation with a host thread per vCPU: there qemu's
# multi-threaded TCG runs JIT code torn while another vCPU patches it (tools/diag/emulator-jit-probe: a pure-Java
# program crashes within seconds with the full JIT; a bench daemon with it crashed so, SIGSEGV with the program
# counter inside an instruction, twice on 2026-11-22). BENCH_JIT=c2 (bench/vm-bench.sh's default) gives the daemon C2
# alone (-XX:-TieredCompilation), the JIT whose code users' daemons run once warm: no code of it is replaced by code
# of another tier, and the probe saw no crash with it. Its thresholds are scaled to a tenth: at the full ones (10,000
# calls) the copy path was still compiling in the fifth warm-up round and in a third of the measured runs.
# BENCH_JIT=c1: C1 alone, as in the tests (it/lib.sh's EMULATED_JIT_OPTS), the bench's way before run
# 20261124-092200. With UBLK_VM_TCG_THREAD=single the daemon keeps its full JIT, but the guest runs at half speed, the
# JIT is still compiling after the --quick warm-up, and server and client no longer run side by side: tried on
# 2026-11-22 (pass-through against the C server 0.63x to 0.71x at depth 1, no better than with C1).
JIT_OPTS=$(bench_daemon_jit "${BENCH_JIT:-c2}") # (the report reads which from ublkd_cmdline in env.txt)
tcg_mode=none; [ "${UBLK_VM_EMULATED:-0}" = 1 ] && tcg_mode=multi; [ "${UBLK_VM_TCG_SINGLE:-0}" = 1 ] && tcg_mode=single
# A daemon that dies ends its run with errors rather than a hang: the kernel removes its devices (ublkd's default
# keeps them for the next daemon, and fio would wait for one). The request path is the same either way.
SERVE_OPTS="--on-crash remove"
secs=${BENCH_SECONDS:-8}
reps=${BENCH_REPS:-3}
quick=${BENCH_QUICK:-0}
probe_secs=${BENCH_PROBE_SECONDS:-2}
warm_rounds=${BENCH_WARM_ROUNDS:-5}
warm_quiet=${BENCH_WARM_QUIET:-3}
merge_mib=${BENCH_MERGE_MIB:-256}
RAW=/dev/ram0
CLOOP=$top/bench/target/ublk-loop/ublk-loop
QUEUES=$(nproc) # ublkd's default; the C server gets the same
DEPTH=32 # ublkd serve's default (and the C server's, for the same transport)
SIZE=256M
JITDIR=$out/jit-logs # in the work directory: readable from the host while the guest runs
mkdir -p "$out/fio" "$out/cpu" "$out/jit" "$out/perf" "$out/mem" "$out/jfr"
: > "$out/runs.txt"
: > "$out/phases.txt"
modprobe brd 2>/dev/null || true
[ -b /dev/ram5 ] || fail "no RAM disks (UBLK_VM_BRD)"
[ -x "$CLOOP" ] || fail "no $CLOOP (bench/ublk-loop/build.sh)"
uname -r > "$out/kernel.txt"
mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || true
# Probes count io_uring_enter calls with strace (ptrace), not perf: enabling a tracepoint patches kernel text, and
# under multi-threaded TCG that crashed the guest once (int3 Oops in syscall_trace_enter, second --quick run).
PERF=1; command -v strace >/dev/null || PERF=0
probe_cells=${BENCH_PROBE_CELLS:-.}
jfr_merge_mib=${BENCH_JFR_MERGE_MIB:-64} # the merge under JFR at the end (0: no JFR)

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# The guest's clock source, at the start and at the end: a run that lost tsc (the kernel's watchdog may mark it
# unstable under emulation) reads every time through hpet, some 150x as costly in this guest (30 against 0.2 µs a
# read), and every stack that reads the clock per request (fio, ublkd) is slowed from that moment.
clocksource() { cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null || echo unknown; }
T0=$(now_ms)
phase() { echo "$1 $(( $(now_ms) - T0 ))" >> "$out/phases.txt"; echo "== $1 ($(( ($(now_ms) - T0) / 1000 )) s)"; }
phase start
echo "bench: kernel $(uname -r), $(nproc) CPUs; RAM disks $(blockdev --getsize64 $RAW) bytes; $secs s per run, $reps repetitions; strace probes: $PERF"
{ echo "kernel $(uname -r)"; echo "cpus $(nproc)"; echo "seconds $secs"; echo "reps $reps"; echo "quick $quick"
  echo "probe_seconds $probe_secs"; echo "queues $QUEUES"; echo "depth $DEPTH"; echo "perf $PERF"; echo "merge_mib $merge_mib"; echo "merge_clock daemon"; echo "jfr_merge_mib $jfr_merge_mib"
  echo "tcg $tcg_mode"
  echo "clocksource_start $(clocksource)"
  # page-table isolation: under emulation it empties qemu's software TLB at every system call (the report says so)
  echo "meltdown $(cat /sys/devices/system/cpu/vulnerabilities/meltdown 2>/dev/null || echo unknown)"
  echo "guest_args $(tr ' ' '\n' < /proc/cmdline | grep -E '^(no)?pti|^mitigations=' | tr '\n' ' ')"
  echo "fio $(fio --version)"; echo "java $("$JAVA" -XX:TieredStopAtLevel=1 -version 2>&1 | head -n 1)"; } > "$out/env.txt"
# fill the origin once, so that reads are not of never-written pages
fio --name=fill --filename=$RAW --rw=write --bs=1M --size=300M --ioengine=io_uring --direct=1 --iodepth=8 --output=/dev/null

# ---- the daemon: as users run it, plus a log of the JIT's compilations; with BENCH_MEM_OWN_DAEMON=0 (--quick) also
# native memory tracking, for the memory snapshots at the end (a header per malloc: ublkd's I/O paths do not malloc)
mem_own=${BENCH_MEM_OWN_DAEMON:-1}
# %p: a file per JVM (start_daemon's 'ublkd wait' runs with the same options; with one file name, a JVM that finds
# the file there archives it as .0 and takes the name, and the daemon goes on writing to the archived one)
mkdir -p "$JITDIR"
UBLKD_JAVA_OPTS="$JIT_OPTS -Xlog:jit+compilation=debug:file=$JITDIR/jit-%p.log:uptime"
[ "$mem_own" = 1 ] || UBLKD_JAVA_OPTS="$UBLKD_JAVA_OPTS -XX:NativeMemoryTracking=summary"
start_daemon --depth $DEPTH $SERVE_OPTS
# The client commands as users run them (bin/ublkd gives them a class-data archive: their JVM start costs seconds
# in the emulated guest, and the bench makes dozens of calls; not measured).
CLI_OPTS=$EMULATED_JIT_OPTS
UBLKD_JAVA_OPTS=$CLI_OPTS
echo "ublkd_cmdline $(tr '\0' ' ' < /proc/$DPID/cmdline)" >> "$out/env.txt"
JITLOG=$JITDIR/jit-$DPID.log # the launcher execs java: the daemon's pid is DPID
[ -f "$JITLOG" ] || fail "no JIT log of the daemon at $JITLOG: $(ls "$JITDIR")"
echo "ublkd: $(grep 'kernel ublk features' "$D/ublkd.log" | sed 's/.*features: //')"
jit_lines() { if [ -f $JITLOG ]; then wc -l < $JITLOG; else echo 0; fi; }

# threads PID: one line per thread of PID: tid, name, CPU ns and time slices (schedstat), utime and stime (ticks);
# then the guest's CPU line from /proc/stat. One awk for all of them: a fork costs milliseconds under emulation.
threads() {
  awk -v OFS='\t' '
    FILENAME ~ /\/stat$/ && FILENAME !~ /^\/proc\/stat$/ {
      tid = FILENAME; sub(/^\/proc\/[0-9]+\/task\//, "", tid); sub(/\/.*/, "", tid)
      name = $0; sub(/^[0-9]+ \(/, "", name); sub(/\) [A-Z] .*$/, "", name)
      rest = $0; sub(/^.*\) /, "", rest); split(rest, f, " ")
      ut[tid] = f[12]; st[tid] = f[13]; nm[tid] = name; next }
    FILENAME ~ /schedstat$/ { tid = FILENAME; sub(/^\/proc\/[0-9]+\/task\//, "", tid); sub(/\/.*/, "", tid); ns[tid] = $1; sl[tid] = $3; next }
    FILENAME == "/proc/stat" && /^cpu / { cpu = $0 }
    END { for (t in nm) if (t in ns) print t, nm[t], ns[t], sl[t], ut[t], st[t]; print "cpu-total", cpu }
  ' /proc/$1/task/*/stat /proc/$1/task/*/schedstat /proc/stat 2>/dev/null
}

zero_cows() { zc_i=1; while [ $zc_i -le $1 ]; do dd if=/dev/zero of=/dev/ram$zc_i bs=64k count=2 oflag=direct status=none; zc_i=$((zc_i+1)); done; }

# up STACK NSNAP: sets ORIG, SNAP (the first snapshot, if any) and SPID (the serving process, if any).
# POSIX sh has no local variables: each function names its own with a prefix, so that none clobbers a caller's.
# While PASS_UP=1 (the base cells of a repetition), the pass-through origin stays loaded between its runs:
# a CLI call costs seconds in the emulated guest.
up() {
  up_kind=$1; up_n=$2; SPID=; SNAP=
  case $up_kind in
    raw) ORIG=$RAW;;
    dm)
      zero_cows "$up_n"
      dmsetup create bo --table "0 $(blockdev --getsz $RAW) snapshot-origin $RAW"
      up_i=1; while [ $up_i -le "$up_n" ]; do dmsetup create bs$up_i --table "0 $(blockdev --getsz $RAW) snapshot $RAW /dev/ram$up_i P 8"; up_i=$((up_i+1)); done
      dmsetup suspend bo; dmsetup resume bo # as LVM does: the origin learns its snapshots' chunk size
      ORIG=/dev/mapper/bo; SNAP=/dev/mapper/bs1;;
    pass)
      up_n=0
      if [ "${PASS_UP:-0}" = 1 ]; then ORIG=$L/bo; SPID=$DPID; UP_N=0; return 0; fi
      load_ublk 0;;
    ublk) load_ublk "$up_n";;
    cloop)
      "$CLOOP" -q "$QUEUES" -d $DEPTH $RAW > "$D/cloop.out" 2> "$D/cloop.err" &
      CPID=$!; up_i=0; ORIG=
      while [ $up_i -lt 300 ] && [ -z "$ORIG" ]; do
        ORIG=$(head -n 1 "$D/cloop.out" 2>/dev/null); kill -0 $CPID 2>/dev/null || break; [ -n "$ORIG" ] || sleep 0.1; up_i=$((up_i+1))
      done
      [ -n "$ORIG" ] || fail "ublk-loop did not start: $(cat "$D/cloop.err")"
      SPID=$CPID;;
  esac
  UP_N=$up_n
}
load_ublk() { # NSNAP: an origin bo on the RAM disk and NSNAP snapshots bs1.. on ram1..
  lu_n=$1
  zero_cows "$lu_n"
  printf 'bo: snapshot-origin %s\n' $RAW > "$D/tables"
  lu_i=1; while [ $lu_i -le "$lu_n" ]; do printf 'bs%d: snapshot %s /dev/ram%d P 8\n' $lu_i $RAW $lu_i >> "$D/tables"; lu_i=$((lu_i+1)); done
  u load --file "$D/tables" >/dev/null || fail "ublkd load"
  ORIG=$L/bo; SNAP=$L/bs1; [ "$lu_n" = 0 ] && SNAP=
  SPID=$DPID
}
down() {
  case $1 in
    dm) for dn_d in bs1 bs2 bs3 bs4 bo; do dmsetup remove $dn_d 2>/dev/null || true; done;;
    pass) [ "${PASS_UP:-0}" = 1 ] || u remove bo >/dev/null || fail "ublkd remove";;
    ublk)
      dn_names=; dn_i=1; while [ $dn_i -le "$UP_N" ]; do dn_names="$dn_names bs$dn_i"; dn_i=$((dn_i+1)); done
      # shellcheck disable=SC2086
      u remove $dn_names bo >/dev/null || fail "ublkd remove";;
    cloop) kill -TERM $CPID; wait $CPID || fail "ublk-loop failed: $(cat "$D/cloop.err")";;
  esac
}

# fio_job DEV OUTPUT SECONDS QD FIOARGS...
fio_job() {
  fj_dev=$1 fj_out=$2 fj_secs=$3 fj_qd=$4; shift 4
  fio --name=bench --filename="$fj_dev" --ioengine=io_uring --direct=1 --iodepth="$fj_qd" --runtime="$fj_secs" \
      --size=$SIZE --randrepeat=0 --output-format=json --output="$fj_out" "$@" >/dev/null 2>&1
}
prep() { # PREP with @ORIG/@SNAP replaced
  [ -n "$1" ] || return 0
  sh -c "$(echo "$1" | sed "s|@ORIG|$ORIG|g; s|@SNAP|$SNAP|g")" >/dev/null 2>&1
}

# ---- the cells: NAME|STACKS|NSNAP|QD|ROLE|BASE|PREP|FIO ARGS
# BASE names the cell whose raw, pass and cloop runs measure the same I/O without snapshots (the transport's share).
CELLS=$D/cells
FILL64="fio --name=p --filename=@ORIG --rw=write --bs=1M --size=64M --ioengine=io_uring --direct=1 --iodepth=4"
FILL32="fio --name=p --filename=@ORIG --rw=write --bs=1M --size=32M --ioengine=io_uring --direct=1 --iodepth=4"
{
  echo "base-randwrite-qd1|raw pass cloop|0|1|origin|-||--rw=randwrite --bs=4k"
  echo "owrite-copy-s1-qd1|dm ublk|1|1|origin|base-randwrite-qd1||--rw=randwrite --bs=4k"
  [ "$quick" = 1 ] || echo "owrite-nocopy-s1-qd1|dm ublk|1|1|origin|base-randwrite-qd1|$FILL64|--rw=randwrite --bs=4k --size=64M"
  [ "$quick" = 1 ] || echo "base-randread-qd1|raw pass cloop|0|1|origin|-||--rw=randread --bs=4k --size=64M"
  [ "$quick" = 1 ] || echo "sread-s1-qd1|dm ublk|1|1|snap|base-randread-qd1|$FILL32|--rw=randread --bs=4k --size=64M"
  [ "$quick" = 1 ] || echo "swrite-s1-qd1|dm ublk|1|1|snap|base-randwrite-qd1||--rw=randwrite --bs=4k"
  echo "base-randwrite-qd32|raw pass cloop|0|32|origin|-||--rw=randwrite --bs=4k"
  [ "$quick" = 1 ] || echo "owrite-copy-s1-qd32|dm ublk|1|32|origin|base-randwrite-qd32||--rw=randwrite --bs=4k"
  echo "owrite-nocopy-s1-qd32|dm ublk|1|32|origin|base-randwrite-qd32|$FILL64|--rw=randwrite --bs=4k --size=64M"
  echo "owrite-copy-s4-qd32|dm ublk|4|32|origin|base-randwrite-qd32||--rw=randwrite --bs=4k"
  echo "owrite-nocopy-s4-qd32|dm ublk|4|32|origin|base-randwrite-qd32|$FILL64|--rw=randwrite --bs=4k --size=64M"
  [ "$quick" = 1 ] || echo "base-randread-qd32|raw pass cloop|0|32|origin|-||--rw=randread --bs=4k --size=64M"
  [ "$quick" = 1 ] || echo "sread-s1-qd32|dm ublk|1|32|snap|base-randread-qd32|$FILL32|--rw=randread --bs=4k --size=64M"
  [ "$quick" = 1 ] || echo "sread-s4-qd32|dm ublk|4|32|snap|base-randread-qd32|$FILL32|--rw=randread --bs=4k --size=64M"
  [ "$quick" = 1 ] || echo "swrite-s1-qd32|dm ublk|1|32|snap|base-randwrite-qd32||--rw=randwrite --bs=4k"
  echo "base-seqwrite-qd32|raw pass cloop|0|32|origin|-||--rw=write --bs=1M"
  echo "oseq-s1-qd32|dm ublk|1|32|origin|base-seqwrite-qd32||--rw=write --bs=1M"
  [ "$quick" = 1 ] || echo "oseq-s1-qd1|dm ublk|1|1|origin|base-seqwrite-qd1||--rw=write --bs=1M"
  [ "$quick" = 1 ] || echo "base-seqwrite-qd1|raw pass cloop|0|1|origin|-||--rw=write --bs=1M"
} > "$CELLS"
cp "$CELLS" "$out/cells.txt"

# rotate N WORDS...: the words, starting with the N-th (0-based, modulo their count)
rotate() {
  ro_n=$1; shift; ro_c=$#; ro_k=$((ro_n % ro_c)); ro_out=; ro_i=0
  for ro_w in "$@"; do [ $ro_i -ge $ro_k ] && ro_out="$ro_out $ro_w"; ro_i=$((ro_i+1)); done
  ro_i=0; for ro_w in "$@"; do [ $ro_i -lt $ro_k ] && ro_out="$ro_out $ro_w"; ro_i=$((ro_i+1)); done
  echo $ro_out
}

# touch_queues DEV: a short read at full depth from every CPU, so that each queue of a new device (blk-mq maps a
# CPU to a queue) has used all its tags before the measured run. Under this emulator, the first touch of a
# server's request buffers costs far more than on hardware. The kernel clears each 2 MiB huge page of ublkd's
# buffers (transparent huge pages, 16 tags of 128 KiB) in 12 to 280 ms (seen), in the queue thread as ublk copies the
# first request into it. So a new device's first burst was held 0.3 s (seen with ftrace stacks on the queue
# threads: clear_page_erms under ublk_copy_user_pages). Every stack gets the same reads; they change no data.
touch_queues() {
  # one fio, a job pinned to each CPU (a fio start costs about a second under the emulator: one, not one per CPU)
  fio --name=touch --filename="$1" --rw=randread --bs=128k --iodepth=$DEPTH --number_ios=$((2 * DEPTH)) \
      --numjobs="$QUEUES" --cpus_allowed=0-$((QUEUES - 1)) --cpus_allowed_policy=split \
      --ioengine=io_uring --direct=1 --size=$SIZE --output=/dev/null >/dev/null 2>&1 || echo "touch_queues: fio failed"
}

# measure CELL STACK REP NSNAP QD ROLE PREP FIOARGS...: one measured run
measure() {
  m_cell=$1 m_stack=$2 m_rep=$3 m_n=$4 m_qd=$5 m_role=$6 m_prep=$7; shift 7
  m_id="$m_cell.$m_stack.r$m_rep"
  up "$m_stack" "$m_n"
  m_dev=$ORIG; [ "$m_role" = snap ] && m_dev=$SNAP
  prep "$m_prep"
  touch_queues "$m_dev"
  m_j0=$(jit_lines)
  [ -n "$SPID" ] && threads "$SPID" > "$out/cpu/$m_id.pre"
  [ -n "$SPID" ] || echo "cpu-total	$(head -n 1 /proc/stat)" > "$out/cpu/$m_id.pre"
  m_t0=$(now_ms)
  fio_job "$m_dev" "$out/fio/$m_id.json" "$secs" "$m_qd" "$@" || echo "fio $m_id failed"
  m_t1=$(now_ms)
  [ -n "$SPID" ] && threads "$SPID" > "$out/cpu/$m_id.post"
  [ -n "$SPID" ] || echo "cpu-total	$(head -n 1 /proc/stat)" > "$out/cpu/$m_id.post"
  m_j1=$(jit_lines)
  if [ "$m_stack" = ublk ] || [ "$m_stack" = pass ]; then
    sed -n "$((m_j0 + 1)),${m_j1}p" $JITLOG > "$out/jit/$m_id.log"
  fi
  echo "run $m_cell $m_stack $m_rep $m_n $m_qd $m_t0 $m_t1 $((m_j1 - m_j0))" >> "$out/runs.txt"
  echo "  $m_id: $(( (m_t1 - m_t0) )) ms, $((m_j1 - m_j0)) JIT events"
  # the probe rides on the last repetition's stack, after the measured run (not for sequential writes: the
  # measured run copied every chunk they would write, so they get a stack of their own in probe_seq)
  if [ "$m_rep" = "$reps" ] && [ -n "$SPID" ] && [ "$PERF" = 1 ] && echo "$m_cell" | grep -Eq "$probe_cells"; then
    case " $* " in *" --rw=write "*) ;; *) probe_run "$m_cell" "$m_stack" "$m_n" "$m_dev" "$m_qd" "$@";; esac
  fi
  down "$m_stack"
}

# probe_run CELL STACK NSNAP DEV QD FIOARGS...: a short extra run on the stack that is up, with strace following
# every thread of the server and logging its io_uring_enter calls (not part of the medians: ptrace slows every
# call). Per thread: the calls, and the SQEs they consumed (the sum of their return values); written in perf
# stat's CSV shape (thread-tid,count,,event) for BenchReport.
probe_run() {
  p_cell=$1 p_stack=$2 p_n=$3 p_dev=$4 p_qd=$5; shift 5
  p_id="$p_cell.$p_stack.probe"
  rm -rf "$D/strace"; mkdir -p "$D/strace"
  # ublkd's own counters per kind of request, before and after (BenchReport takes the difference)
  case $p_stack in ublk|pass) u stats --json > "$out/perf/$p_id.stats0.json" 2>/dev/null || true;; esac
  strace -f -ff -qq -e trace=io_uring_enter -e signal=none -o "$D/strace/t" -p "$SPID" 2>/dev/null &
  p_st=$!
  sleep 2 # strace attaches to every thread before the run starts
  fio_job "$p_dev" "$out/perf/$p_id.json" "$probe_secs" "$p_qd" "$@" || echo "fio $p_id failed"
  kill -INT $p_st; wait $p_st 2>/dev/null
  case $p_stack in ublk|pass) u stats --json > "$out/perf/$p_id.stats1.json" 2>/dev/null || true;; esac
  for p_f in "$D"/strace/t.*; do
    [ -f "$p_f" ] || continue
    p_tid=${p_f##*.}; p_name=$(cat /proc/$SPID/task/$p_tid/comm 2>/dev/null || echo gone)
    awk -v n="$p_name-$p_tid" '/io_uring_enter\(/ { c++; if (match($0, /= [0-9]+/)) s += substr($0, RSTART + 2, RLENGTH - 2) }
      END { print n "," c+0 ",,syscalls:sys_enter_io_uring_enter"; print n "," s+0 ",,io_uring:io_uring_submit_req" }' "$p_f"
  done > "$out/perf/$p_id.csv"
  echo "probe $p_cell $p_stack 0 $p_n $p_qd" >> "$out/runs.txt"
}

# each_cell FUNCTION: calls FUNCTION NAME STACKS NSNAP QD ROLE BASE PREP ARGS for every cell
each_cell() {
  while IFS='|' read -r ec_name ec_stacks ec_n ec_qd ec_role ec_base ec_prep ec_args; do
    "$1" "$ec_name" "$ec_stacks" "$ec_n" "$ec_qd" "$ec_role" "$ec_base" "$ec_prep" "$ec_args" </dev/null
  done < "$CELLS"
}

# ---- warm-up: rounds of every kind of request ublkd serves, until a round compiles (almost) nothing
warm_round() {
  wr_j0=$(jit_lines)
  up ublk 4 # copies to several snapshots take other branches than copies to one (uncommon traps otherwise); at the
  # depth of the copy-s4 cell: at 16 that cell's runs still compiled (the copy path's traps, the ring's slot table grew)
  for wr_j in "--rw=randwrite --bs=4k --size=64M --iodepth=32" "--rw=randwrite --bs=4k --size=64M --offset=64M --iodepth=1"; do
    # shellcheck disable=SC2086
    fio --name=warm --filename="$ORIG" --ioengine=io_uring --direct=1 $wr_j --runtime=${BENCH_WARM_SECONDS:-4} --time_based --output=/dev/null
  done
  down ublk
  up ublk 1
  for wr_j in "--rw=randwrite --bs=4k --size=64M --iodepth=16" "--rw=randwrite --bs=4k --size=64M --iodepth=1" "--rw=write --bs=1M --offset=128M --size=96M --iodepth=8"; do
    # shellcheck disable=SC2086
    fio --name=warm --filename="$ORIG" --ioengine=io_uring --direct=1 $wr_j --runtime=${BENCH_WARM_SECONDS:-4} --time_based --output=/dev/null
  done
  for wr_j in "--rw=randread --bs=4k --size=64M --iodepth=16" "--rw=randwrite --bs=4k --size=64M --offset=256M --size=32M --iodepth=16"; do
    # shellcheck disable=SC2086
    fio --name=warm --filename="$SNAP" --ioengine=io_uring --direct=1 $wr_j --runtime=${BENCH_WARM_SECONDS:-4} --time_based --output=/dev/null
  done
  u merge bs1 --wait >/dev/null 2>&1 || fail "warm-up merge"
  u remove bo >/dev/null || fail "ublkd remove" # the merged snapshot is gone
  up pass 0
  for wr_j in "--rw=randwrite --bs=4k --iodepth=1" "--rw=randread --bs=4k --iodepth=32" "--rw=write --bs=1M --iodepth=32"; do
    # shellcheck disable=SC2086
    fio --name=warm --filename="$ORIG" --ioengine=io_uring --direct=1 --size=64M $wr_j --runtime=${BENCH_WARM_SECONDS:-4} --time_based --output=/dev/null
  done
  down pass
  WARM_COMPILED=$(( $(jit_lines) - wr_j0 ))
}
phase warmup
wr_round=1
while :; do
  warm_round
  echo "warm-up round $wr_round: $WARM_COMPILED JIT events"
  echo "warmup $wr_round $WARM_COMPILED" >> "$out/runs.txt"
  [ "$WARM_COMPILED" -le "$warm_quiet" ] && break
  [ $wr_round -ge "$warm_rounds" ] && break
  wr_round=$((wr_round+1))
done

# ---- the merge of MERGE_MIB of exceptions, on STACK (dm or ublk)
merge_run() {
  mr_stack=$1 mr_rep=$2; mr_id="merge.$mr_stack.r$mr_rep"
  up "$mr_stack" 1
  fio --name=m --filename="$SNAP" --rw=write --bs=1M --size=${merge_mib}M --ioengine=io_uring --direct=1 --iodepth=4 --output=/dev/null
  if [ "$mr_stack" = dm ]; then
    echo "cpu-total	$(head -n 1 /proc/stat)" > "$out/cpu/$mr_id.pre"
    dmsetup suspend bo; dmsetup suspend bs1
    dmsetup load bo --table "0 $(blockdev --getsz $RAW) snapshot-merge $RAW /dev/ram1 P 8"
    mr_t0=$(now_ms); dmsetup resume bo
    while :; do mr_st=$(dmsetup status bo | cut -d' ' -f4-); mr_a=${mr_st%%/*}; mr_m=${mr_st##* }; [ "$mr_a" = "$mr_m" ] && break; sleep 0.05; done
    mr_t1=$(now_ms)
    echo "cpu-total	$(head -n 1 /proc/stat)" > "$out/cpu/$mr_id.post"
    dmsetup remove bs1; dmsetup remove bo
    mr_j=0
  else
    mr_j0=$(jit_lines); threads "$DPID" > "$out/cpu/$mr_id.pre"
    # the clock starts at the client's first progress line, printed right after the daemon accepted the merge
    # (not at the client's start: its JVM takes seconds here), and stops at its last (it polls every 250 ms)
    mr_tc=$(now_ms)
    u merge bs1 --wait 2>&1 >/dev/null | while IFS= read -r mr_l; do echo "$(now_ms) $mr_l"; done > "$out/cpu/$mr_id.progress"
    grep -q "done" "$out/cpu/$mr_id.progress" || fail "ublkd merge: $(cat "$out/cpu/$mr_id.progress")"
    mr_t0=$(head -n 1 "$out/cpu/$mr_id.progress" | cut -d' ' -f1); mr_t1=$(tail -n 1 "$out/cpu/$mr_id.progress" | cut -d' ' -f1)
    echo "  ($mr_id with the client's start: $(( mr_t1 - mr_tc )) ms, between its first and last progress line: $(( mr_t1 - mr_t0 )) ms)"
    # The time that counts is the daemon's own, from the merge's start to its end ("complete in S s" in its log):
    # the client polls every 250 ms, too coarse for a merge of half a second.
    mr_s=$(sed -n 's/.*merge of bs1 into bo complete in \([0-9][0-9.]*\) s.*/\1/p' "$D/ublkd.log" | tail -n 1)
    [ -n "$mr_s" ] || fail "no merge time in the daemon's log"
    mr_t0=0; mr_t1=$(awk -v s="$mr_s" 'BEGIN { printf "%d", s * 1000 + 0.5 }')
    threads "$DPID" > "$out/cpu/$mr_id.post"; mr_j1=$(jit_lines); mr_j=$((mr_j1 - mr_j0))
    sed -n "$((mr_j0 + 1)),${mr_j1}p" $JITLOG > "$out/jit/$mr_id.log"
    u remove bo >/dev/null || fail "ublkd remove"
  fi
  echo "merge $mr_stack $mr_rep $((merge_mib * 1048576)) $mr_t0 $mr_t1 $mr_j" >> "$out/runs.txt"
  echo "  $mr_id: $((mr_t1 - mr_t0)) ms"
}

# ---- the measured repetitions
one_cell() { # NAME STACKS NSNAP QD ROLE BASE PREP ARGS, for repetition $REP
  oc_name=$1 oc_stacks=$2 oc_n=$3 oc_qd=$4 oc_role=$5 oc_prep=$7 oc_args=$8
  # shellcheck disable=SC2086
  for oc_s in $(rotate $((REP - 1)) $oc_stacks); do
    # shellcheck disable=SC2086
    measure "$oc_name" "$oc_s" "$REP" "$oc_n" "$oc_qd" "$oc_role" "$oc_prep" $oc_args
  done
}
base_cell() { case $1 in base-*) one_cell "$@";; esac; }
snap_cell() { case $1 in base-*) ;; *) one_cell "$@";; esac; }
REP=1
while [ $REP -le "$reps" ]; do
  phase "repetition-$REP"
  # the base cells (raw, pass, cloop) first, with the pass-through origin loaded once for all of them: the other
  # stacks never hold the RAM disk exclusively, and an idle origin costs nothing
  load_ublk 0; PASS_UP=1
  each_cell base_cell
  PASS_UP=0; u remove bo >/dev/null || fail "ublkd remove"
  each_cell snap_cell
  if [ $((REP % 2)) = 1 ]; then merge_run dm $REP; merge_run ublk $REP; else merge_run ublk $REP; merge_run dm $REP; fi
  REP=$((REP+1))
done
threads "$DPID" > "$out/cpu/daemon-end.threads"
cat /proc/$DPID/smaps_rollup > "$out/mem/daemon-end.smaps_rollup"

# ---- probes of sequential writes: a fresh stack each (the other cells' probes rode on the last repetition)
probe_seq() {
  ps_name=$1 ps_stacks=$2 ps_n=$3 ps_qd=$4 ps_role=$5 ps_prep=$7 ps_args=$8
  case " $ps_args " in *" --rw=write "*) ;; *) return 0;; esac
  for ps_s in $ps_stacks; do
    case $ps_s in ublk|pass|cloop)
      up "$ps_s" "$ps_n"
      ps_dev=$ORIG; [ "$ps_role" = snap ] && ps_dev=$SNAP
      prep "$ps_prep"
      touch_queues "$ps_dev"
      # shellcheck disable=SC2086
      probe_run "$ps_name" "$ps_s" "$ps_n" "$ps_dev" "$ps_qd" $ps_args
      down "$ps_s";;
    esac
  done
}
if [ "$PERF" = 1 ] && [ "$quick" != 1 ]; then phase probes; each_cell probe_seq; fi

# ---- memory at rest after 256 MiB of writes to the origin: 65,536 exceptions in each snapshot. By default a
# daemon of its own with native memory tracking; with BENCH_MEM_OWN_DAEMON=0 the measured daemon (started with it)
phase memory
mem_snapshot() { # LABEL
  ms_f="$out/mem/$1"
  sleep 22 # at rest: the daemon looks every 5 s whether it served anything since the look before, and if not runs a concurrent collection that gives memory back (HeapAtRest.java)
  u status --json > "$ms_f.status.json" 2>/dev/null || true
  grep -E 'VmRSS|VmHWM|RssAnon|RssFile|Threads' /proc/$DPID/status > "$ms_f.status"
  cat /proc/$DPID/smaps_rollup > "$ms_f.smaps_rollup"
  cat /proc/$DPID/smaps > "$ms_f.smaps" # per mapping: what NMT does not see (mmap through FFM, rings, descriptors)
  printf 'VM.native_memory summary\nGC.heap_info\n' > "$D/jcmds"
  jcmd $DPID -f "$D/jcmds" > "$ms_f.jcmd" 2>&1 # one attach for both
}
if [ "$mem_own" = 1 ]; then
  stop_daemon
  UBLKD_JAVA_OPTS="$JIT_OPTS -XX:NativeMemoryTracking=summary"
  start_daemon --depth $DEPTH $SERVE_OPTS
  UBLKD_JAVA_OPTS=$CLI_OPTS
fi
echo "mem_daemon $([ "$mem_own" = 1 ] && echo own || echo measured)" >> "$out/env.txt"
up ublk 1
fio --name=m --filename="$ORIG" --rw=write --bs=1M --size=256M --ioengine=io_uring --direct=1 --iodepth=4 --output=/dev/null
[ "$quick" = 1 ] || mem_snapshot s1-65536 # --quick: 4 snapshots only (22 s at rest each)
# three more snapshots, and the same writes again: they copy into the new ones only, 65,536 exceptions each
: > "$D/tables"; ms_i=2
while [ $ms_i -le 4 ]; do
  dd if=/dev/zero of=/dev/ram$ms_i bs=64k count=2 oflag=direct status=none # blank COWs (ram1 is bs1's, in use)
  printf 'bs%d: snapshot %s /dev/ram%d P 8\n' $ms_i $RAW $ms_i >> "$D/tables"; ms_i=$((ms_i+1))
done
u load --file "$D/tables" >/dev/null || fail "ublkd load"
UP_N=4
fio --name=m --filename="$ORIG" --rw=write --bs=1M --size=256M --ioengine=io_uring --direct=1 --iodepth=4 --output=/dev/null
mem_snapshot s4-65536
down ublk
stop_daemon

# ---- memory with a million exceptions: an origin of 4 GiB and 4 snapshots of 262,144 exceptions each, reopened by a
# daemon of its own (with native memory tracking). RAM disks cannot hold that much copied data: the COWs are crafted
# (bench's CraftedCow: header and metadata areas; the data chunks are holes, read as zeros), sparse files in /var/tmp
# (tmpfs) as the origin is, with room for more exceptions. Then 32 MiB of random 4 KiB writes to the origin (8,192
# new exceptions in each snapshot) and the snapshot at rest.
phase memory-1m
mm_dir=$(mktemp -d /var/tmp/bench-mem.XXXXXX)
truncate -s 4G "$mm_dir/origin"
# one JVM crafts the four (a start costs seconds here); cow N remaps origin chunks from (N-1) * 262,144 on
"$JAVA" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$top/bench/target/bench.jar:$top/bench/target/lib/*" \
  io.ublksnap.bench.cow.CraftedCow 262144 8 "$mm_dir/cow1" "$mm_dir/cow2" "$mm_dir/cow3" "$mm_dir/cow4" >/dev/null || fail "CraftedCow"
printf 'mo: snapshot-origin %s\n' "$mm_dir/origin" > "$mm_dir/tables" # not in $D: the daemon's start makes it anew
mm_i=1
while [ $mm_i -le 4 ]; do
  truncate -s +64M "$mm_dir/cow$mm_i"
  printf 'ms%d: snapshot %s %s P 8\n' $mm_i "$mm_dir/origin" "$mm_dir/cow$mm_i" >> "$mm_dir/tables"
  mm_i=$((mm_i + 1))
done
UBLKD_JAVA_OPTS="$JIT_OPTS -XX:NativeMemoryTracking=summary"
start_daemon --depth $DEPTH $SERVE_OPTS
UBLKD_JAVA_OPTS=$CLI_OPTS
mm_out=$(u load --file "$mm_dir/tables" 2>&1) || fail "ublkd load of the crafted COWs: $mm_out"
fio --name=m --filename="$(readlink -f "$L/mo")" --rw=randwrite --bs=4k --size=4G --io_size=32M --ioengine=io_uring --direct=1 \
  --iodepth=8 --output=/dev/null
mem_snapshot s4-1m
# ---- JFR (not measured, after the memory snapshot): one recording (a Java stack every 1 ms of a thread in Java
# code, every 20 ms of one in native code) over 4 KiB random writes at depth 1 to this origin (each copies into the
# snapshots that do not hold its chunk yet: 3 of the 4 crafted ones and a fifth; the queue threads' samples), then
# the merge of the fifth's jfr_merge_mib MiB and more (the control thread's); BenchReport summarises it by thread class
if [ "$jfr_merge_mib" -gt 0 ]; then
  truncate -s $((jfr_merge_mib + 32))M "$mm_dir/cowj"
  u load mj snapshot "$mm_dir/origin" "$mm_dir/cowj" P 8 >/dev/null || fail "ublkd load mj"
  fio --name=j --filename="$(readlink -f "$L/mj")" --rw=write --bs=1M --size=${jfr_merge_mib}M --ioengine=io_uring --direct=1 \
    --iodepth=4 --output=/dev/null
  jcmd "$DPID" JFR.start name=bench settings=profile method-profiling=max >/dev/null 2>&1 || echo "JFR.start failed"
  fio --name=j --filename="$(readlink -f "$L/mo")" --rw=randwrite --bs=4k --size=4G --offset=2G --ioengine=io_uring --direct=1 \
    --iodepth=1 --runtime="$probe_secs" --time_based --output=/dev/null
  u merge mj --wait >/dev/null 2>&1 || fail "merge under JFR"
  jcmd "$DPID" JFR.stop name=bench filename="$out/jfr/copy-then-merge.jfr" >/dev/null 2>&1 || echo "JFR.stop failed"
fi
u remove ms1 ms2 ms3 ms4 mo >/dev/null || fail "ublkd remove"
stop_daemon
rm -rf "$mm_dir"
echo "clocksource_end $(clocksource)" >> "$out/env.txt"
dmesg | grep -i clocksource > "$out/clocksource.txt" 2>/dev/null || true # when the kernel switched, if it did
phase done
echo "bench: done"
