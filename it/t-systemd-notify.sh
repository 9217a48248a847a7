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

step "systemctl restart hands the devices over (issue 13.3): the same disk, still mounted, a writer sees no error"
mkfs.ext4 -q -F /dev/ublksnap/base
mkdir -p /var/tmp/m; mount /dev/ublksnap/base /var/tmp/m
disk=$(readlink -f /dev/ublksnap/base)
rm -f /var/tmp/stall /var/tmp/stall.stop /var/tmp/stall.errors
stall_probe /var/tmp/m/probe /var/tmp/stall & SP=$!
fio --name=restart --directory=/var/tmp/m --size=16M --rw=randwrite --bs=4k-64k --ioengine=libaio --iodepth=4 --direct=1 \
  --rate=512k --verify=crc32c --do_verify=1 --output=/var/tmp/fio-restart.txt >/dev/null 2>&1 & FIO=$!
sleep 3
t0=$(date +%s%N)
systemctl restart ublkd || { journal | tail -n 30; fail "systemctl restart ublkd failed"; }
restart_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
sleep 1; touch /var/tmp/stall.stop; wait $SP
wait $FIO || { cat /var/tmp/fio-restart.txt; fail "fio failed across the restart"; }
[ -s /var/tmp/stall.errors ] && fail "a write failed across the restart: $(cat /var/tmp/stall.errors)"
[ "$(readlink -f /dev/ublksnap/base)" = "$disk" ] || fail "base is $(readlink -f /dev/ublksnap/base) after the restart, was $disk"
journal | grep -q "base took over $disk" || { journal | tail -n 30; fail "the new daemon did not take $disk over"; }
journal | grep -q "the devices wait for the next ublkd" || fail "the old daemon did not hand over"
dmesg | grep -E "$(basename "$disk")" | grep -Ei "error|fail" && fail "the kernel logged errors on $disk"
ok "handed over: $disk stayed mounted, fio verified, longest client write $(cat /var/tmp/stall) ms (systemctl restart took $restart_ms ms)"

step "SIGKILL to ublkd: systemd starts it again (Restart=on-failure) and it takes the mounted device over"
pid=$(show MainPID)
rm -f /var/tmp/stall /var/tmp/stall.stop /var/tmp/stall.errors
stall_probe /var/tmp/m/probe /var/tmp/stall & SP=$!
sleep 1
systemctl kill -s KILL ublkd
n=0
until [ "$(show MainPID)" != "$pid" ] && [ "$(show MainPID)" != 0 ] && [ "$(show ActiveState)" = active ]; do
  n=$((n + 1)); [ $n -lt 600 ] || { journal | tail -n 30; fail "systemd did not bring ublkd back: $(show ActiveState)"; }; sleep 0.2
done
touch /var/tmp/stall.stop; wait $SP
[ -s /var/tmp/stall.errors ] && fail "a write failed across the crash: $(cat /var/tmp/stall.errors)"
[ "$(readlink -f /dev/ublksnap/base)" = "$disk" ] || fail "base is $(readlink -f /dev/ublksnap/base) after the crash, was $disk"
[ "$(journal | grep -c "base took over $disk")" -ge 2 ] || { journal | tail -n 30; fail "the restarted daemon did not take $disk over"; }
echo probe > /var/tmp/m/after-crash && sync || fail "the file system does not take writes after the crash"
umount /var/tmp/m
ok "killed, restarted by systemd, $disk taken over while mounted; longest client write $(cat /var/tmp/stall) ms"

step "stop"
systemctl stop ublkd || fail "systemctl stop failed"
[ "$(show ActiveState)" = inactive ] || fail "after the stop: $(show ActiveState) ($(show Result))"
[ "$(show Result)" = success ] || fail "the stop did not end in success: $(show Result)"
[ -e /dev/ublksnap/base ] && fail "/dev/ublksnap/base is left after the stop"
ok "stopped"
