"""The cross-tabulation engine: one function used by ``crosstab``, ``census``, ``cooccurrence``
and the synthesis report.

What is counted (``count``):

- ``structures`` (default): a structure counts once in a cell, however many segments put it
  there. With two structure axes every structure of the registry counts (kept by ``--where``).
- ``interviews``: the same, interview by interview.
- ``segments``: coded segments (turns carrying at least one selected code).

With a code axis, a unit is in cell (r, c) when one of its coded segments falls into r and c:
codes of two families cross *within a segment* (a structure is in logique/professionnelle x
portee/intra-sectorielle when one of its segments carries both). A unit can fall into several
cells of a row; the margins count *distinct* units (a structure with two logiques counts once in
the total), so cells may add up to more than their margin, and percentages are shares of units.
``percent`` row: cell / row margin; col: cell / column margin; total: cell / grand total.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from itertools import chain, repeat
from typing import Any

from pcrcode.choices import Count, Percent
from pcrcode.errors import UsageError
from pcrcode.reports.axes import STRUCTURE, Axis
from pcrcode.reports.corpus import Corpus

TOTAL = "total"
TOTAL_LABEL = "Total"


@dataclass(frozen=True)
class Crosstab:
    rows: Axis
    cols: Axis
    count: Count
    cells: Mapping[tuple[str, str], int]
    row_totals: Mapping[str, int]
    col_totals: Mapping[str, int]
    total: int
    percent: Percent | None = None

    def get(self, row: str, col: str) -> int:
        if row == TOTAL and col == TOTAL:
            return self.total
        if col == TOTAL:
            return self.row_totals.get(row, 0)
        if row == TOTAL:
            return self.col_totals.get(col, 0)
        return self.cells.get((row, col), 0)

    def share(self, row: str, col: str) -> float | None:
        """The cell as a percentage (one decimal) of its row, column or the total."""
        if self.percent is None:
            return None
        if self.percent == Percent.row:
            base = self.get(row, TOTAL)
        elif self.percent == Percent.col:
            base = self.get(TOTAL, col)
        else:
            base = self.total
        return round(100 * self.get(row, col) / base, 1) if base else None

    def row_ids(self, margins: bool = True) -> list[str]:
        return [c.id for c in self.rows.categories] + ([TOTAL] if margins else [])

    def col_ids(self, margins: bool = True) -> list[str]:
        return [c.id for c in self.cols.categories] + ([TOTAL] if margins else [])

    def label(self, axis: Axis, category: str) -> str:
        return TOTAL_LABEL if category == TOTAL else axis.label_of(category)

    def records(self, margins: bool = True) -> list[dict[str, Any]]:
        """One record per cell: row, row_label, col, col_label, count, percent."""
        return [
            {
                "row": r,
                "row_label": self.label(self.rows, r),
                "col": c,
                "col_label": self.label(self.cols, c),
                "count": self.get(r, c),
                "percent": self.share(r, c),
            }
            for r in self.row_ids(margins)
            for c in self.col_ids(margins)
        ]

    def max_cell(self) -> int:
        return max(self.cells.values(), default=0)


def crosstab(
    corpus: Corpus,
    rows: Axis,
    cols: Axis,
    count: Count = Count.structures,
    percent: Percent | None = None,
) -> Crosstab:
    # A plain string from a notebook is welcome when it is one of the choices.
    if count not in list(Count):
        raise UsageError(f"unknown count '{count}': use {', '.join(Count)}")
    if percent is not None and percent not in list(Percent):
        raise UsageError(f"unknown percentage '{percent}': use {', '.join(Percent)}")
    cells: Counter[tuple[str, str]] = Counter()
    row_totals: Counter[str] = Counter()
    col_totals: Counter[str] = Counter()
    total = 0
    for (structure, sets), n in _weighted_units(corpus, count, rows, cols):
        pairs = _pairs(rows, cols, structure, sets)
        if not pairs:
            continue
        total += n
        for key in pairs:
            cells[key] += n
        for r in {r for r, _ in pairs}:
            row_totals[r] += n
        for c in {c for _, c in pairs}:
            col_totals[c] += n
    return Crosstab(
        rows, cols, count, dict(cells), dict(row_totals), dict(col_totals), total, percent
    )


def _weighted_units(
    corpus: Corpus, count: Count, rows: Axis, cols: Axis
) -> Iterator[tuple[tuple[str | None, Collection[frozenset[str]]], int]]:
    """(structure id, the distinct sets of codes of the unit's coded segments) of the units,
    with how many times each occurs: a segment is a unit of its own, and segments with the
    same codes (of one structure, when an axis is the structures') give the same pairs, so
    they are counted together."""
    if count != Count.segments:
        for unit in _units(corpus, count):
            yield unit, 1
        return
    tallies = corpus.tallies.values()
    if STRUCTURE in (rows.kind, cols.kind):
        keys: Counter[tuple[str | None, frozenset[str]]] = Counter()
        for (structure, entry), n in Counter(
            chain.from_iterable(zip(repeat(structure), entries) for structure, entries in tallies)
        ).items():
            keys[(structure, entry[1])] += n
    else:  # two code axes: the structure plays no part
        keys = Counter()
        for entry, n in Counter(chain.from_iterable(entries for _, entries in tallies)).items():
            keys[(None, entry[1])] += n
    for (structure, codes), n in keys.items():
        yield (structure, (codes,)), n


def _units(corpus: Corpus, count: Count) -> Iterator[tuple[str | None, Collection[frozenset[str]]]]:
    """(structure id, the distinct sets of codes of its coded segments) per unit counted."""
    tallies = corpus.tallies
    per_interview = corpus.distinct_by_interview
    if count == Count.structures:
        by_structure: dict[str, set[frozenset[str]]] = {}
        for iv, (structure, _) in tallies.items():
            if structure is not None:
                by_structure.setdefault(structure, set()).update(per_interview[iv])
        for s in corpus.structures:
            yield s.id, by_structure.get(s.id, ())
    else:
        for iv in corpus.interviews:
            sid = corpus.project.interviews[iv].structure
            yield sid, per_interview.get(iv, ())


def _pairs(
    rows: Axis, cols: Axis, structure: str | None, code_sets: Collection[frozenset[str]]
) -> set[tuple[str, str]]:
    fixed_r = rows.values.get(structure) if rows.kind == STRUCTURE and structure else None
    fixed_c = cols.values.get(structure) if cols.kind == STRUCTURE and structure else None
    if rows.kind == STRUCTURE and fixed_r is None:
        return set()
    if cols.kind == STRUCTURE and fixed_c is None:
        return set()
    if fixed_r is not None and fixed_c is not None:
        return {(fixed_r, fixed_c)}
    # Segments share their sets of codes: each distinct set is looked at once.
    # One axis fixed: the other's categories of all the codes together (the same as the
    # categories of each set, gathered).
    if fixed_r is not None:
        return {(fixed_r, c) for c in cols.of_codes(frozenset().union(*code_sets))}
    if fixed_c is not None:
        return {(r, fixed_c) for r in rows.of_codes(frozenset().union(*code_sets))}
    pairs: set[tuple[str, str]] = set()
    for codes in code_sets:
        pairs.update((r, c) for r in rows.of_codes(codes) for c in cols.of_codes(codes))
    return pairs
