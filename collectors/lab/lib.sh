# tmigr-trace lab: helpers for the guest init and the scenarios (sourced, busybox sh).
# Variables from /lab/config: LAB_SCENARIO LAB_DURATION (seconds, may be fractional) LAB_NODES
# LAB_SMT LAB_CPUS (possible CPUs) LAB_ONLINE_DELAY (seconds between two onlinings)
# LAB_ONLINE_ORDER (order of the late onlining: ascending | nodes | glob | an explicit CPU list).
# Every successful onlining is appended to $LAB_ONLINED (the host derives the bring-up order
# recorded in the metadata from it and from the guest's dmesg).

SYSCPU=/sys/devices/system/cpu

# Expand a cpulist "0-3,8,10-11" into "0 1 2 3 8 10 11".
cpulist() {
	echo "$1" | tr ',' '\n' | while IFS=- read a b; do
		[ -n "$a" ] || continue
		[ -n "$b" ] || b=$a
		seq $a $b
	done | tr '\n' ' '
}
online_cpus() { cpulist "$(cat $SYSCPU/online)"; }
offline_cpus() { cpulist "$(cat $SYSCPU/offline)"; }
node_cpus() { cpulist "$(cat /sys/devices/system/node/node$1/cpulist 2>/dev/null)"; }
# CPUs of node $1 among the possible ones (also offline ones), from the lab's topology
# (LAB_NODE_CPUS: one CPU list per node when the nodes are uneven)
node_possible_cpus() {
	if [ -n "$LAB_NODE_CPUS" ]; then set -- $(echo $LAB_NODE_CPUS | cut -d' ' -f$(($1 + 1))); cpulist "$1"; return; fi
	per=$((LAB_CPUS / LAB_NODES)); seq $(($1 * per)) $((($1 + 1) * per - 1)) | tr '\n' ' '
}
isolated_cpus() { cpulist "$(cat $SYSCPU/isolated 2>/dev/null)"; }
housekeeping_cpus() {
	iso=" $(isolated_cpus) $(cpulist "$(cat $SYSCPU/nohz_full 2>/dev/null)") "
	for c in $(online_cpus); do case "$iso" in *" $c "*) ;; *) printf '%s ' $c ;; esac; done
}

LAB_ONLINED=/tmp/lab-onlined
cpu_set() { # cpu_set CPU 0|1
	[ -e $SYSCPU/cpu$1/online ] || return 0
	[ "$(cat $SYSCPU/cpu$1/online)" = "$2" ] && return 0
	echo $2 > $SYSCPU/cpu$1/online || return 1
	if [ "$2" = 1 ]; then echo "$1 $(cut -d' ' -f1 /proc/uptime)" >> $LAB_ONLINED; fi
	return 0
}
online_cpu() { cpu_set $1 1; }
offline_cpu() { cpu_set $1 0; }

# The offline CPUs in the order LAB_ONLINE_ORDER asks: `ascending` (default: node 0 fills
# first), `nodes` (round-robin over the nodes, starting with node 1: another node's CPU arrives
# while node 0 still has one level-0 group, the situation of the imbalanced-NUMA-tree bug #14),
# `glob` (the order of the shell glob cpu[0-9]*, as a user's init loops over sysfs: cpu1 cpu10
# cpu11 ... cpu19 cpu2 cpu20 ...), or an explicit list in that order, with ranges
# ("16,1-15,17-31", "16 17 1"); CPUs already online in it are skipped.
online_order() {
	case "${LAB_ONLINE_ORDER:-ascending}" in
	ascending) offline_cpus ;;
	glob)
		off=" $(offline_cpus) "
		for d in $SYSCPU/cpu[0-9]*; do
			c=${d##*/cpu}
			case "$off" in *" $c "*) printf '%s ' $c ;; esac
		done ;;
	nodes)
		off=" $(offline_cpus) "; nn=${LAB_NODES:-1}; per=$((LAB_CPUS / nn)); i=0
		while [ $i -lt $per ]; do
			n=1
			while [ $n -le $nn ]; do
				c=$(( (n % nn) * per + i ))
				case "$off" in *" $c "*) printf '%s ' $c ;; esac
				n=$((n + 1))
			done
			i=$((i + 1))
		done ;;
	*) cpulist "$(echo $LAB_ONLINE_ORDER | tr ' ' ',')" ;;
	esac
}

online_rest() {
	for c in $(online_order); do
		online_cpu $c || return 1
		[ "${LAB_ONLINE_DELAY:-0}" = 0 ] || sleep $LAB_ONLINE_DELAY
	done
}

# Seconds since boot as an integer (busybox sh arithmetic is integer-only).
now_s() { cut -d. -f1 /proc/uptime; }
deadline() { echo $(( $(now_s) + ${1%.*} + 1 )); }

# A pinned background loop that sleeps mixed lengths (hrtimer nanosleep: idle churn on that CPU)
# and does loopback TCP round trips (delayed-ACK and retransmit timers: global timer_list timers,
# the ones tmigr hands to the hierarchy when the CPU goes idle).
churn() { # churn CPU SECONDS [PERIOD_LIST]
	cpu=$1; end=$(deadline $2); periods=${3:-"0.003 0.02 0.1 0.007 0.25 0.04"}
	taskset -c $cpu sh -c "
		while [ \$(cut -d. -f1 /proc/uptime) -lt $end ]; do
			for p in $periods; do
				sleep \$p
				wget -q -T 1 -O /dev/null http://127.0.0.1:8080/x 2>/dev/null
			done
		done" &
}
start_httpd() {
	mkdir -p /tmp/www && echo tmigr > /tmp/www/x
	httpd -p 127.0.0.1:8080 -h /tmp/www 2>/dev/null || true
}
stop_httpd() { killall httpd 2>/dev/null; true; }
busy() { # busy CPU: a pinned busy loop in the background (the CPU never goes idle)
	taskset -c $1 sh -c 'while :; do :; done' &
}
