# online: self
# staggered-online: boot with few CPUs (--maxcpus), then online the others one at a time with
# idle churn on the CPUs already online: the hierarchy grows levels and the root moves across NUMA
# nodes (tmigr_group_set / tmigr_connect_* / new-root tmigr_group_set_cpu_active).
# Order: LAB_ONLINE_ORDER (ascending (default: node 0 fills first, then node 1 ...), nodes
# (round-robin over the nodes) or an explicit CPU list; see online_order in lib.sh).
. /lab/lib.sh
start_httpd
order=$(online_order)
n=$(echo $order | wc -w); n=$((n > 0 ? n : 1))
step=$(( ${LAB_DURATION%.*} * 1000 / n ))
for c in $order; do
	churn $c 1 "0.01 0.05" 2>/dev/null
	online_cpu $c || exit 1
	echo "online cpu$c -> $(cat /sys/devices/system/cpu/online)"
	usleep $((step * 1000))
done
wait
stop_httpd
