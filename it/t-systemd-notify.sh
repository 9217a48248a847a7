#!/bin/sh
# it-mode: systemd
# t-systemd-notify: the installed unit under the guest's real systemd (tools/ublk-vm run --systemd): Type=notify
# ends the start once the devices of the configuration are back, StatusText counts them and follows changes,
# warnings and failures carry journal priorities, a stop is clean. Skipped in the plain (chroot) guest.
. it/lib.sh
[ "${UBLK_VM_SYSTEMD:-0}" = 1 ] || { echo "skip: needs systemd as the guest's init (tools/ublk-vm run --systemd)"; exit 0; }
show() { systemctl show -p "$1" --value ublkd; }
# await_status TEXT: systemd reads notifications on its own schedule; give it a few seconds
await_status() {
  i=0
  while [ "$(show StatusText)" != "$1" ]; do
    i=$((i + 1)); [ $i -le 50 ] || fail "StatusText is '$(show StatusText)', expected '$1'"
    sleep 0.2
  done
  ok "StatusText: $1"
}
journal() { journalctl -u ublkd -o cat --no-pager "$@"; }

step "install the unit into the overlay, start it"
scripts/install >/dev/null || fail "scripts/install failed"
[ "$(show Type)" = notify ] || fail "the unit is not Type=notify"
# man pages are there only when the build had asciidoctor: not what this test is about
out=$(systemd-analyze verify --man=no /etc/systemd/system/ublkd.service 2>&1) || fail "systemd-analyze verify: $out"
[ -z "$out" ] || fail "systemd-analyze verify is not clean: $out"
systemd-analyze security ublkd 2>/dev/null | tail -n 1
[ -n "${UBLKD_JAVA_OPTS:-}" ] && { mkdir -p /etc/systemd/system/ublkd.service.d
  printf '[Service]\nEnvironment=UBLKD_JAVA_OPTS=%s\n' "$UBLKD_JAVA_OPTS" > /etc/systemd/system/ublkd.service.d/jit.conf
  systemctl daemon-reload; }
systemctl start ublkd || { systemctl status ublkd --no-pager; fail "systemctl start ublkd failed"; }
[ "$(show ActiveState)" = active ] || fail "not active once started: $(show ActiveState)"
await_status "serving 0 devices (0 origins, 0 snapshots)"

step "a device made by request changes the status"
truncate -s 64M /var/tmp/base.img
"$UBLKD" origin base /var/tmp/base.img >/dev/null || fail "ublkd origin failed"
await_status "serving 1 device (1 origin, 0 snapshots)"

step "a restart brings it back before systemctl returns; a missing backing is a warning"
echo 'origin gone /var/tmp/no-such.img' >> /etc/ublksnap/devices.conf
systemctl restart ublkd || fail "systemctl restart ublkd failed"
[ "$(show StatusText)" = "serving 1 device (1 origin, 0 snapshots); 1 not active" ] \
  || fail "READY=1 came with '$(show StatusText)'"
[ -b /dev/ublksnap/base ] || fail "/dev/ublksnap/base is not there once the start is over"
journal -p warning | grep -q "origin gone is not active" || { journal; fail "the inactive origin is not a warning"; }
journal -p err | grep -q "origin gone" && { journal -p err; fail "a warning shows among the errors"; }
journal -p info | grep -q "origin base on /var/tmp/base.img" || { journal; fail "no info line for the origin"; }
journal -p err | grep -q "origin base on" && fail "an info line shows among the errors"
ok "journal priorities"

step "stop"
systemctl stop ublkd || fail "systemctl stop failed"
[ "$(show ActiveState)" = inactive ] || fail "after the stop: $(show ActiveState) ($(show Result))"
[ "$(show Result)" = success ] || fail "the stop did not end in success: $(show Result)"
[ -e /dev/ublksnap/base ] && fail "/dev/ublksnap/base is left after the stop"
ok "stopped"
