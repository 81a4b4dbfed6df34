"""The code x code co-occurrence matrix: how many units carry both codes.

Units: ``segment`` (two codes on one coded segment), ``interview`` or ``structure`` (both codes on
one of its segments: co-occurrence is always within a segment, counted once per unit). The
diagonal is the number of units carrying the code. Built with the crosstab engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pcrcode.errors import UsageError
from pcrcode.reports.axes import code_axis
from pcrcode.reports.corpus import Corpus
from pcrcode.reports.crosstab import Crosstab, crosstab

UNITS = {"segment": "segments", "interview": "interviews", "structure": "structures"}


def cooccurrence(
    corpus: Corpus,
    families: Sequence[str] = (),
    unit: str = "segment",
    depth: int | None = None,
) -> Crosstab:
    if unit not in UNITS:
        raise UsageError(f"--unit takes {', '.join(UNITS)}, not '{unit}'")
    codebook = corpus.codebook
    for f in families:
        codebook.family(f)
    chosen = list(dict.fromkeys(families)) or list(codebook.families)
    axis = code_axis(codebook, chosen, depth, axis_id="codes", label="Codes")
    return crosstab(corpus, axis, axis, UNITS[unit])


def records(table: Crosstab) -> list[dict[str, Any]]:
    """One record per cell (zeros included): row, row_label, col, col_label, count."""
    return [{k: v for k, v in r.items() if k != "percent"} for r in table.records(margins=False)]
