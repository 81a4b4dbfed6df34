"""Time every report on the example project at the repository root (issue 3: each under 300 ms).

    python bench/example.py            # prints a Markdown table and writes bench/EXAMPLE.md

Whole processes, as bench/run.py measures them (same spawn and wait4), warm cache (a researcher
re-running a report), median of --runs runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # bench/run.py, beside this file
from measure import measure  # bench/measure.py

ROOT = Path(__file__).resolve().parent.parent
REPORTS = [
    ["report"],
    ["profile"],
    ["profile", "terre-et-paille"],
    ["crosstab", "statut", "logique"],
    ["census"],
    ["retrieve", "objet/achat-vente AND logique/professionnelle"],
    ["cooccurrence"],
    ["frequencies"],
    ["agreement"],
    ["findings"],
    ["findings", "--explain", "pas-de-mutualisation-de-personnels"],
]
TARGET_MS = 300


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    exe = str(run.pcrcode_exe())
    lines = [
        "# Reports on the example project",
        "",
        f"Written by `python bench/example.py` on {dt.datetime.now():%Y-%m-%d %H:%M}, "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}: "
        f"whole processes, warm cache, median of {args.runs} runs. Target: {TARGET_MS} ms.",
        "",
        "| command | median ms | min ms | max ms | peak MB | |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for words in REPORTS:
        argv = [exe, *words]
        timing = measure(argv, ROOT, args.runs, before=argv)
        if timing.error:
            lines.append(f"| `pcrcode {' '.join(words)}` | {timing.error} | | | | |")
            continue
        ms = [t * 1000 for t in timing.times]
        verdict = "met" if timing.median * 1000 <= TARGET_MS else "**not met**"
        lines.append(
            f"| `pcrcode {' '.join(words)}` | {timing.median * 1000:.0f} | "
            f"{min(ms):.0f} | {max(ms):.0f} | {timing.peak_mb:.0f} | {verdict} |"
        )
    text = "\n".join(lines) + "\n"
    (ROOT / "bench" / "EXAMPLE.md").write_text(text, encoding="utf-8")
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
