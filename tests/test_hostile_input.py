"""Damaged and hostile inputs, unusable outputs, signals: each failure found by trying
tmigr-trace as a new user would (issue 12), reproduced on real fixtures, with the two allowed
outcomes: the valid part imported and the rest counted, or one line and exit 2. Nothing is left
behind, whatever stops the command.

The damage is made by hand from real captures (byte flips, renames, truncation): marked as such."""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import tmigr_trace
from tmigr_trace.cleanup import OutputLock
from tmigr_trace.importers import import_file
from tmigr_trace.schema import METADATA_KEY

from conftest import FIXTURES, HOST_618
from test_bad_input import assert_clean_failure

CAPTURE = FIXTURES / "live-6.18" / "capture-2cpu.tar.gz"
LAB_LATE = FIXTURES / "lab" / "lab-7.3.4+deb13-16cpu-2node-smt2-late.tar.gz"
IDLE_LINE = ("          <idle>-0       [{cpu}] d..2.   100.000001: tmigr_cpu_idle: cpu={tcpu} "
             "parent=ffff888100a4e000 nextevt=100000000 wakeup=100000000\n")
HANDLE_REMOTE_LINE = ("          <idle>-0       [001] d..2.   100.000002: tmigr_handle_remote: "
                      "group=ffff888100a4e000 lvl={lvl}\n")


@pytest.fixture(autouse=True)
def private_state(tmp_path: Path, monkeypatch):
    """Each test has its own record of in-flight temporaries and its own TMPDIR (extraction dirs)."""
    state = tmp_path / "state"
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    monkeypatch.setenv("TMIGR_TRACE_STATE_DIR", str(state))
    monkeypatch.setenv("TMPDIR", str(tmpdir))
    return state, tmpdir


def cli(*args, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tmigr_trace", *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200", **(env or {})}, timeout=timeout)


def host_text() -> bytes:
    with gzip.open(HOST_618 / "trace.txt.gz", "rb") as f:
        return f.read()


def leftovers(*dirs: Path) -> list[str]:
    """Hidden partials, lock files and extraction directories under the given directories."""
    out = []
    for d in dirs:
        for p in d.rglob("*"):
            if ".partial-" in p.name or p.name.endswith(".lock") or p.name.startswith("tmigr-import-"):
                out.append(str(p))
    return out


def imported_meta(proc: subprocess.CompletedProcess, out: Path):
    assert proc.returncode == 0, proc.stderr
    return tmigr_trace.load(out)


# -- inputs -------------------------------------------------------------------------------------

def test_gzip_with_a_damaged_deflate_block_is_one_line(tmp_path: Path):
    """zlib.error ('invalid distance too far back') was not among the corruption errors."""
    data = bytearray((HOST_618 / "trace.txt.gz").read_bytes())
    data[20] ^= 0xFF  # hand-made damage: the first deflate block of the real trace
    src = tmp_path / "damaged.txt.gz"
    src.write_bytes(bytes(data))
    assert_clean_failure(cli("import", src, "-o", tmp_path / "o.parquet"), mentions="corrupt gzip")
    assert not (tmp_path / "o.parquet").exists() and leftovers(tmp_path) == []


def test_fifo_is_refused_before_it_is_opened(tmp_path: Path):
    """A FIFO hung format detection forever (open() of a FIFO without a writer blocks)."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    proc = cli("import", fifo, "-o", tmp_path / "o.parquet", timeout=60)
    assert_clean_failure(proc, mentions="is a FIFO, not a regular file")


def test_char_device_is_refused(tmp_path: Path):
    assert_clean_failure(cli("import", "/dev/zero", "-o", tmp_path / "o.parquet", timeout=60),
                         mentions="is a device")


def test_huge_cpu_number_in_text_is_counted_not_stored(tmp_path: Path):
    """[2000000000] imported uncounted, then replay allocated ~16 GB for it."""
    text = host_text() + IDLE_LINE.format(cpu="2000000000", tcpu=1).encode()
    src = tmp_path / "t.txt"
    src.write_bytes(text)
    out = tmp_path / "o.parquet"
    trace = imported_meta(cli("import", src, "-o", out), out)
    assert trace.meta.damaged == {"cpu": 1}
    assert max(trace.df.cpu) < 16
    info = json.loads(cli("info", out, "--json").stdout)
    assert info["damaged"] == {"cpu": 1}


def test_only_a_huge_cpu_number_is_one_line(tmp_path: Path):
    src = tmp_path / "t.txt"
    src.write_text(IDLE_LINE.format(cpu="2000000000", tcpu=1))
    assert_clean_failure(cli("import", src, "-o", tmp_path / "o.parquet"), mentions="values out of range: cpu 1")


def test_negative_level_is_counted_and_replay_runs(tmp_path: Path):
    """A negative level imported and crashed replay with IndexError."""
    src = tmp_path / "t.txt"
    src.write_bytes(host_text() + HANDLE_REMOTE_LINE.format(lvl=-1).encode())
    out = tmp_path / "o.parquet"
    trace = imported_meta(cli("import", src, "-o", out), out)
    assert trace.meta.damaged == {"lvl": 1}
    proc = cli("replay", out, "-q")
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, proc.stderr


def test_parquet_with_a_negative_level_is_refused_by_replay(tmp_path: Path):
    """A Parquet file written by something else (or damaged) with lvl -1: one line, not IndexError."""
    out = tmp_path / "o.parquet"
    import_file(HOST_618 / "trace.txt.gz", out)
    t = pq.read_table(out)
    i = t.schema.get_field_index("lvl")
    lvl = t.column("lvl").to_pylist()
    lvl[[k for k, v in enumerate(lvl) if v is not None][0]] = -1
    bad = tmp_path / "bad.parquet"
    kv = dict(pq.ParquetFile(out).metadata.metadata)
    pq.write_table(t.set_column(i, "lvl", pa.array(lvl, pa.int32())).replace_schema_metadata(kv), bad)
    for cmd in (("replay", bad), ("export", bad, "-o", tmp_path / "x.pftrace")):
        assert_clean_failure(cli(*cmd), mentions="lvl=-1 is out of range")


def test_line_without_end_costs_bounded_time_and_is_counted(tmp_path: Path):
    """A gzip of 1 GiB without a newline ran 7 minutes at 2 GB RSS (the line buffer was copied for
    every block). Here: 256 MiB of 'x' (256 KiB compressed) after a real trace."""
    src = tmp_path / "long.txt.gz"
    with gzip.open(src, "wb", compresslevel=1) as f:
        f.write(host_text())
        chunk = b"x" * (1 << 20)
        for _ in range(256):
            f.write(chunk)
        f.write(b"\n")
        f.write(IDLE_LINE.format(cpu="001", tcpu=1).encode())
    out = tmp_path / "o.parquet"
    trace = imported_meta(cli("import", src, "-o", out), out)
    assert trace.meta.damaged == {"lines_too_long": 1}
    # the line after the long one is still read
    assert trace.num_events == tmigr_trace.load(_import(tmp_path, HOST_618 / "trace.txt.gz")).num_events + 1


def test_damaged_tracedat_is_one_line(tmp_path: Path):
    """trace.dat through the generic entry (format detected from its magic): a damaged one is one
    line (the reader itself is another module's; only the entry is checked here)."""
    src = tmp_path / "trace.dat"
    src.write_bytes(b"\x17\x08\x44tracing6\x00" + bytes(range(256)) * 16)  # hand-made: magic, then garbage
    proc = cli("import", src, "-o", tmp_path / "o.parquet", timeout=120)
    assert_clean_failure(proc, mentions=str(src))
    assert leftovers(tmp_path) == [] and not (tmp_path / "o.parquet").exists()


def _import(tmp_path: Path, src: Path) -> Path:
    out = tmp_path / f"ref-{src.name}.parquet"
    if not out.exists():
        import_file(src, out)
    return out


def test_decompression_bomb_is_refused(tmp_path: Path):
    src = tmp_path / "bomb.txt.gz"
    src.write_bytes(gzip.compress(host_text() * 8))
    proc = cli("import", src, "-o", tmp_path / "o.parquet", env={"TMIGR_TRACE_MAX_DECOMPRESSED": str(1 << 20)})
    assert_clean_failure(proc, mentions="decompresses to more than 1048576 bytes")
    assert leftovers(tmp_path) == []


def _extract(tmp_path: Path, tarball: Path) -> Path:
    d = tmp_path / "capdir"
    with tarfile.open(tarball) as tf:
        tf.extractall(d, filter="data")
    tops = [p for p in d.iterdir() if (p / "per_cpu").is_dir()]
    return tops[0] if tops else d


def test_capture_directory_with_a_huge_cpu_number_is_one_line(tmp_path: Path):
    """per_cpu/cpu99999999999999999999 raised OverflowError."""
    top = _extract(tmp_path, CAPTURE)
    (top / "per_cpu" / "cpu1").rename(top / "per_cpu" / "cpu99999999999999999999")
    assert_clean_failure(cli("import", tmp_path / "capdir", "-o", tmp_path / "o.parquet"), mentions="CPU id")


def test_capture_directory_with_a_fifo_is_refused(tmp_path: Path):
    top = _extract(tmp_path, CAPTURE)
    (top / "per_cpu" / "cpu1" / "raw").unlink()
    os.mkfifo(top / "per_cpu" / "cpu1" / "raw")
    proc = cli("import", tmp_path / "capdir", "-o", tmp_path / "o.parquet", timeout=60)
    assert_clean_failure(proc, mentions="is not a regular file")


def test_corrupt_page_names_its_cpu_in_info_and_the_replay_resyncs_it(tmp_path: Path):
    """The one damage counter, for a capture as for a trace.dat: CPU 1's first page with a commit
    length beyond the page (hand-made damage: bit 14 of the commit word) is counted as a corrupt
    page of CPU 1; `info` shows it (text and JSON) and the replay resynchronises CPU 1 as it does
    after lost events (its first row's seq is 1: no earlier row shows the gap)."""
    import jsonschema

    from tmigr_trace.jsonout import load_schema

    top = _extract(tmp_path, CAPTURE)
    raw = top / "per_cpu" / "cpu1" / "raw"
    b = bytearray(raw.read_bytes())
    b[8 + 1] ^= 0x40
    raw.write_bytes(bytes(b))
    out = tmp_path / "o.parquet"
    proc = cli("import", tmp_path / "capdir", "-o", out)
    assert proc.returncode == 0 and "DAMAGED: corrupt_pages 1 (CPU 1)" in proc.stderr, proc.stderr
    info = json.loads(cli("info", out, "--json").stdout)
    jsonschema.validate(info, load_schema("info"), cls=jsonschema.Draft202012Validator)
    assert (info["damaged"], info["damaged_cpus"]) == ({"corrupt_pages": 1}, [1])
    assert "DAMAGED" in cli("info", out).stdout
    res = json.loads(cli("replay", out, "--json").stdout)
    assert res["lost_event_cpus"] == [1] and res["resyncs"]["lost_events"] == 1
    assert res["diverged"] == 0


def _tar_bytes(tarball: Path) -> bytes:
    return gzip.decompress(tarball.read_bytes())


def test_tarball_with_a_damaged_header_counts_what_it_lost(tmp_path: Path):
    """tarfile ends its iteration quietly at a damaged header: the members after it were lost with
    no counter (19-64 % of the events of damaged tarballs)."""
    raw = bytearray(_tar_bytes(CAPTURE))
    with tarfile.open(fileobj=io.BytesIO(bytes(raw))) as tf:
        members = tf.getmembers()
    victim = [m for m in members if m.name.endswith("/raw")][-1]
    raw[victim.offset + 148: victim.offset + 156] = b"garbage!"  # hand-made damage: the header checksum
    src = tmp_path / "damaged.tar"
    src.write_bytes(bytes(raw))
    out = tmp_path / "o.parquet"
    proc = cli("import", src, "-o", out)
    if proc.returncode == 2:
        assert_clean_failure(proc, mentions=str(src))
        return
    trace = imported_meta(proc, out)
    assert trace.meta.damaged.get("tar_unreadable_tail", 0) == 1, trace.meta.damaged


def test_tarball_with_links_and_devices_skips_and_counts_them(tmp_path: Path):
    """Hostile members: a symlink out of the tree, a hard link, a device, a FIFO, an absolute path."""
    src = tmp_path / "hostile.tar"
    with tarfile.open(CAPTURE) as good, tarfile.open(src, "w") as out:
        for m in good.getmembers():
            out.addfile(m, good.extractfile(m) if m.isreg() else None)
        top = good.getmembers()[0].name.split("/")[0]
        for name, kind, target in (("evil-link", tarfile.SYMTYPE, "/etc/shadow"), ("hard", tarfile.LNKTYPE, "/etc/passwd"),
                                   ("dev", tarfile.CHRTYPE, ""), ("fifo", tarfile.FIFOTYPE, "")):
            ti = tarfile.TarInfo(f"{top}/{name}")
            ti.type, ti.linkname = kind, target
            out.addfile(ti)
        ti = tarfile.TarInfo("/tmp/tmigr-absolute-escape")
        ti.size = 3
        out.addfile(ti, io.BytesIO(b"bad"))
    out_p = tmp_path / "o.parquet"
    trace = imported_meta(cli("import", src, "-o", out_p), out_p)
    assert trace.meta.damaged == {"tar_members": 4}  # the absolute path is extracted inside, "/" stripped
    assert trace.num_events == tmigr_trace.load(_import(tmp_path, CAPTURE)).num_events
    assert not Path("/tmp/tmigr-absolute-escape").exists()


def test_oversized_tar_member_is_refused(tmp_path: Path):
    src = tmp_path / "big.tar"
    with tarfile.open(src, "w") as out:
        ti = tarfile.TarInfo("cap/per_cpu/cpu0/raw")
        ti.size = 5 << 20
        out.addfile(ti, io.BytesIO(b"\0" * ti.size))
    proc = cli("import", src, "-o", tmp_path / "o.parquet", "--format", "capture",
               env={"TMIGR_TRACE_MAX_DECOMPRESSED": str(1 << 20)})
    assert_clean_failure(proc, mentions="expands to more than")
    assert leftovers(tmp_path) == []


# -- the Parquet reader -------------------------------------------------------------------------

def _damage_metadata(src: Path, dst: Path, how) -> None:
    """Rewrite a real trace with its metadata JSON changed by ``how`` (hand-made damage)."""
    pf = pq.ParquetFile(src)
    kv = dict(pf.metadata.metadata)
    table = pf.read()
    kv[METADATA_KEY] = how(kv[METADATA_KEY])
    kv.pop(METADATA_KEY + b"_sha256", None)  # as a file from before the digest
    pq.write_table(table.replace_schema_metadata(kv), dst)


@pytest.mark.parametrize("how", [
    lambda b: b[: len(b) // 2],                                   # truncated JSON
    lambda b: b.replace(b'"lost_events": {', b'"lost_events": ["', 1),  # not JSON any more
    lambda b: b.replace(b'"malformed_lines": 0', b'"malformed_lines": "zero"', 1),
    lambda b: b.replace(b'"lost_events": {}', b'"lost_events": {"0": -5}', 1),
    lambda b: b.replace(b'"topology": {', b'"topology": {"possible": [99999999999], "x": ', 1),
    lambda b: b"[1, 2, 3]",
], ids=["truncated", "invalid", "wrong-type", "negative-count", "huge-cpu", "not-an-object"])
def test_damaged_metadata_json_is_one_line_for_every_reader(tmp_path: Path, how):
    """info/replay/export gave 19-44 tracebacks per 119-150 damaged-metadata variants."""
    good = _import(tmp_path, HOST_618 / "trace.txt.gz")
    bad = tmp_path / "bad.parquet"
    _damage_metadata(good, bad, how)
    for cmd in (("info", bad), ("info", bad, "--json"), ("replay", bad, "-q"), ("export", bad, "-o", tmp_path / "x.pftrace")):
        assert_clean_failure(cli(*cmd), mentions="damaged tmigr_trace metadata")
    assert not (tmp_path / "x.pftrace").exists()


def test_metadata_digest_reports_a_changed_value(tmp_path: Path):
    """A flipped digit in the JSON is still valid JSON: the digest written beside it tells (a
    warning, not a refusal: metadata edited on purpose with pyarrow looks the same)."""
    good = _import(tmp_path, HOST_618 / "trace.txt.gz")
    data = bytearray(good.read_bytes())
    at = data.find(b'"malformed_lines": 0')
    data[at + len('"malformed_lines": ')] = ord("7")
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(bytes(data))
    proc = cli("info", bad, "--json")
    assert proc.returncode == 0 and json.loads(proc.stdout)["malformed_lines"] == 7
    assert proc.stderr.strip().splitlines() == [
        f"tmigr-trace: warning: {bad}: the tmigr_trace metadata differs from the digest written with it (edited or damaged since)"]


def test_damaged_dictionary_page_header_is_refused_not_read_as_other_values(tmp_path: Path):
    """The page checksums do not cover the page headers: a flipped bit in the value count of the
    `comm` dictionary page read as an empty dictionary, and the column as other values with no
    error (found by benchmarks/fuzz.py). Every bit of that header flipped in turn (hand-made
    damage): each copy is refused with one line, or reads back as the undamaged file."""
    from tmigr_trace.errors import TmigrError
    from tmigr_trace.info import summarize

    src = tmp_path / "head.txt"
    src.write_bytes(b"".join(host_text().splitlines(keepends=True)[:400]))
    good = _import(tmp_path, src)
    ref = tmigr_trace.load(good).table
    chunk = pq.ParquetFile(good).metadata.row_group(0).column(ref.schema.get_field_index("comm"))
    assert chunk.has_dictionary_page
    start = chunk.dictionary_page_offset
    outcomes = {"refused": 0, "same": 0, "shorter dictionary refused": 0}
    for at in range(start, start + 24):  # the Thrift PageHeader and DictionaryPageHeader
        for bit in range(8):
            data = bytearray(good.read_bytes())
            data[at] ^= 1 << bit
            bad = tmp_path / "bad.parquet"
            bad.write_bytes(bytes(data))
            try:
                trace = tmigr_trace.load(bad)
                summarize(trace)
                table = trace.table
            except TmigrError as exc:
                assert "\n" not in str(exc)
                outcomes["refused"] += 1
                outcomes["shorter dictionary refused"] += "Dictionary indices invalid" in str(exc)
                continue
            assert table.equals(ref), f"byte {at - start} of the dictionary page, bit {bit}: other values"
            outcomes["same"] += 1
    assert outcomes["shorter dictionary refused"] > 0, outcomes


def test_damaged_data_page_is_one_line(tmp_path: Path):
    """OSError: ZSTD decompression failed, and silently wrong values: pages carry checksums now."""
    good = _import(tmp_path, HOST_618 / "trace.txt.gz")
    data = bytearray(good.read_bytes())
    for at in range(200, len(data) // 2, 997):
        data[at] ^= 0x5A  # hand-made damage spread over the data pages
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(bytes(data))
    for cmd in (("info", bad), ("replay", bad, "-q"), ("export", bad, "-o", tmp_path / "x.pftrace")):
        proc = cli(*cmd)
        assert_clean_failure(proc, mentions=str(bad))
        assert "damaged Parquet data" in proc.stderr or "not a readable Parquet file" in proc.stderr


# -- outputs ------------------------------------------------------------------------------------

@pytest.mark.parametrize("cmd", ["import", "replay", "export"])
def test_unwritable_output_is_one_line_exit_2(tmp_path: Path, cmd: str):
    """Traceback and exit 1 (for replay: "divergences found")."""
    trace = _import(tmp_path, HOST_618 / "trace.txt.gz")
    out = "/proc/tmigr-trace-test.out"  # even root cannot create a file in /proc
    args = {"import": ("import", HOST_618 / "trace.txt.gz", "-o", out),
            "replay": ("replay", trace, "-q", "-o", out),
            "export": ("export", trace, "-o", out)}[cmd]
    assert_clean_failure(cli(*args), mentions="cannot write the output")


@pytest.fixture
def tiny_fs(tmp_path: Path):
    """A 64 KiB tmpfs (root only): a full disk for real."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    d = tmp_path / "full"
    d.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(d)]).returncode != 0:
        pytest.skip("mount -t tmpfs failed here")
    yield d
    subprocess.run(["umount", str(d)])


def test_full_disk_is_one_line_and_leaves_nothing(tmp_path: Path, tiny_fs: Path):
    big = FIXTURES / "lab" / "lab-7.3.4+deb13-64cpu-4node-smt2-late-nodes.tar.gz"  # ~ 1 MB of Parquet
    proc = cli("import", big, "-o", tiny_fs / "o.parquet")
    assert_clean_failure(proc, mentions="No space left on device")
    assert list(tiny_fs.iterdir()) == []


def test_a_second_writer_of_the_same_output_is_refused(tmp_path: Path):
    out = tmp_path / "o.parquet"
    lock = OutputLock(out)
    try:
        assert_clean_failure(cli("import", HOST_618 / "trace.txt.gz", "-o", out),
                             mentions=f"another tmigr-trace (pid {os.getpid()}) is writing this output")
    finally:
        lock.release()
    assert not out.exists() and leftovers(tmp_path) == []


def test_two_concurrent_writers_exactly_one_wins(tmp_path: Path):
    """Two writers to one new output path both exited 0."""
    src = tmp_path / "big.txt"
    src.write_bytes(host_text() * 10)
    out = tmp_path / "o.parquet"
    env = {**os.environ, "COLUMNS": "200"}
    procs = [subprocess.Popen([sys.executable, "-m", "tmigr_trace", "import", src, "-o", out], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(300), p.stderr.read()) for p in procs]
    assert sorted(rc for rc, _ in results) == [0, 2], results
    loser = next(err for rc, err in results if rc == 2)
    assert "another tmigr-trace" in loser or "output exists" in loser
    assert tmigr_trace.load(out).num_events > 0 and leftovers(tmp_path) == []


def _run_until(args: list, marker, timeout: float = 120) -> subprocess.Popen:
    """Start a command and return once ``marker()`` is true (the command is mid-way)."""
    p = subprocess.Popen([sys.executable, "-m", "tmigr_trace", *map(str, args)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    end = time.monotonic() + timeout
    while not marker() and p.poll() is None and time.monotonic() < end:
        time.sleep(0.005)
    return p


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGKILL],
                         ids=lambda s: signal.Signals(s).name)
def test_signal_during_import_leaves_nothing(tmp_path: Path, private_state, sig):
    """SIGKILL, SIGTERM and SIGHUP during import left .NAME.partial-PID files and 0.3-0.7 GB
    extraction directories. Catchable signals: removed at once; SIGKILL: by the next command."""
    state, tmpdir = private_state
    big = tmp_path / "big.tar"
    # a capture made larger (its raw buffers repeated) so that the import takes a while
    with tarfile.open(LAB_LATE) as good, tarfile.open(big, "w") as out:
        for m in good.getmembers():
            data = good.extractfile(m).read() if m.isreg() else None
            if data is not None and m.name.endswith("/raw"):
                data = data * 40
                m.size = len(data)
            out.addfile(m, io.BytesIO(data) if data is not None else None)
    out = tmp_path / "o.parquet"
    p = _run_until(["import", big, "-o", out],
                   lambda: any(tmp_path.glob(".o.parquet.partial-*")) and any(tmpdir.glob("tmigr-import-*")))
    assert p.poll() is None, p.stderr.read()
    p.send_signal(sig)
    rc = p.wait(120)
    err = p.stderr.read()
    assert not out.exists()
    if sig == signal.SIGKILL:
        assert rc == -signal.SIGKILL
        assert leftovers(tmp_path, tmpdir), "SIGKILL left nothing: the test did not hit the window"
        cli("info", _import(tmp_path, HOST_618 / "trace.txt.gz"))  # the next command, of any kind
    else:
        assert rc == 128 + sig, err
        assert err.strip().splitlines() == [f"tmigr-trace: error: interrupted ({signal.Signals(sig).name})"], err
    assert leftovers(tmp_path, tmpdir) == []
    assert not list(state.glob("*.json"))


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=lambda s: signal.Signals(s).name)
def test_signal_during_export_leaves_nothing(tmp_path: Path, private_state, sig):
    trace = _import(tmp_path, HOST_618 / "trace.txt.gz")
    out = tmp_path / "x.pftrace"
    p = _run_until(["export", trace, "-o", out, "--replay"], lambda: any(tmp_path.glob(".x.pftrace.*")))
    if p.poll() is not None:
        pytest.skip("export finished before the signal")  # the machine gave no window (never seen)
    p.send_signal(sig)
    p.wait(120)
    if sig == signal.SIGKILL:
        cli("info", trace)
    assert not out.exists() and leftovers(tmp_path) == []


def test_stale_partial_of_a_dead_pid_is_removed_beside_the_next_output(tmp_path: Path):
    """A partial from before this version (no record): removed when the same output is written."""
    dead = subprocess.Popen(["true"])
    dead.wait()
    out = tmp_path / "o.parquet"
    stale = tmp_path / f".o.parquet.partial-{dead.pid}"
    stale.write_bytes(b"PAR1 half")
    assert cli("import", HOST_618 / "trace.txt.gz", "-o", out).returncode == 0
    assert not stale.exists() and out.exists()
