#!/bin/sh
# bench/ublk-loop/build.sh [OUT]: builds the C ublk server against the host's liburing (liburing-dev) into
# OUT (default bench/target/ublk-loop/ublk-loop). The guest runs the host's binaries, so building here is enough.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../target/ublk-loop/ublk-loop}
mkdir -p "$(dirname "$out")"
if [ ! -f /usr/include/liburing.h ]; then
  echo "ublk-loop: liburing-dev is missing (scripts/setup installs it)" >&2; exit 1
fi
if [ ! -x "$out" ] || [ -n "$(find "$here" -newer "$out" -name '*.[ch]')" ]; then
  ${CC:-gcc} -O2 -g -Wall -Wextra -Werror -o "$out.tmp" "$here/ublk-loop.c" -luring -lpthread
  mv "$out.tmp" "$out"
fi
echo "$out"
