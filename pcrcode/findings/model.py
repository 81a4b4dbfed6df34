"""What a finding declares, and what evaluating it gives (the JSON shape other renderers use).

A *condition* is true or false of one unit (a case, an interview or a segment):

- ``Is``: the unit's value on an axis (an attribute such as a statut, ``interviewed``,
  ``FAMILY:max``, ``FAMILY:dominant``; an exclusive family for segments) is one of ``values``;
- ``Reaches``: the unit's value on an ordered axis (``FAMILY:max``) is at least (or at most) the
  degree of a code;
- ``Has``: one of the unit's coded segments satisfies a ``retrieve`` query;
- ``AllOf``, ``AnyOf``, ``Not``: and, or, not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

HOLDS, FAILS, UNDEFINED = "holds", "fails", "undefined"
STATUSES = (HOLDS, FAILS, UNDEFINED)
SHARE, ABSENT, PRESENT, IMPLICATION, COMPARISON = (
    "share",
    "absent",
    "present",
    "implication",
    "comparison",
)
KINDS = (SHARE, ABSENT, PRESENT, IMPLICATION, COMPARISON)
CASE, INTERVIEW, SEGMENT = "case", "interview", "segment"
UNITS = (CASE, INTERVIEW, SEGMENT)
SUFFICIENT, NECESSARY = "sufficient", "necessary"
MEDIAN, SHARE_REACHING = "median", "share"


@dataclass(frozen=True)
class Is:
    axis: str
    values: tuple[str, ...]
    pos: tuple[int, int] = (0, 0)

    def describe(self) -> str:
        return f"{self.axis} is {' or '.join(self.values)}"


@dataclass(frozen=True)
class Reaches:
    axis: str
    code: str
    at_least: bool  # False: at most
    pos: tuple[int, int] = (0, 0)

    def describe(self) -> str:
        return f"{self.axis} {'at least' if self.at_least else 'at most'} {self.code}"


@dataclass(frozen=True)
class Has:
    query: str
    pos: tuple[int, int] = (0, 0)

    def describe(self) -> str:
        return f"has {self.query}"


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Condition, ...]
    pos: tuple[int, int] = (0, 0)

    def describe(self) -> str:
        return " and ".join(_inner(p) for p in self.parts)


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Condition, ...]
    pos: tuple[int, int] = (0, 0)

    def describe(self) -> str:
        return " or ".join(_inner(p) for p in self.parts)


@dataclass(frozen=True)
class Not:
    part: Condition
    pos: tuple[int, int] = (0, 0)

    def describe(self) -> str:
        return f"not {_inner(self.part)}"


Condition = Is | Reaches | Has | AllOf | AnyOf | Not


def _inner(c: Condition) -> str:
    text = c.describe()
    return f"({text})" if isinstance(c, AllOf | AnyOf) and len(c.parts) > 1 else text


@dataclass(frozen=True)
class Finding:
    """One declared finding (see the README, "Findings", for every key)."""

    id: str
    statement: str
    kind: str
    unit: str = CASE
    coders: tuple[str, ...] = ()  # () = each interview's main coder
    all_coders: bool = False
    among: Condition | None = None
    value: Condition | None = None  # share, absent, present
    if_: Condition | None = None  # implication: X
    then: Condition | None = None  # implication: Y
    direction: str = SUFFICIENT
    at_least: float | None = None  # share; implication (consistency)
    at_most: float | None = None
    min_cases: int = 1
    min_count: int = 1  # present
    measure: str = ""  # comparison: an ordered axis (FAMILY:max)
    by: str = MEDIAN
    reaching: str = ""  # comparison by share: a code of the measure's family
    higher: Condition | None = None
    lower: Condition | None = None
    line: int = 0

    def check_text(self) -> str:
        """The check in words, for a table or a Markdown report."""
        among = f" among {self.among.describe()}" if self.among is not None else ""
        bound = _bound(self.at_least, self.at_most)
        if self.kind == SHARE and self.value is not None:
            return f"share of {self.value.describe()}{among} {bound}"
        if self.kind in (ABSENT, PRESENT) and self.value is not None:
            least = f"at least {self.min_count} " if self.kind == PRESENT else "no "
            return f"{least}{self.unit}{among}: {self.value.describe()}"
        if self.kind == IMPLICATION and self.if_ is not None and self.then is not None:
            return (
                f"{self.if_.describe()} {self.direction} for {self.then.describe()}{among}: "
                f"consistency {bound}"
            )
        if self.kind == COMPARISON and self.higher is not None and self.lower is not None:
            stat = "median" if self.by == MEDIAN else f"share reaching {self.reaching}"
            return (
                f"{stat} of {self.measure} higher for {self.higher.describe()} than for "
                f"{self.lower.describe()}{among}"
            )
        return self.kind


def _bound(at_least: float | None, at_most: float | None) -> str:
    if at_least is not None:
        return f">= {at_least:g}"
    if at_most is not None:
        return f"<= {at_most:g}"
    return ""


@dataclass(frozen=True)
class Result:
    """A finding evaluated. ``supporting`` / ``contradicting``: unit ids (structure ids for
    cases, interview ids, ``interview#segment`` for segments); ``breaking`` are the
    contradicting units of a finding that fails (empty otherwise)."""

    finding: Finding
    status: str
    reason: str | None
    figures: Mapping[str, Any]
    supporting: tuple[str, ...] = ()
    contradicting: tuple[str, ...] = ()
    evidence: Mapping[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)

    @property
    def breaking(self) -> tuple[str, ...]:
        return self.contradicting if self.status == FAILS else ()

    def record(self) -> dict[str, Any]:
        """The JSON shape of one result (documented in the README and FINDINGS_MODEL.md)."""
        f = self.finding
        return {
            "id": f.id,
            "statement": f.statement,
            "kind": f.kind,
            "unit": f.unit,
            "check": f.check_text(),
            "status": self.status,
            "reason": self.reason,
            "figures": dict(self.figures),
            "supporting": list(self.supporting),
            "contradicting": list(self.contradicting),
            "breaking": list(self.breaking),
            "line": f.line,
        }
