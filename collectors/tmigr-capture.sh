#!/bin/sh
# tmigr-capture.sh - capture the timer_migration (tmigr) tracepoints on a minimal box.
#
# POSIX sh + busybox only (no Python). It records in its own tracefs instance
# (instances/tmigr-trace-<pid>), never in the top-level buffer, with trace_clock=mono and
# pointer hashing off, copies each CPU's binary ring-buffer pages (trace_pipe_raw), the event
# format files and a topology snapshot into one tarball, and removes its instance on exit,
# INT and TERM. `tmigr-trace import capture.tar.gz` turns the tarball into Parquet.
# Layout of the tarball: docs/capture-layout.md.
#
# Phases:
#   tmigr-capture.sh run -d SECS [opts] [-- cmd ...]   start, wait SECS or for cmd, stop
#   tmigr-capture.sh start [opts]                     create the instance and leave it recording
#   tmigr-capture.sh stop [-i NAME] [-o OUT] [-t]     collect, write the tarball, remove instance
#   tmigr-capture.sh cleanup                          remove instances of dead earlier runs
#
# Options:
#   -o OUT      output tarball (default tmigr-capture-<host>-<time>.tar.gz; .tar = no gzip)
#   -b KB       per-CPU ring buffer size in KB (default 4096)
#   -c          add context events (power:cpu_idle, timer:timer_expire_entry, timer:timer_start)
#   -e SYS:EV   add an event (repeatable); SYS alone enables the whole group
#   -C LIST     record only these CPUs (e.g. 0,2-3) via tracing_cpumask
#   -t          also save the text rendering of the window (instance `trace`) as trace.txt
#   -s          start: stream the raw pages to disk while recording (default for run);
#               without -s, start leaves the events in the ring buffer until stop
#   -O          overwrite mode: keep the newest events when the buffer fills
#               (default: keep the oldest, count the rest as dropped)
#   -w DIR      work directory for state and streamed pages (default ${TMPDIR:-/tmp})
#   -i NAME     stop: the instance to stop (default: the only tmigr-trace-* with state)
#   -q          quiet
#
# Exit status: 0 ok, 2 usage or environment error (not root, no tracefs), 1 other failure.

set -u

LAYOUT_VERSION=1
TOOL="tmigr-capture.sh"
PREFIX="tmigr-trace-"
CONTEXT_EVENTS="power:cpu_idle timer:timer_expire_entry timer:timer_start"

say() { [ "${QUIET:-0}" = 1 ] || echo "$TOOL: $*" >&2; }
die() { echo "$TOOL: error: $*" >&2; exit "${2:-1}"; }

find_tracefs() {
    for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
        [ -f "$d/trace_clock" ] && { echo "$d"; return 0; }
    done
    return 1
}

check_env() {
    [ "$(id -u 2>/dev/null || echo 1)" = 0 ] || die "needs root (run it with sudo, or as root)" 2
    TRACEFS=$(find_tracefs) || die "tracefs not mounted (mount -t tracefs nodev /sys/kernel/tracing)" 2
    [ -d "$TRACEFS/instances" ] || die "$TRACEFS has no instances/ directory (kernel too old)" 2
    [ -d "$TRACEFS/events/timer_migration" ] || \
        say "warning: no timer_migration events in this kernel (needs v6.9+, SMP, NO_HZ_COMMON)"
}

# Remove instances left by earlier runs whose owner pid is gone (our naming pattern only).
cleanup_stale() {
    for inst in "$TRACEFS"/instances/"$PREFIX"*; do
        [ -d "$inst" ] || continue
        pid=${inst##*/$PREFIX}
        case $pid in ''|*[!0-9]*) continue ;; esac
        kill -0 "$pid" 2>/dev/null && continue
        [ -d "/proc/$pid" ] && continue
        restore_toplevel_from "$WORKDIR/tmigr-capture-$pid" 2>/dev/null
        echo 0 > "$inst/tracing_on" 2>/dev/null
        if rmdir "$inst" 2>/dev/null; then
            say "removed stale instance ${inst##*/} (pid $pid is gone)"
            rm -rf "$WORKDIR/tmigr-capture-$pid"
        fi
    done
}

# If hash-ptr had to be changed at the top level (older kernels: no per-instance copy),
# the state dir holds the old value; put it back.
restore_toplevel_from() {
    [ -f "$1/toplevel-hash-ptr" ] || return 0
    cat "$1/toplevel-hash-ptr" > "$TRACEFS/options/hash-ptr" 2>/dev/null
    rm -f "$1/toplevel-hash-ptr"
}

cpulist_to_mask() {
    # "0,2-3" -> hex mask for tracing_cpumask (up to 64 CPUs is enough for busybox guests;
    # the Python collector handles any size)
    mask=0
    IFS_SAVE=$IFS; IFS=,
    for part in $1; do
        case $part in
            *-*) lo=${part%-*}; hi=${part#*-} ;;
            *) lo=$part; hi=$part ;;
        esac
        i=$lo
        while [ "$i" -le "$hi" ]; do mask=$((mask | (1 << i))); i=$((i + 1)); done
    done
    IFS=$IFS_SAVE
    printf '%x\n' "$mask"
}

# Sub-buffer ("page") size of the instance: what one read of trace_pipe_raw returns.
set_page() {
    PAGE=4096
    if [ -f "$INST/buffer_subbuf_size_kb" ]; then
        kb=$(cat "$INST/buffer_subbuf_size_kb" 2>/dev/null)
        [ -n "$kb" ] && PAGE=$((kb * 1024))
    fi
}

state_set() { echo "$1=$2" >> "$STATE/manifest"; }

# --- start ------------------------------------------------------------------------------------
do_start() {
    # $1 = owner pid (names the instance; must stay alive while recording)
    OWNER=$1
    INST_NAME="$PREFIX$OWNER"
    INST="$TRACEFS/instances/$INST_NAME"
    STATE="$WORKDIR/tmigr-capture-$OWNER"
    rm -rf "$STATE"
    mkdir -p "$STATE/per_cpu" || die "cannot create $STATE"
    mkdir "$INST" || die "cannot create instance $INST"
    STARTED=1
    : > "$STATE/manifest"
    state_set layout_version "$LAYOUT_VERSION"
    state_set tool "$TOOL"
    state_set instance "$INST_NAME"
    state_set owner_pid "$OWNER"
    state_set tracefs "$TRACEFS"

    echo 0 > "$INST/tracing_on"
    echo mono > "$INST/trace_clock" 2>/dev/null || say "warning: trace_clock mono refused"
    state_set clock "$(sed -n 's/.*\[\(.*\)\].*/\1/p' "$INST/trace_clock")"
    echo "$BUFFER_KB" > "$INST/buffer_size_kb" || die "cannot set buffer_size_kb=$BUFFER_KB"
    state_set buffer_size_kb "$(cat "$INST/buffer_size_kb")"
    [ -f "$INST/buffer_subbuf_size_kb" ] && state_set subbuf_size_kb "$(cat "$INST/buffer_subbuf_size_kb")"
    set_page
    # Streaming: overwrite (a slow reader loses the oldest pages and the next page says how
    # many, so the gap is located). Buffer-only: keep the oldest, count the rest as dropped.
    [ -n "$OVERWRITE" ] || OVERWRITE=$STREAM
    if [ "$OVERWRITE" = 1 ]; then echo 1 > "$INST/options/overwrite"; else echo 0 > "$INST/options/overwrite"; fi
    state_set overwrite "$OVERWRITE"
    # Pointer hashing off: per instance when the kernel has it there, else at the top level
    # (old value saved and restored by stop / cleanup).
    if [ -f "$INST/options/hash-ptr" ]; then
        echo 0 > "$INST/options/hash-ptr" && state_set hash_ptr "0 instance"
    elif [ -f "$TRACEFS/options/hash-ptr" ]; then
        cat "$TRACEFS/options/hash-ptr" > "$STATE/toplevel-hash-ptr"
        echo 0 > "$TRACEFS/options/hash-ptr" && state_set hash_ptr "0 toplevel"
    else
        state_set hash_ptr "absent"
    fi
    if [ -n "$CPUS" ]; then
        cpulist_to_mask "$CPUS" > "$INST/tracing_cpumask" || die "bad CPU list $CPUS" 2
        state_set cpus "$CPUS"
    fi
    enabled=""
    for ev in $EVENTS; do
        sys=${ev%%:*}
        if [ "$sys" = "$ev" ]; then f="$INST/events/$sys/enable"; else f="$INST/events/$sys/${ev#*:}/enable"; fi
        if [ -f "$f" ] && echo 1 > "$f" 2>/dev/null; then
            enabled="$enabled $ev"
        else
            say "warning: event $ev not available, skipped"
        fi
    done
    [ -n "$enabled" ] || die "no event could be enabled"
    state_set events "${enabled# }"
    state_set streaming "$STREAM"
    state_set start_uptime "$(cut -d' ' -f1 /proc/uptime)"
    echo 1 > "$INST/tracing_on"
    if [ "$STREAM" = 1 ]; then
        # The pump runs until stop creates $STATE/stopping; it is waited for, never killed
        # mid-read, so no page is lost between the kernel and the file.
        # Every second; at once again (0.2 s) while the last round found pages to copy, so that a
        # high event rate does not overflow the buffer between rounds.
        ( trap '' INT
          while [ ! -f "$STATE/stopping" ]; do
              PUMPED=0; pump_all 0; snap_cmdlines
              if [ "$PUMPED" -gt 0 ]; then sleep 0.2 2>/dev/null || sleep 1; else sleep 1; fi
          done ) \
            </dev/null >/dev/null 2>&1 &
        echo $! > "$STATE/pump"
    fi
    say "recording in instance $INST_NAME (events:$enabled)"
}

# Copy pages from per_cpu/cpuN/trace_pipe_raw without ever blocking: a read blocks when the
# buffer is empty (and a blocked reader wakes on every event, which would make the capture feed
# itself), so only read while the CPU's stats report unread entries. Each read returns one
# sub-buffer page; each page holds at most PAGE bytes of entries, so reading bytes/(2*PAGE) pages
# at once can never run dry. final=1 (tracing off) empties the buffer page by page.
pump_cpu() {
    d=$1; out=$2; final=$3; got=0
    # at most one buffer's worth per visit: a CPU whose writer keeps up with the copy must not
    # keep the pump from the other CPUs (the final drain, tracing off, empties everything)
    cap=$(( $(cat "$INST/buffer_size_kb" 2>/dev/null | sed 's/[^0-9].*//;s/^$/4096/') * 1024 / PAGE ))
    [ "$cap" -ge 1 ] 2>/dev/null || cap=1024
    while :; do
        [ "$final" = 1 ] || [ "$got" -lt "$cap" ] || return 0
        n=$(sed -n 's/^entries: *//p' "$d/stats" 2>/dev/null)
        [ "${n:-0}" -gt 0 ] 2>/dev/null || return 0
        b=$(sed -n 's/^bytes: *//p' "$d/stats" 2>/dev/null)
        k=$(( ${b:-0} / (2 * PAGE) ))
        if [ "$k" -lt 1 ]; then
            [ "$final" = 1 ] || return 0
            k=1
        fi
        dd if="$d/trace_pipe_raw" bs="$PAGE" count="$k" 2>/dev/null >> "$out" || return 1
        PUMPED=$((${PUMPED:-0} + k)); got=$((got + k))
    done
}

# pid -> comm comes from the kernel's saved_cmdlines, a ring that forgets old tasks: keep every
# snapshot's new or changed lines, appended (the importer lets later lines win), as the live
# capture merges what it reads at every poll.
snap_cmdlines() {
    cat "$TRACEFS/saved_cmdlines" > "$STATE/cmdlines.new" 2>/dev/null || return 0
    if [ -f "$STATE/cmdlines.last" ]; then
        grep -vxF -f "$STATE/cmdlines.last" "$STATE/cmdlines.new" >> "$STATE/saved_cmdlines"
    else
        cat "$STATE/cmdlines.new" >> "$STATE/saved_cmdlines"
    fi
    mv "$STATE/cmdlines.new" "$STATE/cmdlines.last"
}

pump_all() {
    for d in "$INST"/per_cpu/cpu*; do
        c=${d##*/}
        [ -d "$STATE/per_cpu/$c" ] || mkdir -p "$STATE/per_cpu/$c"
        pump_cpu "$d" "$STATE/per_cpu/$c/raw" "$1"
    done
}

drain() {
    if [ -f "$STATE/pump" ]; then
        : > "$STATE/stopping"
        wait_pid "$(cat "$STATE/pump")"
        rm -f "$STATE/pump" "$STATE/stopping"
    fi
    pump_all 1
}

# wait for a process that may not be our child (start and stop are different shells)
wait_pid() {
    n=0
    while kill -0 "$1" 2>/dev/null; do
        n=$((n + 1)); [ $n -gt 300 ] && { kill "$1" 2>/dev/null; break; }
        sleep 0.1 2>/dev/null || sleep 1
    done
    wait "$1" 2>/dev/null
}

snapshot_topology() {
    T="$1/topology"
    mkdir -p "$T/proc/sys/kernel" "$T/sys/devices/system/cpu" "$T/sys/devices/system/node"
    uname -a > "$T/uname" 2>/dev/null
    uname -m > "$T/machine" 2>/dev/null
    for f in cmdline version; do cat "/proc/$f" > "$T/proc/$f" 2>/dev/null; done
    for f in osrelease version hostname; do cat "/proc/sys/kernel/$f" > "$T/proc/sys/kernel/$f" 2>/dev/null; done
    [ -f /proc/config.gz ] && cat /proc/config.gz > "$T/proc/config.gz"
    for f in possible present online offline isolated nohz_full kernel_max; do
        [ -f "/sys/devices/system/cpu/$f" ] && cat "/sys/devices/system/cpu/$f" > "$T/sys/devices/system/cpu/$f" 2>/dev/null
    done
    for d in /sys/devices/system/cpu/cpu[0-9]*; do
        [ -d "$d" ] || continue
        c=${d##*/}
        mkdir -p "$T/sys/devices/system/cpu/$c/topology"
        [ -f "$d/online" ] && cat "$d/online" > "$T/sys/devices/system/cpu/$c/online" 2>/dev/null
        for f in thread_siblings_list core_cpus_list core_id physical_package_id die_id cluster_id; do
            [ -f "$d/topology/$f" ] && cat "$d/topology/$f" > "$T/sys/devices/system/cpu/$c/topology/$f" 2>/dev/null
        done
    done
    for d in /sys/devices/system/node/node[0-9]*; do
        [ -d "$d" ] || continue
        mkdir -p "$T/sys/devices/system/node/${d##*/}"
        cat "$d/cpulist" > "$T/sys/devices/system/node/${d##*/}/cpulist" 2>/dev/null
    done
}

# --- stop -------------------------------------------------------------------------------------
do_stop() {
    INST="$TRACEFS/instances/$INST_NAME"
    [ -d "$INST" ] || die "no instance $INST_NAME"
    OWNER=${INST_NAME#$PREFIX}
    STATE="$WORKDIR/tmigr-capture-$OWNER"
    [ -f "$STATE/manifest" ] || die "no state for $INST_NAME in $WORKDIR (use -w)"
    STARTED=1
    set_page
    echo 0 > "$INST/tracing_on"
    state_set stop_uptime "$(cut -d' ' -f1 /proc/uptime)"
    # Text first: reading `trace` does not consume, trace_pipe_raw does.
    if [ "$TEXT" = 1 ]; then cat "$INST/trace" > "$STATE/trace.txt"; state_set text 1; fi
    drain
    for d in "$INST"/per_cpu/cpu*; do
        c=${d##*/}
        [ -f "$STATE/per_cpu/$c/raw" ] || : > "$STATE/per_cpu/$c/raw"
        cat "$d/stats" > "$STATE/per_cpu/$c/stats" 2>/dev/null
    done
    mkdir -p "$STATE/events"
    cp "$TRACEFS/events/header_page" "$TRACEFS/events/header_event" "$STATE/events/"
    snap_cmdlines
    rm -f "$STATE/cmdlines.last"
    for ev in $(sed -n 's/^events=//p' "$STATE/manifest"); do
        sys=${ev%%:*}
        if [ "$sys" = "$ev" ]; then dirs="$TRACEFS/events/$sys/*/"; else dirs="$TRACEFS/events/$sys/${ev#*:}/"; fi
        for d in $dirs; do
            [ -f "$d/format" ] || continue
            e=$(basename "$d")
            mkdir -p "$STATE/events/$sys/$e"
            cat "$d/format" > "$STATE/events/$sys/$e/format"
        done
    done
    snapshot_topology "$STATE"
    remove_instance
    kill_holder

    top="tmigr-capture-$(cat /proc/sys/kernel/hostname 2>/dev/null || echo host)-$(date +%Y%m%dT%H%M%S)"
    [ -n "$OUT" ] || OUT="$PWD/$top.tar.gz"
    case $OUT in /*) ;; *) OUT="$PWD/$OUT" ;; esac
    rm -f "$STATE/toplevel-hash-ptr"
    rm -rf "$WORKDIR/$top"
    mv "$STATE" "$WORKDIR/$top" || die "cannot move $STATE"
    case $OUT in
        *.tar) (cd "$WORKDIR" && tar -cf "$OUT" "$top") ;;
        *) (cd "$WORKDIR" && tar -cf - "$top" | gzip -c > "$OUT") ;;
    esac
    rc=$?
    rm -rf "${WORKDIR:?}/$top"
    [ $rc = 0 ] || die "writing $OUT failed"
    say "wrote $OUT"
}

remove_instance() {
    [ -n "${INST:-}" ] && [ -d "$INST" ] || return 0
    echo 0 > "$INST/tracing_on" 2>/dev/null
    if [ -f "$STATE/pump" ]; then kill "$(cat "$STATE/pump")" 2>/dev/null; wait_pid "$(cat "$STATE/pump")"; rm -f "$STATE/pump"; fi
    restore_toplevel_from "$STATE"
    n=0
    until rmdir "$INST" 2>/dev/null; do
        n=$((n + 1)); [ $n -gt 20 ] && { say "warning: could not remove $INST"; return 1; }
        sleep 0.1 2>/dev/null || sleep 1
    done
}

# The start phase's holder is a `sleep`; never kill a pid that has been reused since.
kill_holder() {
    [ -n "${OWNER_IS_HOLDER:-}" ] && [ -n "${OWNER:-}" ] || return 0
    grep -q sleep "/proc/$OWNER/cmdline" 2>/dev/null && kill "$OWNER" 2>/dev/null
    OWNER_IS_HOLDER=""
}

# Exit/INT/TERM: never leave the instance behind (run and failed start/stop).
on_exit() {
    rc=$?
    trap - EXIT INT TERM
    if [ "${STARTED:-0}" = 1 ] && [ "${KEEP_RUNNING:-0}" != 1 ]; then
        remove_instance
        [ -n "${STATE:-}" ] && [ -d "$STATE" ] && rm -rf "$STATE"
        [ -n "${WORKPID:-}" ] && kill "$WORKPID" 2>/dev/null
        kill_holder
    fi
    exit $rc
}

usage() { sed -n '2,34p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# --- main -------------------------------------------------------------------------------------
PHASE=${1:-}
[ -n "$PHASE" ] || usage
shift
OUT=""; BUFFER_KB=4096; CONTEXT=0; EXTRA=""; CPUS=""; TEXT=0; STREAM=0; OVERWRITE=""
WORKDIR=${TMPDIR:-/tmp}; INST_NAME=""; DURATION=""; QUIET=0; OWNER_IS_HOLDER=""
while getopts "o:b:ce:C:tsOw:i:d:qh" opt; do
    case $opt in
        o) OUT=$OPTARG ;; b) BUFFER_KB=$OPTARG ;; c) CONTEXT=1 ;; e) EXTRA="$EXTRA $OPTARG" ;;
        C) CPUS=$OPTARG ;; t) TEXT=1 ;; s) STREAM=1 ;; O) OVERWRITE=1 ;; w) WORKDIR=$OPTARG ;;
        i) INST_NAME=$OPTARG ;; d) DURATION=$OPTARG ;; q) QUIET=1 ;; *) usage ;;
    esac
done
shift $((OPTIND - 1))
[ "${1:-}" = "--" ] && shift
EVENTS="timer_migration"
[ "$CONTEXT" = 1 ] && EVENTS="$EVENTS $CONTEXT_EVENTS"
EVENTS="$EVENTS$EXTRA"

check_env
mkdir -p "$WORKDIR" || die "cannot create $WORKDIR" 2
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

case $PHASE in
    cleanup)
        cleanup_stale ;;
    start)
        [ "$TEXT" = 1 ] && [ "$STREAM" = 1 ] && die "-t and -s exclude each other (text needs the events still in the buffer)" 2
        cleanup_stale
        # The instance is named after a holder process that lives until stop, so a later
        # run's stale cleanup (pid gone => stale) never removes a capture that is in use.
        sleep 2147483647 </dev/null >/dev/null 2>&1 &
        OWNER_IS_HOLDER=1
        do_start $!
        KEEP_RUNNING=1
        say "stop it with: $0 stop -i $INST_NAME${OUT:+ -o $OUT}"
        echo "$INST_NAME" ;;
    stop)
        if [ -z "$INST_NAME" ]; then
            for d in "$WORKDIR"/tmigr-capture-*/manifest; do
                [ -f "$d" ] || continue
                n=$(sed -n 's/^instance=//p' "$d")
                [ -d "$TRACEFS/instances/$n" ] || continue
                [ -z "$INST_NAME" ] || die "several captures are running; pick one with -i" 2
                INST_NAME=$n
            done
            [ -n "$INST_NAME" ] || die "no running capture found in $WORKDIR (start one first)" 2
        fi
        OWNER_IS_HOLDER=1
        do_stop ;;
    run)
        [ -n "$DURATION" ] || [ $# -gt 0 ] || die "run needs -d SECS and/or a command after --" 2
        cleanup_stale
        # -t needs the whole window still in the buffer when `trace` is read: no streaming.
        if [ "$TEXT" = 1 ]; then STREAM=0; else STREAM=1; fi
        do_start $$
        # INT/TERM end the window early; the capture is still collected and written.
        trap 'INTERRUPTED=1; [ -n "${WORKPID:-}" ] && kill "$WORKPID" 2>/dev/null' INT TERM
        if [ $# -gt 0 ]; then
            "$@" &
            WORKPID=$!
        fi
        if [ -n "$DURATION" ]; then
            sleep "$DURATION" &
            TIMER=$!
        fi
        # Ends on the duration, on the workload's exit, or on INT/TERM (the trap sets INTERRUPTED).
        while [ "${INTERRUPTED:-0}" = 0 ]; do
            [ -n "${WORKPID:-}" ] && ! kill -0 "$WORKPID" 2>/dev/null && break
            [ -n "${TIMER:-}" ] && ! kill -0 "$TIMER" 2>/dev/null && break
            sleep 0.2 2>/dev/null || sleep 1
        done
        [ -n "${TIMER:-}" ] && kill "$TIMER" 2>/dev/null
        if [ -n "${WORKPID:-}" ]; then
            kill "$WORKPID" 2>/dev/null
            wait "$WORKPID" 2>/dev/null
            WORKPID=""
        fi
        INST_NAME="$PREFIX$$"
        trap 'exit 130' INT
        trap 'exit 143' TERM
        [ "${INTERRUPTED:-0}" = 1 ] && say "interrupted: collecting what was recorded"
        do_stop ;;
    -h|--help|help) usage ;;
    *) die "unknown phase $PHASE (run, start, stop, cleanup)" 2 ;;
esac
