# hotplug-storm: several CPUs offlined one after the other, then onlined in another order, round
# after round, with churn on (at most four of) the CPUs that stay online. LAB_HOTPLUG_CPUS: the
# CPUs (list or ranges; default: every CPU of the last node, so the whole node goes offline; cpu0
# cannot be offlined on x86 and is skipped). Odd rounds offline them in list order and online them
# in reverse order, even rounds offline them in reverse order and online them in list order
# rotated by one. Rounds: duration / 2, at least 1.
. /lab/lib.sh
start_httpd
cpus=${LAB_HOTPLUG_CPUS:-$(node_possible_cpus $((LAB_NODES - 1)))}
cpus=$(cpulist "$(echo $cpus | tr ' ' ',')")
set -- $cpus
rev=""; for c in $cpus; do rev="$c $rev"; done
first=$1; shift; rot="$* $first"
keep=""; n=0
for c in $(online_cpus); do
	case " $cpus " in *" $c "*) continue ;; esac
	[ $n -lt 4 ] && keep="$keep $c" && n=$((n + 1))
done
for c in $keep; do churn $c $LAB_DURATION; done
rounds=$(( ${LAB_DURATION%.*} / 2 )); [ $rounds -ge 1 ] || rounds=1
for r in $(seq $rounds); do
	if [ $((r % 2)) = 1 ]; then off_order=$cpus; on_order=$rev; else off_order=$rev; on_order=$rot; fi
	for c in $off_order; do offline_cpu $c || exit 1; usleep 50000; done
	echo "round $r: offlined $off_order -> online $(cat $SYSCPU/online)"
	sleep 0.5
	for c in $on_order; do online_cpu $c || exit 1; usleep 50000; done
	echo "round $r: onlined $on_order -> online $(cat $SYSCPU/online)"
	sleep 0.5
done
wait
stop_httpd
