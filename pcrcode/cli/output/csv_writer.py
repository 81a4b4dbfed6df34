"""The one CSV writer: every ``--format csv`` goes through here.

Lists are joined by ``;``, booleans are ``true``/``false``, a missing value is empty. CSV cannot
escape a control character: it is written raw into a file or a pipe (it is data), and made
visible (``\\x1b``) when written to a terminal.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

from pcrcode.cli.output.rows import visible

_PLAIN = frozenset((str, int, float, type(None)))


def value(cell: Any) -> Any:
    """A record's value as a CSV cell."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, list | tuple):
        return ";".join(str(v) for v in cell)
    return cell


def write_csv(
    rows: Iterable[Mapping[str, Any]], keys: Sequence[str], out: TextIO | None = None
) -> int:
    """Write a header of ``keys``, then one line per row (to stdout by default); returns how
    many rows there were."""
    out = sys.stdout if out is None else out
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(keys)
    tty = out.isatty()
    count = 0
    for row in rows:
        count += 1
        values = [row.get(key) for key in keys]
        # Rows of text and numbers (100,000 codings) go straight to the writer: a call per
        # cell was most of the time of `pcrcode codings --format csv`.
        if tty or not _PLAIN.issuperset(map(type, values)):
            values = [value(v) for v in values]
            writer.writerow([visible(v) if tty and isinstance(v, str) else v for v in values])
        elif None in values:
            writer.writerow(["" if v is None else v for v in values])
        else:
            writer.writerow(values)
    return count


def csv_text(rows: Iterable[Mapping[str, Any]], keys: Sequence[str]) -> str:
    """What :func:`write_csv` writes into a file, as text."""
    buffer = io.StringIO()
    write_csv(rows, keys, buffer)
    return buffer.getvalue()
