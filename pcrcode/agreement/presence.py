"""One code's presence, coder by coder: binary reliability data (1 applied, 0 not applied, None
not coded) and the 2x2 table of two coders with its agreement and kappa, as NVivo reports them.
The general coefficients are in :mod:`pcrcode.agreement.coefficients`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass
from typing import TypeAlias

from pcrcode.agreement.coefficients import (
    Kappa,
    PercentAgreement,
    coder_count,
    is_missing,
    kappa_from_counts,
)

__all__ = ["BinaryTable", "binary_table", "code_presence", "coded_only"]

BinaryData: TypeAlias = Sequence[Sequence[int | None]]


def code_presence(
    codings: Sequence[Sequence[Collection[Hashable] | None]], code: Hashable
) -> list[list[int | None]]:
    """Binary reliability data for one code.

    ``codings[u][i]`` is the set of codes coder i applied to unit u, or ``None`` when coder i did
    not code unit u at all. The result holds 1 (applied), 0 (not applied) or ``None``.
    """
    return [
        [None if applied is None else int(code in applied) for applied in unit] for unit in codings
    ]


def coded_only(data: BinaryData) -> list[Sequence[int | None]]:
    """The units at least one coder coded (some value is 1): the basis of coded-only figures.

    Uncoded text inflates agreement, so reports give both the figure over all units and this
    one.
    """
    return [unit for unit in data if any(entry == 1 for entry in unit)]


@dataclass(frozen=True)
class BinaryTable:
    """2x2 table of two coders on one code, over the units both coded.

    ``missing`` counts the units skipped because a coder has no value for them.
    """

    both: int
    first_only: int
    second_only: int
    neither: int
    missing: int = 0

    @property
    def total(self) -> int:
        return self.both + self.first_only + self.second_only + self.neither

    def _empty_reason(self) -> str:
        return "no unit was coded by both coders" if self.missing else "there are no units"

    @property
    def coded(self) -> int:
        """Units at least one coder coded."""
        return self.both + self.first_only + self.second_only

    def percent_agreement(self) -> PercentAgreement:
        """(units coded by both + units coded by neither) / units, as NVivo reports it."""
        agreeing = self.both + self.neither
        if self.total == 0:
            return PercentAgreement(value=None, reason=self._empty_reason(), units=0)
        return PercentAgreement(
            value=agreeing / self.total, reason=None, units=self.total, agreeing_units=agreeing
        )

    def coded_only_agreement(self) -> PercentAgreement:
        """Units coded by both / units coded by at least one (the Jaccard index)."""
        if self.coded == 0:
            return PercentAgreement(value=None, reason="neither coder applied the code", units=0)
        return PercentAgreement(
            value=self.both / self.coded,
            reason=None,
            units=self.coded,
            agreeing_units=self.both,
        )

    def kappa(self) -> Kappa:
        """Cohen's kappa on the 2x2 table (equal to :func:`cohen_kappa` on the same data)."""
        n = self.total
        if n == 0:
            return Kappa(value=None, reason=self._empty_reason(), units=0)
        first_yes = self.both + self.first_only
        second_yes = self.both + self.second_only
        chance = first_yes * second_yes + (n - first_yes) * (n - second_yes)
        only = None if 0 < first_yes < n else (1 if first_yes else 0)
        return kappa_from_counts(n, self.both + self.neither, chance, only)


def binary_table(data: BinaryData) -> BinaryTable:
    """Tabulate two coders' presence values (1/0, or ``None`` for missing) on one code."""
    coders = coder_count(data)
    if data and coders != 2:
        raise ValueError(f"a 2x2 table needs exactly two coders, the data has {coders}")
    cells: Counter[tuple[int, int]] = Counter()
    missing = 0
    for index, (a, b) in enumerate(data):
        if is_missing(a) or is_missing(b):
            missing += 1
            continue
        if a not in (0, 1) or b not in (0, 1):
            raise ValueError(
                f"unit {index}: presence values must be 1, 0 or None, got {a!r} and {b!r}"
            )
        cells[1 if a else 0, 1 if b else 0] += 1
    return BinaryTable(
        both=cells[1, 1],
        first_only=cells[1, 0],
        second_only=cells[0, 1],
        neither=cells[0, 0],
        missing=missing,
    )
