"""The corpus of a report made from the index: the same coded segments as
:func:`pcrcode.reports.corpus.build_corpus`, without building a coding.

A segment's codes come from the index's sets (codes as written, resolved here through the
codebook's aliases exactly as the project's codings are: unknown codes left out); its codings are
built from the cache when a report first asks for them (a quote, a memo), by the very function
``build_corpus`` groups them with, for that interview only.
"""

from __future__ import annotations

from collections.abc import Sequence

from pcrcode.index.loading import Indexed, SegmentData
from pcrcode.model import Coding, Project, as_codings
from pcrcode.reports.corpus import CodedSegment, Corpus, group_codings, make_corpus
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
    project = indexed.project
    codebook = project.codebook
    codes, aliases = codebook.codes, codebook.aliases
    resolved: dict[tuple[str, ...], tuple[tuple[str, ...], frozenset[str]]] = {}
    shared: dict[tuple[str, ...], frozenset[str]] = {}  # one set object for equal segments

    def resolve(written: tuple[str, ...]) -> tuple[tuple[str, ...], frozenset[str]]:
        """The codes a segment counts under, and their set (shared by equal segments)."""
        found = resolved.get(written)
        if found is None:
            ids = []
            for c in written:
                # Twice, as the project's codings (with_aliases) then build_corpus map them.
                current = aliases.get(c, c)
                current = aliases.get(current, current)
                if current in codes:
                    ids.append(current)
            ids.sort()
            key = tuple(ids)
            code_set = shared.get(key)
            if code_set is None:
                code_set = shared[key] = frozenset(key)
            found = resolved[written] = (key, code_set)
        return found

    lazy = _Codings(project, selection)
    registered = project.registry.structures
    segments: list[CodedSegment] = []
    for iv in sorted(selection.per_interview):
        if iv not in project.interviews:
            continue
        structure = project.interviews[iv].structure
        if structure not in registered:
            structure = None
        data = [d for c in selection.per_interview[iv] for d in indexed.segments.get((iv, c), ())]
        for number, written in _merged(data):
            ids, code_set = resolve(written)
            if ids:
                segments.append(CodedSegment(iv, number, structure, code_set, ids, lazy))
    return make_corpus(project, selection, tuple(segments))


def _merged(data: Sequence[SegmentData]) -> list[tuple[int, tuple[str, ...]]]:
    """(number, codes) of each segment of these files (several coders: their codes together)."""
    if len(data) == 1:
        numbers, written = data[0]
        return list(zip(numbers, written, strict=True))
    together: dict[int, list[str]] = {}
    for numbers, written in data:
        for number, codes in zip(numbers, written, strict=True):
            together.setdefault(number, []).extend(codes)
    return [(n, tuple(sorted(together[n]))) for n in sorted(together)]
