#!/bin/sh
# Quick manual smoke test of ublkd inside the VM.
. it/lib.sh
set -x
W=/tmp/smoke; mkdir -p $W
truncate -s 64M $W/origin.img; truncate -s 32M $W/snap.cow
$UBLKD serve --config $W/devices.conf > $W/ublkd.log 2>&1 &
$UBLKD wait --timeout 60 || { cat $W/ublkd.log; exit 1; }
$UBLKD origin base $W/origin.img || { cat $W/ublkd.log; exit 1; }
ls -l /dev/ublksnap/ /dev/ublkb*
dd if=/dev/urandom of=$W/data1 bs=1M count=4 2>/dev/null
dd if=$W/data1 of=/dev/ublksnap/base bs=1M oflag=direct 2>&1 | tail -1
$UBLKD snapshot s1 --origin base --cow $W/snap.cow --chunk 8k
dd if=/dev/urandom of=$W/data2 bs=1M count=4 2>/dev/null
dd if=$W/data2 of=/dev/ublksnap/base bs=1M oflag=direct 2>&1 | tail -1
cmp $W/data1 /dev/ublksnap/s1 -n 4194304 && echo SNAPSHOT-KEPT-OLD-DATA
cmp $W/data2 /dev/ublksnap/base -n 4194304 && echo ORIGIN-HAS-NEW-DATA
$UBLKD status
$UBLKD list
$UBLKD stop
cat $W/ublkd.log
cat $W/devices.conf
