# suspend: churn on every online CPU for a third of the duration, then the system sleeps
# (LAB_SUSPEND: mem = suspend to RAM, S3 (`deep` in /sys/power/mem_sleep): every CPU but the boot
# CPU is offlined by freeze_secondary_cpus() and brought back on resume; freeze = suspend-to-idle,
# all CPUs parked idle: in the lab's QEMU 7.2 the RTC alarm does not end it, the guest sleeps until
# the run times out) and an RTC alarm (/sys/class/rtc/rtc0/wakealarm, LAB_SUSPEND_S seconds,
# default 2) wakes it; LAB_SUSPEND_ROUNDS times (default 1), churn between and after. With
# LAB_PM_TEST (e.g. processors or core: /sys/power/pm_test, needs CONFIG_PM_DEBUG) the kernel goes
# through the suspend sequence up to that point and resumes by itself after 1 s instead. The virtio
# console's port does not come back from its freeze/restore (writes block), so the driver is unbound
# and bound again afterwards for the init to ship the capture (its port is looked up after the
# scenario).
. /lab/lib.sh
mode=${LAB_SUSPEND:-mem}
rounds=${LAB_SUSPEND_ROUNDS:-1}
part=$(awk "BEGIN{print $LAB_DURATION/3}")
echo "power states: $(cat /sys/power/state 2>&1); mem_sleep: $(cat /sys/power/mem_sleep 2>&1); rtc: $(ls /sys/class/rtc 2>&1)"
if [ "$mode" = mem ] && grep -q deep /sys/power/mem_sleep 2>/dev/null; then
	echo deep > /sys/power/mem_sleep
fi
if [ -n "$LAB_PM_TEST" ]; then
	echo "$LAB_PM_TEST" > /sys/power/pm_test || { echo "pm_test $LAB_PM_TEST refused"; exit 1; }
	echo 1 > /sys/module/suspend/parameters/pm_test_delay 2>/dev/null
fi
start_httpd
for c in $(online_cpus); do churn $c $part; done
wait
i=0
while [ $i -lt $rounds ]; do
	W=/sys/class/rtc/rtc0/wakealarm
	if [ -z "$LAB_PM_TEST" ]; then
		[ -e $W ] || { echo "no RTC wakealarm"; exit 1; }
		echo 0 > $W
		echo enabled > /sys/class/rtc/rtc0/device/power/wakeup 2>/dev/null
		echo +${LAB_SUSPEND_S:-2} > $W || { echo "wakealarm refused"; exit 1; }
	fi
	echo "suspend $mode round $i: online $(cat $SYSCPU/online) uptime $(cut -d' ' -f1 /proc/uptime)"
	echo $mode > /sys/power/state || { echo "suspend $mode failed"; exit 1; }
	echo "resumed round $i: online $(cat $SYSCPU/online) uptime $(cut -d' ' -f1 /proc/uptime)"
	for c in $(online_cpus); do churn $c $part; done
	wait
	i=$((i + 1))
done
stop_httpd
D=/sys/bus/virtio/drivers/virtio_console
for dev in $D/virtio*; do
	[ -e "$dev" ] || continue
	v=${dev##*/}
	echo $v > $D/unbind && echo $v > $D/bind && echo "virtio_console $v rebound: $(ls /sys/class/virtio-ports)"
done
sleep 0.5
dmesg | grep -iE 'PM: |suspend|resume|ACPI: (PM|Waking)|Disabling non-boot|Enabling non-boot|smpboot' | tail -n 12
