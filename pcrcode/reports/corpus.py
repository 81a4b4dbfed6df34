"""The codings that count, indexed by segment, interview and structure, and ``--where`` filters.

A *coded segment* is a turn that carries at least one code applied by the selected coders (see
``selection``); its ``codes`` are the union of those coders' codes, with renamed codes resolved
through the codebook's aliases. Codings that ``pcrcode check`` reports as broken (unknown code or
interview) are left out here rather than failing a report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import groupby
from operator import attrgetter
from typing import Any

from pcrcode.errors import PcrcodeError
from pcrcode.files.cache_codec import pack_order
from pcrcode.model import (
    Codebook,
    Coding,
    Codings,
    Interview,
    Project,
    Structure,
    Turn,
    as_codings,
)
from pcrcode.reports.selection import CoderSelection


@dataclass(frozen=True, slots=True)
class CodedSegment:
    interview: str
    number: int
    structure: str | None
    codes: frozenset[str]
    ids: tuple[str, ...]  # the code of each selected coding on it, sorted (a code twice: twice)
    # The selected codings on this segment (codes resolved), or what builds them when first
    # asked for (a corpus made from the project index: most reports never ask).
    source: tuple[Coding, ...] | Callable[[str, int], tuple[Coding, ...]] = field(
        compare=False, repr=False
    )

    @property
    def codings(self) -> tuple[Coding, ...]:
        found = self.source
        if isinstance(found, tuple):
            return found
        built = found(self.interview, self.number)
        object.__setattr__(self, "source", built)
        return built

    @property
    def key(self) -> tuple[str, int]:
        return (self.interview, self.number)


@dataclass(frozen=True)
class Filter:
    """Structures whose ``attribute`` takes one of ``values`` (``--where ATTR=VALUE``)."""

    attribute: str
    values: frozenset[str]
    by_structure: Mapping[str, str | None]  # structure id -> value of the attribute

    def keeps(self, structure_id: str) -> bool:
        return self.by_structure.get(structure_id) in self.values

    def describe(self) -> str:
        return f"{self.attribute}={','.join(sorted(self.values))}"


@dataclass(frozen=True)
class Corpus:
    project: Project
    selection: CoderSelection
    segments: tuple[CodedSegment, ...]  # coded segments, in (interview, number) order
    structures: tuple[Structure, ...]  # registry structures kept by the filters
    interviews: tuple[str, ...]  # interviews kept by the filters
    filters: tuple[Filter, ...] = ()
    by_interview: Mapping[str, tuple[CodedSegment, ...]] = field(default_factory=dict)
    by_structure: Mapping[str, tuple[CodedSegment, ...]] = field(default_factory=dict)
    interviews_by_structure: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def codebook(self) -> Codebook:
        return self.project.codebook

    def structure(self, structure_id: str | None) -> Structure | None:
        if structure_id is None:
            return None
        return self.project.registry.structures.get(structure_id)

    def interviews_of(self, structure_id: str) -> list[str]:
        return list(self.interviews_by_structure.get(structure_id, ()))

    def turn(self, interview: str, number: int) -> Turn | None:
        found: Interview | None = self.project.interviews.get(interview)
        if found is None or not 1 <= number <= len(found.turns):
            return None
        return found.turns[number - 1]

    def read_turns(
        self,
        wanted: Mapping[str, Iterable[int]],
    ) -> dict[tuple[str, int], tuple[str, str]]:
        """(speaker, text) of the wanted segments (interview -> numbers; numbers out of range
        are left out), read interview by interview in the order their text is stored, each
        let go once read (unless its turns were built already): a report over 10,000
        transcripts holds the turns it shows, not every transcript."""
        found: dict[tuple[str, int], tuple[str, str]] = {}
        # Every interview is let go, wanted or not: one that shares a pack with a wanted one
        # leaves its text there otherwise, for nothing.
        for interview in sorted(self.project.interviews.values(), key=pack_order):
            built = interview.turns_built()
            numbers = wanted.get(interview.id)
            if numbers is not None:
                count = interview.turn_count()
                for n in sorted(set(numbers)):
                    if 1 <= n <= count:
                        found[(interview.id, n)] = interview.speaker_and_text(n)
            if not built:
                interview.release_turns()
        return found

    def where(self, filters: Sequence[Filter]) -> Corpus:
        """The corpus restricted to the structures every filter keeps (and their interviews)."""
        if not filters:
            return self
        structures = tuple(s for s in self.structures if all(f.keeps(s.id) for f in filters))
        if not structures:
            wanted = " and ".join(f.describe() for f in filters)
            raise PcrcodeError(f"no structure matches {wanted}", about="where")
        kept = {s.id for s in structures}
        interviews = tuple(
            iv for iv in self.interviews if self.project.interviews[iv].structure in kept
        )
        segments = tuple(s for s in self.segments if s.structure in kept)
        return replace(
            self,
            structures=structures,
            interviews=interviews,
            segments=segments,
            filters=(*self.filters, *filters),
            **_indexes(self.project, interviews, segments),
        )


def build_corpus(project: Project, selection: CoderSelection) -> Corpus:
    # Only the selected coders' files are read (a second coder's copies are never built).
    files = as_codings(project.codings)
    files.build((iv, coder) for iv, coders in selection.per_interview.items() for coder in coders)
    segments = []
    # Segments mostly carry one of a few hundred sets of codes: each set is made once.
    code_sets: dict[tuple[str, ...], frozenset[str]] = {}
    registered = project.registry.structures
    for iv in sorted(selection.per_interview):
        if iv not in project.interviews:
            continue
        structure = project.interviews[iv].structure
        if structure not in registered:
            structure = None
        grouped = group_codings(project, files, iv, selection.per_interview[iv])
        for number in sorted(grouped):
            codings = grouped[number]
            ids = tuple([c.code for c in codings])
            code_set = code_sets.get(ids)
            if code_set is None:
                code_set = code_sets[ids] = frozenset(ids)
            segments.append(CodedSegment(iv, number, structure, code_set, ids, codings))
    return make_corpus(project, selection, tuple(segments))


def make_corpus(
    project: Project, selection: CoderSelection, segments: tuple[CodedSegment, ...]
) -> Corpus:
    """The corpus of these coded segments (in (interview, number) order), before filters."""
    interviews = tuple(sorted(project.interviews))
    return Corpus(
        project=project,
        selection=selection,
        segments=segments,
        structures=tuple(project.registry.structures.values()),
        interviews=interviews,
        **_indexes(project, interviews, segments),
    )


def group_codings(
    project: Project, files: Codings, interview: str, coders: Iterable[str]
) -> dict[int, tuple[Coding, ...]]:
    """The selected codings of one interview by segment, codes resolved through the codebook's
    aliases (codings of unknown codes left out), each segment's in (code, coder, start) order."""
    codebook = project.codebook
    codes, aliases = codebook.codes, codebook.aliases
    grouped: dict[int, list[Coding]] = {}
    for coder in coders:
        for c in files.of(interview, coder):
            if c.code not in codes or c.code in aliases:
                code = aliases.get(c.code, c.code)
                if code not in codes:
                    continue
                if code != c.code:
                    c = replace(c, code=code)
            found = grouped.get(c.segment)
            if found is None:
                grouped[c.segment] = [c]
            else:
                found.append(c)
    result: dict[int, tuple[Coding, ...]] = {}
    for number, codings in grouped.items():
        if len(codings) > 1:
            codings.sort(key=_order)
        result[number] = tuple(codings)
    return result


def _order(c: Coding) -> tuple[str, str, int]:
    return (c.code, c.coder, -1 if c.start is None else c.start)


def _indexes(
    project: Project, interviews: tuple[str, ...], segments: tuple[CodedSegment, ...]
) -> dict[str, Any]:
    by_interview: dict[str, tuple[CodedSegment, ...]] = {}
    by_structure: dict[str, list[CodedSegment]] = defaultdict(list)
    interviews_by_structure: dict[str, list[str]] = defaultdict(list)
    # Segments come in (interview, number) order: taken an interview at a time.
    for iv, run in groupby(segments, attrgetter("interview")):
        found = by_interview[iv] = tuple(run)
        structure = found[0].structure
        if structure is not None:
            by_structure[structure].extend(found)
    for iv in interviews:
        sid = project.interviews[iv].structure
        if sid is not None:
            interviews_by_structure[sid].append(iv)
    return {
        "by_interview": by_interview,
        "by_structure": {k: tuple(v) for k, v in by_structure.items()},
        "interviews_by_structure": {k: tuple(v) for k, v in interviews_by_structure.items()},
    }


def value_text(value: Any) -> str | None:
    """An attribute value as the string that axes and ``--where`` compare."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
