#!/usr/bin/env bash
# bench/update-readme.sh [RESULTS_DIR]: replaces README.md's performance section (between the lines
# <!-- bench:begin --> and <!-- bench:end -->) with the one BenchReport generates from RESULTS_DIR
# (default: the latest run of bench/vm-bench.sh under bench/results/, not those of bench/batch-ab.sh). Changes
# nothing when the markers are missing.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
dir=${1:-$(ls -d bench/results/2*/ 2>/dev/null | grep -v -- '-running/$' | grep -v -- '-batch-ab-' | sort | tail -n 1)}
dir=${dir%/}
[ -n "$dir" ] && [ -f "$dir/runs.txt" ] || { echo "update-readme: no results directory of bench/vm-bench.sh${1:+ at $1}" >&2; exit 1; }
readme=README.md
grep -qx '<!-- bench:begin -->' "$readme" && grep -qx '<!-- bench:end -->' "$readme" \
  || { echo "update-readme: $readme has no <!-- bench:begin --> / <!-- bench:end --> lines; add them where the section goes" >&2; exit 1; }
JAVA_HOME=$(scripts/setup --print-java-home)
[ -f bench/target/bench.jar ] || scripts/build >&2
section=$(mktemp); trap 'rm -f "$section" "$readme.new"' EXIT
"$JAVA_HOME/bin/java" -Djava.awt.headless=true -cp "bench/target/bench.jar:bench/target/lib/*" \
  io.ublksnap.bench.report.BenchReport --readme-section "$dir" > "$section"
awk -v f="$section" '
  $0 == "<!-- bench:begin -->" { while ((getline l < f) > 0) print l; skip = 1; next }
  $0 == "<!-- bench:end -->" { skip = 0; next }
  !skip { print }' "$readme" > "$readme.new"
mv "$readme.new" "$readme"
echo "update-readme: $readme's performance section now comes from $dir" >&2
