# isolated: run with --isolcpus and/or --nohz-full (the lab picks the last two CPUs of node 0 when
# neither is given). Churn on the isolated/nohz_full CPUs and on one housekeeping CPU; a single
# busy task on the first isolated CPU lets its tick stop (nohz_full). On 6.19+ domain-isolated CPUs
# are excluded from the hierarchy (tmigr_cpu_unavailable).
. /lab/lib.sh
start_httpd
iso="$(isolated_cpus) $(cpulist "$(cat /sys/devices/system/cpu/nohz_full 2>/dev/null)")"
iso=$(echo $iso | tr ' ' '\n' | sort -un | tr '\n' ' ')
echo "isolated/nohz_full: $iso housekeeping: $(housekeeping_cpus)"
set -- $iso
[ -n "$1" ] && busy $1 && bpid=$!
shift 2>/dev/null
for c in "$@" $(echo $(housekeeping_cpus) | cut -d' ' -f1); do churn $c $LAB_DURATION; done
sleep $LAB_DURATION
[ -n "$bpid" ] && kill $bpid
wait
stop_httpd
