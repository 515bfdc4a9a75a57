"""The ftrace text dialects beyond a tracefs ``trace`` file: bug-report excerpts and console dumps.

Kernel engineers meet tmigr traces in bug reports more often than in files: ``ftrace_dump_on_oops``
output on a serial console, a few lines of ``trace`` pasted into a mail, quoted and re-quoted,
wrapped by a mail client, with prose between the excerpts. This module recognises them:

* the **latency format** (``options/latency-format``, and every ``ftrace_dump``: kernel/trace/
  trace.c sets ``TRACE_FILE_LAT_FMT``): ``lat_print_generic`` prints ``"%8.8s-%-7d %3d"`` (comm cut
  to 8 characters, pid, CPU) and the flags of ``trace_print_lat_fmt`` right after the CPU
  (``3d....``), then ``lat_print_timestamp`` prints ``" %4lldus%c: "`` (microseconds since the
  buffer's ``time_start``, a mark for the gap to the next event) or ``" %4lld: "`` for counter
  clocks (kernel/trace/trace_output.c);
* a dmesg / console prefix before each line (``[  236.446896]``, ``<4>``, ``[    T1]`` caller ids,
  ``Mar 14 12:00:00 host kernel: ``), with other kernel messages interleaved;
* mail quoting (``> ``, ``>> ``, ``> > ``), lines a mail client wrapped (the continuation holds
  only ``key=value`` fields the event has not printed yet), blank lines and prose, CRLF;
* the standard format (``trace``, ``trace_pipe``, ``trace-cmd report`` with or without ``-l``)
  inside such an excerpt.

Routing keeps the fast C path for standard text: :func:`text_parser_for` looks at the first block
and only when it holds something other than standard event lines, ``#`` comments, loss markers and
trace-cmd's preamble does the import go through :class:`ExcerptTextParser`, which rewrites each line
to the standard shape in Python and hands the result to the same parser (C fast path included).
What each line was is counted into ``meta.extra["text_dialect"]`` (``tmigr-trace info`` shows it).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

import pyarrow as pa

from ..metadata import TraceMeta
from ..schema import EVENT_BY_NAME, print_keys
from .text import HEADER_RE, IGNORED_RE, KV_RE, LOST_RE, TextParser

# trace_print_lat_fmt: irqs-off (d D b X .), need-resched (n N p, and with lazy preemption L B l
# b ...), hard/soft irq (z Z h H s .), preempt depth, then (newer kernels) migrate-disable: 4 to 6
# characters, the first never a digit (it follows the CPU number without a space).
LATENCY_RE = re.compile(
    r"^(?:(?P<instance>[\w.-]+):[ \t]+(?=\S.*-\d+[ \t]))?(?P<comm>.*?)-(?P<pid>\d+)[ \t]+(?P<cpu>\d+)"
    r"(?P<flags>[^\s\d][^\s]{3,5})[ \t]+"
    r"(?:(?P<usint>\d+)(?:\.(?P<usfrac>\d+))?us(?P<mark>[ !#$@*+])?|(?P<sec>\d+)\.(?P<frac>\d+)|(?P<count>\d+))"
    r"[ \t]*:[ \t]+(?P<event>\w+):[ \t]*(?P<body>.*?)\s*$"
)
# trace-cmd report -l prints libtraceevent's latency columns: "NAME: comm-pid  CPUflags secs.usecs:"
# (no [CPU] brackets either); the same expression reads it, with a seconds stamp.
# printk level, dmesg time stamp and caller id, or a syslog/journal line of the kernel.
CONSOLE_PREFIX_RE = re.compile(
    r"^[ \t]*(?:<\d{1,2}>)?(?:\[[ \t]*\d+\.\d+\](?:\[[ \t]*[TC]\d+\])?[ \t]?"
    r"|[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ kernel: (?:\[[ \t]*\d+\.\d+\][ \t]?)?)"
)
_PREFIX_STARTS = frozenset("><[")
QUOTE_RE = re.compile(r"^(?:[ \t]{0,3}>[ \t]?)+")
SYMBOLIC_FLAGS_RE = re.compile(r"\bflags=(?![0-9a-fA-F]+(?:\s|$))\S*")
CONTINUATION_RE = re.compile(r"^[ \t]*(?:\w+=\S*[ \t]*)+$")
SAMPLE_LINES = 2000          # lines of the first block looked at to pick the parser
MAX_EXAMPLES = 5
TS_MEANING = {
    "standard": "trace clock time in ns (seconds.fraction as printed)",
    "latency-us": ("latency format: microseconds since the trace buffer's time_start "
                   "(lat_print_timestamp), stored x1000 as ns at 1 us resolution; time_start is 0 "
                   "for a buffer never reset (boot-time tracing, ftrace_dump_on_oops), so ts is then "
                   "the trace clock itself"),
    "latency-count": "latency format of a counter clock: the raw count since the buffer's time_start",
}


@dataclass
class DialectStats:
    """What the lines of a text import were (stored as ``meta.extra["text_dialect"]``)."""

    parser: str = "standard"                         # standard (C fast path) | excerpt
    dialects: list[str] = field(default_factory=list)
    event_lines: int = 0
    skipped_lines: int = 0                           # prose, other kernel messages, headers
    blank_lines: int = 0
    wrapped_lines: int = 0                           # continuations joined to their event line
    duplicate_lines: int = 0                         # an event quoted again later in a mail
    skipped_examples: list[str] = field(default_factory=list)
    ts: list[str] = field(default_factory=list)      # keys of TS_MEANING that occur

    def saw(self, name: str) -> None:
        if name not in self.dialects:
            self.dialects.append(name)

    def ts_kind(self, name: str) -> None:
        if name not in self.ts:
            self.ts.append(name)

    def to_meta(self) -> dict:
        d = asdict(self)
        d["dialects"] = sorted(self.dialects)
        d["ts_meaning"] = {k: TS_MEANING[k] for k in sorted(self.ts)}
        return d


@dataclass
class Line:
    """One logical line after the console prefix and mail quoting are taken off."""

    text: str
    depth: int          # quoting depth ('>' count), to join wrapped lines of the same quote only
    quoted: bool
    console: bool
    crlf: bool


def split_line(raw: str) -> Line:
    """Strip CR, mail quoting and a console prefix (in either order: quoted console logs too)."""
    crlf = raw.endswith("\r")
    text = raw.rstrip("\r") if crlf else raw
    depth = 0
    quoted = console = False
    head = text.lstrip(" \t")[:2]
    first = head[:1]
    if (first not in _PREFIX_STARTS and not first.isupper()) or (first == "<" and not head[1:].isdigit()):
        return Line(text, 0, False, False, crlf)   # the common case (also "<idle>-0"): nothing to take off
    for _ in range(2):
        q = QUOTE_RE.match(text)
        if q is not None and q.end():
            depth += q.group(0).count(">")
            quoted = True
            text = text[q.end():]
        c = CONSOLE_PREFIX_RE.match(text)
        if c is not None and c.end():
            console = True
            text = text[c.end():]
    return Line(text, depth, quoted, console, crlf)


def _is_standard_line(raw: str) -> bool:
    if raw.endswith("\r") or raw.lstrip().startswith(">"):
        return False
    if not raw.strip():
        return True
    return (HEADER_RE.match(raw) is not None or IGNORED_RE.match(raw) is not None
            or LOST_RE.match(raw) is not None)


def needs_excerpt_parser(sample: bytes) -> bool:
    """True if the first lines hold anything but the standard text of a tracefs/trace-cmd file."""
    lines = sample.split(b"\n", SAMPLE_LINES)[:SAMPLE_LINES]
    if len(lines) == SAMPLE_LINES or not sample.endswith(b"\n"):
        lines = lines[:-1]  # a cut last line is no evidence
    return not all(_is_standard_line(ln.decode("utf-8", "replace")) for ln in lines)


def text_parser_for(first_block: bytes, meta: TraceMeta) -> "TextParser | ExcerptTextParser":
    """The parser for a text stream, chosen from its first block (see the module docstring)."""
    if needs_excerpt_parser(first_block):
        return ExcerptTextParser(meta)
    return TextParser(meta)


class ExcerptTextParser:
    """Normalises every dialect to the standard line shape and hands it to a :class:`TextParser`
    (so the C fast path parses excerpts too): console prefixes and quoting taken off, wrapped lines
    joined, latency-format headers rewritten (``comm-pid [CPU] flags secs.nanos: event: body``
    with the stamp's value unchanged), lines a mail quotes a second time dropped."""

    def __init__(self, meta: TraceMeta):
        self.meta = meta
        self.inner = TextParser(meta)
        self.stats = DialectStats(parser="excerpt")
        self._tail = b""
        self._pending: list[str] = []   # raw lines held back: the last event line may continue
        self._seen: set[tuple] = set()
        self._latest = -1 << 63

    @property
    def events(self) -> int:
        return self.inner.events

    def feed(self, chunk: bytes) -> pa.Table | None:
        data = self._tail + chunk
        cut = data.rfind(b"\n")
        if cut < 0:
            self._tail = data
            return None
        self._tail = data[cut + 1:]
        return self._lines(data[:cut].decode("utf-8", "replace").split("\n"), final=False)

    def finish(self) -> pa.Table | None:
        data, self._tail = self._tail, b""
        lines = data.decode("utf-8", "replace").split("\n") if data else []
        tables = [t for t in (self._lines(lines, final=True), self.inner.finish()) if t is not None]
        self.meta.extra["text_dialect"] = self.stats.to_meta()
        if len(tables) > 1:
            return pa.concat_tables(tables).unify_dictionaries()
        return tables[0] if tables else None

    def _lines(self, raw_lines: list[str], final: bool) -> pa.Table | None:
        raw_lines = self._pending + raw_lines
        self._pending = []
        if not final:
            # Keep the lines from the last event line on: a continuation may be in the next block.
            for k in range(len(raw_lines) - 1, max(-1, len(raw_lines) - 4), -1):
                if _event_match(split_line(raw_lines[k]).text) is not None:
                    self._pending, raw_lines = raw_lines[k:], raw_lines[:k]
                    break
        out = self._normalise(raw_lines)
        return self.inner.feed(out.encode()) if out else None

    def _normalise(self, raw_lines: list[str]) -> str:
        st = self.stats
        out: list[str] = []
        parts = [split_line(r) for r in raw_lines]
        i = 0
        while i < len(raw_lines):
            line = parts[i]
            i += 1
            if line.crlf:
                st.saw("crlf")
            if not line.text.strip():
                st.blank_lines += 1
                continue
            hit = _event_match(line.text)
            if hit is None:
                if LOST_RE.match(line.text) is not None:
                    out.append(line.text)
                elif IGNORED_RE.match(line.text) is None:
                    self._skipped(raw_lines[i - 1])
                continue
            kind, m = hit
            text = line.text
            # A mail client may have wrapped the line: join continuations of the same quote depth
            # that hold only fields the event has not printed yet.
            while i < len(raw_lines):
                nxt = parts[i]
                if nxt.depth != line.depth or not _continues(m, nxt.text):
                    break
                text = f"{text.rstrip()} {nxt.text.strip()}"
                i += 1
                st.wrapped_lines += 1
                st.saw("wrapped")
                hit = _event_match(text)
                assert hit is not None
                kind, m = hit
            if line.quoted:
                st.saw("mail-quoting")
            if line.console:
                st.saw("console-prefix")
            st.saw(kind)
            std = self._standard(kind, m, text)
            if std is not None:
                st.event_lines += 1
                out.append(std)
        return "\n".join(out) + "\n" if out else ""

    def _standard(self, kind: str, m: re.Match, text: str) -> str | None:
        """The line in the standard shape, or None for a line a mail quotes again."""
        if kind == "latency":
            if m["usint"] is not None:
                ns = int(m["usint"]) * 1000 + int((m["usfrac"] or "").ljust(3, "0")[:3])
                stamp = f"{ns // 1_000_000_000}.{ns % 1_000_000_000:09d}"
                self.stats.ts_kind("latency-us")
            elif m["sec"] is not None:
                stamp = f"{m['sec']}.{m['frac']}"
                self.stats.ts_kind("standard")
            else:
                stamp = m["count"]
                self.stats.ts_kind("latency-count")
            body = m["body"]
            if m["event"] == "timer_start":  # flags print as symbols (__print_flags): no stored value
                body = SYMBOLIC_FLAGS_RE.sub("", body)
            comm = m["comm"].strip() or "<...>"
            text = f"{comm}-{m['pid']} [{int(m['cpu']):03d}] {m['flags']} {stamp}: {m['event']}: {body}"
            key = (m["cpu"], stamp, m["event"], m["body"])
        else:
            self.stats.ts_kind("standard")
            stamp = f"{m['sec']}.{m['frac']}" if m["frac"] is not None else m["sec"]
            key = (m["cpu"], stamp, m["event"], m["body"])
        sec, _, frac = stamp.partition(".")
        ts = int(sec) * 1_000_000_000 + int(frac.ljust(9, "0")[:9]) if frac else int(sec)
        # A mail quotes lines it showed before: the same event again after the excerpt had moved
        # on in time (identical events within one stamp, in order, are kept: a CPU can repeat one).
        if key in self._seen and ts < self._latest:
            self.stats.duplicate_lines += 1
            return None
        self._seen.add(key)
        self._latest = max(self._latest, ts)
        return text

    def _skipped(self, raw: str) -> None:
        # Counted as before in meta.malformed_lines too (every line that is not an event), so the
        # "not a trace" message and the counters keep their meaning; the dialect says what they were.
        self.inner._malformed(raw)
        st = self.stats
        st.skipped_lines += 1
        if len(st.skipped_examples) < MAX_EXAMPLES:
            st.skipped_examples.append(raw[:200])


def _event_match(text: str) -> tuple[str, re.Match] | None:
    m = LATENCY_RE.match(text)
    if m is not None:
        return "latency", m
    m = HEADER_RE.match(text)
    if m is not None:
        return "standard", m
    return None


def _continues(m: re.Match, text: str) -> bool:
    """Is `text` the wrapped rest of the event line `m`: key=value fields of that event only?"""
    if "=" not in text or ": " in text or CONTINUATION_RE.match(text) is None:
        return False
    keys = print_keys(m["event"]) if m["event"] in EVENT_BY_NAME else {}
    have = {k for k, _ in KV_RE.findall(m["body"])}
    more = [k for k, _ in KV_RE.findall(text)]
    return bool(keys) and all(k in keys and k not in have for k in more)


def standard_stats(parser: TextParser) -> dict:
    """``meta.extra["text_dialect"]`` of a standard text import (the fast path)."""
    st = DialectStats(parser="standard", dialects=["standard"], event_lines=parser.events, ts=["standard"])
    return st.to_meta()
