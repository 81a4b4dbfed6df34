"""The one broken-pipe rule: when the reader of our output leaves (``pcrcode codings | head``),
stop quietly with exit code 0, as the reader has what it wanted.

Rich would exit 1 (which fails shell pipelines under ``set -o pipefail``), and output still
buffered, flushed at exit into the closed pipe, would fail the process with exit code 120: what
is left goes to ``/dev/null`` instead.
"""

from __future__ import annotations

import os
from typing import TextIO


def reader_left(stream: TextIO) -> None:
    """Point ``stream``'s file descriptor at ``/dev/null`` (nothing to do when it has none:
    an in-memory stream, or one already closed)."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)
