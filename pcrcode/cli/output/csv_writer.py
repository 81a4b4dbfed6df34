"""Every ``--format csv`` goes through here, to the one CSV writer
(:mod:`pcrcode.exchange.csv_format`, which ``export csv`` uses too).

Lists are joined by ``;``, booleans are ``true``/``false``, a missing value is empty. CSV cannot
escape a control character: it is written raw into a file or a pipe (it is data), and made
visible (``\\x1b``) when written to a terminal.

With ``pcrcode --csv-safe`` (or ``PCRCODE_CSV_SAFE=1``), a text cell that a spreadsheet would
run as a formula (it begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, as
OWASP's "CSV injection" guidance lists) is written with a ``'`` before it. Numbers stay numbers
(-3 is not text); by default nothing changes, since R and pandas read the data as it is.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, TextIO

from pcrcode.cli.output.rows import visible
from pcrcode.exchange.csv_format import spreadsheet_text, write_rows

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
    count = [0]
    write_rows(out, _lines(rows, keys, out.isatty(), formulas_neutralised(), count))
    return count[0]


def _lines(
    rows: Iterable[Mapping[str, Any]], keys: Sequence[str], tty: bool, safe: bool, count: list[int]
) -> Iterator[Sequence[Any]]:
    yield keys
    for row in rows:
        count[0] += 1
        values = [row.get(key) for key in keys]
        # Rows of text and numbers (100,000 codings) go straight to the writer: a call per
        # cell was most of the time of `pcrcode codings --format csv`.
        if tty or safe or not _PLAIN.issuperset(map(type, values)):
            values = [value(v) for v in values]
            values = [_shown(v, tty, safe) if isinstance(v, str) else v for v in values]
        elif None in values:
            values = ["" if v is None else v for v in values]
        yield values


def _shown(cell: str, tty: bool, safe: bool) -> str:
    if safe:
        cell = spreadsheet_text(cell)
    return visible(cell) if tty else cell


def csv_text(rows: Iterable[Mapping[str, Any]], keys: Sequence[str]) -> str:
    """What :func:`write_csv` writes into a file, as text."""
    buffer = io.StringIO()
    write_csv(rows, keys, buffer)
    return buffer.getvalue()
