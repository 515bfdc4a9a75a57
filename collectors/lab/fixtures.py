"""`make fixtures`: regenerate fixtures/lab/ from the kernel lab (python3 -m tmigr_trace.collectors.lab.fixtures).

Each fixture is the capture tarball exactly as the guest shipped it (raw per-CPU buffers, formats,
topology, and trace.txt: the text of the same window with hash-ptr 0), gzip'd. Provenance is
written to fixtures/lab/provenance.json and to the "Lab fixtures" section of fixtures/README.md.

Usage: python3 -m tmigr_trace.collectors.lab.fixtures [--repo DIR] [--only NAME ...] [--list]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tmigr_trace.errors import TmigrError

from . import kernels, qemu, run


@dataclass
class Fixture:
    name: str  # file stem, the kernel release is added
    kernel: str  # --kernel spec
    cpus: int = 16
    nodes: int = 2
    smt: int = 2
    maxcpus: int | None = None
    scenario: str = "idle-churn"
    duration: float = 3.0
    optional: bool = False
    text: bool = True  # False: no trace.txt (LAB_TEXT=0), for the big captures (the text is 60 % of the tarball)
    note: str = ""
    env: dict = field(default_factory=dict)


FIXTURES = (
    Fixture("late", "6.12", maxcpus=2, note="maxcpus=2, the other 14 CPUs onlined after tracing started: setup events"),
    Fixture("boot", "6.12", note="all CPUs online at boot: no setup events, runtime only"),
    Fixture("late", "6.12.43", maxcpus=2, optional=True,
            note="oldest 6.12 in bookworm-backports (before the 2026 NUMA backport), late onlining"),
    Fixture("late", "7.3", maxcpus=2, note="maxcpus=2, the other 14 CPUs onlined after tracing started: setup events"),
    Fixture("boot", "7.3", note="all CPUs online at boot: no setup events, runtime only"),
    Fixture("late", "7.2", maxcpus=2, optional=True, note="maxcpus=2, late onlining"),
    # One late capture per series between 6.18 and 7.1 (their text traces are in
    # fixtures/outside-class/corpus): tarball and text of the same window, replayed both ways.
    *(Fixture("late", spec, maxcpus=2, optional=True, note="maxcpus=2, late onlining")
      for spec in ("6.18.15", "6.19.14", "7.0.13", "7.1.13")),
    Fixture("hotplug", "7.3", scenario="migrator-hotplug", duration=4.0,
            note="offline/online of the busy migrator of each node's first group"),
    # Bigger trees (3 levels: 16 CPUs per node), the late CPUs onlined round-robin over the nodes
    # (node 1 first): another node's CPU arrives while node 0's root is still a level-0 group,
    # the situation of bug #14 (imbalanced NUMA trees, fixed by 5eb579dfd46b in 6.19/6.17.13/
    # 6.18.2, in no 6.12.y release): 6.12.43 builds the imbalanced tree, 7.3 the balanced one.
    Fixture("late-nodes", "7.3", cpus=64, nodes=4, maxcpus=4, duration=2.0, text=False,
            env={"LAB_ONLINE_ORDER": "nodes"},
            note="maxcpus=4 (CPUs 0,2,4,6), the other 60 onlined round-robin over the nodes (16, 32, 48, 17, ...): "
                 "3-level NUMA-balanced tree built while tracing, bring-up order recorded"),
    Fixture("late-nodes", "6.12.43", cpus=32, nodes=2, maxcpus=2, duration=2.0, optional=True,
            env={"LAB_ONLINE_ORDER": "nodes"},
            note="maxcpus=2 (CPUs 0,2), the other 30 onlined round-robin over the nodes (16, 17, 1, 18, ...): "
                 "the pre-5eb579dfd46b setup links node 0's level-0 root under node 1's level-1 group (bug #14)"),
)

SECTION = "## Lab fixtures"


def fixture_path(root: Path, fx: Fixture, release: str) -> Path:
    rel = release.removesuffix("-amd64")
    return root / "fixtures" / "lab" / f"lab-{rel}-{fx.cpus}cpu-{fx.nodes}node-smt{fx.smt}-{fx.name}.tar.gz"


def generate(root: Path, only: list[str] | None = None) -> list[dict]:
    cache = kernels.cache_dir()
    outdir = root / "fixtures" / "lab"
    outdir.mkdir(parents=True, exist_ok=True)
    prov_file = outdir / "provenance.json"
    try:
        old = {p["file"]: p for p in json.loads(prov_file.read_text())}
    except (OSError, ValueError):
        old = {}
    records = dict(old)
    for fx in FIXTURES:
        tag = f"{fx.kernel}-{fx.name}"
        if only and tag not in only and fx.kernel not in only:
            continue
        try:
            img = kernels.fetch(fx.kernel, cache)
        except TmigrError as exc:
            if fx.optional:
                print(f"skip {tag}: {exc}", file=sys.stderr)
                continue
            raise
        topo = qemu.Topology(cpus=fx.cpus, nodes=fx.nodes, smt=fx.smt, maxcpus=fx.maxcpus)
        dest = fixture_path(root, fx, img.release)
        t0 = time.monotonic()
        print(f"{dest.name}: booting {img.release} ...", file=sys.stderr, flush=True)
        result, meta = _run(img, topo, fx, dest, cache)
        rec = {
            "file": str(dest.relative_to(root)),
            "kernel_release": img.release, "package": img.package, "package_version": img.version,
            "suite": img.suite, "topology": f"{fx.cpus} vCPUs, {fx.nodes} NUMA nodes, SMT {fx.smt}"
            + (f", maxcpus={fx.maxcpus} then onlined" if fx.maxcpus else ", all online at boot"),
            "scenario": fx.scenario, "duration_s": fx.duration, "note": fx.note,
            "command": f"tmigr-trace lab run --kernel {img.release} --cpus {fx.cpus} --nodes {fx.nodes} --smt {fx.smt}"
            + (f" --maxcpus {fx.maxcpus}" if fx.maxcpus else "")
            + (f" --online-order {fx.env['LAB_ONLINE_ORDER']}" if fx.env.get("LAB_ONLINE_ORDER") else "")
            + f" --scenario {fx.scenario} -d {fx.duration:g}s" + ("" if fx.text else " --no-text")
            + f" --tar {dest.name}",
            "accel": result.accel, "qemu": re.sub(r"\$LAB_CACHE/runs/[^/]+/", "$RUN/", " ".join(result.argv).replace(str(cache), "$LAB_CACHE")),
            "bytes": dest.stat().st_size, "events": meta.get("events"),
            "setup_events": meta.get("setup_events"), "seconds": round(time.monotonic() - t0, 1),
            "guest_boot_s": result.marks.get("LAB-BOOTED"),
            "online_s": _span(result.marks, "LAB-CAPTURE-STARTED", "LAB-ONLINE"),
            "scenario_s": _span(result.marks, "LAB-SCENARIO-DONE", "LAB-ONLINE"),
            "bringup_order": meta.get("bringup_order"),
        }
        records[rec["file"]] = rec
        print(f"{dest.name}: {rec['bytes']} bytes, {rec['events']} events, {rec['seconds']} s", file=sys.stderr)
        prov_file.write_text(json.dumps(sorted(records.values(), key=lambda r: r["file"]), indent=1) + "\n")
    recs = sorted(records.values(), key=lambda r: r["file"])
    write_readme(root, recs)
    return recs


def _span(marks: dict, a: str, b: str) -> float | None:
    """Guest seconds between two console marks (absolute value), when both are there."""
    if a in marks and b in marks:
        return round(abs(marks[b] - marks[a]), 1)
    return None


def _run(img: kernels.KernelImage, topo: qemu.Topology, fx: Fixture, dest: Path, cache: Path):
    env = dict(fx.env)
    if not fx.text:
        env["LAB_TEXT"] = "0"
    result = run.run_guest(img, topo, fx.scenario, fx.duration, cache, buffer_kb=1024, env=env)
    run.finish(result, None, dest, True, cache)
    files = run._read_tar(result.tarball)
    # Count what the importer decodes (the raw pages; trace.txt is optional).
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        _, _, _ = run.import_lab_tarball(dest, Path(tmp) / "x.parquet")
        import pyarrow.parquet as pq

        ev = pq.read_table(Path(tmp) / "x.parquet", columns=["event"]).column("event").to_pylist()
    events = sum(1 for e in ev if e and e.startswith("tmigr_"))
    setup = sum(1 for e in ev if e in ("tmigr_group_set", "tmigr_connect_child_parent", "tmigr_connect_cpu_parent"))
    b = run.bringup(files)
    return result, {"events": events, "setup_events": setup, "bringup_order": b["order"] if b else None}


def _ranges(order: list[int]) -> str:
    """0,2,4,6,16,32,... with runs of consecutive CPUs shortened to a-b."""
    out, i = [], 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and order[j + 1] == order[j] + 1:
            j += 1
        out.append(f"{order[i]}-{order[j]}" if j - i >= 2 else ",".join(map(str, order[i:j + 1])))
        i = j + 1
    return ",".join(out)


def write_readme(root: Path, recs: list[dict]) -> None:
    readme = root / "fixtures" / "README.md"
    text = readme.read_text() if readme.exists() else "# Fixtures\n"
    lines = [SECTION, "",
             "Generated by `make fixtures` (`python3 -m tmigr_trace.collectors.lab.fixtures`): real Debian kernels",
             "booted under QEMU by `tmigr-trace lab` (docs/lab.md). Each file is the capture tarball as the guest",
             "shipped it (tmigr-capture.sh layout, docs/capture-layout.md): per-CPU raw ring buffers (`per_cpu/cpuN/raw`), tracepoint formats, `header_page`/`header_event`,",
             "buffer stats, topology (sysfs), and `trace.txt` (text of the same window, `hash-ptr` 0, raw",
             "pointers, `mono` clock; left out of the 32/64-CPU captures to keep them small: `--no-text`). Captures made since the bring-up order is recorded also hold `lab/dmesg.txt`,",
             "`lab/boot_online`, `lab/onlined` and `lab/online_order`; `tmigr-trace lab import X.tar.gz -o X.parquet`",
             "puts the order the kernel prepared the CPUs in into `topology.bringup_order` (docs/lab.md).",
             "Machine-readable provenance: `fixtures/lab/provenance.json`.", ""]
    for r in recs:
        lines += [f"* `{r['file']}` ({r['bytes'] // 1024} KiB, {r['events']} tmigr events, {r['setup_events']} setup events)",
                  f"  * kernel: `{r['package']}` {r['package_version']} ({r['suite']}), release `{r['kernel_release']}`",
                  f"  * topology: {r['topology']}; scenario `{r['scenario']}` {r['duration_s']:g} s; {r['accel']}",
                  f"  * command: `{r['command']}`",
                  f"  * QEMU: `{r['qemu']}`"]
        if r.get("note"):
            lines.append(f"  * {r['note']}")
        if r.get("bringup_order"):
            lines.append(f"  * bring-up order (lab/dmesg.txt + lab/onlined, in `topology.bringup_order` via "
                         f"`tmigr-trace lab import`): {_ranges(r['bringup_order'])}")
        if r.get("seconds"):
            parts = [f"whole run {r['seconds']:g} s"]
            if r.get("guest_boot_s") is not None:
                parts.append(f"guest at init {r['guest_boot_s']:g} s")
            if r.get("online_s") is not None:
                parts.append(f"onlining {r['online_s']:g} s (guest)")
            lines.append("  * measured: " + ", ".join(parts))
    section = "\n".join(lines) + "\n"
    if SECTION in text:
        head, _, rest = text.partition(SECTION)
        nxt = re.search(r"^## ", rest[1:], re.M)
        tail = rest[nxt.start() + 1:] if nxt else ""
        text = head + section + ("\n" + tail if tail else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    readme.write_text(text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repo", default=None, help="repository root (default: the current directory if it has fixtures/, else the source tree)")
    ap.add_argument("--only", nargs="*", help="kernel specs or SPEC-NAME tags, e.g. 7.3 or 6.12-late")
    ap.add_argument("--list", action="store_true", help="list the fixtures and exit")
    args = ap.parse_args(argv)
    if args.list:
        for fx in FIXTURES:
            print(f"{fx.kernel}-{fx.name}: {fx.cpus} vCPUs, {fx.nodes} nodes, smt {fx.smt}, maxcpus {fx.maxcpus}, "
                  f"{fx.scenario} {fx.duration:g}s{' (optional)' if fx.optional else ''}")
        return 0
    root = Path(args.repo) if args.repo else (Path.cwd() if (Path.cwd() / "fixtures").is_dir()
                                               else Path(__file__).resolve().parents[2])
    try:
        generate(root, args.only)
    except TmigrError as exc:
        print(f"tmigr-trace: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
