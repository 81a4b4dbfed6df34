"""Time `pcrcode import transcript` on a folder of 100 transcripts of 200 turns (the issue's
target: under 10 s), as one whole process, like a researcher's shell calls it.

    python bench/import_transcripts.py              # 100 files x 200 turns, 3 runs
    python bench/import_transcripts.py --files 300 --turns 200 --runs 1

The transcripts are plain "Speaker: text" files with the variants real ones have (lower-case
labels, "Interviewer1" and "Interviewer 1", inline [HH:MM:SS] stamps, continuation paragraphs),
generated with a fixed seed into a temporary copy of tests/data/small. Prints the wall time of
each run and the median; each run imports into a fresh copy (import never overwrites).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = [
    "alors",
    "on",
    "a",
    "commencé",
    "avec",
    "deux",
    "personnes",
    "puis",
    "le",
    "local",
    "est",
    "venu",
    "et",
    "les",
    "partenaires",
    "du",
    "quartier",
    "nous",
    "ont",
    "aidés",
    "pour",
    "les",
    "vélos",
    "la",
    "cuisine",
    "les",
    "jardins",
    "le",
    "camion",
    "partagé",
]


def transcript(rng: random.Random, turns: int) -> str:
    lines: list[str] = []
    for n in range(turns):
        asks = n % 2 == 0
        label = (
            rng.choice(["Interviewer 1", "Interviewer1", "interviewer 1"])
            if asks
            else "Interviewee"
        )
        stamp = f"[{n // 60:02d}:{n % 60:02d}:00] " if n % 5 == 0 else ""
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 60)))
        lines.append(f"{label}: {stamp}{words.capitalize()}.")
        if not asks and rng.random() < 0.3:
            lines.append(" ".join(rng.choice(WORDS) for _ in range(30)).capitalize() + ".")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    pcrcode = Path(sys.executable).parent / "pcrcode"
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="pcrcode-import-bench-") as tmp:
        sources = Path(tmp) / "sources"
        sources.mkdir()
        for i in range(args.files):
            (sources / f"velo-{i:03d}.txt").write_text(
                transcript(rng, args.turns), encoding="utf-8"
            )
        times = []
        for run in range(args.runs):
            project = Path(tmp) / f"project-{run}"
            shutil.copytree(ROOT / "tests" / "data" / "small", project)
            start = time.perf_counter()
            done = subprocess.run(
                [
                    *(str(pcrcode), "--project", str(project), "import", "transcript"),
                    *(str(sources), "--structure-from-name"),
                ],
                capture_output=True,
                text=True,
                env={**os.environ, "NO_COLOR": "1"},
                check=False,
            )
            times.append(time.perf_counter() - start)
            if done.returncode != 0:
                sys.exit(f"import failed ({done.returncode}): {done.stderr[-500:]}")
            imported = len(list((project / "interviews").glob("velo-*.md")))
            print(f"run {run + 1}: {times[-1]:.2f} s, {imported} interviews")
        print(
            f"{args.files} files x {args.turns} turns: median {statistics.median(times):.2f} s "
            f"(min {min(times):.2f}, max {max(times):.2f}); load average {os.getloadavg()[0]:.1f}"
        )


if __name__ == "__main__":
    main()
