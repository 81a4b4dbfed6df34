"""The census table: cases of the registry by two attributes, with the number interviewed, laid
out like a publication's table. The rows and columns are the ones asked, else the registry's
``census:`` block's, else the codebook's first two category attributes; the declared totals are
checked when the table has the census block's axes."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from pcrcode.errors import UsageError
from pcrcode.reports.axes import resolve_axis
from pcrcode.reports.corpus import Corpus
from pcrcode.reports.crosstab import Crosstab, crosstab


@dataclass(frozen=True)
class CensusTable:
    all: Crosstab  # every structure
    interviewed: Crosstab  # the interviewed ones, same axes
    mismatches: tuple[str, ...] = ()  # cells where the declared census disagrees

    @property
    def rows(self) -> list[str]:
        return self.all.row_ids()

    @property
    def cols(self) -> list[str]:
        return self.all.col_ids()

    def records(self) -> list[dict[str, Any]]:
        """One record per cell, margins included: row, row_label, col, col_label, total,
        interviewed."""
        return [
            {
                "row": r,
                "row_label": self.all.label(self.all.rows, r),
                "col": c,
                "col_label": self.all.label(self.all.cols, c),
                "total": self.all.get(r, c),
                "interviewed": self.interviewed.get(r, c),
            }
            for r in self.rows
            for c in self.cols
        ]


def census_axes(
    corpus: Corpus, rows: str | None = None, cols: str | None = None
) -> tuple[str, str]:
    """The census' row and column attributes (see the module's docstring)."""
    declared = corpus.project.registry.census
    categories = [a.id for a in corpus.codebook.attributes.values() if a.values]
    # A grouping (a derived attribute) reads better as columns than the values it groups.
    plain = [a for a in categories if corpus.codebook.attributes[a].derived_from is None]
    grouped = [a for a in categories if a not in plain]
    row_name = rows or (declared.rows if declared else (plain[1:2] or plain[:1] or [""])[0])
    col_name = cols or (declared.columns if declared else (grouped or plain[:1] or [""])[0])
    if not row_name or not col_name or row_name == col_name:
        raise UsageError(
            "the census needs two attributes: name them, or declare them in structures.yaml's "
            "census: block or synthesis.yaml",
            about="census_attributes",
        )
    return row_name, col_name


def census(corpus: Corpus, row_name: str | None = None, col_name: str | None = None) -> CensusTable:
    declared = corpus.project.registry.census
    row_name, col_name = census_axes(corpus, row_name, col_name)
    rows = resolve_axis(corpus, row_name)
    cols = resolve_axis(corpus, col_name)
    everything = crosstab(corpus, rows, cols)
    # Attribute x attribute counts use only the structures: keep the interviewed ones.
    interviewed = replace(corpus, structures=tuple(s for s in corpus.structures if s.interviewed))
    seen = crosstab(interviewed, rows, cols)
    table = CensusTable(everything, seen)
    same = declared is not None and (declared.rows, declared.columns) == (row_name, col_name)
    if declared is not None and same and not corpus.filters:
        table = CensusTable(everything, seen, tuple(_mismatches(table, declared.cells)))
    return table


def _mismatches(table: CensusTable, cells: Any) -> list[str]:
    found = []
    for row, cols in cells.items():
        for col, (total, interviewed) in cols.items():
            have = (table.all.get(row, col), table.interviewed.get(row, col))
            if have[0] != total or (interviewed is not None and have[1] != interviewed):
                found.append(f"{row} x {col}")
    return found
