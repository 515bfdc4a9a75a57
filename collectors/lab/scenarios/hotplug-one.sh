# hotplug-one: what a user's init does: sleep, offline one CPU and online it again, sleep; no load.
# The CPU: LAB_HOTPLUG_CPUS (first of the list), default cpu5 when online, else the last online
# CPU. Half the duration before the offline, half after the online.
. /lab/lib.sh
set -- ${LAB_HOTPLUG_CPUS:-}
c=$1
if [ -z "$c" ]; then
	c=5; [ "$(cat $SYSCPU/cpu5/online 2>/dev/null)" = 1 ] || c=$(echo $(online_cpus) | awk '{print $NF}')
fi
half=$(awk "BEGIN{print $LAB_DURATION/2}")
sleep $half
offline_cpu $c || exit 1
echo "offline cpu$c -> $(cat $SYSCPU/online)"
sleep 0.2
online_cpu $c || exit 1
echo "online cpu$c -> $(cat $SYSCPU/online)"
sleep $half
