#!/usr/bin/env bash
# bench/vm-bench.sh: ublksnap against the kernel's dm-snapshot, side by side, in one VM boot on the
# same RAM disks (brd): (a) the raw RAM disk, (b) the kernel's dm-snapshot stack, (c) ublkd with
# snapshots, (d) a ublkd origin with no snapshot (the cost of ublk itself). Same fio jobs for each.
#
#   bench/vm-bench.sh [--quick] [--seconds N] [--kernel 6.12|7.2]
#
# Writes bench/results/<date>-<kernel>/: results.json, report.md, ratios.png; prints the report.
# Under the emulated VM only ratios within one run mean anything; the report says so.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
secs=8; quick=0; suite=trixie
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; secs=4; shift;;
    --seconds) secs=$2; shift 2;;
    --kernel) case "$2" in 7*) suite=trixie-backports;; *) suite=trixie;; esac; shift 2;;
    -h|--help) sed -n '2,10p' "$0"; exit 0;;
    *) echo "vm-bench: unknown option $1" >&2; exit 2;;
  esac
done
scripts/setup >&2
[ "$suite" = trixie ] || UBLK_VM_SUITE=$suite tools/ublk-vm setup
scripts/build >&2
stamp=$(date +%Y%m%d-%H%M%S)
out="bench/results/$stamp-$suite"
mkdir -p "$out"
echo "vm-bench: running in the VM ($suite), results in $out" >&2
UBLK_VM_SUITE=$suite UBLK_VM_BRD="rd_nr=6 rd_size=344064" tools/ublk-vm run --mem 6G --timeout 7200 -- \
  "BENCH_SECONDS=$secs BENCH_QUICK=$quick bench/vm/inside.sh $out"
JAVA_HOME=$(scripts/setup --print-java-home)
"$JAVA_HOME/bin/java" -Djava.awt.headless=true -cp "bench/target/bench.jar:bench/target/lib/*" \
  io.ublksnap.bench.report.BenchReport "$out"
cat "$out/report.md"
