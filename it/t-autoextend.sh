# Issue 12: COWs that grow online. A snapshot with autoextend at 70 % by 20 % (the daemon's
# setting) under fio writes of twice its first COW size never goes invalid (its requests wait for
# a growth that lags behind), and the kernel's
# dm-snapshot opens the grown COW with the same image; a snapshot without autoextend warns at 80,
# 85, 90 and 95 % and then goes invalid, the fill hook hearing it all (run without a shell); a COW
# on a loop device is extended after 'truncate' and 'losetup -c'.
. it/lib.sh
set -e
T0=$(date +%s)
step() { echo "--- [$(( $(date +%s) - T0 )) s] $*"; }
W=$(mktemp -d /tmp/it.XXXXXX)
cat > "$W/hook" <<EOF
#!/bin/sh
echo "\$1 \$2 \$3 \$UBLKSNAP_TOTAL_SECTORS" >> "$W/hook.out"
EOF
chmod +x "$W/hook"
start_daemon --autoextend-threshold 70 --autoextend-percent 20 --fill-hook "$W/hook"
truncate -s 48M "$D/base.img"
dd if=/dev/urandom of="$D/base.img" bs=1M count=32 conv=notrunc status=none
cp "$D/base.img" "$W/grow-before.img"
u origin base "$D/base.img" >/dev/null
u snapshot grow --origin base --cow "$D/grow.cow" --create 16M --chunk 8 >/dev/null
u snapshot fill --origin base --cow "$D/fill.cow" --create 8M --chunk 8 --autoextend-threshold 100 --autoextend-percent 0 >/dev/null

step "fio writes 32 MiB to the origin: 2 x the first COW of 'grow', 4 x that of 'fill'"
fio --name=w --filename="$L/base" --rw=write --bs=256k --size=32m --direct=1 --ioengine=libaio --iodepth=16 \
  --output-format=terse >/dev/null
u status --json > "$W/status.json"
grep -o '"name":"grow"[^}]*"autoextend":{"threshold":70,"percent":20}' "$W/status.json" >/dev/null \
  || fail "grow does not show the daemon's autoextend: $(cat "$W/status.json")"
u status > "$W/status"; cat "$W/status"
grep -q '^grow: .*Invalid' "$W/status" && fail "grow went invalid"
cmp "$L/grow" "$W/grow-before.img" || fail "grow changed"
size=$(stat -c %s "$D/grow.cow")
[ "$size" -gt $((32 << 20)) ] || fail "grow's COW did not grow enough: $size bytes"
n=$(grep -c "autoextended from" "$D/ublkd.log" || true)
[ "$n" -ge 3 ] || fail "only $n autoextends"
echo "$n autoextends, COW now $size bytes"
grep -q '^fill: .*Invalid' "$W/status" || fail "fill did not fill up"
for p in 80 85 90 95; do
  [ "$(grep -c "warning: snapshot fill is now $p %" "$D/ublkd.log")" = 1 ] || fail "no single warning at $p %"
done
grep -q "warning: snapshot fill is invalid" "$D/ublkd.log" || fail "no warning when fill was invalidated"
ok "grow stayed valid and grew; fill warned once at each of 80, 85, 90, 95 % and went invalid"
hooklines() { if [ -f "$W/hook.out" ]; then wc -l < "$W/hook.out"; else echo 0; fi; }
n=0; while [ "$(hooklines)" -lt 8 ] && [ $n -lt 100 ]; do sleep 0.2; n=$((n + 1)); done
cat "$W/hook.out"
grep -q '^warning fill 80 ' "$W/hook.out" && grep -q '^invalid fill 100' "$W/hook.out" \
  && grep -q '^extended grow ' "$W/hook.out" || fail "the hook did not hear everything"
grep -q '^extend-failed grow ' "$W/hook.out" && fail "a growth of grow failed: $(grep -i 'autoextend of snapshot grow' "$D/ublkd.log")"
ok "the fill hook heard the warnings, the growths and the invalidation"

step "extend of a COW file by hand, and refusals"
u extend grow --size +8m >/dev/null
[ "$(stat -c %s "$D/grow.cow")" = $((size + (8 << 20))) ] || fail "extend --size +8m did not grow the file by 8 MiB"
# (refusals of a smaller size and of an invalid snapshot: FillTest, on the host)
dd if="$L/grow" of="$W/grow.img" bs=1M status=none

step "a COW on a loop device, grown underneath"
truncate -s 8M "$W/loop.cow"
LC=$(losetup -f --show "$W/loop.cow")
trap 'losetup -d "$LC" 2>/dev/null || true' EXIT
t0=$(u snapshot dev --origin base --cow "$LC" --chunk 8 | cut -d' ' -f3 | cut -d/ -f2)
truncate -s 24M "$W/loop.cow"; losetup -c "$LC"
t1=$(u extend dev | cut -d' ' -f2 | cut -d/ -f2)
[ "$t0" = 16384 ] && [ "$t1" = 49152 ] || fail "dev's COW: $t0 then $t1 sectors (expected 16384, 49152)"
ok "dev's COW went from $t0 to $t1 sectors after truncate + losetup -c + extend"
expect_error "block device" u extend dev --size +1m
expect_error "block device" u extend dev --autoextend-threshold 70 --autoextend-percent 20
u remove dev
losetup -d "$LC"; trap - EXIT
stop_daemon

step "the kernel opens the grown COW"
S=$(( $(stat -c %s "$D/base.img") / 512 ))
LO=$(losetup -f --show "$D/base.img"); LG=$(losetup -f --show "$D/grow.cow")
dmsetup create it_grown --table "0 $S snapshot $LO $LG P 8"
ok "kernel status of the grown COW: $(dmsetup status it_grown)"
cmp /dev/mapper/it_grown "$W/grow.img" || { dmsetup remove it_grown; losetup -d "$LO" "$LG"; fail "the kernel shows another image"; }
dmsetup remove it_grown; losetup -d "$LO" "$LG"
ok "the kernel shows the grown snapshot's image"
rm -rf "$W"
