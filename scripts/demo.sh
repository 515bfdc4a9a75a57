#!/usr/bin/env bash
# The main job, end to end: capture a few seconds live and replay them through the model when this
# machine allows it (root + tracefs + timer_migration events); otherwise import a bundled real
# trace (a 16-CPU, 2-node Debian 7.3 guest from the kernel lab) and replay that.
set -uo pipefail
cd "$(dirname "$0")/.."
out=tmigr-demo
mkdir -p "$out"
stamp=$(date +%Y%m%d-%H%M%S)
trace="$out/trace-$stamp.parquet"
# As root, mount tracefs for the capture if this (fresh) machine has not, and unmount it after:
# the machine's tracing state is left as it was found.
T=/sys/kernel/tracing
if [ "$(id -u)" = 0 ] && [ -d $T ] && [ ! -d $T/instances ] && mount -t tracefs nodev $T 2>/dev/null; then
  trap 'umount '$T' 2>/dev/null' EXIT
fi
if [ "$(id -u)" = 0 ] && python3 -m tmigr_trace doctor >/dev/null 2>&1; then
  echo "== capturing 5 s of timer_migration events on this machine ($(uname -r))"
  python3 -m tmigr_trace capture -d 5s -o "$trace" -- \
    python3 -c 'import time
for i in range(400): time.sleep((1, 3, 7, 13)[i % 4] / 1000)' || exit $?
else
  fixture=$(ls fixtures/lab/lab-7.3.4+deb13-*-late.tar.gz 2>/dev/null | head -n 1)
  [ -n "$fixture" ] || fixture=fixtures/host-6.18/trace.txt.gz
  echo "== live capture not possible here (needs root and tracefs: see 'tmigr-trace doctor');"
  echo "== importing the bundled real trace $fixture"
  python3 -m tmigr_trace import "$fixture" -o "$trace" || exit $?
fi
python3 -m tmigr_trace info "$trace" || exit $?
echo "== replaying $trace through the model"
python3 -m tmigr_trace replay "$trace"
rc=$?
echo "== trace kept in $trace"
# 0: kernel and model agree; 1: divergences were found and listed above (a result, not a failure);
# 3: the replay checked nothing (too short or no tmigr decision in the trace): not an agreement.
case $rc in
  0|1) ;;
  3) echo "== the replay checked nothing: no decision of this trace could be compared (not an agreement)" >&2
     exit 3 ;;
  *) exit $rc ;;
esac
