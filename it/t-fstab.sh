#!/bin/sh
# it-mode: systemd
# t-fstab: /dev/ublksnap/NAME in /etc/fstab with x-systemd.requires=ublkd.service, as the README documents it:
# systemd's fstab generator makes the mount wait for ublkd and for the device udev names, starting the mount
# starts ublkd (which brings the origin back from its configuration) and mounts the file system; stopping ublkd
# unmounts it first (Requires= goes both ways), so ublkd never removes a device under a mounted file system.
. it/lib.sh
[ "${UBLK_VM_GUEST:-0}" = 1 ] && [ "${UBLK_VM_SYSTEMD:-0}" = 1 ] \
  || fail "needs a guest booted with --systemd (tools/ublk-vm run --systemd; it/guest-suite runs it there)"
W=$(mktemp -d /var/tmp/fstab-it.XXXXXX)
MNT=/mnt/ublkit-fstab
cp /etc/fstab "$W/fstab.orig" 2>/dev/null || : > "$W/fstab.orig"
cleanup() {
  umount "$MNT" 2>/dev/null
  cp "$W/fstab.orig" /etc/fstab
  systemctl stop ublkd 2>/dev/null
  rm -f /etc/systemd/system/ublkd.service.d/it.conf
  echo "# ublksnap devices (kept by ublkd)" > /etc/ublksnap/devices.conf
  systemctl daemon-reload
  rm -rf "$W"
}
trap cleanup EXIT

step "install, and an origin with ext4 kept in the configuration"
scripts/install --prefix /usr/local >/dev/null || fail "scripts/install failed"
mkdir -p /etc/systemd/system/ublkd.service.d
cat > /etc/systemd/system/ublkd.service.d/it.conf <<CONF
[Service]
Environment=UBLKD_JAVA_OPTS=${UBLKD_JAVA_OPTS:-} UBLKD_ERROR_DIR=$UBLKD_ERROR_DIR
Restart=no
CONF
truncate -s 64M "$W/data.img"
mkfs.ext4 -q -F "$W/data.img"
echo "origin fsdata $W/data.img" > /etc/ublksnap/devices.conf
mkdir -p "$MNT"
echo "/dev/ublksnap/fsdata $MNT ext4 defaults,nofail,x-systemd.requires=ublkd.service 0 2" >> /etc/fstab
systemctl daemon-reload
systemctl is-active -q ublkd && fail "ublkd runs before the mount asked for it"
unit=$(systemd-escape -p --suffix=mount "$MNT")
deps=$(systemctl show -p Requires -p After "$unit")
echo "$deps"
echo "$deps" | grep -q "^Requires=.*ublkd.service" && echo "$deps" | grep -q "^After=.*ublkd.service" \
  || fail "the generated $unit does not require and order after ublkd.service"
echo "$deps" | grep -q "dev-ublksnap-fsdata.device" || fail "the generated $unit does not wait for the device"

step "starting the mount starts ublkd, which brings the origin back; udev names it; ext4 mounts"
timeout 300 systemctl start "$unit" || {
  journalctl -u ublkd --no-pager | tail -n 30
  echo "--- what udev and systemd know of the disk"
  ls -l /dev/ublksnap/ /run/ublksnap/names/ 2>&1
  for b in /dev/ublkb*; do udevadm info "$b"; done 2>&1
  systemctl status --no-pager dev-ublksnap-fsdata.device 2>&1 | head -n 12
  journalctl -b --no-pager _PID=1 2>&1 | grep -i -e ublk -e fsdata | tail -n 20
  fail "the mount did not start"
}
systemctl is-active -q ublkd || fail "ublkd did not start with the mount"
mountpoint -q "$MNT" || fail "$MNT is not mounted"
[ "$(findmnt -n -o SOURCE "$MNT")" = "$(readlink -f /dev/ublksnap/fsdata)" ] || fail "mounted from $(findmnt -n -o SOURCE "$MNT")"
echo hello > "$MNT/file"; sync
ok "$unit mounted /dev/ublksnap/fsdata after starting ublkd.service"

step "stopping ublkd unmounts the file system first"
systemctl stop ublkd
mountpoint -q "$MNT" && fail "ublkd stopped under a mounted file system"
e2fsck -fn "$W/data.img" >/dev/null || fail "the file system is damaged after the stop"
ok "ublkd stopped after the unmount; the file system checks clean"
