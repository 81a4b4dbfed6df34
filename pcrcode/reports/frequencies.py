"""Per code: how many codings, coded segments, interviews and structures.

A parent code counts its own codings and those of every code below it (``logique/reseau``
gathers ``affinitaire`` and ``politique``; a segment carrying both counts once).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from pcrcode.reports.corpus import CodedSegment, Corpus


def frequencies(corpus: Corpus, families: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Rows: code, label, family, depth, codable, codings, segments, interviews, structures."""
    codebook = corpus.codebook
    for f in families:
        codebook.family(f)
    # One pass over the segments: each code counts for itself and for its ancestors.
    up: dict[str, list[str]] = {c: [] for c in codebook.codes}
    for code in codebook.codes.values():
        for d in codebook.descendants(code.id):
            up[d.id].append(code.id)
    counted: dict[frozenset[str], frozenset[str]] = {}  # a segment's codes -> codes it counts for

    def hit(codes: frozenset[str]) -> frozenset[str]:
        found = counted.get(codes)
        if found is None:
            found = counted[codes] = frozenset(a for c in codes for a in up.get(c, ()))
        return found

    all_segments = corpus.segments
    # Counted by distinct values first (Counter and set work in C), then spread to ancestors.
    codings: Counter[str] = Counter()
    for code_id, n in Counter(code for seg in all_segments for code in seg.ids).items():
        for a in up.get(code_id, ()):
            codings[a] += n
    segments: Counter[str] = Counter()
    for codes, n in Counter(seg.codes for seg in all_segments).items():
        for a in hit(codes):
            segments[a] += n
    interviews = _units(all_segments, "interview", hit)
    structures = _units(all_segments, "structure", hit)
    return [
        {
            "code": code.id,
            "label": code.label,
            "family": code.family,
            "depth": code.depth,
            "codable": code.codable,
            "codings": codings[code.id],
            "segments": segments[code.id],
            "interviews": interviews[code.id],
            "structures": structures[code.id],
        }
        for code in codebook.codes.values()
        if not families or code.family in families
    ]


def _units(
    segments: Sequence[CodedSegment], unit: str, hit: Callable[[frozenset[str]], frozenset[str]]
) -> Counter[str]:
    """Per code: how many interviews (or structures) have a segment that counts for it."""
    sets: dict[str, set[frozenset[str]]] = {}
    for seg in segments:
        key = getattr(seg, unit)
        if key is not None:
            found = sets.get(key)
            if found is None:
                sets[key] = {seg.codes}
            else:
                found.add(seg.codes)
    return Counter(a for distinct in sets.values() for a in frozenset().union(*map(hit, distinct)))
