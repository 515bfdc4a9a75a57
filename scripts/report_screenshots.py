"""Regenerate docs/img/report-6.12-vs-7.3.png and docs/img/report-plots.png (the README's report
screenshots) from the lab fixtures tests/test_report.py uses, in Debian's headless Chromium.

    python3 scripts/report_screenshots.py [--out docs/img]

The report is `tmigr-trace report --baseline (3 Debian 6.12 captures) --candidate (4 Debian 7.3.4
captures) --fail-on 'divergences>0,lateness_p99>+20%,handoffs_per_s>+50%'`; the top of the page
is one picture, the first plots (migrator timelines, lateness) the other: the same report.html
cut down to those figures, with the report's own stylesheet.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from test_report import BASELINE, CANDIDATE, GATE  # noqa: E402  (the test's own captures)

WIDTH = 1300


def chromium(page: Path, shot: Path, height: int) -> None:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        sys.exit("chromium is not installed (apt-get install chromium fonts-liberation)")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={profile}", f"--window-size={WIDTH},{height}", f"--screenshot={shot}",
                        page.as_uri()], check=True, capture_output=True, timeout=180)
    if not shot.exists():
        sys.exit(f"chromium wrote no {shot}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sides = {}
        for side, srcs in (("baseline", BASELINE), ("candidate", CANDIDATE)):
            sides[side] = []
            for src in srcs:
                dst = work / side / (src.name.removesuffix(".tar.gz") + ".parquet")
                dst.parent.mkdir(exist_ok=True)
                subprocess.run(["tmigr-trace", "import", str(src), "-o", str(dst), "-q"], check=True)
                sides[side].append(str(dst))
        rep = work / "report"
        p = subprocess.run(["tmigr-trace", "report", "--baseline", *sides["baseline"], "--candidate",
                            *sides["candidate"], "-o", str(rep), "--fail-on", GATE, "-q"], capture_output=True, text=True)
        if p.returncode not in (0, 1):
            sys.exit(p.stderr)
        page = rep / "report.html"
        chromium(page, a.out / "report-6.12-vs-7.3.png", 1250)
        text = page.read_text()
        head = text[: text.index("<body>") + len("<body>")]
        figs = re.findall(r'<figure id="fig-(?:timeline-baseline|timeline-candidate|lateness)">.*?</figure>', text, re.S)
        plots = work / "plots.html"
        plots.write_text(head + "".join(figs) + "</body></html>")
        chromium(plots, a.out / "report-plots.png", 820)
    print(f"wrote {a.out / 'report-6.12-vs-7.3.png'}, {a.out / 'report-plots.png'}")


if __name__ == "__main__":
    main()
