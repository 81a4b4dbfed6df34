"""The codings that count, indexed by segment, interview and structure, and ``--where`` filters.

A *coded segment* is a turn that carries at least one code applied by the selected coders (see
``selection``); its ``codes`` are the union of those coders' codes, with renamed codes resolved
through the codebook's aliases. Codings that ``pcrcode check`` reports as broken (unknown code or
interview) are left out here rather than failing a report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import groupby
from operator import attrgetter, itemgetter
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


# A coded segment's codes as counting needs them: its ``ids`` and its set of ``codes`` (one
# pair object shared by the segments that carry the same codes).
Entry = tuple[tuple[str, ...], frozenset[str]]
# Per interview with a coded segment (in interview order): its structure (as on its segments),
# and each coded segment's entry, in number order.
Tallies = Mapping[str, tuple[str | None, Sequence[Entry]]]


class Segments:
    """A corpus's coded segments, their indexes and its tallies, each made when first asked
    for, from what the corpus was made of: a corpus read from the files has its segments (the
    tallies are taken from them), one from the project index has its tallies and makes its
    segments only for a report that looks at segments (the counting reports do not)."""

    def __init__(
        self,
        project: Project,
        interviews: tuple[str, ...],
        segments: Callable[[], tuple[CodedSegment, ...]],
        tallies: Callable[[], Tallies] | None = None,
    ) -> None:
        self._project, self._interviews = project, interviews
        self._make_segments, self._make_tallies = segments, tallies
        self._segments: tuple[CodedSegment, ...] | None = None
        self._tallies: Tallies | None = None
        self._indexes: dict[str, Any] | None = None
        self._codes: dict[str, list[frozenset[str]]] | None = None
        self._distinct: dict[str, set[frozenset[str]]] | None = None

    @property
    def segments(self) -> tuple[CodedSegment, ...]:
        if self._segments is None:
            self._segments = self._make_segments()
        return self._segments

    @property
    def tallies(self) -> Tallies:
        if self._tallies is None:
            make = self._make_tallies
            self._tallies = make() if make is not None else tallies_of(self.segments)
        return self._tallies

    @property
    def distinct_by_interview(self) -> dict[str, set[frozenset[str]]]:
        if self._distinct is None:
            get = itemgetter(1)
            self._distinct = {iv: set(map(get, t[1])) for iv, t in self.tallies.items()}
        return self._distinct

    @property
    def codes_by_structure(self) -> dict[str, list[frozenset[str]]]:
        if self._codes is None:
            get = itemgetter(1)
            found: dict[str, list[frozenset[str]]] = {}
            for structure, entries in self.tallies.values():
                if structure is not None:
                    found.setdefault(structure, []).extend(map(get, entries))
            self._codes = found
        return self._codes

    @property
    def indexes(self) -> dict[str, Any]:
        if self._indexes is None:
            self._indexes = _indexes(self._project, self._interviews, self.segments)
        return self._indexes


def tallies_of(segments: Sequence[CodedSegment]) -> Tallies:
    found: dict[str, tuple[str | None, list[Entry]]] = {}
    entries: dict[tuple[str, ...], Entry] = {}
    for iv, run in groupby(segments, attrgetter("interview")):
        kept = list(run)
        found[iv] = (
            kept[0].structure,
            [entries.setdefault(s.ids, (s.ids, s.codes)) for s in kept],
        )
    return found


@dataclass(frozen=True)
class Corpus:
    project: Project
    selection: CoderSelection
    structures: tuple[Structure, ...]  # registry structures kept by the filters
    interviews: tuple[str, ...]  # interviews kept by the filters
    filters: tuple[Filter, ...] = ()
    interviews_by_structure: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    source: Segments | None = field(default=None, compare=False, repr=False)

    @property
    def _source(self) -> Segments:
        assert self.source is not None, "a corpus is made by make_corpus"
        return self.source

    @property
    def segments(self) -> tuple[CodedSegment, ...]:
        """Coded segments, in (interview, number) order."""
        return self._source.segments

    @property
    def by_interview(self) -> Mapping[str, tuple[CodedSegment, ...]]:
        by_interview: Mapping[str, tuple[CodedSegment, ...]] = self._source.indexes["by_interview"]
        return by_interview

    @property
    def by_structure(self) -> Mapping[str, tuple[CodedSegment, ...]]:
        by_structure: Mapping[str, tuple[CodedSegment, ...]] = self._source.indexes["by_structure"]
        return by_structure

    @property
    def codes_by_structure(self) -> Mapping[str, Sequence[frozenset[str]]]:
        """Per structure, the codes of each of its coded segments (in ``segments``' order)."""
        return self._source.codes_by_structure

    @property
    def distinct_by_interview(self) -> Mapping[str, set[frozenset[str]]]:
        """Per interview with a coded segment, the distinct sets of codes of its segments."""
        return self._source.distinct_by_interview

    @property
    def tallies(self) -> Tallies:
        """What the counting reports add up, without making segment objects (see ``Tallies``)."""
        return self._source.tallies

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
        parent = self._source
        source = Segments(
            self.project,
            interviews,
            lambda: tuple(s for s in parent.segments if s.structure in kept),
            lambda: {iv: t for iv, t in parent.tallies.items() if t[0] in kept},
        )
        return replace(
            self,
            structures=structures,
            interviews=interviews,
            filters=(*self.filters, *filters),
            interviews_by_structure=_interviews_by_structure(self.project, interviews),
            source=source,
        )


def selected_interviews(
    project: Project, selection: CoderSelection
) -> Iterator[tuple[str, str | None]]:
    """The selected interviews that have a transcript, in id order, each with its structure
    (None when the registry does not have it)."""
    registered = project.registry.structures
    for iv in sorted(selection.per_interview):
        if iv in project.interviews:
            structure = project.interviews[iv].structure
            yield iv, structure if structure in registered else None


def build_corpus(project: Project, selection: CoderSelection) -> Corpus:
    # Only the selected coders' files are read (a second coder's copies are never built).
    files = as_codings(project.codings)
    files.build((iv, coder) for iv, coders in selection.per_interview.items() for coder in coders)
    segments = []
    # Segments mostly carry one of a few hundred sets of codes: each set is made once.
    code_sets: dict[tuple[str, ...], frozenset[str]] = {}
    for iv, structure in selected_interviews(project, selection):
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
    project: Project,
    selection: CoderSelection,
    segments: tuple[CodedSegment, ...] | Callable[[], tuple[CodedSegment, ...]],
    tallies: Callable[[], Tallies] | None = None,
) -> Corpus:
    """The corpus of these coded segments (in (interview, number) order), before filters; or
    of what makes them when first asked for, and its tallies (see :class:`Segments`)."""
    interviews = tuple(sorted(project.interviews))
    made = segments if callable(segments) else (lambda: segments)
    return Corpus(
        project=project,
        selection=selection,
        structures=tuple(project.registry.structures.values()),
        interviews=interviews,
        interviews_by_structure=_interviews_by_structure(project, interviews),
        source=Segments(project, interviews, made, tallies),
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
    # Segments come in (interview, number) order: taken an interview at a time.
    for iv, run in groupby(segments, attrgetter("interview")):
        found = by_interview[iv] = tuple(run)
        structure = found[0].structure
        if structure is not None:
            by_structure[structure].extend(found)
    return {
        "by_interview": by_interview,
        "by_structure": {k: tuple(v) for k, v in by_structure.items()},
    }


def _interviews_by_structure(
    project: Project, interviews: tuple[str, ...]
) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = defaultdict(list)
    for iv in interviews:
        sid = project.interviews[iv].structure
        if sid is not None:
            found[sid].append(iv)
    return {k: tuple(v) for k, v in found.items()}


def value_text(value: Any) -> str | None:
    """An attribute value as the string that axes and ``--where`` compare."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
