"""Per code: how many codings, coded segments, interviews and structures.

A parent code counts its own codings and those of every code below it (``logique/reseau``
gathers ``affinitaire`` and ``politique``; a segment carrying both counts once).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pcrcode.reports.corpus import Corpus


def frequencies(corpus: Corpus, families: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Rows: code, label, family, depth, codable, codings, segments, interviews, structures."""
    codebook = corpus.codebook
    for f in families:
        codebook.family(f)
    rows = []
    for code in codebook.codes.values():
        if families and code.family not in families:
            continue
        ids = {c.id for c in codebook.descendants(code.id)}
        segments = [s for s in corpus.segments if not ids.isdisjoint(s.codes)]
        rows.append({
            "code": code.id,
            "label": code.label,
            "family": code.family,
            "depth": code.depth,
            "codable": code.codable,
            "codings": sum(1 for s in segments for c in s.codings if c.code in ids),
            "segments": len(segments),
            "interviews": len({s.interview for s in segments}),
            "structures": len({s.structure for s in segments if s.structure is not None}),
        })
    return rows
