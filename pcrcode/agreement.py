"""Intercoder agreement on a project: the unit x coder data, the report and the disagreements.

Pure: builds reliability data from a :class:`~pcrcode.model.Project` and hands it to
:mod:`pcrcode.reliability` (the statistics); no terminal, no printing.

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
"""

from __future__ import annotations

import dataclasses
import functools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, TypeVar

from pcrcode.codings import coding_files
from pcrcode.diagnostics import did_you_mean
from pcrcode.errors import PcrcodeError, UnknownItem, UsageError
from pcrcode.model import Coding, Project
from pcrcode.reliability import (
    Alpha,
    Coefficient,
    Kappa,
    PercentAgreement,
    cohen_kappa,
    krippendorff_alpha_nominal,
    percent_agreement,
)

UNITS = ("segment", "character")
SCOPES = ("all", "coded")
NONE = "(none)"

AGREE = "percent agreement, the share of units on which all coders agree"
POOLED = (
    "every (unit, code) pair of the reported codes is one binary decision (applied or "
    "not); the figures are computed once over all these decisions, not averaged over codes"
)
CODED = (
    "only the units some compared coder applied any code to (uncoded text inflates "
    "agreement)"
)
FAMILY = (
    "an exclusive family as one nominal variable; a coder's value on a unit is the "
    "family code they applied, '(none)' if none, codes joined by '+' if two or more"
)

Row = dict[str, Any]
REPORT_KEYS = ("variable", "kind", "scope", "units", "agreement", "agreement_reason", "kappa",
               "kappa_reason", "alpha", "alpha_reason", "doubly_coded")
DISAGREEMENT_KEYS = ("interview", "segment", "speaker", "start", "end", "code", "applied_by",
                     "not_applied_by", "quote")
C = TypeVar("C", bound=Coefficient)


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
    """The unit x coder data of a comparison, as run-length stretches."""

    coders: tuple[str, ...]
    unit: str
    interviews: tuple[str, ...]
    left_out: tuple[LeftOut, ...]
    codes: tuple[str, ...]
    families: Mapping[str, tuple[str, ...]]  # exclusive family -> its codable codes
    stretches: tuple[Stretch, ...]
    texts: Mapping[tuple[str, int], str]  # (interview, segment) -> turn text

    def presence(self, code: str, scope: str = "all") -> Counter[tuple[int, ...]]:
        """Binary patterns (one 1/0 per coder) of one code, with their number of units."""
        patterns: Counter[tuple[int, ...]] = Counter()
        # Only the stretches where some coder applied the code are visited; the others are all
        # zeros, counted from the scope's total (linear in the data, not codes x units).
        touched = 0
        for s in self._with_code.get(code, ()):
            if scope == "coded" and not s.coded:
                continue
            patterns[tuple(int(code in applied) for applied in s.applied)] += s.weight
            touched += s.weight
        rest = self.units(scope) - touched
        if rest:
            patterns[(0,) * len(self.coders)] += rest
        return patterns

    @functools.cached_property
    def _with_code(self) -> dict[str, list[Stretch]]:
        index: dict[str, list[Stretch]] = {}
        for s in self.stretches:
            for code in frozenset().union(*s.applied):
                index.setdefault(code, []).append(s)
        return index

    def family_values(self, family: str, scope: str = "all") -> Counter[tuple[str, ...]]:
        """Nominal patterns (one value per coder) of an exclusive family, with their units."""
        members = set(self.families[family])
        patterns: Counter[tuple[str, ...]] = Counter()
        for s in self._scope(scope):
            patterns[tuple(_family_value(applied & members) for applied in s.applied)] += (
                s.weight
            )
        return patterns

    def notes(self) -> list[str]:
        """The interviews left out, for a note to the reader."""
        left = self.left_out
        if not left:
            return []
        listed = ", ".join(f"{lo.interview} ({'+'.join(lo.coded_by)})" for lo in left)
        return [f"left out {len(left)} interview{'s' if len(left) > 1 else ''} not coded by "
                f"every compared coder: {listed}"]

    def units(self, scope: str = "all") -> int:
        return self._units[scope == "coded"]

    @functools.cached_property
    def _units(self) -> tuple[int, int]:
        return (sum(s.weight for s in self.stretches),
                sum(s.weight for s in self.stretches if s.coded))

    def _scope(self, scope: str) -> Iterable[Stretch]:
        if scope == "coded":
            return (s for s in self.stretches if s.coded)
        return self.stretches


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


def coded_by(project: Project) -> dict[str, set[str]]:
    """Interview -> the coders who coded it: who have a coding file for it or codings in it."""
    found: dict[str, set[str]] = {}
    for coding in project.codings:
        found.setdefault(coding.interview, set()).add(coding.coder)
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
    """The data of a comparison; raises a :class:`PcrcodeError` for any bad selection."""
    if unit not in UNITS:
        raise UsageError(f"unit '{unit}' does not apply: use segment or character"
                         f"{did_you_mean(unit, UNITS)}")
    who = coded_by(project)
    compared = _coders(project, who, coders)
    included, left_out = _interviews(project, who, compared, interviews)
    code_ids, family_map = _codes(project, codes, families)
    stretches: list[Stretch] = []
    texts: dict[tuple[str, int], str] = {}
    by_turn: dict[tuple[str, int, str], list[Coding]] = {}
    chosen = set(included)
    for c in project.codings:
        if c.interview in chosen and c.coder in compared:
            by_turn.setdefault((c.interview, c.segment, c.coder), []).append(c)
    for iid in included:
        for turn in project.interviews[iid].turns:
            texts[iid, turn.number] = turn.text
            per_coder = [by_turn.get((iid, turn.number, coder), []) for coder in compared]
            stretches.extend(_turn_stretches(iid, turn.number, turn.speaker, turn.text,
                                             per_coder, unit))
    return AgreementData(
        coders=compared,
        unit=unit,
        interviews=tuple(included),
        left_out=tuple(left_out),
        codes=tuple(code_ids),
        families=family_map,
        stretches=tuple(stretches),
        texts=texts,
    )


def _coders(project: Project, who: Mapping[str, set[str]], asked: Sequence[str]) -> tuple[str, ...]:
    known = sorted(set(project.coders()).union(*who.values()) if who else project.coders())
    if not asked:
        with_codings = project.coders()
        if len(with_codings) < 2:
            have = ", ".join(with_codings) or "nobody"
            raise PcrcodeError(f"agreement needs codings by at least two coders; this project "
                               f"has codings by {have}")
        return tuple(with_codings)
    names = list(dict.fromkeys(asked))
    for name in names:
        if name not in known:
            raise UnknownItem(f"unknown coder '{name}' (coders: {', '.join(known) or 'none yet'})"
                              f"{did_you_mean(name, known)}")
    if len(names) < 2:
        raise UsageError(f"agreement compares at least two coders, got only '{names[0]}': "
                         "name another with --coders")
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
                raise PcrcodeError(f"interview '{iid}' was not coded by {', '.join(missing)}: "
                                   "agreement compares interviews that every coder coded")
        return chosen, []
    included, left_out = [], []
    for iid in sorted(project.interviews):
        present = who.get(iid, set()) & everyone
        if present == everyone:
            included.append(iid)
        elif present:
            left_out.append(LeftOut(iid, tuple(c for c in coders if c in present)))
    if not included:
        raise PcrcodeError(f"no interview was coded by every compared coder "
                           f"({', '.join(coders)}): nothing to compare")
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


def _turn_stretches(
    interview: str,
    segment: int,
    speaker: str,
    text: str,
    per_coder: Sequence[Sequence[Coding]],
    unit: str,
) -> list[Stretch]:
    length = len(text)
    if unit == "segment":
        applied = tuple(frozenset(c.code for c in cs) for cs in per_coder)
        return [Stretch(interview, segment, speaker, 0, length, 1, applied)]
    # Interval arithmetic: between two consecutive span boundaries every coder's set of codes is
    # constant, so each elementary interval is one stretch weighted by its length.
    spans = [[_span(c, length) for c in cs] for cs in per_coder]
    bounds = sorted({0, length}.union(*({s, e} for coder in spans for _, s, e in coder)))
    out: list[Stretch] = []
    for a, b in pairwise(bounds):
        here = tuple(frozenset(code for code, s, e in coder if s <= a and b <= e)
                     for coder in spans)
        if out and out[-1].applied == here:
            out[-1] = dataclasses.replace(out[-1], end=b, weight=b - out[-1].start)
        else:
            out.append(Stretch(interview, segment, speaker, a, b, b - a, here))
    return out


def _span(coding: Coding, length: int) -> tuple[str, int, int]:
    """A coding's characters, clamped to the text (a stale span can reach past its end)."""
    start = 0 if coding.start is None else min(max(coding.start, 0), length)
    end = length if coding.end is None else min(max(coding.end, start), length)
    return coding.code, start, end


# The report ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """Agreement on one variable over one scope."""

    units: int
    agreement: PercentAgreement
    kappa: Kappa
    alpha: Alpha


@dataclass(frozen=True)
class Variable:
    name: str  # a code id, a family id, or "pooled"
    kind: str  # code | family | pooled
    scopes: Mapping[str, Figures]
    doubly_coded: int | None = None  # family: units where a coder applied 2+ of its codes


@dataclass(frozen=True)
class Report:
    data: AgreementData
    variables: tuple[Variable, ...]

    def rows(self) -> list[Row]:
        """Tidy rows: one per variable and scope. Keys are documented in the README."""
        rows = []
        for v in self.variables:
            for scope in SCOPES:
                f = v.scopes[scope]
                row: Row = {"variable": v.name, "kind": v.kind, "scope": scope, "units": f.units}
                for key, coef in (("agreement", f.agreement), ("kappa", f.kappa),
                                  ("alpha", f.alpha)):
                    row[key] = coef.value
                    row[f"{key}_reason"] = coef.reason
                row["doubly_coded"] = v.doubly_coded
                rows.append(row)
        return rows

    def below(self, minimum: float) -> list[Row]:
        """Rows whose alpha is defined and lower than ``minimum`` (the CI gate)."""
        return [r for r in self.rows() if r["alpha"] is not None and r["alpha"] < minimum]

    def undefined_alphas(self) -> list[Row]:
        return [r for r in self.rows() if r["alpha"] is None]

    def notes(self) -> list[str]:
        """What a reader must know about the data: left-out interviews, double codings."""
        out = self.data.notes()
        for v in self.variables:
            if v.doubly_coded:
                out.append(f"family {v.name}: {v.doubly_coded} {self.data.unit}"
                           f"{'s' if v.doubly_coded > 1 else ''} with two or more of its codes "
                           "from one coder (counted as their own '+' value)")
        return out

    def to_json(self, min_alpha: float | None = None) -> dict[str, Any]:
        d = self.data
        return {
            "coders": list(d.coders),
            "unit": d.unit,
            "interviews": list(d.interviews),
            "left_out": [{"interview": lo.interview, "coded_by": list(lo.coded_by)}
                         for lo in d.left_out],
            "definitions": {"agreement": AGREE, "coded": CODED, "pooled": POOLED,
                            "family": FAMILY},
            "rows": self.rows(),
            "min_alpha": min_alpha,
            "below_min_alpha": [] if min_alpha is None else [
                {"variable": r["variable"], "scope": r["scope"], "alpha": r["alpha"]}
                for r in self.below(min_alpha)
            ],
        }


def report(data: AgreementData) -> Report:
    """Per code, per exclusive family, and pooled, over all units and over coded units."""
    variables: list[Variable] = []
    for code in data.codes:
        scopes = {s: _figures(data.presence(code, s), "no coder applied this code",
                              "every coder applied this code to every unit")
                  for s in SCOPES}
        variables.append(Variable(code, "code", scopes))
    for family in data.families:
        scopes, doubly = {}, 0
        for s in SCOPES:
            patterns = data.family_values(family, s)
            scopes[s] = _figures(patterns, "no coder applied a code of this family", None)
            if s == "all":
                doubly = sum(w for p, w in patterns.items() if any("+" in v for v in p))
        variables.append(Variable(family, "family", scopes, doubly))
    if data.codes:
        pooled = {}
        for s in SCOPES:
            decisions: Counter[tuple[int, ...]] = Counter()
            for code in data.codes:
                decisions.update(data.presence(code, s))
            pooled[s] = _figures(decisions, "no coder applied any of these codes",
                                 "every coder applied every code to every unit")
        variables.append(Variable("pooled", "pooled", pooled))
    return Report(data, tuple(variables))


def _figures(
    patterns: Mapping[Any, int], nobody: str, everybody: str | None
) -> Figures:
    """The three coefficients on patterns (one value per coder) weighted by their units."""
    units = [list(p) for p in patterns]
    weights = list(patterns.values())
    total = sum(weights)
    values = {v for p in patterns for v in p}
    if values == {0} or values == {NONE}:
        why: str | None = nobody
    elif values == {1} and everybody is not None:
        why = everybody
    else:
        why = None
    empty = "no unit was coded by any coder" if not total else None

    def explain(coef: C) -> C:
        if coef.value is not None:
            return coef
        reason = empty or why or coef.reason
        return dataclasses.replace(coef, reason=reason)

    return Figures(
        units=total,
        agreement=explain(percent_agreement(units, weights=weights)),
        kappa=explain(cohen_kappa(units, weights=weights)),
        alpha=explain(krippendorff_alpha_nominal(units, weights=weights)),
    )


# Disagreements ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Disagreement:
    interview: str
    segment: int
    speaker: str
    start: int | None  # character unit only
    end: int | None
    code: str
    applied_by: tuple[str, ...]
    not_applied_by: tuple[str, ...]
    quote: str

    def row(self) -> Row:
        return {
            "interview": self.interview,
            "segment": self.segment,
            "speaker": self.speaker,
            "start": self.start,
            "end": self.end,
            "code": self.code,
            "applied_by": list(self.applied_by),
            "not_applied_by": list(self.not_applied_by),
            "quote": self.quote,
        }


def disagreements(data: AgreementData) -> list[Disagreement]:
    """One per (unit run, code) where some coders applied the code and others did not.

    With the character unit, adjacent characters of a segment where the same coders applied
    the code make one disagreement, quoted by their text.
    """
    found: list[Disagreement] = []
    last: dict[str, int] = {}  # code -> index in found of its latest disagreement
    for s in data.stretches:
        for code in data.codes:
            by = tuple(c for c, applied in zip(data.coders, s.applied, strict=True)
                       if code in applied)
            if not by or len(by) == len(data.coders):
                continue
            prev = found[last[code]] if code in last else None
            if (data.unit == "character" and prev is not None and prev.end == s.start
                    and (prev.interview, prev.segment, prev.applied_by)
                    == (s.interview, s.segment, by)):
                text = data.texts[s.interview, s.segment]
                found[last[code]] = dataclasses.replace(
                    prev, end=s.end, quote=text[prev.start or 0:s.end])
                continue
            not_by = tuple(c for c in data.coders if c not in by)
            text = data.texts[s.interview, s.segment]
            if data.unit == "character":
                found.append(Disagreement(s.interview, s.segment, s.speaker, s.start, s.end,
                                          code, by, not_by, text[s.start:s.end]))
            else:
                found.append(Disagreement(s.interview, s.segment, s.speaker, None, None,
                                          code, by, not_by, text))
            last[code] = len(found) - 1
    order = {c: i for i, c in enumerate(data.codes)}
    return sorted(found, key=lambda d: (d.interview, d.segment, d.start or 0, order[d.code]))


__all__ = [
    "AgreementData",
    "Disagreement",
    "Figures",
    "LeftOut",
    "Report",
    "Stretch",
    "Variable",
    "build",
    "coded_by",
    "disagreements",
    "report",
    "split_values",
]

