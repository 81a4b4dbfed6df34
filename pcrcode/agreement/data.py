"""Intercoder agreement on a project: the unit x coder data (its units are read from the codings
in :mod:`pcrcode.agreement.units`; the report and the disagreements are computed from it in
:mod:`pcrcode.agreement.report` and :mod:`pcrcode.agreement.disagreements`).

Pure: builds reliability data from a :class:`~pcrcode.model.Project` and hands it to
:mod:`pcrcode.agreement.coefficients` (the statistics); no terminal, no printing.

Definitions (also in ``pcrcode agreement --help`` and the JSON report)
    Units
        ``segment``: each turn of the compared interviews. A code applies to a segment when the
        coder applied it to the segment or to a span of it. ``character``: each character of
        the turns' text (as ``interviews show`` prints it), as NVivo does; a coding covers its
        segment's characters, or only ``start``-``end`` for a span coding. Characters are
        handled as runs (stretches that every coder coded alike), weighted by their length.
    Interviews
        Only interviews that every compared coder coded count (a coder coded an interview when
        they have a coding file for it); the others are listed as left out.
    Scopes
        ``all``: every unit. ``coded``: the units some compared coder applied any code to
        (whatever codes are reported), since uncoded text (greetings, questions) inflates
        agreement.
    Code variables
        Per code, a binary variable: 1 if the coder applied the code to the unit, else 0.
    Pooled
        Every (unit, code) pair of the reported codes is one binary decision; the figures are
        computed once over all these decisions together (binary pooling, as ATLAS.ti's alpha
        over several codes), not averaged over codes.
    Family variables
        An exclusive family (``exclusive: true``) read as one nominal variable: a coder's value
        on a unit is the family's code they applied, ``(none)`` when they applied none, and the
        codes joined by ``+`` when they (wrongly) applied two or more: such a unit counts as a
        disagreement unless the other coders did exactly the same, so hedging is not rewarded.

How it is counted
    Every figure is a function of how many units show each pattern of values (the coincidence
    matrix and the contingency table are sums over units), so units are not kept one by one:
    a coder's codes on a unit are an ``int`` whose bits are codes, a unit is a tuple of these
    masks (one per coder), and the data is a ``Counter`` of these tuples with their numbers of
    units, summed interview by interview. Uncoded units all share one key. The segment unit
    needs only the number of turns of each interview; the disagreements (which quote the text)
    are found by a second pass over the interviews, one at a time.
"""

from __future__ import annotations

import functools
import operator
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pcrcode.agreement.units import CodingIndex, Masks
from pcrcode.errors import PcrcodeError, UnknownItem, UsageError, did_you_mean
from pcrcode.files.codings import coding_files
from pcrcode.model import Coding, Project, as_codings

UNITS = ("segment", "character")
SCOPES = ("all", "coded")
NONE = "(none)"


Row = dict[str, Any]
T = TypeVar("T")


@dataclass(frozen=True)
class Stretch:
    """Units that every coder coded alike: one segment, or the characters start..end of one.

    ``weight`` is the number of units (1 for a segment, end - start for characters);
    ``applied[i]`` is the set of codes coder i applied there.
    """

    interview: str
    segment: int
    speaker: str
    start: int
    end: int
    weight: int
    applied: tuple[frozenset[str], ...]

    @property
    def coded(self) -> bool:
        return any(self.applied)


@dataclass(frozen=True)
class LeftOut:
    interview: str
    coded_by: tuple[str, ...]


@dataclass(frozen=True)
class AgreementData:
    """The unit x coder data of a comparison, as the number of units of each pattern."""

    coders: tuple[str, ...]
    unit: str
    interviews: tuple[str, ...]
    left_out: tuple[LeftOut, ...]
    codes: tuple[str, ...]
    families: Mapping[str, tuple[str, ...]]  # exclusive family -> its codable codes
    index: CodingIndex = field(repr=False, compare=False)

    @functools.cached_property
    def counts(self) -> Counter[Masks]:
        """Units per pattern of code masks (see :class:`CodingIndex`), counted on first use."""
        return self.index.count(self.interviews)

    def stretches(self) -> Iterator[Stretch]:
        """The units one by one (runs of characters alike), in text order: read again from the
        project, for a notebook or a test; the figures use :attr:`counts`."""
        names, segment = self.index.names, self.unit == "segment"
        for iid in self.interviews:
            for turn, start, end, masks in self.index.runs(iid):
                yield Stretch(
                    iid,
                    turn.number,
                    turn.speaker,
                    start,
                    end,
                    1 if segment else end - start,
                    tuple(map(names, masks)),
                )

    def presence(self, code: str, scope: str = "all") -> Counter[tuple[int, ...]]:
        """Binary patterns (one 1/0 per coder) of one code, with their number of units."""
        return self._with_rest(self._code_patterns(code), scope, 0)

    def family_values(self, family: str, scope: str = "all") -> Counter[tuple[str, ...]]:
        """Nominal patterns (one value per coder) of an exclusive family, with their units."""
        return self._with_rest(self._family_patterns(family), scope, NONE)

    def _with_rest(
        self, touched: Counter[tuple[T, ...]], scope: str, blank: T
    ) -> Counter[tuple[T, ...]]:
        # Only the patterns where some coder applied the code (or a code of the family) are
        # visited, once for both scopes (they are all 'coded'); every other unit of the scope
        # has the blank value for every coder, and is counted from the scope's total.
        patterns = touched.copy()
        rest = self.units(scope) - touched.total()
        if rest:
            patterns[(blank,) * len(self.coders)] += rest
        return patterns

    def _code_patterns(self, code: str) -> Counter[tuple[int, ...]]:
        found = self._by_code.get(code)
        if found is None:
            bit = self.index.bits.get(code, 0)
            found = self._by_code[code] = Counter()
            for masks, weight in self._with_bit.get(bit, ()):
                found[tuple([1 if m & bit else 0 for m in masks])] += weight
        return found

    def _family_patterns(self, family: str) -> Counter[tuple[str, ...]]:
        found = self._by_family.get(family)
        if found is not None:
            return found
        bits, names = self.index.bits, self.index.names
        members = [bits[c] for c in self.families[family] if c in bits]
        in_family = functools.reduce(operator.or_, members, 0)
        # Each pattern where some coder applied a code of the family, once.
        touched = {masks: weight for b in members for masks, weight in self._with_bit.get(b, ())}
        values: dict[int, str] = {}
        found = self._by_family[family] = Counter()
        for masks, weight in touched.items():
            pattern = []
            for m in masks:
                m &= in_family
                value = values.get(m)
                if value is None:
                    value = values[m] = _family_value(names(m))
                pattern.append(value)
            found[tuple(pattern)] += weight
        return found

    # The visited patterns of each code and family, kept for the two scopes and the pooled row.
    @functools.cached_property
    def _by_code(self) -> dict[str, Counter[tuple[int, ...]]]:
        return {}

    @functools.cached_property
    def _by_family(self) -> dict[str, Counter[tuple[str, ...]]]:
        return {}

    @functools.cached_property
    def _with_bit(self) -> dict[int, list[tuple[Masks, int]]]:
        """Code bit -> the patterns where some coder has it."""
        index: dict[int, list[tuple[Masks, int]]] = {}
        for masks, weight in self.counts.items():
            union = functools.reduce(operator.or_, masks, 0)
            while union:
                low = union & -union
                index.setdefault(low, []).append((masks, weight))
                union ^= low
        return index

    def notes(self) -> list[str]:
        """The interviews left out, for a note to the reader."""
        left = self.left_out
        if not left:
            return []
        listed = ", ".join(f"{lo.interview} ({'+'.join(lo.coded_by)})" for lo in left)
        return [
            f"left out {len(left)} interview{'s' if len(left) > 1 else ''} not coded by "
            f"every compared coder: {listed}"
        ]

    def units(self, scope: str = "all") -> int:
        return self._units[scope == "coded"]

    @functools.cached_property
    def _units(self) -> tuple[int, int]:
        return (
            sum(self.counts.values()),
            sum(weight for masks, weight in self.counts.items() if any(masks)),
        )


def _family_value(codes: frozenset[str]) -> str:
    if not codes:
        return NONE
    return "+".join(sorted(codes))


# Building the data --------------------------------------------------------------------------


def split_values(values: Iterable[str] | None) -> list[str]:
    """Repeated options and comma-separated lists alike: ``-x a,b -x c`` gives a, b, c."""
    out: list[str] = []
    for value in values or ():
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return list(dict.fromkeys(out))


class _ByFile(Mapping[tuple[str, str], Sequence[Coding]]):
    """(interview, coder) -> codings: who coded what is known at once; a file's codings are
    built when asked for and not kept (:meth:`pcrcode.model.Codings.take`), so that a pass
    over 10,000 interviews never holds every coding."""

    def __init__(self, codings: Sequence[Coding]) -> None:
        self._files = as_codings(codings)
        self._keys = dict.fromkeys((iv, coder) for iv, coder, n in self._files.files() if n)

    def __getitem__(self, key: tuple[str, str]) -> Sequence[Coding]:
        if key not in self._keys:
            raise KeyError(key)
        return self._files.take(*key)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._keys


def _by_file(codings: Sequence[Coding]) -> _ByFile:
    return _ByFile(codings)


def coded_by(
    project: Project,
    by_file: Mapping[tuple[str, str], Sequence[Coding]] | None = None,
) -> dict[str, set[str]]:
    """Interview -> the coders who coded it: who have a coding file for it or codings in it."""
    found: dict[str, set[str]] = {}
    for interview, coder in _by_file(project.codings) if by_file is None else by_file:
        found.setdefault(interview, set()).add(coder)
    for path in coding_files(project.root):
        found.setdefault(path.stem, set()).add(path.parent.name)
    return found


def build(
    project: Project,
    coders: Sequence[str] = (),
    unit: str = "segment",
    codes: Sequence[str] = (),
    families: Sequence[str] = (),
    interviews: Sequence[str] = (),
) -> AgreementData:
    """The data of a comparison; raises a :class:`PcrcodeError` for any bad selection.

    Units are counted when first asked for (:attr:`AgreementData.counts`)."""
    if unit not in UNITS:
        raise UsageError(
            f"unit '{unit}' does not apply: use segment or character{did_you_mean(unit, UNITS)}"
        )
    by_file = _by_file(project.codings)
    who = coded_by(project, by_file)
    compared = _coders(project, who, coders)
    included, left_out = _interviews(project, who, compared, interviews)
    code_ids, family_map = _codes(project, codes, families)
    index = CodingIndex(project, compared, unit, by_file)
    for code in code_ids:  # the reported codes first: their bits are known before any pass
        index.bit(code)
    return AgreementData(
        coders=compared,
        unit=unit,
        interviews=tuple(included),
        left_out=tuple(left_out),
        codes=tuple(code_ids),
        families=family_map,
        index=index,
    )


def _coders(project: Project, who: Mapping[str, set[str]], asked: Sequence[str]) -> tuple[str, ...]:
    known = sorted(set(project.coders()).union(*who.values()) if who else project.coders())
    if not asked:
        with_codings = project.coders()
        if len(with_codings) < 2:
            have = ", ".join(with_codings) or "nobody"
            raise PcrcodeError(
                f"agreement needs codings by at least two coders; this project "
                f"has codings by {have}"
            )
        return tuple(with_codings)
    names = list(dict.fromkeys(asked))
    for name in names:
        if name not in known:
            raise UnknownItem(
                f"unknown coder '{name}' (coders: {', '.join(known) or 'none yet'})"
                f"{did_you_mean(name, known)}"
            )
    if len(names) < 2:
        raise UsageError(
            f"agreement compares at least two coders, got only '{names[0]}': "
            "name another with --coders"
        )
    return tuple(names)


def _interviews(
    project: Project, who: Mapping[str, set[str]], coders: tuple[str, ...], asked: Sequence[str]
) -> tuple[list[str], list[LeftOut]]:
    everyone = set(coders)
    if asked:
        chosen = [project.interview(i).id for i in dict.fromkeys(asked)]
        for iid in chosen:
            missing = [c for c in coders if c not in who.get(iid, set())]
            if missing:
                raise PcrcodeError(
                    f"interview '{iid}' was not coded by {', '.join(missing)}: "
                    "agreement compares interviews that every coder coded"
                )
        return chosen, []
    included, left_out = [], []
    for iid in sorted(project.interviews):
        present = who.get(iid, set()) & everyone
        if present == everyone:
            included.append(iid)
        elif present:
            left_out.append(LeftOut(iid, tuple(c for c in coders if c in present)))
    if not included:
        raise PcrcodeError(
            f"no interview was coded by every compared coder "
            f"({', '.join(coders)}): nothing to compare"
        )
    return included, left_out


def _codes(
    project: Project, codes: Sequence[str], families: Sequence[str]
) -> tuple[list[str], dict[str, tuple[str, ...]]]:
    book = project.codebook
    codable = [c.id for c in book.codes.values() if c.codable]
    if not codes and not families:
        exclusive = [f.id for f in book.families.values() if f.exclusive]
        return codable, {f: _members(project, f) for f in exclusive}
    wanted: set[str] = set()
    family_map: dict[str, tuple[str, ...]] = {}
    for name in codes:
        key = book.selector(name)
        wanted.update(c.id for c in book.descendants(key) if c.codable)
    for name in families:
        family = book.family(name.strip().strip("/"))
        members = _members(project, family.id)
        wanted.update(members)
        if family.exclusive:
            family_map[family.id] = members
    selected = [c for c in codable if c in wanted]
    if not selected:
        raise UsageError("no codable code in the selection: see `pcrcode codebook show`")
    return selected, family_map


def _members(project: Project, family: str) -> tuple[str, ...]:
    return tuple(c.id for c in project.codebook.family_codes(family) if c.codable)
