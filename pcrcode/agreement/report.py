"""The agreement report: percent agreement, kappa and alpha per code, family and pooled,
over each scope (see :mod:`pcrcode.agreement.data` for the definitions)."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pcrcode.agreement.coefficients import (
    Alpha,
    Coefficient,
    Kappa,
    PercentAgreement,
    cohen_kappa,
    krippendorff_alpha_nominal,
    percent_agreement,
)
from pcrcode.agreement.data import NONE, SCOPES, AgreementData, Row

C = TypeVar("C", bound=Coefficient)

AGREE = "percent agreement, the share of units on which all coders agree"
POOLED = (
    "every (unit, code) pair of the reported codes is one binary decision (applied or "
    "not); the figures are computed once over all these decisions, not averaged over codes"
)
CODED = "only the units some compared coder applied any code to (uncoded text inflates agreement)"
FAMILY = (
    "an exclusive family as one nominal variable; a coder's value on a unit is the "
    "family code they applied, '(none)' if none, codes joined by '+' if two or more"
)

REPORT_KEYS = (
    "variable",
    "kind",
    "scope",
    "units",
    "agreement",
    "agreement_reason",
    "kappa",
    "kappa_reason",
    "alpha",
    "alpha_reason",
    "doubly_coded",
)


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
                for key, coef in (
                    ("agreement", f.agreement),
                    ("kappa", f.kappa),
                    ("alpha", f.alpha),
                ):
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
                out.append(
                    f"family {v.name}: {v.doubly_coded} {self.data.unit}"
                    f"{'s' if v.doubly_coded > 1 else ''} with two or more of its codes "
                    "from one coder (counted as their own '+' value)"
                )
        return out

    def to_json(self, min_alpha: float | None = None) -> dict[str, Any]:
        d = self.data
        return {
            "coders": list(d.coders),
            "unit": d.unit,
            "interviews": list(d.interviews),
            "left_out": [
                {"interview": lo.interview, "coded_by": list(lo.coded_by)} for lo in d.left_out
            ],
            "definitions": {"agreement": AGREE, "coded": CODED, "pooled": POOLED, "family": FAMILY},
            "rows": self.rows(),
            "min_alpha": min_alpha,
            "below_min_alpha": []
            if min_alpha is None
            else [
                {"variable": r["variable"], "scope": r["scope"], "alpha": r["alpha"]}
                for r in self.below(min_alpha)
            ],
        }


def report(data: AgreementData) -> Report:
    """Per code, per exclusive family, and pooled, over all units and over coded units."""
    variables: list[Variable] = []
    for code in data.codes:
        scopes = {
            s: _figures(
                data.presence(code, s),
                "no coder applied this code",
                "every coder applied this code to every unit",
            )
            for s in SCOPES
        }
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
            pooled[s] = _figures(
                decisions,
                "no coder applied any of these codes",
                "every coder applied every code to every unit",
            )
        variables.append(Variable("pooled", "pooled", pooled))
    return Report(data, tuple(variables))


def _figures(patterns: Mapping[Any, int], nobody: str, everybody: str | None) -> Figures:
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
