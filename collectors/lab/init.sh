#!/bin/sh
# tmigr-trace lab: /init of the guest initramfs (busybox sh, Debian's busybox-static).
#
# 1. mounts proc/sys/dev/tracefs, brings up lo;
# 2. starts the capture (collectors/tmigr-capture.sh `start` when the image carries it, else the
#    lab's minimal capture with the same tarball layout): own instance, hash-ptr 0, mono clock,
#    timer_migration:* enabled BEFORE the CPUs beyond maxcpus= are onlined, so their setup events
#    (tmigr_group_set, tmigr_connect_*) are recorded;
# 3. onlines the remaining CPUs (unless the scenario does it itself), runs the scenario;
# 4. stops the capture, adds the lab's own files under <top>/lab/ (dmesg.txt: the boot CPUs'
#    bring-up order is in its "Booting SMP configuration" lines; boot_online; onlined: the CPUs
#    this init and the scenario onlined, in order, with uptime), and writes the tarball, raw
#    bytes, to the virtio serial port "tmigr-out";
# 5. powers off. Any failure prints one "LAB-FAIL: reason" line and powers off.
# Text-only mode (LAB_MODE=text) records like a user outside the lab: the TOP-LEVEL instance
# (already recording since early boot when LAB_BOOT_TRACE=1: trace_event= on the command line,
# else enabled here, after boot), and ships only the text of its `trace` file. LAB_EXTRA_EVENTS
# (late enabling): other events written to set_event too (timer:*,sched:sched_switch,...; with
# boot tracing they are on the kernel's trace_event= list). LAB_READ=trace_pipe: a reader of
# `trace_pipe` started with the capture ships what it consumed instead (no header).
# Everything the host wants to know is on the console as "LAB-xxx:" lines.

export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /tmp /run && mount -t tmpfs tmpfs /tmp
exec </dev/console >/dev/console 2>&1

off() {
	sync
	echo o > /proc/sysrq-trigger 2>/dev/null
	sleep 2
	poweroff -f
}
fail() {
	echo "LAB-FAIL: $*"
	off
}

. /lab/config || fail "no /lab/config in the initramfs"
. /lab/lib.sh

echo "LAB-BOOTED: $(uname -r) online=$(cat /sys/devices/system/cpu/online) uptime=$(cut -d' ' -f1 /proc/uptime)"
cat /sys/devices/system/cpu/online > /tmp/lab-boot-online
: > $LAB_ONLINED
T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs nodev $T 2>/dev/null || mount -t debugfs nodev /sys/kernel/debug
[ -d $T/events ] || T=/sys/kernel/debug/tracing
[ -d $T/events ] || fail "tracefs not available"
[ -d $T/events/timer_migration ] || fail "no timer_migration tracepoints in kernel $(uname -r)"
ip link set lo up 2>/dev/null
hostname tmigr-lab

OUT=/tmp/capture
export LAB_TRACEFS=$T LAB_OUT=$OUT
if [ "$LAB_MODE" = text ]; then
	echo ${LAB_HASH_PTR:-0} > $T/options/hash-ptr 2>/dev/null
	if [ "$LAB_BOOT_TRACE" = 1 ]; then
		[ "$(cat $T/events/timer_migration/enable)" = 1 ] || fail "trace_event=timer_migration:* did not enable the events at boot ($(cat $T/events/timer_migration/enable))"
	else
		[ -n "$LAB_TRACE_CLOCK" ] && { echo $LAB_TRACE_CLOCK > $T/trace_clock || fail "trace clock $LAB_TRACE_CLOCK refused"; }
		echo ${LAB_BUFFER_KB:-2048} > $T/buffer_size_kb
		echo 1 > $T/events/timer_migration/enable || fail "enabling timer_migration events failed"
		if [ -n "$LAB_EXTRA_EVENTS" ]; then
			set -f
			for e in $(echo $LAB_EXTRA_EVENTS | tr ',' ' '); do
				echo "$e" >> $T/set_event || fail "enabling the events $e failed"
			done
			set +f
		fi
	fi
	echo 1 > $T/tracing_on
	if [ "$LAB_READ" = trace_pipe ]; then
		cat $T/trace_pipe > /tmp/trace-pipe.txt &
		PIPE_PID=$!
	fi
elif [ -x /lab/tmigr-capture.sh ]; then
	/lab/tmigr-capture.sh start -q -b ${LAB_BUFFER_KB:-2048} -w /tmp/capwork >/tmp/capture-start.log 2>&1 || fail "tmigr-capture.sh start failed: $(tail -n 1 /tmp/capture-start.log)"
else
	/lab/capture-min.sh start || fail "capture start failed"
fi
echo "LAB-CAPTURE-STARTED: uptime=$(cut -d' ' -f1 /proc/uptime)"

if ! grep -q '^# online: self' /lab/scenarios/$LAB_SCENARIO.sh; then
	online_rest || fail "onlining CPUs failed"
	echo "LAB-ONLINE: $(cat /sys/devices/system/cpu/online) uptime=$(cut -d' ' -f1 /proc/uptime)"
fi

echo "LAB-SCENARIO: $LAB_SCENARIO duration=$LAB_DURATION"
sh /lab/scenarios/$LAB_SCENARIO.sh > /tmp/scenario.log 2>&1
rc=$?
tail -n 20 /tmp/scenario.log
[ $rc = 0 ] || fail "scenario $LAB_SCENARIO exited with status $rc"
echo "LAB-SCENARIO-DONE: uptime=$(cut -d' ' -f1 /proc/uptime)"

# An oops anywhere (even one the init survived) fails the run: the host reports this line.
oops=$(dmesg | grep -m 1 -E '(^|\] )(Oops|BUG|kernel BUG at [^:]*|general protection fault|int3|invalid opcode)(:| \[#)')
[ -n "$oops" ] && echo "LAB-OOPS: ${oops#*\] }"

# --latency-format: the capture instance's buffer printed by the guest itself with
# options/latency-format on (what ftrace_dump and latency tracers print), shipped as lab/trace-latency.txt.
if [ "${LAB_LATENCY_FORMAT:-0}" = 1 ] && [ "$LAB_MODE" != text ]; then
	for inst in $T/instances/*/; do
		[ -f ${inst}trace ] || continue
		echo 0 > ${inst}tracing_on
		echo 1 > ${inst}options/latency-format || fail "options/latency-format refused"
		cat ${inst}trace > /tmp/trace-latency.txt || fail "reading ${inst}trace failed"
		echo 0 > ${inst}options/latency-format
	done
	[ -s /tmp/trace-latency.txt ] || fail "--latency-format: no capture instance found"
fi
if [ "$LAB_MODE" = text ] && [ -s /tmp/trace-before-dump.txt ]; then
	cp /tmp/trace-before-dump.txt /tmp/capture.tar   # scenario ftrace-dump: the dump consumed the buffer
elif [ "$LAB_MODE" = text ] && [ -n "$PIPE_PID" ]; then
	echo 0 > $T/tracing_on
	# the reader has drained the buffer when no CPU holds an unread entry and its output stopped growing
	last=-1; n=0
	while kill -0 $PIPE_PID 2>/dev/null && [ $n -lt 120 ]; do
		size=$(wc -c < /tmp/trace-pipe.txt)
		if [ "$size" = "$last" ] && ! grep -h '^entries:' $T/per_cpu/cpu*/stats | grep -qv 'entries: 0$'; then
			break
		fi
		last=$size; n=$((n + 1)); sleep 0.5
	done
	kill $PIPE_PID 2>/dev/null; wait $PIPE_PID 2>/dev/null
	echo "LAB-TRACE-PIPE: bytes=$(wc -c < /tmp/trace-pipe.txt) polls=$n"
	mv /tmp/trace-pipe.txt /tmp/capture.tar
elif [ "$LAB_MODE" = text ]; then
	echo 0 > $T/tracing_on
	cat $T/trace > /tmp/capture.tar || fail "reading $T/trace failed"
elif [ -x /lab/tmigr-capture.sh ]; then
	TXT=-t; [ "${LAB_TEXT:-1}" = 0 ] && TXT=
	/lab/tmigr-capture.sh stop -q $TXT -w /tmp/capwork -o /tmp/capture.tar >/tmp/capture-stop.log 2>&1 || fail "tmigr-capture.sh stop failed: $(tail -n 1 /tmp/capture-stop.log)"
else
	/lab/capture-min.sh stop /tmp/capture.tar || fail "capture stop failed"
fi
# The lab's files inside the capture's top directory (readers ignore unknown files).
add_lab_files() {
	rm -rf /tmp/ship && mkdir -p /tmp/ship && tar -xf /tmp/capture.tar -C /tmp/ship || return 1
	top=$(dirname "$(find /tmp/ship -maxdepth 2 -name manifest | head -n 1)")
	[ -d "$top" ] && [ "$top" != . ] || top=/tmp/ship
	mkdir -p $top/lab
	dmesg > $top/lab/dmesg.txt
	cp /tmp/lab-boot-online $top/lab/boot_online
	cp $LAB_ONLINED $top/lab/onlined
	echo "${LAB_ONLINE_ORDER:-ascending}" > $top/lab/online_order
	[ -f /tmp/trace-latency.txt ] && cp /tmp/trace-latency.txt $top/lab/trace-latency.txt
	rm -f /tmp/capture.tar
	(cd /tmp/ship && tar -cf /tmp/capture.tar *) || return 1
	rm -rf /tmp/ship
}
[ "$LAB_MODE" = text ] || add_lab_files || fail "adding the lab files to the capture failed"
PORT=
for p in /sys/class/virtio-ports/*; do
	[ "$(cat $p/name 2>/dev/null)" = tmigr-out ] && PORT=/dev/${p##*/}
done
[ -n "$PORT" ] || fail "no virtio serial port named tmigr-out"
[ -e "$PORT" ] || mknod "$PORT" c $(sed 's/:/ /' /sys/class/virtio-ports/${PORT##*/}/dev)
size=$(wc -c < /tmp/capture.tar)
cat /tmp/capture.tar > "$PORT" || fail "writing the capture to $PORT failed"
echo "LAB-OUT: bytes=$size sha256=$(sha256sum < /tmp/capture.tar | cut -d' ' -f1)"
echo "LAB-DONE: uptime=$(cut -d' ' -f1 /proc/uptime)"
off
