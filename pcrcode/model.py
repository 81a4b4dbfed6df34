"""The domain model: frozen dataclasses for the codebook, the cases, the transcripts and codings.

Nothing here reads files (see ``codebook.py``, ``registry.py``, ``transcripts.py``,
``codings.py``) or prints anything.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pcrcode.diagnostics import closest
from pcrcode.errors import UnknownItem


def fingerprint(text: str) -> str:
    """A short fingerprint of a segment's text, blind to whitespace and Unicode composition.

    Stored with every coding, it lets ``check`` notice that a transcript was edited under a coding.
    """
    norm = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:8]


@dataclass(frozen=True)
class Family:
    id: str
    label: str
    definition: str = ""
    ordered: bool = False
    exclusive: bool = False
    line: int = 0


@dataclass(frozen=True)
class Code:
    id: str
    label: str
    family: str
    parent: str | None
    codable: bool = True
    degree: int | None = None
    short: str = ""
    definition: str = ""
    when_to_use: str = ""
    when_not_to_use: str = ""
    example: str = ""
    aliases: tuple[str, ...] = ()
    line: int = 0

    @property
    def depth(self) -> int:
        return self.id.count("/")


@dataclass(frozen=True)
class Attribute:
    """A case attribute (statut, domaine) or one derived from another by a mapping (categorie)."""

    id: str
    label: str
    values: Mapping[str, str]  # value id -> label, in declared order
    derived_from: str | None = None
    mapping: Mapping[str, str] = field(default_factory=dict)
    line: int = 0

    def label_of(self, value: str | None) -> str:
        if value is None:
            return ""
        return self.values.get(value, value)


@dataclass(frozen=True)
class Codebook:
    title: str
    families: Mapping[str, Family]
    codes: Mapping[str, Code]  # in declared order
    attributes: Mapping[str, Attribute]
    aliases: Mapping[str, str] = field(default_factory=dict)  # old id -> current id
    language: str = "fr"
    path: Path | None = None

    def resolve(self, code_id: str) -> Code:
        """The code with this id or alias; :class:`UnknownItem` with suggestions otherwise."""
        key = code_id.strip().strip("/")
        if key in self.codes:
            return self.codes[key]
        if key in self.aliases:
            return self.codes[self.aliases[key]]
        if key in self.families:
            top = ", ".join(c.id for c in self.codes.values() if c.family == key and c.depth == 1)
            raise UnknownItem(f"'{key}' is a code family, not a code: use {top}")
        near = closest(key, self.codes)
        hint = f"; did you mean {', '.join(near)}?" if near else "; see `pcrcode codebook show`"
        raise UnknownItem(f"unknown code '{code_id}'{hint}")

    def selector(self, code_or_family: str) -> str:
        """The id a filter matches on: a family id (all its codes) or a code id (with its
        descendants); aliases resolve to their current id."""
        key = code_or_family.strip().strip("/")
        if key in self.families:
            return key
        return self.resolve(key).id

    def children(self, code_id: str) -> list[Code]:
        return [c for c in self.codes.values() if c.parent == code_id]

    def descendants(self, code_id: str, include_self: bool = True) -> list[Code]:
        """The code and everything below it; a family id gives the whole family."""
        prefix = code_id + "/"
        return [
            c
            for c in self.codes.values()
            if c.id.startswith(prefix) or (include_self and c.id == code_id)
        ]

    def family_codes(self, family: str) -> list[Code]:
        return [c for c in self.codes.values() if c.family == family]

    def family(self, family_id: str) -> Family:
        if family_id in self.families:
            return self.families[family_id]
        near = closest(family_id, self.families)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise UnknownItem(
            f"unknown code family '{family_id}' (families: {', '.join(self.families)}){hint}"
        )

    def attribute(self, attr_id: str) -> Attribute:
        if attr_id in self.attributes:
            return self.attributes[attr_id]
        near = closest(attr_id, self.attributes)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise UnknownItem(
            f"unknown attribute '{attr_id}' (attributes: {', '.join(self.attributes)}){hint}"
        )


@dataclass(frozen=True)
class Structure:
    """A case: one organisation of the census, interviewed or not."""

    id: str
    name: str
    statut: str
    domaine: str
    interviewed: bool
    extra: Mapping[str, Any] = field(default_factory=dict)
    line: int = 0

    def value(self, attribute: str, codebook: Codebook | None = None) -> Any:
        """The value of an attribute, derived ones (categorie) included."""
        if attribute == "statut":
            return self.statut
        if attribute == "domaine":
            return self.domaine
        if codebook is not None and attribute in codebook.attributes:
            attr = codebook.attributes[attribute]
            if attr.derived_from is not None:
                base = self.value(attr.derived_from, codebook)
                return attr.mapping.get(base) if isinstance(base, str) else None
        return self.extra.get(attribute)


@dataclass(frozen=True)
class Census:
    """Declared totals (from a publication) to check the registry against."""

    rows: str
    columns: str
    cells: Mapping[str, Mapping[str, tuple[int, int | None]]]  # row -> col -> (total, interviewed)
    source: str = ""
    positions: Mapping[tuple[str, str], tuple[int, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Registry:
    structures: Mapping[str, Structure]
    census: Census | None = None
    path: Path | None = None

    def get(self, structure_id: str) -> Structure:
        if structure_id in self.structures:
            return self.structures[structure_id]
        near = closest(structure_id, self.structures)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise UnknownItem(f"unknown structure '{structure_id}'{hint}")


@dataclass(frozen=True)
class Turn:
    """One speaker turn: the unit of coding, numbered from 1 in file order."""

    number: int
    speaker: str
    text: str
    line: int = 0

    @cached_property
    def fingerprint(self) -> str:
        # Computed once per turn (``check`` compares it with every coding of the segment) and
        # kept by the cache with the turn; the instance dict is written directly, so this works
        # on a frozen dataclass.
        return fingerprint(self.text)


@dataclass(frozen=True)
class Interview:
    id: str
    path: Path
    structure: str | None
    turns: tuple[Turn, ...]
    date: str = ""
    interviewer: str = ""
    participants: tuple[str, ...] = ()
    language: str = ""
    illustrative: bool = False
    meta: Mapping[str, Any] = field(default_factory=dict)
    structure_line: int = 1

    def turn(self, number: int) -> Turn:
        if 1 <= number <= len(self.turns):
            return self.turns[number - 1]
        raise UnknownItem(
            f"interview '{self.id}' has segments 1-{len(self.turns)}, not {number}", self.path
        )


@dataclass(frozen=True, slots=True)
class Coding:
    """One code applied by one coder to one segment (or to a span of it).

    Slotted: a project holds about a hundred codings per interview, and slots make each one
    136 bytes instead of about 500 (see bench/RESULTS.md).
    """

    interview: str
    segment: int
    code: str
    coder: str
    at: str = ""
    fingerprint: str = ""
    memo: str = ""
    start: int | None = None
    end: int | None = None
    quote: str = ""
    path: Path | None = field(default=None, compare=False)
    line: int = field(default=0, compare=False)

    @property
    def key(self) -> tuple[str, int, str, int, int]:
        """What makes two codings by the same coder the same coding."""
        return (
            self.interview,
            self.segment,
            self.code,
            -1 if self.start is None else self.start,
            -1 if self.end is None else self.end,
        )


@dataclass(frozen=True)
class Project:
    root: Path
    codebook: Codebook
    registry: Registry
    interviews: Mapping[str, Interview]
    codings: tuple[Coding, ...]

    def interview(self, interview_id: str) -> Interview:
        if interview_id in self.interviews:
            return self.interviews[interview_id]
        near = closest(interview_id, self.interviews)
        hint = f"; did you mean {', '.join(near)}?" if near else "; see `pcrcode interviews list`"
        raise UnknownItem(f"unknown interview '{interview_id}'{hint}")

    def structure_of(self, interview: Interview) -> Structure | None:
        if interview.structure is None:
            return None
        return self.registry.structures.get(interview.structure)

    def coders(self) -> list[str]:
        return sorted({c.coder for c in self.codings})

    def iter_codings(
        self,
        interview: str | None = None,
        code: str | None = None,
        coder: str | None = None,
    ) -> Iterator[Coding]:
        prefix = None if code is None else code + "/"
        for c in self.codings:
            if interview is not None and c.interview != interview:
                continue
            if coder is not None and c.coder != coder:
                continue
            if code is not None and c.code != code and not c.code.startswith(prefix or ""):
                continue
            yield c
