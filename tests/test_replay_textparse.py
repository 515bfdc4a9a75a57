"""A minimal text-trace -> store-table reader for the replay tests and benchmark.

Stopgap until the importer (`tmigr-trace import`) lands: it reads the tracefs `trace` text of
`timer_migration:*` events only, through the schema's key aliases, and nothing else (no context
events, no lost-event markers beyond the `[LOST n EVENTS]` / `CPU:n [LOST ...]` lines).
"""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa

from tmigr_trace.metadata import TraceMeta
from tmigr_trace.schema import COLUMN_BY_NAME, Kind, column_for_key
from tmigr_trace.store import TraceWriter, conform

LINE = re.compile(r"^\s*(?P<comm>.+?)-(?P<pid>\d+)\s+\[(?P<cpu>\d+)\]\s+(?P<flags>\S+)\s+"
                  r"(?P<ts>\d+)\.(?P<us>\d+):\s+(?P<event>\w+):\s*(?P<rest>.*)$")
LOST = re.compile(r"CPU:(\d+) \[LOST (\d+) EVENTS\]")


def _value(event: str, col: str, text: str):
    kind = COLUMN_BY_NAME[col].kind
    if kind is Kind.PTR:
        return None if text.startswith("(") else int(text, 16)
    if kind is Kind.HEX:
        return int(text, 16)
    return int(text)


def parse_text(text: str) -> tuple[pa.Table, TraceMeta]:
    cols: dict[str, list] = {}
    rows = 0
    seq: dict[int, int] = {}
    meta = TraceMeta(clock="mono", source_format="text", pointer_mode="raw")
    observed: dict[str, set] = {}
    for line in text.splitlines():
        m = LINE.match(line)
        if not m:
            lm = LOST.search(line)
            if lm:
                meta.add_lost(int(lm.group(1)), int(lm.group(2)))
            continue
        event = m.group("event")
        cpu = int(m.group("cpu"))
        us = m.group("us")
        ts = int(m.group("ts")) * 1_000_000_000 + int(us) * 10 ** (9 - len(us))
        rec = {"ts": ts, "cpu": cpu, "seq": seq.get(cpu, 0), "event": event,
               "pid": int(m.group("pid")), "comm": m.group("comm").strip(), "irq_flags": m.group("flags")}
        seq[cpu] = rec["seq"] + 1
        for kv in m.group("rest").split():
            if "=" not in kv:
                continue
            k, v = kv.split("=", 1)
            observed.setdefault(event, set()).add(k)
            col = column_for_key(event, k)
            if col is not None:
                rec[col] = _value(event, col, v)
        for k in set(cols) | set(rec):
            cols.setdefault(k, [None] * rows).append(rec.get(k))
        rows += 1
    meta.observed_fields = {k: sorted(v) for k, v in observed.items()}
    arrays = {}
    for k, v in cols.items():
        t = COLUMN_BY_NAME[k].type
        arrays[k] = pa.array(v, type=pa.string()).dictionary_encode() if pa.types.is_dictionary(t) else pa.array(v, type=t)
    return conform(arrays, rows), meta


def text_to_parquet(src: str | Path, out: str | Path, topology: dict | None = None,
                    kernel_release: str | None = None, force: bool = True) -> Path:
    table, meta = parse_text(Path(src).read_text())
    meta.topology = topology or {}
    meta.kernel_release = kernel_release
    with TraceWriter(out, force=force) as w:
        w.write(table)
        return w.close(meta)


def test_parse_sample_line():
    line = ("          <idle>-0       [000] d..4.   341.141341: tmigr_cpu_idle: cpu=0 "
            "parent=ffff8881003d7580 nextevt=341720000000 wakeup=341400000000")
    table, meta = parse_text(line)
    row = table.to_pylist()[0]
    assert row["ts"] == 341_141_341_000 and row["target_cpu"] == 0
    assert row["parent"] == 0xffff8881003d7580 and row["wakeup"] == 341400000000
