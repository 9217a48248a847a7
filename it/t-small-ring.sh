# Every ring with an 8-entry SQ (-Dublkd.ringEntries=8), so linked chains keep meeting a full SQ:
# fio --verify on an origin with 4 snapshots (each first write to a chunk copies it to 4 COWs, a read
# linked to a write, and commits metadata, an fdatasync linked to a write). 0 verify errors on the
# origin, and every snapshot still reads as the origin did when it was taken.
. it/lib.sh
set -e
UBLKD_JAVA_OPTS="$UBLKD_JAVA_OPTS -Dublkd.ringEntries=8"
export UBLKD_JAVA_OPTS
start_daemon --queues 2 --depth 32
t0=$(date +%s)
truncate -s 16M "$D/origin.img"
u origin base "$D/origin.img" >/dev/null
step "fio --verify on the origin, 4 snapshots copying"
verify_four_snapshots
small_rings 6
ok "all $RINGS rings of the daemon have an 8-entry SQ ($(( $(date +%s) - t0 ))s)"
grep -E "stopped on an error|callback failed|task failed" "$D/ublkd.log" && fail "the daemon reported failures"
u remove s1 s2 s3 s4 base
stop_daemon
