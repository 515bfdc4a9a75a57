# hogs: CPU hogs on some CPUs while the others idle: pinned busy loops on LAB_HOG_CPUS (a CPU list;
# default the odd online CPUs) for the first half of the duration, then on the other online CPUs but
# CPU 0 (the first hogs stop: those CPUs go idle, the new ones become active); light churn (250 ms
# sleeps + loopback HTTP) on CPU 0 throughout (global timers for the idle CPUs' migrator).
. /lab/lib.sh
start_httpd
half=$(awk "BEGIN{print $LAB_DURATION/2}")
if [ -n "$LAB_HOG_CPUS" ]; then first=$(cpulist "$LAB_HOG_CPUS"); else
	first=$(for c in $(online_cpus); do [ $((c % 2)) = 1 ] && printf '%s ' $c; done)
fi
second=$(for c in $(online_cpus); do case " $first " in *" $c "*) ;; *) [ $c = 0 ] || printf '%s ' $c ;; esac; done)
churn 0 $LAB_DURATION "0.25"
pids=
for c in $first; do busy $c; pids="$pids $!"; done
echo "hogs on: $first"
sleep $half
kill $pids 2>/dev/null
pids=
for c in $second; do busy $c; pids="$pids $!"; done
echo "hogs on: $second"
sleep $half
kill $pids 2>/dev/null
wait
stop_httpd
