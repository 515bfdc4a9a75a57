# sleepers: many pinned sleepers with periods of their own: per online CPU c three sleep loops
# (periods 1+c ms, 7+3c ms and 50+11c ms, capped at 250 ms: no two CPUs alike), and once a second
# a burst of timers: 20 back-to-back loopback HTTP requests from one CPU (the next online CPU each
# second), for the whole duration.
. /lab/lib.sh
start_httpd
end=$(deadline $LAB_DURATION)
for c in $(online_cpus); do
	for ms in $((1 + c)) $((7 + 3 * c)) $((50 + 11 * c)); do
		[ $ms -gt 250 ] && ms=250
		taskset -c $c sh -c "while [ \$(cut -d. -f1 /proc/uptime) -lt $end ]; do usleep ${ms}000; done" &
	done
done
cpus=$(online_cpus)
set -- $cpus
while [ $(now_s) -lt $end ]; do
	[ -n "$1" ] || set -- $cpus
	taskset -c $1 sh -c 'i=0; while [ $i -lt 20 ]; do wget -q -T 1 -O /dev/null http://127.0.0.1:8080/x 2>/dev/null; i=$((i + 1)); done'
	shift
	sleep 1
done
wait
stop_httpd
