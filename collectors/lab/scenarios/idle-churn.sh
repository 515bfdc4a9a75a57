# idle-churn: idle churn with global timers of mixed lengths on chosen CPUs.
# Each chosen CPU (LAB_CHURN_CPUS, default: all online) runs a pinned loop that sleeps 3 ms ...
# 250 ms (nanosleep = hrtimer: the CPU goes idle and wakes) and does a loopback HTTP round trip
# (TCP delayed-ACK/retransmit/TIME_WAIT timers: global timer_list timers that tmigr queues in the
# hierarchy while the CPU is idle). The other CPUs stay idle.
. /lab/lib.sh
start_httpd
for c in ${LAB_CHURN_CPUS:-$(online_cpus)}; do churn $c $LAB_DURATION; done
wait
stop_httpd
