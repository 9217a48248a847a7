#!/usr/bin/env bash
# bench/jmh.sh: the JMH microbenchmarks (engine hot paths, exception lookup, buffer pool, ring
# submission, origin writes that trigger copies on io_uring file backends).
#   bench/jmh.sh                      all, short runs
#   bench/jmh.sh OriginCopyBench -f 1 -wi 2 -i 3    any JMH arguments
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
JAVA_HOME=$(scripts/setup --print-java-home); export JAVA_HOME
[ -f bench/target/bench.jar ] || scripts/build
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(-f 1 -wi 2 -w 1s -i 3 -r 1s)
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "bench/target/bench.jar:bench/target/lib/*" \
  org.openjdk.jmh.Main -jvmArgsAppend --enable-native-access=ALL-UNNAMED "${args[@]}"
