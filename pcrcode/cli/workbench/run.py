"""Opening the workbench from ``pcrcode code``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def run_workbench(
    root: Path,
    interview: str,
    coder: str,
    *,
    start: int = 1,
    compare: str | None = None,
    into: str | None = None,
    skip_speakers: Sequence[str] = (),
) -> None:
    """Load the state (errors surface before the screen changes), then run the app."""
    from pcrcode.cli.workbench.app import WorkbenchApp
    from pcrcode.coding.workbench_state import Workbench

    bench = Workbench(
        root,
        interview,
        coder,
        compare=compare,
        into=into,
        skip_speakers=skip_speakers,
        start=start,
    )
    WorkbenchApp(bench).run()
