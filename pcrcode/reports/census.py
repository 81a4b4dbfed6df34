"""The census table: structures of the registry by domaine and statut category, with the number
interviewed, laid out like the synthesis' table (rows and columns from the registry's ``census:``
block when there is one, else domaine x categorie)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

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


def census(corpus: Corpus) -> CensusTable:
    declared = corpus.project.registry.census
    row_name = declared.rows if declared else "domaine"
    col_name = declared.columns if declared else "categorie"
    if col_name not in corpus.codebook.attributes and col_name == "categorie":
        col_name = "statut"  # a codebook without the derived category
    rows = resolve_axis(corpus, row_name)
    cols = resolve_axis(corpus, col_name)
    everything = crosstab(corpus, rows, cols)
    # Attribute x attribute counts use only the structures: keep the interviewed ones.
    interviewed = replace(corpus, structures=tuple(s for s in corpus.structures if s.interviewed))
    seen = crosstab(interviewed, rows, cols)
    table = CensusTable(everything, seen)
    if declared is not None and not corpus.filters:
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
