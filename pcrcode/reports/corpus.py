"""The codings that count, indexed by segment, interview and structure, and ``--where`` filters.

A *coded segment* is a turn that carries at least one code applied by the selected coders (see
``selection``); its ``codes`` are the union of those coders' codes, with renamed codes resolved
through the codebook's aliases. Codings that ``pcrcode check`` reports as broken (unknown code or
interview) are left out here rather than failing a report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pcrcode.errors import PcrcodeError
from pcrcode.model import Codebook, Coding, Interview, Project, Structure, Turn
from pcrcode.reports.selection import CoderSelection


@dataclass(frozen=True)
class CodedSegment:
    interview: str
    number: int
    structure: str | None
    codes: frozenset[str]
    codings: tuple[Coding, ...]  # the selected codings on this segment, codes resolved

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

    def where(self, filters: Sequence[Filter]) -> Corpus:
        """The corpus restricted to the structures every filter keeps (and their interviews)."""
        if not filters:
            return self
        structures = tuple(s for s in self.structures if all(f.keeps(s.id) for f in filters))
        if not structures:
            wanted = " and ".join(f.describe() for f in filters)
            raise PcrcodeError(f"no structure matches --where {wanted}")
        kept = {s.id for s in structures}
        interviews = tuple(iv for iv in self.interviews
                           if self.project.interviews[iv].structure in kept)
        segments = tuple(s for s in self.segments if s.structure in kept)
        return replace(self, structures=structures, interviews=interviews, segments=segments,
                       filters=(*self.filters, *filters),
                       **_indexes(self.project, interviews, segments))


def build_corpus(project: Project, selection: CoderSelection) -> Corpus:
    codebook = project.codebook
    grouped: dict[tuple[str, int], list[Coding]] = defaultdict(list)
    kept = {(iv, coder) for iv, coders in selection.per_interview.items() for coder in coders
            if iv in project.interviews}
    codes, aliases = codebook.codes, codebook.aliases
    for c in project.codings:
        if (c.interview, c.coder) not in kept:
            continue
        code = aliases.get(c.code, c.code)
        if code not in codes:
            continue
        grouped[(c.interview, c.segment)].append(c if code == c.code else replace(c, code=code))
    segments = []
    for (iv, number), codings in sorted(grouped.items()):
        codings.sort(key=lambda c: (c.code, c.coder, -1 if c.start is None else c.start))
        structure = project.interviews[iv].structure
        if structure not in project.registry.structures:
            structure = None
        segments.append(CodedSegment(iv, number, structure, frozenset(c.code for c in codings),
                                     tuple(codings)))
    interviews = tuple(sorted(project.interviews))
    return Corpus(
        project=project,
        selection=selection,
        segments=tuple(segments),
        structures=tuple(project.registry.structures.values()),
        interviews=interviews,
        **_indexes(project, interviews, tuple(segments)),
    )


def _indexes(
    project: Project, interviews: tuple[str, ...], segments: tuple[CodedSegment, ...]
) -> dict[str, Any]:
    by_interview: dict[str, list[CodedSegment]] = defaultdict(list)
    by_structure: dict[str, list[CodedSegment]] = defaultdict(list)
    interviews_by_structure: dict[str, list[str]] = defaultdict(list)
    for s in segments:
        by_interview[s.interview].append(s)
        if s.structure is not None:
            by_structure[s.structure].append(s)
    for iv in interviews:
        sid = project.interviews[iv].structure
        if sid is not None:
            interviews_by_structure[sid].append(iv)
    return {
        "by_interview": {k: tuple(v) for k, v in by_interview.items()},
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
