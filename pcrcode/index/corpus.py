"""The corpus of a report made from the index: the same coded segments as
:func:`pcrcode.reports.corpus.build_corpus`, without building a coding.

A segment's codes come from the index's sets (codes as written, resolved here through the
codebook's aliases exactly as the project's codings are: unknown codes left out); its codings are
built from the cache when a report first asks for them (a quote, a memo), by the very function
``build_corpus`` groups them with, for that interview only.
"""

from __future__ import annotations

from collections.abc import Sequence

from pcrcode.index.database import Unavailable
from pcrcode.index.loading import Indexed, SegmentData
from pcrcode.model import Coding, Project, as_codings
from pcrcode.reports.corpus import (
    CodedSegment,
    Corpus,
    Entry,
    build_corpus,
    group_codings,
    make_corpus,
    selected_interviews,
)
from pcrcode.reports.selection import CoderSelection


class _Codings:
    """Builds a segment's selected codings when asked, those of its interview with it."""

    def __init__(self, project: Project, selection: CoderSelection) -> None:
        self.project, self.selection = project, selection
        self.files = as_codings(project.codings)
        self.grouped: dict[str, dict[int, tuple[Coding, ...]]] = {}

    def __call__(self, interview: str, number: int) -> tuple[Coding, ...]:
        grouped = self.grouped.get(interview)
        if grouped is None:
            coders = self.selection.per_interview.get(interview, ())
            grouped = group_codings(self.project, self.files, interview, coders)
            self.grouped[interview] = grouped
        return grouped.get(number, ())


def indexed_corpus(indexed: Indexed, selection: CoderSelection) -> Corpus:
    try:
        return _corpus(indexed, selection)
    except Unavailable:  # rows this version cannot unpack: the codings from the cache
        return build_corpus(indexed.project, selection)


def _corpus(indexed: Indexed, selection: CoderSelection) -> Corpus:
    project = indexed.project
    codebook = project.codebook
    codes, aliases = codebook.codes, codebook.aliases
    resolved: dict[tuple[str, ...], Entry] = {}
    shared: dict[tuple[str, ...], Entry] = {}  # one entry object for equal segments
    empty: set[tuple[str, ...]] = set()  # written codes of which none is known

    def resolve(written: tuple[str, ...]) -> Entry:
        """The codes a segment counts under, and their set (shared by equal segments)."""
        ids = []
        for c in written:
            # Twice, as the project's codings (with_aliases) then build_corpus map them.
            current = aliases.get(c, c)
            current = aliases.get(current, current)
            if current in codes:
                ids.append(current)
        ids.sort()
        key = tuple(ids)
        if not key:
            empty.add(written)
        entry = shared.get(key)
        if entry is None:
            entry = shared[key] = (key, frozenset(key))
        found = resolved[written] = entry
        return found

    def entry(written: tuple[str, ...]) -> Entry:
        found = resolved.get(written)
        return found if found is not None else resolve(written)

    # interview -> (structure, numbers, entries) of its coded segments
    found: dict[str, tuple[str | None, Sequence[int], list[Entry]]] = {}
    for iv, structure in selected_interviews(project, selection):
        data = [d for c in selection.per_interview[iv] for d in indexed.segments_of(iv, c)]
        numbers, written = _merged(data)
        entries = list(map(entry, written))
        if empty and not empty.isdisjoint(written):  # segments with no known code: left out
            triples = zip(numbers, entries, written, strict=True)
            kept = [(n, e) for n, e, w in triples if w not in empty]
            numbers, entries = [n for n, _ in kept], [e for _, e in kept]
        if entries:
            found[iv] = (structure, numbers, entries)
    lazy = _Codings(project, selection)

    def segments() -> tuple[CodedSegment, ...]:
        return tuple(
            CodedSegment(iv, n, structure, e[1], e[0], lazy)
            for iv, (structure, numbers, entries) in found.items()
            for n, e in zip(numbers, entries, strict=True)
        )

    return make_corpus(
        project, selection, segments, lambda: {iv: (t[0], t[2]) for iv, t in found.items()}
    )


def _merged(
    data: Sequence[SegmentData],
) -> tuple[Sequence[int], Sequence[tuple[str, ...]]]:
    """The numbers and codes of the segments of these files (several coders: their codes
    together)."""
    if len(data) == 1:
        return data[0]
    together: dict[int, list[str]] = {}
    for numbers, written in data:
        for number, codes in zip(numbers, written, strict=True):
            together.setdefault(number, []).extend(codes)
    order = sorted(together)
    return order, [tuple(sorted(together[n])) for n in order]
