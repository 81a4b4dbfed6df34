"""Each kind of finding evaluated over its units: holds, fails, or undefined with its reason.

A finding that cannot be computed (no unit matches ``among``, fewer than ``min_cases``, a
ratio over an empty set) is ``undefined``: never a pass.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pcrcode.findings import model as m
from pcrcode.findings import qca
from pcrcode.findings.axes import Unit
from pcrcode.findings.declaration import Declaration
from pcrcode.findings.units import Evaluator, units
from pcrcode.model import Project
from pcrcode.reports.corpus import Corpus, build_corpus
from pcrcode.reports.selection import select_coders


@dataclass(frozen=True)
class Evaluation:
    """One finding evaluated, with what ``--explain`` needs to quote its units."""

    result: m.Result
    evaluator: Evaluator
    units: dict[str, Unit]


@dataclass(frozen=True)
class FindingsReport:
    path: str
    results: tuple[m.Result, ...]
    coders: str  # whose codings counted, by default (each finding may choose others)

    def counts(self) -> dict[str, int]:
        return {s: sum(r.status == s for r in self.results) for s in m.STATUSES}

    @property
    def passed(self) -> bool:
        """Every finding holds (an undefined one is not a pass)."""
        return all(r.status == m.HOLDS for r in self.results)

    def record(self) -> dict[str, Any]:
        """The JSON document of ``pcrcode findings --format json``."""
        return {
            "file": self.path,
            "coders": self.coders,
            "summary": self.counts(),
            "findings": [r.record() for r in self.results],
        }


class _Corpora:
    """One corpus per choice of coders, shared by the findings that make it."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._built: dict[tuple[tuple[str, ...], bool], Corpus] = {}

    def of(self, finding: m.Finding) -> Corpus:
        key = (finding.coders, finding.all_coders)
        found = self._built.get(key)
        if found is None:
            selection = select_coders(self.project, finding.coders, finding.all_coders)
            found = self._built[key] = build_corpus(self.project, selection)
        return found


def evaluate_all(project: Project, declaration: Declaration, path: str) -> FindingsReport:
    corpora = _Corpora(project)
    results = tuple(evaluate(corpora.of(f), f).result for f in declaration.findings)
    default = select_coders(project).describe()
    return FindingsReport(path, results, default)


def evaluate_one(project: Project, finding: m.Finding) -> Evaluation:
    return evaluate(_Corpora(project).of(finding), finding)


def evaluate(corpus: Corpus, finding: m.Finding) -> Evaluation:
    ev = Evaluator(corpus, finding.unit)
    every = units(corpus, finding.unit)
    among = finding.among
    population = every if among is None else [u for u in every if ev.holds(among, u)]
    kinds: dict[str, Callable[[Evaluator, m.Finding, list[Unit]], m.Result]] = {
        m.SHARE: _share,
        m.ABSENT: _absent,
        m.PRESENT: _absent,
        m.IMPLICATION: _implication,
        m.COMPARISON: _comparison,
    }
    if not population:
        where = f" matches among: {among.describe()}" if among is not None else " in the project"
        result = _undefined(finding, f"no {finding.unit}{where}", {"n": 0})
    else:
        result = kinds[finding.kind](ev, finding, population)
    return Evaluation(result, ev, {u.id: u for u in every})


def _undefined(finding: m.Finding, reason: str, figures: dict[str, Any]) -> m.Result:
    return m.Result(finding, m.UNDEFINED, reason, figures)


def _too_few(finding: m.Finding, n: int, what: str) -> str | None:
    if n < finding.min_cases:
        return (
            f"only {n} {finding.unit}{'s' if n != 1 else ''} {what} (min_cases {finding.min_cases})"
        )
    return None


def _ids(found: Sequence[Unit]) -> tuple[str, ...]:
    return tuple(u.id for u in found)


def _bounds(finding: m.Finding) -> dict[str, Any]:
    if finding.at_least is not None:
        return {"at_least": finding.at_least}
    return {"at_most": finding.at_most}


def _passes(finding: m.Finding, value: float) -> bool:
    if finding.at_least is not None:
        return value >= finding.at_least
    return finding.at_most is not None and value <= finding.at_most


def _share(ev: Evaluator, finding: m.Finding, population: list[Unit]) -> m.Result:
    assert finding.value is not None
    yes = [u for u in population if ev.holds(finding.value, u)]
    no = [u for u in population if u not in yes]
    n = len(population)
    share = len(yes) / n
    figures = {"n": n, "count": len(yes), "share": share, **_bounds(finding)}
    figures["min_cases"] = finding.min_cases
    too_few = _too_few(finding, n, "to count")
    if too_few:
        return _undefined(finding, too_few, figures)
    status = m.HOLDS if _passes(finding, share) else m.FAILS
    support, against = (yes, no) if finding.at_least is not None else (no, yes)
    return m.Result(finding, status, None, figures, _ids(support), _ids(against))


def _absent(ev: Evaluator, finding: m.Finding, population: list[Unit]) -> m.Result:
    assert finding.value is not None
    showing = [u for u in population if ev.holds(finding.value, u)]
    others = [u for u in population if u not in showing]
    figures: dict[str, Any] = {"n": len(population), "count": len(showing)}
    too_few = _too_few(finding, len(population), "to count")
    if finding.kind == m.PRESENT:
        figures["min_count"] = finding.min_count
        if too_few:
            return _undefined(finding, too_few, figures)
        status = m.HOLDS if len(showing) >= finding.min_count else m.FAILS
        return m.Result(finding, status, None, figures, _ids(showing), _ids(others))
    if too_few:
        return _undefined(finding, too_few, figures)
    status = m.FAILS if showing else m.HOLDS
    return m.Result(finding, status, None, figures, _ids(others), _ids(showing))


def _implication(ev: Evaluator, finding: m.Finding, population: list[Unit]) -> m.Result:
    assert finding.if_ is not None and finding.then is not None
    x = {u.id for u in population if ev.holds(finding.if_, u)}
    y = {u.id for u in population if ev.holds(finding.then, u)}
    sufficient = finding.direction == m.SUFFICIENT
    fit = qca.sufficiency(x, y) if sufficient else qca.necessity(x, y)
    figures: dict[str, Any] = {
        "direction": finding.direction,
        "n": len(population),
        "x": fit.x,
        "y": fit.y,
        "xy": fit.xy,
        "consistency": fit.consistency,
        "coverage": fit.coverage,
        **_bounds(finding),
        "min_cases": finding.min_cases,
    }
    base, side = (x, "if") if sufficient else (y, "then")
    if fit.consistency is None:
        cond = finding.if_ if sufficient else finding.then
        return _undefined(
            finding, f"division by zero: no {finding.unit} with {side}: {cond.describe()}", figures
        )
    too_few = _too_few(finding, len(base), f"with {side}")
    if too_few:
        return _undefined(finding, too_few, figures)
    order = [u.id for u in population]
    agree = tuple(i for i in order if i in x and i in y)
    # The cases that lower the consistency: X without Y (sufficiency), Y without X (necessity).
    lower = tuple(i for i in order if i in base and i not in (y if sufficient else x))
    status = m.HOLDS if _passes(finding, fit.consistency) else m.FAILS
    support, against = (agree, lower) if finding.at_least is not None else (lower, agree)
    return m.Result(finding, status, None, figures, support, against)


def _comparison(ev: Evaluator, finding: m.Finding, population: list[Unit]) -> m.Result:
    assert finding.higher is not None and finding.lower is not None
    groups: dict[str, list[tuple[Unit, int]]] = {}
    missing: dict[str, list[str]] = {}
    for name, cond in (("higher", finding.higher), ("lower", finding.lower)):
        members = [u for u in population if ev.holds(cond, u)]
        valued = [(u, ev.degree(finding.measure, u)) for u in members]
        groups[name] = [(u, d) for u, d in valued if d is not None]
        missing[name] = [u.id for u, d in valued if d is None]
    figures: dict[str, Any] = {"by": finding.by, "measure": finding.measure}
    if finding.by == m.SHARE_REACHING:
        figures["reaching"] = finding.reaching
    for name, cond in (("higher", finding.higher), ("lower", finding.lower)):
        figures[name] = {"n": len(groups[name]), "without_value": missing[name]}
        if not groups[name]:
            return _undefined(
                finding, f"no {finding.unit} with a {finding.measure} in {cond.describe()}", figures
            )
        too_few = _too_few(finding, len(groups[name]), f"in {cond.describe()}")
        if too_few:
            return _undefined(finding, too_few, figures)
    if finding.by == m.MEDIAN:
        return _by_median(finding, groups, figures)
    return _by_share(ev, finding, groups, figures)


def _by_median(
    finding: m.Finding, groups: dict[str, list[tuple[Unit, int]]], figures: dict[str, Any]
) -> m.Result:
    high = statistics.median(d for _, d in groups["higher"])
    low = statistics.median(d for _, d in groups["lower"])
    figures["higher"]["median"] = high
    figures["lower"]["median"] = low
    support = [u.id for u, d in groups["higher"] if d > low] + [
        u.id for u, d in groups["lower"] if d < high
    ]
    against = [u.id for u, d in groups["higher"] if d <= low] + [
        u.id for u, d in groups["lower"] if d >= high
    ]
    status = m.HOLDS if high > low else m.FAILS
    return m.Result(finding, status, None, figures, tuple(support), tuple(against))


def _by_share(
    ev: Evaluator,
    finding: m.Finding,
    groups: dict[str, list[tuple[Unit, int]]],
    figures: dict[str, Any],
) -> m.Result:
    bound = ev.axes.info(finding.measure).degrees[finding.reaching]
    shares = {}
    for name, members in groups.items():
        shares[name] = sum(d >= bound for _, d in members) / len(members)
        figures[name]["share"] = shares[name]
    support = [u.id for u, d in groups["higher"] if d >= bound] + [
        u.id for u, d in groups["lower"] if d < bound
    ]
    against = [u.id for u, d in groups["higher"] if d < bound] + [
        u.id for u, d in groups["lower"] if d >= bound
    ]
    status = m.HOLDS if shares["higher"] > shares["lower"] else m.FAILS
    return m.Result(finding, status, None, figures, tuple(support), tuple(against))
