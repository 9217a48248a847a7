# scripts/lib/jdk.sh: the one place that finds the JDK (25 or newer) ublksnap runs on. POSIX sh, sourced by
# scripts/setup, bin/ublkd (also when installed) and it/lib.sh. Reads each candidate's release file, so no JVM
# is started to ask its version.
#   ublksnap_jdk_ok DIR   true if DIR is a JDK >= 25
#   ublksnap_find_jdk     prints the first of $UBLKSNAP_JAVA_HOME, $JAVA_HOME, /usr/lib/jvm/temurin-25*, /usr/lib/jvm/*
ublksnap_jdk_ok() {
  [ -n "$1" ] && [ -x "$1/bin/java" ] || return 1
  _jdk_v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null)
  [ -n "$_jdk_v" ] || _jdk_v=$("$1/bin/java" -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p')
  [ "${_jdk_v:-0}" -ge 25 ] 2>/dev/null
}
ublksnap_find_jdk() {
  for _jdk_c in "${UBLKSNAP_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    if ublksnap_jdk_ok "$_jdk_c"; then echo "$_jdk_c"; return 0; fi
  done
  echo "ublksnap: no JDK 25 or newer found (UBLKSNAP_JAVA_HOME, JAVA_HOME, /usr/lib/jvm/*): install one, e.g. 'apt-get install temurin-25-jdk' or 'openjdk-25-jdk'" >&2
  return 1
}
