"""The units a finding counts, and its conditions evaluated on one unit.

- ``case``: every structure of the registry with at least one interview coded by the selected
  coders (the others are not known: a structure never interviewed, or not coded yet, must not
  count as one without the code), with the coded segments of all its interviews;
- ``interview``: every interview the selected coders coded, with its coded segments;
- ``segment``: every coded segment (a turn carrying a code of the selected coders).
"""

from __future__ import annotations

from collections.abc import Iterator

from pcrcode.findings import model as m
from pcrcode.findings.axes import AxisReader, Unit
from pcrcode.reports.corpus import CodedSegment, Corpus
from pcrcode.reports.query import Query, parse_query


def units(corpus: Corpus, kind: str) -> list[Unit]:
    coded = [iv for iv in corpus.interviews if iv in corpus.selection.per_interview]
    if kind == m.CASE:
        known = {corpus.project.interviews[iv].structure for iv in coded}
        return [
            Unit(s.id, s.id, corpus.by_structure.get(s.id, ()))
            for s in corpus.structures
            if s.id in known
        ]
    if kind == m.INTERVIEW:
        return [
            Unit(iv, corpus.project.interviews[iv].structure, corpus.by_interview.get(iv, ()), iv)
            for iv in coded
        ]
    return [
        Unit(f"{s.interview}#{s.number}", s.structure, (s,), s.interview) for s in corpus.segments
    ]


class Evaluator:
    """Conditions on the units of one corpus (queries parsed once)."""

    def __init__(self, corpus: Corpus, unit: str) -> None:
        self.corpus = corpus
        self.axes = AxisReader(corpus.project, unit)
        self._queries: dict[str, Query] = {}

    def query(self, text: str) -> Query:
        found = self._queries.get(text)
        if found is None:
            found = self._queries[text] = parse_query(text, self.corpus.codebook)
        return found

    def holds(self, condition: m.Condition, unit: Unit) -> bool:
        if isinstance(condition, m.Has):
            q = self.query(condition.query)
            return any(q.matches(s.codes) for s in unit.segments)
        if isinstance(condition, m.Is):
            return self.axes.value(condition.axis, unit) in condition.values
        if isinstance(condition, m.Reaches):
            return self._reaches(condition, unit)
        if isinstance(condition, m.AllOf):
            return all(self.holds(p, unit) for p in condition.parts)
        if isinstance(condition, m.AnyOf):
            return any(self.holds(p, unit) for p in condition.parts)
        return not self.holds(condition.part, unit)

    def _reaches(self, condition: m.Reaches, unit: Unit) -> bool:
        degrees = self.axes.info(condition.axis).degrees
        value = self.axes.value(condition.axis, unit)
        if value is None or value not in degrees:
            return False
        bound = degrees[condition.code]
        return degrees[value] >= bound if condition.at_least else degrees[value] <= bound

    def degree(self, axis: str, unit: Unit) -> int | None:
        """The unit's degree on an ordered axis (None when it has no value there)."""
        value = self.axes.value(axis, unit)
        return None if value is None else self.axes.info(axis).degrees.get(value)

    def evidence(
        self, condition: m.Condition, unit: Unit
    ) -> Iterator[tuple[CodedSegment, frozenset[str]]]:
        """The unit's segments that show why ``condition`` holds for it (none for a negation
        or an attribute), each with the codes on it that show it: the segments matching a
        query (with the codes it names), or carrying the value an axis read."""
        if isinstance(condition, m.Has):
            q = self.query(condition.query)
            named = q.positive()
            yield from ((s, s.codes & named) for s in unit.segments if q.matches(s.codes))
        elif isinstance(condition, m.Is | m.Reaches):
            value = self.axes.value(condition.axis, unit)
            for s in self.axes.evidence(condition.axis, unit, value):
                yield s, self.axes.codes_of(condition.axis, s, value)
        elif isinstance(condition, m.AllOf | m.AnyOf):
            for part in condition.parts:
                yield from self.evidence(part, unit)
