#!/bin/sh
# bench/ublk-loop/vm-selftest.sh: builds ublk-loop and runs its selftest in the 6.12 guest (about 2 minutes).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
bench/ublk-loop/build.sh >/dev/null
UBLK_VM_BRD="rd_nr=1 rd_size=344064" tools/ublk-vm run --mem 2G -- "sh bench/ublk-loop/selftest.sh /dev/ram0"
