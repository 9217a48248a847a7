#!/usr/bin/env bash
# bench/vm-bench.sh: ublksnap against the kernel's dm-snapshot, side by side, in one VM boot on the same RAM
# disks (brd): the raw RAM disk, dm-snapshot, ublkd with snapshots, a ublkd origin without snapshots
# (pass-through) and bench/ublk-loop (a minimal C ublk server: the transport's peer). Every cell runs
# BENCH_REPS times, interleaved (bench/vm/inside.sh says how); the report gives median [min-max].
#
#   bench/vm-bench.sh [--quick] [--seconds N] [--reps N] [--kernel 6.12|7] [--pti] [--jit c1|c2]
#
#   --quick    fewer cells, 2 s per run, 3 repetitions, at most 2 warm-up rounds (4 with C2), memory measured on the bench's
#              daemon (4 snapshots only), no JFR recording (BENCH_JFR_MERGE_MIB=64 adds it: some 30 s): about 14
#              minutes on a 2-core host, most of them in the emulated guest, plus any wait for another guest
#   --seconds  seconds per measured run (default 8; --quick 2)
#   --reps     repetitions of every cell (default 3)
#   --pti      boot the guest's kernel with page-table isolation (its default on the emulated CPU, which claims no
#              immunity to Meltdown). Without it the guest gets pti=off, as CPUs immune to Meltdown run: under
#              emulation PTI makes every entry to the kernel and every return empty qemu's software TLB, a cost
#              hardware does not have (it keeps the TLB across them), and every stack pays it per system call
#   --jit      the daemon's JIT under emulation: c2 (the default: C2 alone, -XX:-TieredCompilation, its thresholds
#              scaled to a tenth: the code users' daemons run once warm; up to 4 warm-up rounds with --quick) or c1
#              (C1 alone, as in the tests; the bench's way before run 20261124-092200)
#
# Writes bench/results/<date>-<kernel>/ (report.md, results.json, ratios.png and the raw data) and prints the
# report. Under the emulated VM only ratios within one run mean anything; the report says so.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
secs=8; quick=0; suite=trixie; reps=3; warm_secs=6; warm_rounds=5; probe_secs=3; mem_own=1; probe_cells=.
jfr_mib=${BENCH_JFR_MERGE_MIB:-64}; kargs=pti=off; jit=c2
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; secs=2; warm_secs=2; warm_rounds=2; probe_secs=2; mem_own=0; probe_cells='base-randwrite|owrite-copy'
               jfr_mib=${BENCH_JFR_MERGE_MIB:-0}; shift;;
    --seconds) [ $# -ge 2 ] && [ "$2" -ge 1 ] 2>/dev/null || { echo "vm-bench: --seconds needs a whole number of seconds, 1 or more" >&2; exit 2; }
               secs=$2; shift 2;;
    --reps) [ $# -ge 2 ] && [ "$2" -ge 1 ] 2>/dev/null || { echo "vm-bench: --reps needs a whole number, 1 or more" >&2; exit 2; }
            reps=$2; shift 2;;
    --kernel) [ $# -ge 2 ] || { echo "vm-bench: --kernel needs 6.12 or 7" >&2; exit 2; }
              case "$2" in 7*) suite=trixie-backports;; 6.12) suite=trixie;; *) echo "vm-bench: --kernel 6.12 or 7, not $2" >&2; exit 2;; esac; shift 2;;
    --pti) kargs=; shift;;
    --jit) case "${2:-}" in c1|c2) jit=$2;; *) echo "vm-bench: --jit c1 or c2, not ${2:-nothing}" >&2; exit 2;; esac; shift 2;;
    -h|--help) sed -n '2,23p' "$0"; exit 0;;
    *) echo "vm-bench: unknown option $1 (see --help)" >&2; exit 2;;
  esac
done
# C2 alone interprets each method until it is hot: its warm-up takes more rounds (each ends early once the JIT is quiet).
# With --quick 4: in runs 20261124-094000 and 20261124-111130 the fourth and fifth rounds compiled nothing of the
# request path (status, device set-up, the merge's start), and the fifth cost a minute of the 15.
if [ "$jit" = c2 ]; then
  c2_rounds=5; [ "$quick" = 1 ] && c2_rounds=4
  [ "$warm_rounds" -lt $c2_rounds ] && warm_rounds=$c2_rounds
fi
t0=$(date +%s)
scripts/setup >&2
[ "$suite" = trixie ] || UBLK_VM_SUITE=$suite tools/ublk-vm setup
scripts/build >&2
bench/ublk-loop/build.sh >/dev/null
stamp=$(date +%Y%m%d-%H%M%S)
run="bench/results/$stamp-running"
mkdir -p "$run"
echo "vm-bench: running in the VM ($suite), results in $run" >&2
rc=0
UBLK_VM_SUITE=$suite UBLK_VM_BRD="rd_nr=6 rd_size=344064" UBLK_VM_KERNEL_ARGS=$kargs tools/ublk-vm run --mem 6G --timeout 7200 -- \
  "BENCH_SECONDS=$secs BENCH_REPS=$reps BENCH_QUICK=$quick BENCH_WARM_SECONDS=$warm_secs BENCH_WARM_ROUNDS=$warm_rounds BENCH_PROBE_SECONDS=$probe_secs BENCH_MEM_OWN_DAEMON=$mem_own BENCH_PROBE_CELLS='$probe_cells' BENCH_JFR_MERGE_MIB=$jfr_mib BENCH_JIT=$jit bench/vm/inside.sh $run" || rc=$?
[ $rc = 0 ] || echo "vm-bench: the guest's run failed (exit $rc); reporting what it left" >&2
out="bench/results/$stamp-$(cat "$run/kernel.txt" 2>/dev/null || echo "$suite")"
mv "$run" "$out"
echo "host_wall_s $(( $(date +%s) - t0 ))" >> "$out/env.txt"
JAVA_HOME=$(scripts/setup --print-java-home)
"$JAVA_HOME/bin/java" -Djava.awt.headless=true -cp "bench/target/bench.jar:bench/target/lib/*" \
  io.ublksnap.bench.report.BenchReport "$out"
cat "$out/report.md"
echo "vm-bench: $out ($(( $(date +%s) - t0 )) s)" >&2
exit $rc
