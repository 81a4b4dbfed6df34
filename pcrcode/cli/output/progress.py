"""A progress bar on stderr for work that takes more than a second (the first indexing of a
large project, an import or an export).

The core reports progress through a plain ``progress(done, total)`` callback and never prints;
this is the terminal side. Nothing is drawn when stderr is not a terminal (pipes, CI, tests),
nor before a second has passed, so quick commands and machine-read output stay clean. It draws
with plain writes, without importing Rich: a command that needs no table stays fast to start.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

DELAY = 1.0  # seconds before the bar appears
REFRESH = 0.1  # seconds between redraws
WIDTH = 30


class ProgressBar:
    """A callable ``progress(done, total)`` that draws ``label ━━━━━──── 512/1,000``."""

    def __init__(
        self, label: str, unit: str = "files", stream: TextIO | None = None, delay: float = DELAY
    ) -> None:
        self.label = label
        self.unit = unit
        self.stream = stream if stream is not None else sys.stderr
        self.delay = delay
        self.started = time.monotonic()
        self.drawn_at = 0.0
        self.shown = False
        try:
            self.enabled = self.stream.isatty()
        except (AttributeError, ValueError):
            self.enabled = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.started < self.delay:
            return
        if self.shown and now - self.drawn_at < REFRESH and done < total:
            return
        self.drawn_at = now
        self.shown = True
        self.stream.write("\r" + bar_text(self.label, done, total, self.unit) + "\x1b[K")
        self.stream.flush()

    def close(self) -> None:
        """Erase the bar (the command's own messages follow on a clean line)."""
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False


def bar_text(label: str, done: int, total: int, unit: str = "files") -> str:
    total = max(total, 0)
    share = done / total if total else 1.0
    filled = round(WIDTH * min(max(share, 0.0), 1.0))
    return f"{label} {'━' * filled}{'─' * (WIDTH - filled)} {done:,}/{total:,} {unit}"


@contextmanager
def progress_bar(label: str, unit: str = "files") -> Iterator[ProgressBar]:
    """``with progress_bar("reading the project") as bar: load_project(root, progress=bar)``"""
    bar = ProgressBar(label, unit)
    try:
        yield bar
    finally:
        bar.close()
