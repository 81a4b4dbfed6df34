"""The one CSV writer: every ``--format csv`` goes through here.

Lists are joined by ``;``, booleans are ``true``/``false``, a missing value is empty. CSV cannot
escape a control character: it is written raw into a file or a pipe (it is data), and made
visible (``\\x1b``) when written to a terminal.

With ``pcrcode --csv-safe`` (or ``PCRCODE_CSV_SAFE=1``), a text cell that a spreadsheet would
run as a formula (it begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, as
OWASP's "CSV injection" guidance lists) is written with a ``'`` before it. Numbers stay numbers
(-3 is not text); by default nothing changes, since R and pandas read the data as it is.
"""

from __future__ import annotations

import csv
import io
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

from pcrcode.cli.output.rows import visible

_PLAIN = frozenset((str, int, float, type(None)))

CSV_SAFE_ENV = "PCRCODE_CSV_SAFE"  # set by `pcrcode --csv-safe`, or by a script


def formulas_neutralised() -> bool:
    """Whether text cells that a spreadsheet would run as formulas are written as text."""
    return os.environ.get(CSV_SAFE_ENV, "").strip().lower() not in ("", "0", "false", "no")


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
    csv.writer(out, lineterminator="\n").writerow(keys)
    tty = out.isatty()
    safe = formulas_neutralised()
    # Rows are written a chunk at a time, through a buffer, so that a carriage return inside a
    # cell is found with one search per chunk (see _flush).
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    pending: list[list[Any]] = []
    count = 0
    for row in rows:
        count += 1
        values = [row.get(key) for key in keys]
        # Rows of text and numbers (100,000 codings) go straight to the writer: a call per
        # cell was most of the time of `pcrcode codings --format csv`.
        if tty or safe or not _PLAIN.issuperset(map(type, values)):
            values = [value(v) for v in values]
            values = [_shown(v, tty, safe) if isinstance(v, str) else v for v in values]
        elif None in values:
            values = ["" if v is None else v for v in values]
        writer.writerow(values)
        pending.append(values)
        if len(pending) == _CHUNK:
            _flush(buffer, pending, out)
    _flush(buffer, pending, out)
    return count


_CHUNK = 256


def _flush(buffer: io.StringIO, pending: list[list[Any]], out: TextIO) -> None:
    """Write the rows of ``buffer`` out. Python's csv writer (3.11) leaves a cell holding a
    carriage return unquoted, where R, pandas and Python's own reader end the row: such rows
    are written again with their text quoted."""
    text = buffer.getvalue()
    if "\r" in text:
        again = io.StringIO()
        plain = csv.writer(again, lineterminator="\n")
        quoted = csv.writer(again, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
        for values in pending:
            cr = any(isinstance(v, str) and "\r" in v for v in values)
            (quoted if cr else plain).writerow(values)
        text = again.getvalue()
    out.write(text)
    buffer.seek(0)
    buffer.truncate()
    pending.clear()


def _shown(cell: str, tty: bool, safe: bool) -> str:
    if safe:
        from pcrcode.exchange.csv_tables import spreadsheet_text

        cell = spreadsheet_text(cell)
    return visible(cell) if tty else cell


def csv_text(rows: Iterable[Mapping[str, Any]], keys: Sequence[str]) -> str:
    """What :func:`write_csv` writes into a file, as text."""
    buffer = io.StringIO()
    write_csv(rows, keys, buffer)
    return buffer.getvalue()
