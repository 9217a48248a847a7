#!/bin/sh
# Runs inside the VM (bench/vm-bench.sh): every workload on the raw RAM disk, the kernel's
# dm-snapshot, ublkd with snapshots and a ublkd origin without snapshots; fio's JSON and ublkd's
# CPU time per run go to $1.
out=$1
UBLKD_JAVA_OPTS= # the daemon as users run it: full JIT (it/lib.sh would pick C1 only for tests)
. it/lib.sh
secs=${BENCH_SECONDS:-8}
quick=${BENCH_QUICK:-0}
RAW=/dev/ram0
mkdir -p "$out/fio"
: > "$out/runs.txt"
modprobe brd 2>/dev/null || true
[ -b /dev/ram5 ] || fail "no RAM disks (UBLK_VM_BRD)"
SIZE=256M
echo "bench: kernel $(uname -r), $(nproc) CPUs; RAM disks $(blockdev --getsize64 /dev/ram0) bytes; $secs s per run"
# fill the origin once (so reads are not of never-written pages)
fio --name=fill --filename=$RAW --rw=write --bs=1M --size=300M --ioengine=io_uring --direct=1 --iodepth=8 --output=/dev/null

D=$(mktemp -d /tmp/bench.XXXXXX); L=$D/links; SOCK=$D/ublkd.sock
"$UBLKD" --socket "$SOCK" serve --links "$L" --depth 128 >"$D/ublkd.log" 2>&1 &
DPID=$!
"$UBLKD" --socket "$SOCK" wait --timeout 120 >/dev/null || fail "ublkd did not start"
echo "ublkd: $(grep 'kernel ublk features' "$D/ublkd.log" | sed 's/.*features: //')"

warmup() { # the JIT compiles ublkd's hot paths before anything is measured (the kernel needs no warm-up)
  printf 'bo: snapshot-origin %s\nbs1: snapshot %s /dev/ram1 P 8\n' $RAW $RAW > "$D/tables"
  "$UBLKD" --socket "$SOCK" load --file "$D/tables" >/dev/null || fail "ublkd load"
  for j in randwrite randread; do
    for dev in bo bs1; do
      fio --name=warm --filename="$L/$dev" --rw=$j --bs=4k --size=64M --ioengine=io_uring --direct=1 --iodepth=16 \
          --runtime=${BENCH_WARMUP:-12} --time_based --output=/dev/null
    done
  done
  "$UBLKD" --socket "$SOCK" remove bs1 bo >/dev/null
}

zero_cows() { for i in 1 2 3 4 5; do dd if=/dev/zero of=/dev/ram$i bs=64k count=2 oflag=direct status=none; done; }
cpu() { awk '{print $14 + $15}' /proc/$DPID/stat; }

# stack up KIND NSNAP: sets ORIG and SNAP (the first snapshot). POSIX sh has no local variables:
# each function below names its own with a prefix, so that none clobbers a caller's.
up() {
  up_kind=$1; up_n=$2; zero_cows
  case $up_kind in
    raw) ORIG=$RAW; SNAP=;;
    dm)
      dmsetup create bo --table "0 $(blockdev --getsz $RAW) snapshot-origin $RAW"
      i=1; while [ $i -le $up_n ]; do dmsetup create bs$i --table "0 $(blockdev --getsz $RAW) snapshot $RAW /dev/ram$i P 8"; i=$((i+1)); done
      dmsetup suspend bo; dmsetup resume bo # as LVM does: the origin learns its snapshots' chunk size
      ORIG=/dev/mapper/bo; SNAP=/dev/mapper/bs1;;
    ublk|pass)
      printf 'bo: snapshot-origin %s\n' $RAW > "$D/tables"
      i=1; while [ $i -le $up_n ]; do printf 'bs%d: snapshot %s /dev/ram%d P 8\n' $i $RAW $i >> "$D/tables"; i=$((i+1)); done
      "$UBLKD" --socket "$SOCK" load --file "$D/tables" >/dev/null || fail "ublkd load"
      ORIG=$L/bo; SNAP=$L/bs1;;
  esac
}
down() {
  case $1 in
    dm) for d in bs1 bs2 bs3 bs4 bo; do dmsetup remove $d 2>/dev/null || true; done;;
    ublk|pass) names=$("$UBLKD" --socket "$SOCK" list | awk 'NR>1 && $3=="snapshot"{print $1}'); "$UBLKD" --socket "$SOCK" remove $names bo >/dev/null;;
  esac
}

echo "== warming up ublkd"
zero_cows; warmup

# run NAME KIND NSNAP QD DEVICEROLE FIOARGS...: one fio run, results to $out/fio/NAME.KIND.json
run() {
  r_name=$1 r_kind=$2 r_n=$3 r_qd=$4 r_role=$5; shift 5
  up $r_kind $r_n
  dev=$ORIG; [ "$r_role" = snap ] && dev=$SNAP
  [ -n "$dev" ] || { down $r_kind; return; }
  if [ -n "${PREP:-}" ]; then sh -c "$(echo "$PREP" | sed "s|@ORIG|$ORIG|g; s|@SNAP|$SNAP|g")" >/dev/null 2>&1; fi
  c0=$(cpu)
  fio --name="$r_name" --filename="$dev" --ioengine=io_uring --direct=1 --iodepth=$r_qd --time_based=0 --runtime=$secs \
      --size=$SIZE --randrepeat=0 --output-format=json --output="$out/fio/$r_name.$r_kind.json" "$@" >/dev/null 2>&1 \
      || echo "fio $r_name $r_kind failed"
  c1=$(cpu)
  echo "$r_name $r_kind $r_n $r_qd $((c1 - c0))" >> "$out/runs.txt"
  echo "  $r_name on $r_kind: done"
  down $r_kind
}

all() { # name nsnap qd role [--raw] fioargs: the same job on every stack
  a_name=$1 a_n=$2 a_qd=$3 a_role=$4; shift 4
  if [ "$a_role" = origin ] && [ "$a_n" = 1 ]; then run "$a_name" raw 0 $a_qd origin "$@"; run "$a_name" pass 0 $a_qd origin "$@"; fi
  run "$a_name" dm $a_n $a_qd $a_role "$@"
  run "$a_name" ublk $a_n $a_qd $a_role "$@"
}

for qd in 1 32; do
  for n in 1 4; do
    [ "$quick" = 1 ] && [ $n = 4 ] && [ $qd = 1 ] && continue
    echo "== 4k random writes to the origin, each triggers a copy ($n snapshot(s), qd $qd)"
    PREP= all "owrite-copy-s$n-qd$qd" $n $qd origin --rw=randwrite --bs=4k
    echo "== the same after every chunk was copied"
    PREP="fio --name=p --filename=@ORIG --rw=write --bs=1M --size=64M --ioengine=io_uring --direct=1 --iodepth=4 --output=/dev/null" \
      all "owrite-nocopy-s$n-qd$qd" $n $qd origin --rw=randwrite --bs=4k --size=64M
    echo "== 4k random reads from the snapshot, half from the COW"
    PREP="fio --name=p --filename=@ORIG --rw=write --bs=1M --size=32M --ioengine=io_uring --direct=1 --iodepth=4 --output=/dev/null" \
      all "sread-s$n-qd$qd" $n $qd snap --rw=randread --bs=4k --size=64M
  done
  echo "== 4k random writes to the snapshot"
  PREP= all "swrite-s1-qd$qd" 1 $qd snap --rw=randwrite --bs=4k
  echo "== 1 MiB sequential writes to the origin (copies)"
  PREP= all "oseq-s1-qd$qd" 1 $qd origin --rw=write --bs=1M --size=256M
done

echo "== merge of 256 MiB of exceptions"
# dm
zero_cows
dmsetup create bo --table "0 $(blockdev --getsz $RAW) snapshot-origin $RAW"
dmsetup create bs1 --table "0 $(blockdev --getsz $RAW) snapshot $RAW /dev/ram1 P 8"
dmsetup suspend bo; dmsetup resume bo
fio --name=m --filename=/dev/mapper/bs1 --rw=write --bs=1M --size=256M --ioengine=io_uring --direct=1 --iodepth=4 --output=/dev/null
dmsetup suspend bo; dmsetup suspend bs1
dmsetup load bo --table "0 $(blockdev --getsz $RAW) snapshot-merge $RAW /dev/ram1 P 8"
t0=$(date +%s%N); dmsetup resume bo
while :; do st=$(dmsetup status bo | cut -d' ' -f4-); a=${st%%/*}; m=${st##* }; [ "$a" = "$m" ] && break; sleep 0.05; done
t1=$(date +%s%N); dmsetup remove bs1; dmsetup remove bo
echo "merge dm 268435456 $(( (t1 - t0) / 1000000 ))" >> "$out/runs.txt"
# ublkd
zero_cows
printf 'bo: snapshot-origin %s\nbs1: snapshot %s /dev/ram1 P 8\n' $RAW $RAW > "$D/tables"
"$UBLKD" --socket "$SOCK" load --file "$D/tables" >/dev/null
fio --name=m --filename="$L/bs1" --rw=write --bs=1M --size=256M --ioengine=io_uring --direct=1 --iodepth=4 --output=/dev/null
c0=$(cpu); t0=$(date +%s%N)
"$UBLKD" --socket "$SOCK" merge bs1 --wait 2>/dev/null >/dev/null
t1=$(date +%s%N); c1=$(cpu)
echo "merge ublk 268435456 $(( (t1 - t0) / 1000000 )) $((c1 - c0))" >> "$out/runs.txt"
"$UBLKD" --socket "$SOCK" remove bo >/dev/null

echo "== memory"
printf 'bo: snapshot-origin %s\nbs1: snapshot %s /dev/ram1 P 8\n' $RAW $RAW > "$D/tables"
zero_cows
"$UBLKD" --socket "$SOCK" load --file "$D/tables" >/dev/null
fio --name=m --filename="$L/bo" --rw=write --bs=1M --size=256M --ioengine=io_uring --direct=1 --iodepth=4 --output=/dev/null
echo "rss ublk $(awk '/VmRSS/{print $2}' /proc/$DPID/status) $("$UBLKD" --socket "$SOCK" status bs1 --json | sed 's/.*"exceptions":\([0-9]*\).*/\1/')" >> "$out/runs.txt"
"$UBLKD" --socket "$SOCK" remove bs1 bo >/dev/null
"$UBLKD" --socket "$SOCK" stop
uname -r > "$out/kernel.txt"
echo "bench: done"
