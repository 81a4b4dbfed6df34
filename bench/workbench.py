"""Benchmark the coding workbench through Textual's pilot (headless), on a generated project.

    python bench/workbench.py [bench/out/p1000]

Generates the 1,000-interview project of bench/generate.py when the folder is missing, makes one
of its interviews 200 turns long (its first turns, then copies of them: its codings stay valid),
then times, in-process and best of five:

- open: loading the state and showing the first screen of the 200-turn interview
  (``Workbench(...)`` then ``App.run_test()`` until the first screen is drawn);
- apply: selecting a sentence and applying a code from the command bar, saved on disk and the
  screen redrawn (from the Enter key to the message shown);
- undo: ctrl+z, the coding file rewritten;
- key j: moving to the next turn, the pilot's floor for any key (its press waits for a redraw);
- state apply+undo: the same apply and undo on the state alone, without Textual.

Targets (issue 19): open < 0.5 s, apply < 100 ms. Results go to bench/NOTES.md by hand.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pcrcode.cli.workbench.app import WorkbenchApp  # noqa: E402
from pcrcode.coding.workbench_state import Workbench  # noqa: E402

TURNS = 200
RUNS = 5


def long_interview(root: Path) -> str:
    """The first interview, its turns repeated up to ``TURNS``; returns its id."""
    path = sorted((root / "interviews").glob("*.md"))[0]
    text = path.read_text(encoding="utf-8")
    turns = re.findall(r"^\*\*[^*]+:\*\* .*$", text, flags=re.M)
    extra = [turns[i % len(turns)] for i in range(max(0, TURNS - len(turns)))]
    if len(turns) < TURNS:
        path.write_text(text.rstrip("\n") + "\n\n" + "\n\n".join(extra) + "\n", encoding="utf-8")
    return path.stem


async def once(root: Path, interview: str, coder: str) -> tuple[float, ...]:
    t0 = time.perf_counter()
    bench = Workbench(root, interview, coder, start=2)
    app = WorkbenchApp(bench)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        opened = time.perf_counter() - t0
        code = next(c.id for c in bench.codebook.codes.values() if c.codable)
        t3 = time.perf_counter()
        await pilot.press("j")  # the pilot's own cost of a key and a redraw
        moved = time.perf_counter() - t3
        t4 = time.perf_counter()
        bench.select("sentence")
        bench.command(code)  # the state alone: resolve, lock, write, remember the text
        bench.undo()
        state = time.perf_counter() - t4
        await pilot.press("s", "colon", *code)
        t1 = time.perf_counter()
        await pilot.press("enter")
        applied = time.perf_counter() - t1
        assert app.message.startswith("+ "), app.message
        t2 = time.perf_counter()
        await pilot.press("ctrl+z")
        undone = time.perf_counter() - t2
        assert app.message.startswith("undone"), app.message
    return opened, applied, undone, moved, state


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "bench" / "out" / "p1000"
    if not root.exists():
        subprocess.run(
            [sys.executable, str(REPO / "bench" / "generate.py"), "-n", "1000", str(root)],
            check=True,
        )
    interview = long_interview(root)
    results = [asyncio.run(once(root, interview, "benchmark")) for _ in range(RUNS)]
    load = os.getloadavg()
    print(
        f"{len(list((root / 'interviews').iterdir()))} interviews; {TURNS}-turn interview "
        f"'{interview}'; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    rows = (("open", 0), ("apply", 1), ("undo", 2), ("key j", 3), ("state apply+undo", 4))
    for name, k in rows:
        times = sorted(r[k] * 1000 for r in results)
        print(f"{name:16} best {times[0]:7.1f} ms   median {times[len(times) // 2]:7.1f} ms")


if __name__ == "__main__":
    main()
