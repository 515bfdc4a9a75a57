# dense-churn: 1-ms sleepers on every online CPU for the whole duration (dense idle churn: the CPU
# goes idle and wakes about every millisecond), with a loopback HTTP round trip after every tenth
# sleep (global timer_list timers for the hierarchy).
. /lab/lib.sh
start_httpd
end=$(deadline $LAB_DURATION)
for c in ${LAB_CHURN_CPUS:-$(online_cpus)}; do
	taskset -c $c sh -c "
		while [ \$(cut -d. -f1 /proc/uptime) -lt $end ]; do
			for i in 1 2 3 4 5 6 7 8 9 10; do sleep 0.001; done
			wget -q -T 1 -O /dev/null http://127.0.0.1:8080/x 2>/dev/null
		done" &
done
wait
stop_httpd
