"""``pcrcode findings --explain ID``: a finding's supporting and contradicting units, each with one
short quote.

The quote comes from the first segment that shows why one of the finding's conditions holds for
the unit (the first of ``value``, ``if``, ``then``, the comparison's groups, ``among`` that
holds for it): a segment matching a ``has`` query, or carrying the value an axis read. It is
the coded span when a coding on that segment has one, else the turn, cut at
:data:`QUOTE_LENGTH` characters with an ellipsis. A unit with no such segment (an absent code,
a negation: there is nothing to show) has no quote.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pcrcode.findings import model as m
from pcrcode.findings.evaluate import Evaluation
from pcrcode.reports.corpus import CodedSegment

QUOTE_LENGTH = 120
SUPPORTING, CONTRADICTING = "supporting", "contradicting"


@dataclass(frozen=True)
class Witness:
    side: str  # supporting | contradicting
    unit: str
    structure: str | None
    interview: str | None
    segment: int | None
    quote: str  # "" when the unit has no segment to show

    def record(self) -> dict[str, Any]:
        return {
            "side": self.side,
            "unit": self.unit,
            "structure": self.structure,
            "interview": self.interview,
            "segment": self.segment,
            "quote": self.quote,
        }


def short(text: str, limit: int = QUOTE_LENGTH) -> str:
    """``text`` on one line, cut at a word before ``limit`` characters with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:") + "…"


def _conditions(f: m.Finding) -> list[m.Condition]:
    found = [f.value, f.if_, f.then, f.higher, f.lower, f.among]
    return [c for c in found if c is not None]


def witnesses(evaluation: Evaluation) -> list[Witness]:
    result, ev = evaluation.result, evaluation.evaluator
    chosen: list[tuple[str, str, tuple[CodedSegment, frozenset[str]] | None]] = []
    for side, ids in ((SUPPORTING, result.supporting), (CONTRADICTING, result.contradicting)):
        for uid in ids:
            unit = evaluation.units[uid]
            segment = _first(
                ev.evidence(c, unit) for c in _conditions(result.finding) if ev.holds(c, unit)
            )
            chosen.append((side, uid, segment))
    wanted: dict[str, list[int]] = {}
    for _, _, found in chosen:
        if found is not None:
            wanted.setdefault(found[0].interview, []).append(found[0].number)
    turns = ev.corpus.read_turns(wanted)
    out = []
    for side, uid, found in chosen:
        unit = evaluation.units[uid]
        if found is None:
            out.append(Witness(side, uid, unit.structure, unit.interview, None, ""))
            continue
        s, codes = found
        text = _span(s, codes) or turns.get(s.key, ("", ""))[1]
        out.append(Witness(side, uid, unit.structure, s.interview, s.number, short(text)))
    return out


def _first(
    streams: Iterable[Iterable[tuple[CodedSegment, frozenset[str]]]],
) -> tuple[CodedSegment, frozenset[str]] | None:
    for stream in streams:
        for found in stream:
            return found
    return None


def _span(segment: CodedSegment, codes: frozenset[str]) -> str:
    """The coded span of the codes that show the finding on this segment (another span on
    the segment if they have none): the words a coder chose, not the whole turn."""
    spans = [c for c in segment.codings if c.quote]
    for coding in sorted(spans, key=lambda c: c.code not in codes):
        return coding.quote
    return ""
