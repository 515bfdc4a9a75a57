# migrator-hotplug: make one CPU per NUMA node the migrator of its level-0 group (the only busy CPU
# of the group, all others idle), then offline it (the hand-over goes to the lowest remaining active
# bit / NONE, tmigr_cpu_offline or _unavailable) and online it again. Repeated for each node.
# LAB_HOTPLUG_CPUS overrides the CPUs (default: the second CPU of each node).
. /lab/lib.sh
start_httpd
cpus=${LAB_HOTPLUG_CPUS:-}
if [ -z "$cpus" ]; then
	for n in $(seq 0 $((LAB_NODES - 1))); do
		set -- $(node_cpus $n); [ -n "$2" ] && cpus="$cpus $2"
	done
fi
rounds=$(( ${LAB_DURATION%.*} / 4 )); [ $rounds -ge 1 ] || rounds=1
for r in $(seq $rounds); do
	for c in $cpus; do
		busy $c; bpid=$!
		churn $(echo $(online_cpus) | cut -d' ' -f1) 1 "0.02 0.2"
		sleep 0.5
		offline_cpu $c || exit 1
		echo "offline cpu$c (was busy) -> $(cat /sys/devices/system/cpu/online)"
		sleep 0.5
		kill $bpid; wait $bpid 2>/dev/null
		online_cpu $c || exit 1
		echo "online cpu$c -> $(cat /sys/devices/system/cpu/online)"
		sleep 0.3
	done
done
wait
stop_httpd
