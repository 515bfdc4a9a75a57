# steady: a long steady run for benchmarks (use -d 60s or more): churn with mixed periods on every
# other online CPU, the rest idle; the event rate stays constant over the run.
. /lab/lib.sh
start_httpd
i=0
for c in $(online_cpus); do
	[ $((i % 2)) = 0 ] && churn $c $LAB_DURATION "0.004 0.03 0.15 0.01 0.5"
	i=$((i + 1))
done
wait
stop_httpd
