#!/bin/sh
# Host test of bin/ublkd's class-data archive (run by scripts/test after the unit tests; no VM): the first normal
# exit makes it, later starts use it, a rebuild's or an upgrade's jars get a new one, and one damaged on disk
# (header intact) crashes no start: the JVM verifies its checksums and runs without it, the launcher then drops
# it, and the next normal exit makes a new one. No JVM may crash here (an hs_err file fails the test). In a
# checkout of its own under a path with spaces.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
fail() { echo "FAIL: h-launcher: $*" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
co="$tmp/a checkout"
mkdir -p "$co/ublkd/target" "$co/scripts/lib"
cp -r "$top/bin" "$co/"
cp -r "$top/ublkd/target/ublkd.jar" "$top/ublkd/target/lib" "$co/ublkd/target/"
cp "$top/scripts/lib/jdk.sh" "$co/scripts/lib/"
u="$co/bin/ublkd"
archive() { ls "$co"/build/cds/ublkd-client*.jsa 2>/dev/null | head -n 1; } # named by the launcher
"$u" --version >/dev/null || fail "ublkd --version failed"
a=$(archive); [ -n "$a" ] && [ -s "$a" ] || fail "no class-data archive after a normal exit"
n=$(UBLKD_JAVA_OPTS=-Xlog:class+load=info "$u" --version | grep -c 'shared objects file (top)' || true)
[ "$n" -gt 100 ] || fail "the archive is not used ($n classes from it)"
size=$(wc -c < "$a")
# damage everything after the first 4 KiB (the header stays valid)
dd if=/dev/zero of="$a" bs=4096 seek=1 count=$(( size / 4096 - 1 )) conv=notrunc status=none
out=$("$u" --version 2>&1) || fail "the start on a damaged archive failed: $out"
case "$out" in "ublkd "*) ;; *) fail "unexpected output on a damaged archive (a client's output is read by scripts): $out";; esac
crashed() { ls "$co"/build/hs_err_ublkd_*.log 2>/dev/null | head -n 1; }
[ -z "$(crashed)" ] || fail "a JVM crashed on the damaged archive: $(crashed)"
"$u" --version >/dev/null || fail "the start after the damaged archive failed" # drops it; its exit makes a new one
n=$(UBLKD_JAVA_OPTS=-Xlog:class+load=info "$u" --version | grep -c 'shared objects file (top)' || true)
[ "$n" -gt 100 ] || fail "no new archive in use after the damaged one ($n classes from it)"
# a new build (or an upgrade by scripts/install) changes the jars: the JVM refuses the old archive ("shared class
# paths mismatch") and, left to itself, never makes another, at every start; the launcher must drop it so that the
# next exit makes a new one.
"$u" --version >/dev/null || fail "ublkd --version failed"
n=$(UBLKD_JAVA_OPTS=-Xlog:class+load=info "$u" --version | grep -c 'shared objects file (top)' || true)
[ "$n" -gt 100 ] || fail "the archive is not used before the rebuild ($n classes from it)"
a=$(archive); cp "$a" "$tmp/old.jsa"
sleep 1 # a newer second for the jar
cp "$co/ublkd/target/ublkd.jar" "$tmp/jar" && printf 'x' >> "$tmp/jar" && mv "$tmp/jar" "$co/ublkd/target/ublkd.jar"
"$u" --version >/dev/null || fail "ublkd --version failed after a rebuild"
n=$(UBLKD_JAVA_OPTS=-Xlog:class+load=info "$u" --version | grep -c 'shared objects file (top)' || true)
[ "$n" -gt 100 ] || fail "no archive in use after a rebuild ($n classes from it): the stale one was kept"
# a daemon started on the old jars exits after the new ones came, and writes its archive for the old jars: newer
# than the jars, still stale; the next start must not take it
for f in "$co"/build/cds/ublkd-client*.jsa; do rm -f "$f"; done
cp "$tmp/old.jsa" "$a"; touch "$a"
"$u" --version >/dev/null || fail "ublkd --version failed with an old build's archive written last"
n=$(UBLKD_JAVA_OPTS=-Xlog:class+load=info "$u" --version | grep -c 'shared objects file (top)' || true)
[ "$n" -gt 100 ] || fail "no archive in use after an old build's archive was written last ($n classes from it)"
[ -z "$(crashed)" ] || fail "a JVM crashed: $(crashed)"
echo "ok: h-launcher: archive made, used, remade after a rebuild, and a damaged one crashes nothing and is made again"
