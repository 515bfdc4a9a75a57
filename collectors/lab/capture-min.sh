#!/bin/sh
# tmigr-trace lab: minimal in-guest capture, used only when the image does not carry
# collectors/tmigr-capture.sh. Same idea and tarball layout:
#   start        own instance "tmigr-lab", hash-ptr 0, mono clock, no overwrite, timer_migration:*
#   stop TAR     tracing off, trace.txt (text of the same window), per-CPU raw buffers drained,
#                formats, header_page/header_event, buffer stats, topology -> TAR
T=${LAB_TRACEFS:-/sys/kernel/tracing}
I=$T/instances/tmigr-lab
OUT=${LAB_OUT:-/tmp/capture}

start() {
	mkdir -p $I || return 1
	echo 0 > $I/tracing_on
	echo 0 > $I/options/hash-ptr 2>/dev/null
	echo 0 > $T/options/hash-ptr 2>/dev/null
	echo 0 > $I/options/overwrite
	grep -q mono $I/trace_clock && echo mono > $I/trace_clock
	echo ${LAB_BUFFER_KB:-2048} > $I/buffer_size_kb
	echo 1 > $I/events/timer_migration/enable || return 1
	echo 1 > $I/tracing_on
}

drain() { # read every CPU's trace_pipe_raw until the buffer is empty (reads block when empty)
	pids=
	for d in $I/per_cpu/cpu*; do
		c=${d##*cpu}
		cat $d/trace_pipe_raw > $OUT/raw/cpu$c 2>/dev/null &
		pids="$pids $!"
	done
	n=0
	while [ $n -lt 300 ]; do
		left=0
		for d in $I/per_cpu/cpu*; do
			e=$(sed -n 's/^entries: //p' $d/stats)
			[ "${e:-0}" = 0 ] || left=1
		done
		[ $left = 0 ] && break
		usleep 100000; n=$((n + 1))
	done
	usleep 300000
	kill $pids 2>/dev/null
	wait 2>/dev/null
}

stop() {
	tar=$1
	echo 0 > $I/tracing_on
	rm -rf $OUT; mkdir -p $OUT/raw $OUT/stats $OUT/events/timer_migration $OUT/topology
	cat $I/trace > $OUT/trace.txt
	for d in $I/per_cpu/cpu*; do cp $d/stats $OUT/stats/${d##*/}; done
	for e in $T/events/timer_migration/*/; do
		e=${e%/}; [ -f $e/format ] || continue
		mkdir -p $OUT/events/timer_migration/${e##*/}
		cat $e/format > $OUT/events/timer_migration/${e##*/}/format
	done
	cat $T/events/header_page > $OUT/events/header_page
	cat $T/events/header_event > $OUT/events/header_event
	drain
	S=/sys/devices/system/cpu
	for f in possible present online offline isolated nohz_full kernel_max; do
		[ -f $S/$f ] && cat $S/$f > $OUT/topology/$f
	done
	for c in $S/cpu[0-9]*; do
		[ -d $c/topology ] || continue
		n=${c##*/}; mkdir -p $OUT/topology/$n
		for f in physical_package_id core_id die_id cluster_id thread_siblings_list core_siblings_list; do
			[ -f $c/topology/$f ] && cat $c/topology/$f > $OUT/topology/$n/$f
		done
	done
	for n in /sys/devices/system/node/node[0-9]*; do
		cat $n/cpulist > $OUT/topology/${n##*/}.cpulist
	done
	cat /proc/cmdline > $OUT/topology/cmdline
	uname -r > $OUT/kernel_release
	cat $I/trace_clock > $OUT/trace_clock
	echo 0 > $OUT/hash_ptr
	dmesg > $OUT/dmesg.txt
	rmdir $I 2>/dev/null
	(cd $OUT && tar cf $tar .)
}

case "$1" in
start) start ;;
stop) stop "$2" ;;
*) echo "usage: $0 start|stop TAR" >&2; exit 2 ;;
esac
