"""Crisp-set QCA (Ragin): how far a condition X is sufficient or necessary for an outcome Y.

With crisp sets (a unit is in X or not, in Y or not):

- X *sufficient* for Y: consistency = |X ∩ Y| / |X| (how far X's cases show Y), coverage =
  |X ∩ Y| / |Y| (how much of Y that path explains);
- X *necessary* for Y: consistency = |X ∩ Y| / |Y| (how far Y's cases show X), coverage
  (relevance) = |X ∩ Y| / |X|.

A ratio over an empty set is None: undefined, never a pass.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass


@dataclass(frozen=True)
class Fit:
    x: int
    y: int
    xy: int
    consistency: float | None
    coverage: float | None


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def sufficiency(x: Set[str], y: Set[str]) -> Fit:
    both = len(x & y)
    return Fit(len(x), len(y), both, _ratio(both, len(x)), _ratio(both, len(y)))


def necessity(x: Set[str], y: Set[str]) -> Fit:
    both = len(x & y)
    return Fit(len(x), len(y), both, _ratio(both, len(y)), _ratio(both, len(x)))
