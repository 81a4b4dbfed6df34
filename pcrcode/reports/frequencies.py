"""Per code: how many codings, coded segments, interviews and structures.

A parent code counts its own codings and those of every code below it (``logique/reseau``
gathers ``affinitaire`` and ``politique``; a segment carrying both counts once).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import chain
from operator import itemgetter
from typing import Any

from pcrcode.reports.corpus import Corpus


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

    tallies = corpus.tallies
    # Counted by distinct sets of codes first (Counter works in C), then spread to ancestors.
    codings: Counter[str] = Counter()
    segments: Counter[str] = Counter()
    for (ids, codes), n in Counter(chain.from_iterable(t[1] for t in tallies.values())).items():
        for code_id in ids:
            for a in up.get(code_id, ()):
                codings[a] += n
        for a in hit(codes):
            segments[a] += n
    # An interview (a structure) counts for a code when one of its segments does: for the
    # codes of its segments together (a code counts for its ancestors whichever segment has it).
    get = itemgetter(1)
    interviews: Counter[str] = Counter()
    by_structure: dict[str, set[str]] = {}
    for structure, entries in tallies.values():
        carried = frozenset().union(*map(get, entries))
        interviews.update(hit(carried))
        if structure is not None:
            by_structure.setdefault(structure, set()).update(carried)
    structures = Counter(a for codes in by_structure.values() for a in hit(frozenset(codes)))
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
