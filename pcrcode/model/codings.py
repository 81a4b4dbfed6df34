"""The codings: one code applied by one coder to one segment, and a project's codings kept file
by file (one coder, one interview); coders' rounds."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, overload

from pcrcode.errors import whole_number

ROUND_MARK = "@"  # codings/<coder>@<round>/: a coder's second, third... coding round


def coder_round(coder: str) -> tuple[str, int]:
    """(person, round) of a coder folder's name: ``camille`` is round 1, ``camille@2`` round 2."""
    person, mark, number = coder.partition(ROUND_MARK)
    round_number = whole_number(number) if mark else None
    return (person, round_number) if round_number is not None else (coder, 1)


def with_round(person: str, number: int | None) -> str:
    """The coder folder of ``person``'s round ``number`` (round 1 is the plain name)."""
    return person if number is None or number <= 1 else f"{person}{ROUND_MARK}{number}"


@dataclass(frozen=True, slots=True)
class Coding:
    """One code applied by one coder to one segment (or to a span of it).

    Slotted: a project holds about a hundred codings per interview, and slots make each one a
    fraction of the size of a dataclass with a ``__dict__`` (bench/NOTES.md).
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
