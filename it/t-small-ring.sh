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
dd if=/dev/urandom of="$L/base" bs=1M count=16 oflag=direct status=none
before=$(sha256sum < "$L/base")
for i in 1 2 3 4; do
  truncate -s 24M "$D/s$i.cow"
  u snapshot "s$i" --origin base --cow "$D/s$i.cow" --store P --chunk 16 >/dev/null
done
rings=$(grep -l "^SqMask:" /proc/"$DPID"/fdinfo/* 2>/dev/null | wc -l)
small=$(grep -l "^SqMask:[[:space:]]*0x7$" /proc/"$DPID"/fdinfo/* 2>/dev/null | wc -l)
[ "$rings" -ge 6 ] && [ "$small" = "$rings" ] || fail "$small of the daemon's $rings rings have an 8-entry SQ"
ok "all $rings rings of the daemon have an 8-entry SQ ($(( $(date +%s) - t0 ))s)"
step "fio --verify on the origin, 4 snapshots copying"
fio --name=origin --filename="$L/base" --rw=randwrite --bs=4k-64k --ioengine=io_uring --direct=1 --iodepth=32 \
  --verify=crc32c --verify_fatal=1 --do_verify=1 --size=16M --randrepeat=0 --verify_state_save=0 \
  --output="$D/fio.txt" || { cat "$D/fio.txt"; fail "fio on the origin failed"; }
grep -h "err=" "$D/fio.txt"
grep -q "err= *0" "$D/fio.txt" || fail "fio reports errors"
ok "no verify error on the origin ($(( $(date +%s) - t0 ))s)"
for i in 1 2 3 4; do
  [ "$(sha256sum < "$L/s$i")" = "$before" ] || fail "snapshot s$i no longer reads as the origin did"
done
ok "all 4 snapshots read as the origin did before fio"
grep -E "stopped on an error|callback failed|task failed" "$D/ublkd.log" && fail "the daemon reported failures"
u remove s1 s2 s3 s4 base
stop_daemon
