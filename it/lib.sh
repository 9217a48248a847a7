# it/lib.sh: shared helpers for the end-to-end tests (sourced; POSIX sh).
top=$(pwd)
JAVA_HOME=${JAVA_HOME:-$(scripts/setup --print-java-home 2>/dev/null || echo /usr/lib/jvm/temurin-25-jdk-amd64)}
JAVA="$JAVA_HOME/bin/java"
JAVA_OPTS="--enable-native-access=ALL-UNNAMED"
export JAVA_HOME
UBLKD="$top/bin/ublkd"

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "--- $*"; }
