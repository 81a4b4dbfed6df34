"""The code x code co-occurrence matrix: how many units carry both codes.

Units: ``segment`` (two codes on one coded segment), ``interview`` or ``structure`` (both codes on
one of its segments: co-occurrence is always within a segment, counted once per unit). The
diagonal is the number of units carrying the code. Built with the crosstab engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pcrcode.choices import CooccurrenceUnit, Count
from pcrcode.errors import UsageError
from pcrcode.reports.axes import code_axis
from pcrcode.reports.corpus import Corpus
from pcrcode.reports.crosstab import Crosstab, crosstab

COUNTS = {
    CooccurrenceUnit.segment: Count.segments,
    CooccurrenceUnit.interview: Count.interviews,
    CooccurrenceUnit.structure: Count.structures,
}


def cooccurrence(
    corpus: Corpus,
    families: Sequence[str] = (),
    unit: CooccurrenceUnit = CooccurrenceUnit.segment,
    depth: int | None = None,
) -> Crosstab:
    if unit not in COUNTS:  # a plain string from a notebook is welcome when it is a unit
        raise UsageError(f"unknown co-occurrence unit '{unit}': use {', '.join(COUNTS)}")
    codebook = corpus.codebook
    for f in families:
        codebook.family(f)
    chosen = list(dict.fromkeys(families)) or list(codebook.families)
    axis = code_axis(codebook, chosen, depth, axis_id="codes", label="Codes")
    return crosstab(corpus, axis, axis, COUNTS[unit])


def records(table: Crosstab) -> list[dict[str, Any]]:
    """One record per cell (zeros included): row, row_label, col, col_label, count."""
    return [{k: v for k, v in r.items() if k != "percent"} for r in table.records(margins=False)]
