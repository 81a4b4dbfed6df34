"""The one way pcrcode writes CSV, for the command line's ``--format csv`` and for ``export
csv``'s files alike: Python's csv writer, one row a line, with two corrections.

- Python's csv writer (3.11) leaves a cell holding a carriage return unquoted, where R, pandas
  and Python's own reader end the row: such rows are written with their text quoted.
- On request, a text cell that a spreadsheet (Excel, LibreOffice, Google Sheets) would run as a
  formula is written as text (:func:`spreadsheet_text`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

# What makes a spreadsheet run a cell as a formula, after OWASP's "CSV injection" guidance: a
# transcript or a memo quoted in a cell can begin so.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(cell: str) -> str:
    """A text cell as a spreadsheet shows it as text rather than running it: ``'=1+1`` for
    ``=1+1``; any other text as it is. Only for text: a number (-3) stays a number."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


CHUNK = 256  # rows formatted at a time: one search for a carriage return per chunk


def write_rows(out: TextIO, rows: Iterable[Sequence[Any]]) -> None:
    """Write ``rows`` (the header is a row like the others) as CSV lines to ``out``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    pending: list[Sequence[Any]] = []
    for row in rows:
        writer.writerow(row)
        pending.append(row)
        if len(pending) == CHUNK:
            _flush(buffer, pending, out)
    _flush(buffer, pending, out)


def _flush(buffer: io.StringIO, pending: list[Sequence[Any]], out: TextIO) -> None:
    text = buffer.getvalue()
    if "\r" in text:  # rare: those rows again, their text quoted
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
