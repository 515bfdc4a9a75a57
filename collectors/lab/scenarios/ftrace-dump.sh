# ftrace-dump: idle churn, then the kernel prints its trace buffer on the console (sysrq-z).
# For text-only runs (--text-out, best with --boot-trace): after the churn tracing stops, the
# top-level trace file is kept as it is (shipped as the run's text), then sysrq-z makes
# ftrace_dump() print the same buffer through printk in the latency format, as
# ftrace_dump_on_oops does on an oops: --console-out saves that serial console log.
. /lab/lib.sh
T=${LAB_TRACEFS:-/sys/kernel/tracing}
start_httpd
for c in ${LAB_CHURN_CPUS:-$(online_cpus)}; do churn $c $LAB_DURATION; done
wait
stop_httpd
echo 0 > $T/tracing_on
cat $T/trace > /tmp/trace-before-dump.txt
echo 1 > /proc/sys/kernel/sysrq
echo z > /proc/sysrq-trigger
