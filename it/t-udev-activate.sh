#!/bin/sh
# it-mode: systemd
# t-udev-activate: udev and systemd start what can start, with the installed rules and units, in a guest whose
# init is systemd (tools/ublk-vm --systemd; it/guest-suite runs the tests marked 'it-mode: systemd' there).
#  - the ublk driver's control device appearing starts ublkd.service (SYSTEMD_WANTS);
#  - devices whose backing is not there at start are kept, listed not active with the reason, and published in
#    /run/ublksnap/wanted;
#  - a block device nobody waits for is not reported and starts no JVM;
#  - an origin (by a /dev/disk/by-label link) and then its snapshot's COW (/dev/loop7) attached later come up by
#    themselves, named /dev/ublksnap/NAME by udev;
#  - a device that fails to come up is tried once, not again for each event its own close makes udev send;
#  - an origin on a file system mounted later comes up with ublkd-activate.service (as after local-fs.target).
. it/lib.sh
# It installs ublksnap into the root file system: only in the throwaway guest, whose root is an overlay.
[ "${UBLK_VM_GUEST:-0}" = 1 ] && [ "${UBLK_VM_SYSTEMD:-0}" = 1 ] \
  || fail "needs a guest booted with --systemd (tools/ublk-vm run --systemd; it/guest-suite runs it there)"
[ "$(id -u)" = 0 ] || fail "run as root"
W=$(mktemp -d /var/tmp/udev-it.XXXXXX)
RUN=/run/ublksnap
jvms() { pgrep -c -x java || true; }
# wait_for SECS WHAT CMD...: until CMD succeeds, at most SECS seconds
wait_for() {
  secs=$1 what=$2; shift 2; i=0
  while ! "$@" >/dev/null 2>&1; do
    i=$((i + 1)); [ "$i" -le "$secs" ] || { journalctl -u ublkd --no-pager | tail -n 30 >&2; fail "$what (after ${secs}s)"; }
    sleep 1
  done
}
udev_named() { # NAME: udev (its database) gives some /dev/ublkbN the link ublksnap/NAME
  for d in /dev/ublkb[0-9]*; do
    [ -b "$d" ] && udevadm info -q symlink -n "$d" 2>/dev/null | tr ' ' '\n' | grep -qx "ublksnap/$1" && return 0
  done
  return 1
}

# Whatever happens, the next systemd test of this guest finds no daemon, an empty configuration, no drop-in.
cleanup() {
  systemctl stop ublkd 2>/dev/null
  rm -rf /etc/systemd/system/ublkd.service.d/it.conf
  echo "# ublksnap devices (kept by ublkd)" > /etc/ublksnap/devices.conf
  systemctl daemon-reload
  umount /mnt/ublkit-late 2>/dev/null
  for f in origin.img other.img s1.cow bad.cow; do
    for l in $(losetup -l -n -O NAME -j "$W/$f"); do losetup -d "$l"; done
  done
  rm -rf "$W"
}
trap cleanup EXIT

step "install the rules and units into the guest's root (an overlay)"
scripts/install --prefix /usr/local >/dev/null || fail "scripts/install failed"
mkdir -p /etc/systemd/system/ublkd.service.d
cat > /etc/systemd/system/ublkd.service.d/it.conf <<CONF
[Service]
Environment=UBLKD_JAVA_OPTS=${UBLKD_JAVA_OPTS:-} UBLKD_ERROR_DIR=$UBLKD_ERROR_DIR
Restart=no
CONF
systemctl daemon-reload
systemctl is-active -q ublkd && fail "ublkd.service runs before the test started it"

step "backings: an origin with an ext4 label (attached later), a COW for /dev/loop7, a file on a file system not mounted"
truncate -s 64M "$W/origin.img" && mkfs.ext4 -q -L ublkit-origin "$W/origin.img" || fail "mkfs"
truncate -s 32M "$W/s1.cow"
truncate -s 64M "$W/latefs.img" && mkfs.ext4 -q "$W/latefs.img" || fail "mkfs"
mkdir -p /mnt/ublkit-late && mount -o loop "$W/latefs.img" /mnt/ublkit-late && truncate -s 16M /mnt/ublkit-late/late.img \
  && umount /mnt/ublkit-late || fail "preparing the late file system"
for l in /dev/loop6 /dev/loop7; do [ -b $l ] && ! losetup $l >/dev/null 2>&1 || fail "$l is not there or not free"; done
truncate -s 32M "$W/other.img" "$W/spare.img"
head -c 1M /dev/urandom > "$W/bad.cow" && truncate -s 32M "$W/bad.cow"
cat > /etc/ublksnap/devices.conf <<CONF
origin base /dev/disk/by-label/ublkit-origin
snapshot s1 base /dev/loop7 P 16
origin late /mnt/ublkit-late/late.img
origin spare $W/spare.img
snapshot bad spare /dev/loop6 P 16
CONF

step "the ublk driver's control device appears: udev starts ublkd.service"
t0=$(date +%s)
udevadm trigger --action=add /sys/class/misc/ublk-control || fail "udevadm trigger"
wait_for 240 "ublkd.service did not start" systemctl is-active -q ublkd
ok "ublkd.service active $(( $(date +%s) - t0 ))s after the event"
# ublkd.service wants ublkd-activate.service (after local-fs.target): let it finish
wait_for 120 "ublkd-activate.service did not finish" sh -c '! systemctl -q is-active ublkd-activate && [ "$(systemctl show -P ActiveState ublkd-activate)" != activating ]'

step "what cannot come up is listed, not active, with the reason, and published for udev"
list=$("$UBLKD" list 2>&1) || true
echo "$list"
for n in base s1 late spare bad; do
  echo "$list" | grep -E "^$n( |$)" | grep -q "not active" || fail "$n is not listed as not active: $list"
done
echo "$list" | grep -q "no such file" || fail "no reason given: $list"
cat "$RUN/wanted"
for p in /dev/disk/by-label/ublkit-origin /dev/loop7 /mnt/ublkit-late/late.img; do
  grep -qx "$p" "$RUN/wanted" || fail "$p is not in $RUN/wanted"
done
[ -s "$RUN/appeared" ] && fail "something was reported before any device appeared: $(cat "$RUN/appeared")"

step "an unrelated block device appears: not reported, no JVM"
before=$(jvms)
other=$(losetup -f --show "$W/other.img") || fail "losetup"
udevadm settle
during=$(jvms)
[ -s "$RUN/appeared" ] && fail "$other was reported: $(cat "$RUN/appeared")"
[ "$during" = "$before" ] || fail "JVMs: $before before $other appeared, $during after"
ok "$other: not reported, $during JVM(s) before and after (the daemon)"

step "the origin's disk appears (by its label): the origin opens and waits for its snapshot's COW"
t0=$(date +%s)
o=$(losetup -f --show "$W/origin.img") || fail "losetup"
udevadm settle
wait_for 120 "the origin was not opened" sh -c "! grep -qx /dev/disk/by-label/ublkit-origin $RUN/wanted"
grep -q "^$o\( [0-9]*\)\{0,1\}\$" "$RUN/appeared" || fail "$o was not reported: $(cat "$RUN/appeared")"
grep -qx /dev/loop7 "$RUN/wanted" || fail "the COW is no longer wanted: $(cat "$RUN/wanted")"
udev_named base && fail "the origin's device started while its snapshot is missing"
ok "origin open $(( $(date +%s) - t0 ))s after $o appeared; still waiting for /dev/loop7"
[ "$(jvms)" = "$before" ] || fail "a JVM started for $o"

step "the COW's disk appears: snapshot and origin come up by themselves, named by udev"
t0=$(date +%s)
losetup /dev/loop7 "$W/s1.cow" || fail "losetup /dev/loop7"
udevadm settle
wait_for 120 "base did not come up" udev_named base
wait_for 30 "s1 has no udev link" udev_named s1
ok "base and s1 up and named by udev $(( $(date +%s) - t0 ))s after /dev/loop7 appeared"
[ "$(jvms)" = "$before" ] || fail "a JVM started for /dev/loop7"
[ "$(blkid -o value -s LABEL /dev/ublksnap/s1)" = ublkit-origin ] || fail "the snapshot does not show the origin's file system"
journalctl -u ublkd --no-pager | grep -E "appeared|by themselves" | sed 's/^/    /'

step "a COW that is not one appears: one attempt, not one for every event the attempt itself causes"
losetup /dev/loop6 "$W/bad.cow" || fail "losetup /dev/loop6"
udevadm settle
wait_for 60 "/dev/loop6 was not tried" sh -c "journalctl -u ublkd --no-pager | grep -q 'appeared: /dev/loop6'"
udevadm settle
n1=$(journalctl -u ublkd --no-pager | grep -c 'appeared: /dev/loop6')
sleep 3; udevadm settle
n2=$(journalctl -u ublkd --no-pager | grep -c 'appeared: /dev/loop6')
[ "$n1" = "$n2" ] && [ "$n1" -le 2 ] || fail "/dev/loop6 was tried $n1, then $n2 times"
"$UBLKD" remove bad >/dev/null || fail "remove bad"
ok "/dev/loop6 tried $n2 time(s); bad removed, spare waits for an activation"

step "the late file system is mounted: ublkd-activate.service (run after local-fs.target at boot) brings up its origin"
grep -qx /mnt/ublkit-late/late.img "$RUN/wanted" || fail "late is not wanted any more"
mount -o loop "$W/latefs.img" /mnt/ublkit-late || fail "mount"
udevadm settle
systemctl start ublkd-activate.service || fail "ublkd-activate.service failed"
wait_for 30 "late did not come up" udev_named late
wait_for 30 "spare did not come up" udev_named spare
wait_for 10 "$RUN/wanted outlived the last waiting device" sh -c "[ ! -e $RUN/wanted ]"

step "stop"
systemctl stop ublkd || fail "systemctl stop ublkd"
[ -z "$(ls "$RUN/names" 2>/dev/null)" ] || fail "names files outlived the daemon: $(ls "$RUN/names")"
[ -e "$RUN/wanted" ] && fail "$RUN/wanted outlived the daemon"
ok "udev activation"
