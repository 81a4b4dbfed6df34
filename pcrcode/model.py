"""The domain model: frozen dataclasses for the codebook, the cases, the transcripts and codings.

Nothing here reads files (see ``codebook.py``, ``registry.py``, ``transcripts.py``,
``codings.py``) or prints anything.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, overload

from pcrcode.errors import UnknownItem, closest, whole_number

FINGERPRINT_SIZE = 8  # hexadecimal digits


ROUND_MARK = "@"  # codings/<coder>@<round>/: a coder's second, third... coding round


def coder_round(coder: str) -> tuple[str, int]:
    """(person, round) of a coder folder's name: ``camille`` is round 1, ``camille@2`` round 2."""
    person, mark, number = coder.partition(ROUND_MARK)
    round_number = whole_number(number) if mark else None
    return (person, round_number) if round_number is not None else (coder, 1)


def with_round(person: str, number: int | None) -> str:
    """The coder folder of ``person``'s round ``number`` (round 1 is the plain name)."""
    return person if number is None or number <= 1 else f"{person}{ROUND_MARK}{number}"


def fingerprint(text: str) -> str:
    """A short fingerprint of a segment's text, blind to whitespace and Unicode composition.

    Stored with every coding, it lets ``check`` notice that a transcript was edited under a coding.
    """
    from hashlib import sha256  # here: 2 ms of start-up that warm reports never need

    norm = " ".join(unicodedata.normalize("NFC", text).split())
    return sha256(norm.encode("utf-8")).hexdigest()[:FINGERPRINT_SIZE]


@dataclass(frozen=True)
class Family:
    id: str
    label: str
    definition: str = ""
    ordered: bool = False
    exclusive: bool = False
    line: int = 0
    color: str = ""  # the workbench's stripes: a colour name or #rrggbb; "" for the palette's


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
    color: str = ""  # overrides its family's colour in the workbench

    @property
    def depth(self) -> int:
        return self.id.count("/")


ATTRIBUTE_TYPES = ("category", "integer", "year", "text")


@dataclass(frozen=True)
class Attribute:
    """A case attribute the codebook declares: a category with its values (and their labels),
    an integer, a year or free text; or a grouping of another attribute's values (derived by a
    mapping). ``required``: every case must have it."""

    id: str
    label: str
    values: Mapping[str, str]  # value id -> label, in declared order (a category's)
    derived_from: str | None = None
    mapping: Mapping[str, str] = field(default_factory=dict)
    line: int = 0
    type: str = "category"  # one of ATTRIBUTE_TYPES
    required: bool = False

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
    """A case (a structure of the registry), interviewed or not, with its attribute values
    (``extra``: declared and free attributes alike, derived ones aside)."""

    id: str
    name: str
    interviewed: bool
    extra: Mapping[str, Any] = field(default_factory=dict)
    line: int = 0
    aliases: tuple[str, ...] = ()  # other names the interviews use for it ("la Métro")

    def value(self, attribute: str, codebook: Codebook | None = None) -> Any:
        """The value of an attribute, derived ones (groupings) included."""
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
class Actor:
    """A partner that is not a case of the census (a local authority, a federation...): named
    by codings (``tag --with``), never profiled or counted as a case."""

    id: str
    name: str
    kind: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)
    line: int = 0
    aliases: tuple[str, ...] = ()

    def value(self, attribute: str, codebook: Codebook | None = None) -> Any:
        return self.extra.get(attribute)


@dataclass(frozen=True)
class NetworkSpec:
    """What the project declares for its cooperation network (``network:`` in the registry):
    the case attribute that says a node's sector, the code family that judges a relation's
    scope and its intra- and inter-sectoral codes, and the attribute that colours nodes."""

    sector: str | None = None
    scope: str | None = None
    intra: str | None = None
    inter: str | None = None
    group: str | None = None
    positions: Mapping[str, tuple[int, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Registry:
    structures: Mapping[str, Structure]
    census: Census | None = None
    path: Path | None = None
    actors: Mapping[str, Actor] = field(default_factory=dict)
    network: NetworkSpec | None = None

    def node(self, node_id: str) -> Structure | Actor | None:
        """A structure or an actor: the ends of a relation."""
        return self.structures.get(node_id) or self.actors.get(node_id)

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

    def fingerprints(self) -> tuple[str, ...]:
        """The fingerprint of each turn, in order (from the cache, without building the turns)."""
        return tuple(t.fingerprint for t in self.turns)

    def storage_rank(self) -> int:
        """Interviews read in this order read their stored text one pack at a time (the
        cache's; 0 for an interview parsed from its file)."""
        return 0

    def release_turns(self) -> None:
        """Forget the turns read from the cache (read again if asked): a command that goes
        through every transcript once need not hold them all. Nothing for a parsed one."""

    def turns_built(self) -> bool:
        return True

    def speaker_and_text(self, number: int) -> tuple[str, str]:
        """Segment ``number``'s speaker and text (from the cache, without building turns)."""
        turn = self.turns[number - 1]
        return turn.speaker, turn.text

    def turn_count(self) -> int:
        """How many turns (segments) the interview has (from the cache, without building them)."""
        return len(self.turns)

    def text_of(self, number: int) -> str:
        """The text of segment ``number`` (from the cache, without building the turns)."""
        return self.turns[number - 1].text

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
    # The other ends of the relation the coded text describes: ids of the registry's
    # structures and actors (``tag --with``), sorted; an attribute of the coding, like its memo.
    partners: tuple[str, ...] = ()

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


CodingSource = Sequence[Coding] | Callable[[], Sequence[Coding]]


class Codings(Sequence[Coding]):
    """The codings of a project, kept file by file (one coder, one interview) and decoded when
    first used: a report that counts one coder per interview never builds the others' codings,
    and knows who coded what (:meth:`files`) without building any.

    A sequence like the tuple it stands for, and equal to it; the files keep their load order.
    """

    __slots__ = ("_aliases", "_all", "_files", "_index")

    def __init__(
        self,
        files: Iterable[tuple[str, str, int, CodingSource]] = (),
        aliases: Mapping[str, str] | None = None,
    ) -> None:
        # [interview, coder, count, codings or a function that returns them]
        self._files: list[list[Any]] = [list(f) for f in files]
        self._index: dict[tuple[str, str], list[int]] | None = None
        self._all: tuple[Coding, ...] | None = None
        # Old code ids (after `codebook rename`) still in a file count under the current id,
        # in every command and filter; `check` loads without them to report such codings.
        self._aliases = dict(aliases or {})
        for entry in self._files:
            if not callable(entry[3]):
                entry[3] = self._current(entry[3])

    def _current(self, codings: Sequence[Coding]) -> Sequence[Coding]:
        aliases = self._aliases
        if not aliases or not any(c.code in aliases for c in codings):
            return codings
        return [replace(c, code=aliases[c.code]) if c.code in aliases else c for c in codings]

    @classmethod
    def of_codings(cls, codings: Iterable[Coding]) -> Codings:
        """Codings grouped by (coder, interview) in order of first appearance."""
        groups: dict[tuple[str, str], list[Coding]] = {}
        for c in codings:
            groups.setdefault((c.coder, c.interview), []).append(c)
        return cls((iv, coder, len(cs), cs) for (coder, iv), cs in groups.items())

    def with_aliases(self, aliases: Mapping[str, str]) -> Codings:
        """The same files, their codings under old code ids counted under the current ones."""
        return Codings(((iv, cd, n, src) for iv, cd, n, src in self._files), aliases)

    def files(self) -> Iterator[tuple[str, str, int]]:
        """(interview, coder, number of codings) of each file, without building any coding."""
        for interview, coder, count, _ in self._files:
            yield interview, coder, count

    def _decoded(self, entry: list[Any]) -> Sequence[Coding]:
        source = entry[3]
        if callable(source):
            source = entry[3] = self._current(source())
        return source  # type: ignore[no-any-return]

    def _positions(self, interview: str, coder: str) -> list[int]:
        if self._index is None:
            self._index = {}
            for i, (iv, cd, _, _) in enumerate(self._files):
                self._index.setdefault((iv, cd), []).append(i)
        return self._index.get((interview, coder), [])

    def of(self, interview: str, coder: str) -> list[Coding]:
        """The codings of one coder on one interview (building only those)."""
        found: list[Coding] = []
        for i in self._positions(interview, coder):
            found.extend(self._decoded(self._files[i]))
        return found

    def build(self, pairs: Iterable[tuple[str, str]] | None = None) -> None:
        """Build the codings of these (interview, coder) files now (all files by default), in
        the order their store prefers (a loader's ``rank``: the cache reads one pack at a time
        then, instead of holding every pack until its last file is built)."""
        if pairs is None:
            pending = [e for e in self._files if callable(e[3])]
        else:
            pending = [
                self._files[i]
                for iv, coder in pairs
                for i in self._positions(iv, coder)
                if callable(self._files[i][3])
            ]
        pending.sort(key=lambda e: getattr(e[3], "rank", 0))
        for entry in pending:
            self._decoded(entry)

    def take(self, interview: str, coder: str) -> list[Coding]:
        """Like :meth:`of`, without keeping what it builds: for a single pass over a large
        project (``check``), which then never holds every coding at once."""
        found: list[Coding] = []
        for i in self._positions(interview, coder):
            source = self._files[i][3]
            found.extend(self._current(source() if callable(source) else source))
        return found

    def _tuple(self) -> tuple[Coding, ...]:
        if self._all is None:
            self.build()
            self._all = tuple(c for entry in self._files for c in self._decoded(entry))
        return self._all

    def __iter__(self) -> Iterator[Coding]:
        if self._all is not None:
            return iter(self._all)
        self.build()
        return (c for entry in self._files for c in self._decoded(entry))

    def __len__(self) -> int:
        return sum(entry[2] for entry in self._files)

    def __bool__(self) -> bool:
        return any(entry[2] for entry in self._files)

    @overload
    def __getitem__(self, index: int) -> Coding: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Coding, ...]: ...
    def __getitem__(self, index: int | slice) -> Coding | tuple[Coding, ...]:
        return self._tuple()[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Codings, tuple)):
            return self._tuple() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._tuple())

    def __repr__(self) -> str:
        return f"Codings({len(self)} codings in {len(self._files)} files)"


def as_codings(codings: Sequence[Coding]) -> Codings:
    """``codings`` grouped by file: itself when it is a :class:`Codings` (nothing is built)."""
    return codings if isinstance(codings, Codings) else Codings.of_codings(codings)


def coding_files(codings: Sequence[Coding]) -> Iterator[tuple[str, str, int]]:
    """(interview, coder, count) of each coding file, without building a coding when loaded."""
    return as_codings(codings).files()


@dataclass(frozen=True)
class Project:
    root: Path
    codebook: Codebook
    registry: Registry
    interviews: Mapping[str, Interview]
    codings: Sequence[Coding]  # a Codings when loaded: decoded file by file, when needed

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
        return sorted({coder for _, coder, count in coding_files(self.codings) if count})

    def iter_codings(
        self,
        interview: str | None = None,
        code: str | None = None,
        coder: str | None = None,
    ) -> Iterator[Coding]:
        prefix = None if code is None else code + "/"
        source: Iterable[Coding] = self.codings
        if isinstance(source, Codings) and (interview is not None or coder is not None):
            files = source  # only the files of that interview or coder are built
            pairs = dict.fromkeys(
                (iv, cd)
                for iv, cd, _ in files.files()
                if interview in (None, iv) and coder in (None, cd)
            )
            source = (c for iv, cd in pairs for c in files.of(iv, cd))
        for c in source:
            if interview is not None and c.interview != interview:
                continue
            if coder is not None and c.coder != coder:
                continue
            if code is not None and c.code != code and not c.code.startswith(prefix or ""):
                continue
            yield c
