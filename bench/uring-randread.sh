#!/usr/bin/env bash
# bench/uring-randread.sh: 4 KiB O_DIRECT random reads at queue depth 32, ublksnap's IoUring (one Java thread)
# against fio's io_uring engine on the same file; prints both IOPS and the ratio.
#
#   bench/uring-randread.sh [--file PATH] [--size 1g] [--seconds 10] [--rounds 3] [--qd 32] [--bs 4096] [--skip-fio] [--batch]
#
# Builds ffi and bench first when their jars are missing or older than the sources.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
JAVA_HOME=$(scripts/setup --print-java-home); export JAVA_HOME
jar=bench/target/bench.jar
if [ ! -f "$jar" ] || [ -n "$(find ffi/src bench/src ffi/pom.xml bench/pom.xml -newer "$jar" -print -quit)" ]; then
  echo "uring-randread: building ffi and bench" >&2
  # bench's other dependencies (engine, ublkd) come from the local repository; build everything the first time
  mvn -B -q -ntp -pl ffi,bench install -DskipTests >/dev/null 2>&1 || scripts/build
fi
command -v fio >/dev/null || { echo "uring-randread: fio not installed (scripts/setup installs it)" >&2; exit 1; }
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xms256m -Xmx256m -XX:+AlwaysPreTouch \
  -cp "$jar:bench/target/lib/*" io.ublksnap.bench.uring.UringRandRead "$@"
