"""Long text for a person goes through their pager; text for a pipe or a file never does."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


def at_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


@contextmanager
def paged(out: Console) -> Iterator[None]:
    """Print inside this through ``$PAGER`` (``less`` by default, Python's own pager without it)
    when a person reads a terminal; as is otherwise."""
    if not at_terminal():
        yield
        return
    # less: colours kept (R), no pager for one screen (F), the text left on screen (X)
    os.environ.setdefault("LESS", "FRX")
    with out.pager(styles=True):
        yield
