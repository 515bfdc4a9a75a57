#!/usr/bin/env python3
"""Native trace.dat import vs `trace-cmd report` on the same files: whole commands, wall time, medians.

    python3 benchmarks/import_tracedat.py --dat big.dat                 # a trace.dat you have
    python3 benchmarks/import_tracedat.py --dat a.dat b.dat c.dat --repeat 7   # the ratio by file size
    python3 benchmarks/import_tracedat.py --dat big.dat --repeat 9 --old-path
    sudo python3 benchmarks/import_tracedat.py --record 900     # record one here first (~15 min on a
                                                                # shared 2-CPU box for ~400k events)
    sudo python3 benchmarks/import_tracedat.py --record 150 --sleepers 6 --buffer-kb 262144   # ~6.5M

Recording uses fixtures/tracedat/capture.py (a tracefs instance of its own, removed afterwards;
`trace-cmd extract`, v7 zstd, converted to v6 and to uncompressed v7) into --outdir. Smaller files
of the same capture: `capture.py OUT --trim BIG.v6.dat --pages N` (each CPU's first N pages).

Per file, measured --repeat times each, interleaved (report, import, start-up floor, report, ...), so
that the load of a shared machine falls on all of them alike; the medians are printed, with the
load average before and after. Wall and CPU time (CPU: user + system of the child process):
  * `trace-cmd report -i X > /dev/null`: the reference of issue #14 (5x faster is the goal);
  * `python -m tmigr_trace import X -o OUT.parquet -q`: the native reader, the whole command as a
    user runs it (interpreter start, imports, reading, merging, writing the Parquet file), the
    code this script imports (an installed `tmigr-trace` script is a 3-line wrapper of the same
    main()); with bytecode caches as pip installs them: PYTHONDONTWRITEBYTECODE is dropped for
    the commands, their caches go under a temporary PYTHONPYCACHEPREFIX, and one unmeasured run
    per file fills them;
  * `python -c "import numpy, pyarrow.parquet"`: the start-up no Python importer writing Parquet
    can avoid (the floor of the whole command);
  * the same import in this process (`import_file`), without the interpreter and import start-up:
    the first run (cold: fresh memory, first calls) and the median of the others, with the CPU
    split between the decoding thread and the Parquet writer's thread;
  * with --old-path, once: the report's text through the text importer (the path before #14);
  * with --baseline DIR: the same import command run from the source tree DIR (another commit,
    made by --make-baseline COMMIT DIR), in the same interleaved rounds: before and after under
    the same load.
Then one line per file: events, ratio (wall and CPU), and from which size the 5x holds.

    python3 benchmarks/import_tracedat.py --make-baseline 695ae33 /tmp/base
    python3 benchmarks/import_tracedat.py --repeat 5 --dat a.dat b.dat --baseline /tmp/base
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_cmd(cmd: list[str], env: dict | None = None, stdout=subprocess.DEVNULL, cwd=None) -> tuple[float, float]:
    c0, t0 = _children_cpu(), time.perf_counter()
    subprocess.run(cmd, stdout=stdout, stderr=subprocess.DEVNULL, check=True, env=env, cwd=cwd)
    return time.perf_counter() - t0, _children_cpu() - c0


def in_process(fn) -> tuple[float, float, float]:
    """Wall, process CPU and this (the decoding) thread's CPU of fn()."""
    c0, t0, m0 = time.process_time(), time.perf_counter(), time.thread_time()
    fn()
    return time.perf_counter() - t0, time.process_time() - c0, time.thread_time() - m0


def median(xs) -> float:
    return statistics.median(list(xs))


def command_env(tmp: Path) -> dict:
    """The environment of the measured commands: bytecode caches on (in tmp), as an install has."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    return env


def measure(dat: Path, repeat: int, tmp: Path, env: dict, baseline: Path | None = None) -> dict:
    """Interleaved runs of the three commands (four with a baseline tree), then the in-process
    import; medians and the events."""
    from tmigr_trace import load
    from tmigr_trace.importers import import_file

    imp = [sys.executable, "-m", "tmigr_trace", "import", str(dat), "-o", str(tmp / "native.parquet"), "-q", "--force"]
    floor = [sys.executable, "-c", "import numpy, pyarrow.parquet"]
    base = [*imp[:5], "-o", str(tmp / "baseline.parquet"), "-q", "--force"]
    base_env = {**env, "PYTHONPATH": str(baseline), "PYTHONPYCACHEPREFIX": env["PYTHONPYCACHEPREFIX"] + "-baseline"}
    run_cmd(imp, env), run_cmd(floor, env)  # fill the bytecode caches; not measured
    if baseline:  # run in DIR: `python -m` puts the working directory first on sys.path
        where = subprocess.run([sys.executable, "-c", "import tmigr_trace.store as s; print(s.__file__)"],
                               env=base_env, cwd=baseline, capture_output=True, text=True, check=True).stdout
        if not Path(where.strip()).resolve().is_relative_to(baseline.resolve()):
            sys.exit(f"--baseline {baseline}: the import there loads {where.strip()}, not the tree's")
        run_cmd(base, base_env, cwd=baseline)
    runs: dict[str, list[tuple]] = {"report": [], "import": [], "floor": [], "inproc": [], "baseline": []}
    for _ in range(repeat):
        runs["report"].append(run_cmd(["trace-cmd", "report", "-i", str(dat)]))
        runs["import"].append(run_cmd(imp, env))
        runs["floor"].append(run_cmd(floor, env))
        if baseline:
            runs["baseline"].append(run_cmd(base, base_env, cwd=baseline))
    events = load(tmp / "native.parquet").num_events
    for _ in range(repeat + 1):  # the first in this process is the cold one
        runs["inproc"].append(in_process(lambda: import_file(dat, tmp / "again.parquet", force=True)))
    return {"events": events, "runs": runs}


def report_file(dat: Path, m: dict, repeat: int) -> dict:
    runs, events = m["runs"], m["events"]
    names = {"report": "trace-cmd report > /dev/null", "import": "tmigr-trace import (whole command)",
             "floor": "python: import numpy, pyarrow.parquet"}
    if runs["baseline"]:
        names["baseline"] = "the same, baseline tree (--baseline)"
    med = {k: (median(w for w, *_ in runs[k]), median(c for _, c, *_ in runs[k])) for k in names}
    print(f"file: {dat} ({os.path.getsize(dat) / 2**20:.1f} MiB), {events} tmigr events; medians of {repeat} runs")
    for k, (wall, cpu) in med.items():
        walls = " ".join(f"{w:.2f}" for w, *_ in runs[k])
        rate = f"{events / wall / 1e3:7.0f}k ev/s" if k != "floor" else " " * 13
        print(f"  {names[k]:40s} wall {wall:6.3f} s {rate}  CPU {cpu:6.3f} s   (walls: {walls})")
    cold, warm = runs["inproc"][0], runs["inproc"][1:]
    ww, wc, wm = (median(x[i] for x in warm) for i in range(3))
    print(f"  {'native import in-process (import_file)':40s} wall {ww:6.3f} s {events / ww / 1e3:7.0f}k ev/s  "
          f"CPU {wc:6.3f} s = {events / wc / 1e6:.2f}M events/s of CPU: decoding thread {wm:.3f} s "
          f"({events / wm / 1e6:.2f}M/s), Parquet writer threads {wc - wm:.3f} s ({events / max(wc - wm, 1e-9) / 1e6:.2f}M/s); "
          f"first run in this process {cold[0]:.3f} s wall, {cold[1]:.3f} s CPU")
    rw, rc = med["report"]
    iw, ic = med["import"]
    print(f"  ratio trace-cmd report / tmigr-trace import (whole command): {rw / iw:.2f}x wall, {rc / ic:.2f}x CPU; "
          f"in-process import: {rw / ww:.2f}x wall, {rc / wc:.2f}x CPU")
    if "baseline" in med:
        bw, bc = med["baseline"]
        print(f"  ratio trace-cmd report / baseline tree's import: {rw / bw:.2f}x wall, {rc / bc:.2f}x CPU "
              f"(this tree's import: {bw / iw:.2f}x as fast, wall; {bc / ic:.2f}x, CPU)")
    print(f"  start-up floor: {med['floor'][0]:.3f} s wall = {med['floor'][0] / iw:.0%} of the whole command; "
          f"5x trace-cmd report would be {rw / 5:.3f} s")
    return {"dat": dat, "events": events, "report": med["report"], "import": med["import"], "floor": med["floor"],
            "inproc": (ww, wc, wm), "baseline": med.get("baseline")}


def summary(rows: list[dict]) -> None:
    """One line per file, smallest first, and the smallest size from which every ratio is >= 5x."""
    rows = sorted(rows, key=lambda r: r["events"])
    print("\nevents     MiB    report wall/CPU   import wall/CPU   ratio wall  ratio CPU" +
          ("   baseline wall/CPU  its ratios" if rows and rows[0].get("baseline") else ""))
    for r in rows:
        (rw, rc), (iw, ic) = r["report"], r["import"]
        line = (f"{r['events']:9d} {os.path.getsize(r['dat']) / 2**20:6.1f}  {rw:7.3f} / {rc:6.3f}   {iw:7.3f} / {ic:6.3f}"
                f"    {rw / iw:6.2f}x    {rc / ic:6.2f}x")
        if r.get("baseline"):
            bw, bc = r["baseline"]
            line += f"   {bw:7.3f} / {bc:6.3f}  {rw / bw:5.2f}x {rc / bc:5.2f}x"
        print(line)
    ok = [all(s["report"][0] / s["import"][0] >= 5 for s in rows[i:]) for i in range(len(rows))]
    first = next((rows[i]["events"] for i, good in enumerate(ok) if good), None)
    print(f"5x wall holds from {first} events on (of the files measured)" if first else
          "5x wall does not hold for the largest file measured")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dat", type=Path, nargs="+", help="the trace.dat file(s) to measure")
    ap.add_argument("--record", type=float, metavar="SECONDS", help="record a trace.dat here first (root)")
    ap.add_argument("--outdir", type=Path, default=Path(tempfile.gettempdir()) / "tmigr-bench-tracedat")
    ap.add_argument("--sleepers", type=int, default=0, help="--record: busy sleepers next to the workload "
                    "(fixtures/tracedat/capture.py; 6: ~26k events/s on a 2-CPU box)")
    ap.add_argument("--buffer-kb", type=int, default=65536, help="--record: ring buffer per CPU (262144 for "
                    "150 s with 6 sleepers: ~6.5M events, none lost)")
    ap.add_argument("--repeat", type=int, default=5, help="runs of each command (medians are printed)")
    ap.add_argument("--old-path", action="store_true", help="also time the old report-text path (slow)")
    ap.add_argument("--baseline", type=Path, metavar="DIR", help="also time the import from this source tree "
                    "(another commit: --make-baseline), interleaved with the others")
    ap.add_argument("--make-baseline", nargs=2, metavar=("COMMIT", "DIR"), help="write COMMIT's source tree "
                    "to DIR for --baseline (git archive; this tree's compiled extensions copied), then exit")
    a = ap.parse_args()
    if a.make_baseline:
        make_baseline(*a.make_baseline)
        return
    if a.record:
        sys.path.insert(0, str(ROOT / "fixtures" / "tracedat"))
        from capture import capture

        files = capture(a.outdir, seconds=a.record, buffer_kb=a.buffer_kb, clock=None, threads=6, name="bench",
                        extra_events=[], sleepers=a.sleepers)
        print("recorded:", " ".join(map(str, files)))
        dats = [files[0]]
    elif a.dat:
        dats = a.dat
    else:
        ap.error("give --dat FILE... or --record SECONDS")
    if shutil.which("trace-cmd") is None:
        sys.exit("trace-cmd is not installed: nothing to compare with")
    load_before = os.getloadavg()
    rows = []
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        env = command_env(tmp)
        for dat in dats:
            rows.append(report_file(dat, measure(dat.resolve(), a.repeat, tmp, env, a.baseline), a.repeat))
            if a.old_path:
                old = old_path_run(dat, tmp)
                print(f"  {'old path: report text -> text importer':40s} wall {old[0]:6.3f} s  CPU {old[1]:6.3f} s (once)")
    load_after = os.getloadavg()
    summary(rows)
    print(f"{os.cpu_count()} CPUs; load average (1/5/15 min) before {'/'.join(f'{x:.1f}' for x in load_before)}, "
          f"after {'/'.join(f'{x:.1f}' for x in load_after)}")


def make_baseline(commit: str, out: str) -> None:
    """COMMIT's tree in OUT, importable with PYTHONPATH=OUT: the C extensions of this tree are
    copied in (their sources rarely change; check with git diff), and tmigr_trace.collectors and
    .replay point at the tree's collectors/ and replay/ (what the install maps them to)."""
    dst = Path(out)
    dst.mkdir(parents=True, exist_ok=False)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dst)], input=archive, check=True)
    for so in [*ROOT.glob("collectors/*.so"), *ROOT.glob("tmigr_trace/importers/*.so")]:
        shutil.copy2(so, dst / so.relative_to(ROOT))
    for sub in ("collectors", "replay"):
        (dst / "tmigr_trace" / sub).symlink_to(Path("..") / sub)
    print(f"{commit} in {dst}: python3 benchmarks/import_tracedat.py --dat ... --baseline {dst}")


def old_path_run(dat: Path, tmp: Path) -> tuple[float, float]:
    """The path before the native reader: `trace-cmd report -t` text through the text importer."""
    from tmigr_trace.importers import import_text_blocks
    from tmigr_trace.importers.tracedat import report_text_blocks
    from tmigr_trace.metadata import TraceMeta
    from tmigr_trace.store import TraceWriter

    def run() -> None:
        meta = TraceMeta(source_format="text")
        with TraceWriter(tmp / "old.parquet", force=True) as w:
            import_text_blocks(report_text_blocks(dat), w, meta)
            w.close(meta)

    c0 = _children_cpu()
    wall, cpu, _ = in_process(run)
    return wall, cpu + _children_cpu() - c0


if __name__ == "__main__":
    main()
