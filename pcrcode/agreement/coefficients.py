"""Intercoder agreement: percent agreement, Cohen's kappa and Krippendorff's alpha (nominal).

Pure statistics core, standard library only: no CLI toolkit, no numpy.

Reliability data
    A sequence of *units* (segments, turns, characters). Each unit is a sequence with one entry
    per coder, in the same coder order for every unit. An entry is a hashable category (a code
    id, or ``1``/``0`` for "applied"/"not applied" when one code is measured on its own), or
    ``None`` when that coder has no value for the unit. A float NaN also counts as missing, as in
    pandas and in the ``krippendorff`` package. For a per-code binary variable ``0`` and ``None``
    differ: ``0`` says the coder read the unit and did not apply the code, ``None`` says the coder
    never coded the unit, and ``None`` takes no part in any coefficient.

Undefined coefficients
    Every function returns a :class:`Coefficient` and never NaN. When a coefficient cannot be
    computed (no units to compare, no variation in the data, wrong number of coders) its
    ``value`` is ``None`` and its ``reason`` says why in plain words, ready for a table cell.

Weights
    ``percent_agreement``, ``cohen_kappa``, ``coincidences`` and ``krippendorff_alpha_nominal``
    take optional ``weights``: how many times each unit occurs. Run-length data (a stretch of
    characters that every coder coded alike is one unit weighted by its length) then gives the
    same result as the data with each unit repeated, without a loop over every repeat.

Pooling
    A figure pooled over several codes can be computed on the concatenated per-code unit lists
    (each (unit, code) pair becomes one binary unit).

References
    Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educational and
    Psychological Measurement*, 20(1), 37-46.

    Krippendorff, K. (2011). *Computing Krippendorff's Alpha-Reliability*. Annenberg School for
    Communication, University of Pennsylvania. https://repository.upenn.edu/asc_papers/43
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TypeAlias

__all__ = [
    "Alpha",
    "Coefficient",
    "Coincidences",
    "Kappa",
    "PercentAgreement",
    "ReliabilityData",
    "cohen_kappa",
    "coincidences",
    "krippendorff_alpha_nominal",
    "percent_agreement",
]

Unit: TypeAlias = Sequence[Hashable | None]
ReliabilityData: TypeAlias = Sequence[Unit]
Weights: TypeAlias = Sequence[int] | None


@dataclass(frozen=True, kw_only=True)
class Coefficient:
    """An agreement coefficient, or the reason it is undefined.

    Exactly one of ``value`` and ``reason`` is ``None``. ``units`` is the number of units the
    coefficient was actually computed on (after dropping units it cannot use).
    """

    value: float | None
    reason: str | None
    units: int

    def __post_init__(self) -> None:
        if (self.value is None) == (self.reason is None):
            raise ValueError("a coefficient has either a value or a reason why it has none")

    @property
    def defined(self) -> bool:
        return self.value is not None


@dataclass(frozen=True, kw_only=True)
class PercentAgreement(Coefficient):
    """Share of agreement; ``agreeing_units`` counts units whose present values are all equal."""

    agreeing_units: int = 0


@dataclass(frozen=True, kw_only=True)
class Kappa(Coefficient):
    """Cohen's kappa with its observed (``p_o``) and chance (``p_e``) agreement."""

    p_o: float | None = None
    p_e: float | None = None


@dataclass(frozen=True, kw_only=True)
class Alpha(Coefficient):
    """Krippendorff's alpha with its observed (``d_o``) and expected (``d_e``) disagreement.

    ``values`` is n, the number of pairable values (the grand total of the coincidence matrix).
    """

    values: int = 0
    d_o: float | None = None
    d_e: float | None = None


@dataclass(frozen=True)
class Coincidences:
    """Coincidence matrix of the pairable values (Krippendorff 2011, "coincidence matrix").

    ``matrix[i][j]`` is o_ck for ``levels[i]``, ``levels[j]``; ``totals[i]`` is n_c (an integer:
    the number of pairable values of that category); ``values`` is n; ``units`` counts pairable
    units (those with at least two values).
    """

    levels: tuple[Hashable, ...]
    matrix: tuple[tuple[float, ...], ...]
    totals: tuple[int, ...]
    values: int
    units: int


_NO_PAIRABLE_UNITS = "no unit was coded by at least two coders, so there is nothing to compare"


def is_missing(entry: Hashable | None) -> bool:
    return entry is None or (isinstance(entry, float) and math.isnan(entry))


def _present(unit: Unit) -> list[Hashable]:
    return [entry for entry in unit if not is_missing(entry)]


def coder_count(data: ReliabilityData) -> int:
    """Entries per unit; ragged data is a caller bug, not an undefined coefficient."""
    if not data:
        return 0
    coders = len(data[0])
    for index, unit in enumerate(data):
        if len(unit) != coders:
            raise ValueError(
                f"unit {index} has {len(unit)} entries, expected {coders} (one per coder)"
            )
    return coders


def _weighted(data: ReliabilityData, weights: Weights) -> Iterable[tuple[Unit, int]]:
    """Units with their weights (1 each by default); units of weight 0 are skipped."""
    if weights is None:
        return ((unit, 1) for unit in data)
    if len(weights) != len(data):
        raise ValueError(f"{len(weights)} weights for {len(data)} units")
    if any(not isinstance(w, int) or w < 0 for w in weights):
        raise ValueError("weights must be non-negative integers")
    return ((unit, w) for unit, w in zip(data, weights, strict=True) if w)


def _pairable(
    data: ReliabilityData, weights: Weights
) -> Iterator[tuple[Counter[Hashable], int, int]]:
    """The units at least two coders gave a value: (how many gave each value, how many values,
    the unit's weight)."""
    for unit, weight in _weighted(data, weights):
        values = _present(unit)
        if len(values) >= 2:
            yield Counter(values), len(values), weight


def _describe(category: Hashable) -> str:
    return repr(category)


def percent_agreement(
    data: ReliabilityData, *, pairwise: bool = False, weights: Weights = None
) -> PercentAgreement:
    """Percent agreement over the units that at least two coders coded.

    Default (unit-wise): the proportion of those units on which *all* present values agree.
    With two coders and binary presence data this is NVivo's figure, (units coded by both +
    units coded by neither) / units. With ``pairwise=True``: the mean over those units of the
    share of agreeing coder pairs within the unit (Fleiss's observed agreement, generalised to
    units with different numbers of coders); it is less strict than unit-wise with three or
    more coders and equal to it with two. Neither corrects for chance agreement.
    """
    coders = coder_count(data)
    if coders < 2:
        return PercentAgreement(
            value=None, reason=_fewer_than_two_coders(coders, len(data)), units=0
        )
    used = 0
    agreeing = 0
    pair_shares = Fraction(0)
    for counts, m, weight in _pairable(data, weights):
        used += weight
        if len(counts) == 1:
            agreeing += weight
        if pairwise:
            pair_shares += weight * Fraction(sum(c * (c - 1) for c in counts.values()), m * (m - 1))
    if used == 0:
        return PercentAgreement(value=None, reason=_NO_PAIRABLE_UNITS, units=0)
    value = float(pair_shares / used) if pairwise else agreeing / used
    return PercentAgreement(value=value, reason=None, units=used, agreeing_units=agreeing)


def cohen_kappa(data: ReliabilityData, *, weights: Weights = None) -> Kappa:
    """Cohen's (1960) kappa for exactly two coders, on the units both of them coded.

    k = (p_o - p_e) / (1 - p_e), where p_o is the proportion of units on which the two coders
    agree and p_e = sum over categories c of p_A(c) * p_B(c), the agreement expected if each
    coder kept their own category proportions but assigned them independently of the units.
    Undefined when p_e = 1 (both coders used the same single category throughout).
    """
    coders = coder_count(data)
    if coders != 2:
        if coders > 2:
            reason = (
                f"Cohen's kappa compares exactly two coders and the data has {coders}; "
                "use Krippendorff's alpha"
            )
        else:
            reason = _fewer_than_two_coders(coders, len(data))
        return Kappa(value=None, reason=reason, units=0)
    first: Counter[Hashable] = Counter()
    second: Counter[Hashable] = Counter()
    agreements = 0
    for unit, weight in _weighted(data, weights):
        a, b = unit
        if is_missing(a) or is_missing(b):
            continue
        first[a] += weight
        second[b] += weight
        agreements += weight * (a == b)
    n = sum(first.values())
    if n == 0:
        return Kappa(value=None, reason="no unit was coded by both coders", units=0)
    chance = sum(count * second[category] for category, count in first.items())
    only = next(iter(first)) if len(first) == 1 else None
    return kappa_from_counts(n, agreements, chance, only)


def kappa_from_counts(n: int, agreements: int, chance: int, only: Hashable | None) -> Kappa:
    """Kappa from counts: ``chance`` is n**2 * p_e, kept integral so p_e == 1 is exact."""
    p_o = agreements / n
    p_e = chance / (n * n)
    if chance == n * n:
        category = f" ({_describe(only)})" if only is not None else ""
        return Kappa(
            value=None,
            reason=(
                f"both coders gave every unit the same category{category}, so chance agreement "
                "is 1 and kappa is undefined"
            ),
            units=n,
            p_o=p_o,
            p_e=p_e,
        )
    # One division of integers: the float is correctly rounded.
    value = (n * agreements - chance) / (n * n - chance)
    return Kappa(value=value, reason=None, units=n, p_o=p_o, p_e=p_e)


def _ordered_levels(
    data: ReliabilityData, levels: Iterable[Hashable] | None
) -> tuple[Hashable, ...]:
    seen: dict[Hashable, None] = {}
    for unit in data:
        for entry in _present(unit):
            seen.setdefault(entry, None)
    if levels is None:
        found = list(seen)
        try:
            return tuple(sorted(found))  # type: ignore[type-var]
        except TypeError:
            return tuple(found)
    declared = tuple(dict.fromkeys(levels))
    unknown = [entry for entry in seen if entry not in declared]
    if unknown:
        raise ValueError(
            f"values not in the declared levels: {', '.join(_describe(u) for u in unknown)}"
        )
    return declared


def _coincidence_counts(
    data: ReliabilityData, weights: Weights = None
) -> tuple[dict[tuple[Hashable, Hashable], Fraction], Counter[Hashable], int]:
    """o_ck (exact fractions), n_c and the number of pairable units."""
    o: dict[tuple[Hashable, Hashable], Fraction] = {}
    totals: Counter[Hashable] = Counter()
    units = 0
    for counts, m, weight in _pairable(data, weights):
        units += weight
        for c, n_c in counts.items():
            totals[c] += weight * n_c
            for k, n_k in counts.items():
                pairs = n_c * (n_k - 1) if c == k else n_c * n_k
                if pairs:
                    o[c, k] = o.get((c, k), Fraction(0)) + Fraction(weight * pairs, m - 1)
    return o, totals, units


def coincidences(
    data: ReliabilityData,
    levels: Iterable[Hashable] | None = None,
    *,
    weights: Weights = None,
) -> Coincidences:
    """The coincidence matrix of Krippendorff (2011).

    o_ck = sum over pairable units u of (number of ordered coder pairs in u valued c and k) /
    (m_u - 1), where m_u is the number of values in u; units with m_u < 2 are not pairable and
    are dropped. ``levels`` fixes the categories and their order (unused ones get zero rows);
    by default the categories present, sorted when they can be.
    """
    coder_count(data)
    order = _ordered_levels(data, levels)
    o, totals, units = _coincidence_counts(data, weights)
    matrix = tuple(tuple(float(o.get((c, k), 0)) for k in order) for c in order)
    return Coincidences(
        levels=order,
        matrix=matrix,
        totals=tuple(totals[c] for c in order),
        values=sum(totals.values()),
        units=units,
    )


def krippendorff_alpha_nominal(
    data: ReliabilityData,
    levels: Iterable[Hashable] | None = None,
    *,
    weights: Weights = None,
) -> Alpha:
    """Krippendorff's alpha for nominal data: any number of coders, missing values allowed.

    Following Krippendorff (2011): from the coincidence matrix o_ck of pairable values (see
    :func:`coincidences`), with n_c = sum_k o_ck and n = sum_c n_c, and the nominal distance
    (0 for equal categories, 1 otherwise),

        D_o = (1/n) sum_{c != k} o_ck,
        D_e = (1/(n(n-1))) sum_{c != k} n_c n_k,
        alpha = 1 - D_o / D_e.

    Undefined when no unit has two values, or when every pairable value is the same category
    (D_e = 0: the data cannot show whether the coders can tell categories apart). ``levels``
    declares the full set of categories: values outside it raise ``ValueError``. Unused
    categories have n_c = 0, so they do not change nominal alpha.
    """
    coders = coder_count(data)
    _ordered_levels(data, levels)
    if coders < 2:
        return Alpha(value=None, reason=_fewer_than_two_coders(coders, len(data)), units=0)
    o, totals, units = _coincidence_counts(data, weights)
    n = sum(totals.values())
    if units == 0:
        return Alpha(value=None, reason=_NO_PAIRABLE_UNITS, units=0)
    observed = (n - sum(o.get((c, c), Fraction(0)) for c in totals)) / n
    expected = Fraction(n * n - sum(n_c * n_c for n_c in totals.values()), n * (n - 1))
    if expected == 0:
        (only,) = totals
        return Alpha(
            value=None,
            reason=(
                f"every coded value is the same category ({_describe(only)}): with no variation "
                "the expected disagreement is 0 and alpha is undefined"
            ),
            units=units,
            values=n,
            d_o=float(observed),
            d_e=0.0,
        )
    return Alpha(
        value=float(1 - observed / expected),
        reason=None,
        units=units,
        values=n,
        d_o=float(observed),
        d_e=float(expected),
    )


def _fewer_than_two_coders(coders: int, units: int) -> str:
    if units == 0:
        return "there are no units"
    return f"agreement needs at least two coders and the data has {coders}"
