# all-idle: nothing runs; every CPU goes idle, so the last CPU to go idle becomes the idle
# migrator (tmigr_cpu_idle with wakeup != KTIME_MAX) and wakes for the hierarchy's first event.
. /lab/lib.sh
sleep $LAB_DURATION
