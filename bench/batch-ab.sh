#!/usr/bin/env bash
# bench/batch-ab.sh: what UBLK_F_BATCH_IO changes, measured. One guest boot on the newest kernel (7.x, which offers
# it): a ublkd origin without snapshots on the RAM disk, served with batches (serve --batch-io) and with one command
# per request (the default), in turns, a fresh daemon each time (bench/vm/batch-ab.sh says how). Random 4 KiB reads and
# writes at depth 1 and 32: IOPS, p50, io_uring_enter calls and queue-thread CPU per request, median [min-max].
#
#   bench/batch-ab.sh [--seconds N] [--reps N] [--jit c1|c2] [--pti]
#
# Defaults: 4 s per run, 3 repetitions; the daemon's JIT c2 and the guest without page-table isolation, as in
# bench/vm-bench.sh (whose --help says why). About 10 minutes on a 2-core host.
#
# Writes bench/results/<date>-batch-ab-<kernel>/ (report.md and the raw data) and prints the report.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
secs=4; reps=3; jit=c2; kargs=pti=off
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) [ $# -ge 2 ] && [ "$2" -ge 1 ] 2>/dev/null || { echo "batch-ab: --seconds needs a whole number of seconds, 1 or more" >&2; exit 2; }
               secs=$2; shift 2;;
    --reps) [ $# -ge 2 ] && [ "$2" -ge 1 ] 2>/dev/null || { echo "batch-ab: --reps needs a whole number, 1 or more" >&2; exit 2; }
            reps=$2; shift 2;;
    --jit) case "${2:-}" in c1|c2) jit=$2;; *) echo "batch-ab: --jit c1 or c2, not ${2:-nothing}" >&2; exit 2;; esac; shift 2;;
    --pti) kargs=; shift;;
    -h|--help) sed -n '2,12p' "$0"; exit 0;;
    *) echo "batch-ab: unknown option $1 (see --help)" >&2; exit 2;;
  esac
done
t0=$(date +%s)
scripts/setup >&2
UBLK_VM_SUITE=trixie-backports tools/ublk-vm setup
scripts/build >&2
stamp=$(date +%Y%m%d-%H%M%S)
run="bench/results/$stamp-batch-ab-running"
mkdir -p "$run"
rc=0
UBLK_VM_SUITE=trixie-backports UBLK_VM_BRD="rd_nr=1 rd_size=344064" UBLK_VM_KERNEL_ARGS=$kargs \
  tools/ublk-vm run --mem 4G --timeout 3600 -- "BENCH_SECONDS=$secs BENCH_REPS=$reps BENCH_JIT=$jit bench/vm/batch-ab.sh $run" || rc=$?
[ $rc = 0 ] || echo "batch-ab: the guest's run failed (exit $rc); reporting what it left" >&2
out="bench/results/$stamp-batch-ab-$(cat "$run/kernel.txt" 2>/dev/null || echo trixie-backports)"
mv "$run" "$out"
gzip -q "$out"/jit/*.log 2>/dev/null || true   # the daemons' whole JIT logs: runs.txt has their lines per measured run
JAVA_HOME=$(scripts/setup --print-java-home)
"$JAVA_HOME/bin/java" -cp "bench/target/bench.jar:bench/target/lib/*" io.ublksnap.bench.report.BatchAbReport "$out" > "$out/report.md"
cat "$out/report.md"
echo "batch-ab: $out ($(( $(date +%s) - t0 )) s)" >&2
exit $rc
