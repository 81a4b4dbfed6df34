"""The axes a finding's conditions read, and their value for one unit.

The names are those of ``crosstab`` and ``--where``: an attribute of the codebook or of the
registry, ``interviewed``, ``FAMILY:max`` (the highest code of an ordered family the unit
reaches) and ``FAMILY:dominant`` (the code carried by most of its coded segments, variants rolled
up to depth 1; ties give ``mixte``). For segments, a bare exclusive FAMILY reads the segment's
code of that family. A case's FAMILY:max and FAMILY:dominant are the reports' (all its
interviews); an interview's or a segment's are computed over that unit's segments only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pcrcode.errors import PcrcodeError, did_you_mean
from pcrcode.model import Project
from pcrcode.reports.axes import MIXED, Axis, code_axis, dominant, highest, segment_counts
from pcrcode.reports.corpus import CodedSegment

ATTRIBUTE, MAX, DOMINANT, FAMILY = "attribute", "max", "dominant", "family"


class AxisProblem(PcrcodeError):
    """An axis a finding cannot read; ``rule`` is the check rule id it is reported under."""

    def __init__(self, message: str, rule: str = "finding-unknown") -> None:
        super().__init__(message)
        self.rule = rule


@dataclass(frozen=True)
class AxisInfo:
    name: str
    kind: str  # attribute | max | dominant | family
    family: str  # the code family (empty for attributes)
    values: tuple[str, ...]  # the values a condition may name
    degrees: Mapping[str, int] = field(default_factory=dict)  # value -> degree (ordered axes)

    @property
    def ordered(self) -> bool:
        return bool(self.degrees)


def axis_info(project: Project, name: str, unit: str) -> AxisInfo:
    """What ``name`` reads, for units of kind ``unit`` (case, interview, segment)."""
    codebook = project.codebook
    if ":" in name:
        return _summary(project, name)
    if name in codebook.families:
        family = codebook.families[name]
        if unit != "segment":
            raise AxisProblem(
                f"'{name}' is a code family: a {unit} has many segments; use {name}:max, "
                f"{name}:dominant, or has: {name}/...",
                "bad-value",
            )
        if not family.exclusive:
            raise AxisProblem(
                f"family '{name}' is not exclusive: a segment may carry several of its codes; "
                f"use has: CODE (or {name}:dominant)",
                "finding-not-exclusive",
            )
        return _family_info(project, name, FAMILY)
    structures = project.registry.structures.values()
    if name == "interviewed":
        return AxisInfo(name, ATTRIBUTE, "", ("true", "false"))
    if name in codebook.attributes:
        declared = list(codebook.attributes[name].values)
        seen = {_text(s.value(name, codebook)) for s in structures} - {None, *declared}
        return AxisInfo(name, ATTRIBUTE, "", (*declared, *sorted(v for v in seen if v)))
    extra = {k for s in structures for k in s.extra} - set(codebook.attributes)
    if name in extra:
        seen = {_text(s.extra.get(name)) for s in structures} - {None}
        return AxisInfo(name, ATTRIBUTE, "", tuple(sorted(v for v in seen if v)))
    choices = [*codebook.attributes, *sorted(extra), "interviewed", *codebook.families]
    raise AxisProblem(
        f"unknown attribute or code family '{name}' (attributes: "
        f"{', '.join([*codebook.attributes, *sorted(extra), 'interviewed'])}; families: "
        f"{', '.join(codebook.families)}; or FAMILY:max, FAMILY:dominant)"
        f"{did_you_mean(name, choices)}"
    )


def _summary(project: Project, name: str) -> AxisInfo:
    codebook = project.codebook
    family_id, _, how = name.partition(":")
    if family_id not in codebook.families:
        raise AxisProblem(
            f"unknown code family '{family_id}' in '{name}' (families: "
            f"{', '.join(codebook.families)}){did_you_mean(family_id, codebook.families)}"
        )
    if how == MAX:
        if not codebook.families[family_id].ordered:
            raise AxisProblem(
                f"'{name}': {family_id} is not an ordered family; use {family_id}:dominant",
                "finding-not-ordered",
            )
        return _family_info(project, family_id, MAX, name)
    if how == DOMINANT:
        info = _family_info(project, family_id, DOMINANT, name)
        return AxisInfo(name, DOMINANT, family_id, (*info.values, MIXED))
    raise AxisProblem(f"'{name}': after '{family_id}:' write max or dominant", "bad-value")


def _family_info(project: Project, family: str, kind: str, name: str = "") -> AxisInfo:
    codebook = project.codebook
    axis = code_axis(codebook, [family], 1)
    values = tuple(c.id for c in axis.categories)
    degrees = {}
    if codebook.families[family].ordered:
        degrees = {v: d for v in values if (d := codebook.codes[v].degree) is not None}
    if kind == MAX:
        values = tuple(v for v in values if v in degrees)
    return AxisInfo(name or family, kind, family, values, degrees)


def _text(value: object) -> str | None:
    from pcrcode.reports.corpus import value_text

    return value_text(value)


@dataclass(frozen=True)
class Unit:
    """One thing a finding counts: a case (structure), an interview or a coded segment."""

    id: str
    structure: str | None
    segments: tuple[CodedSegment, ...]
    interview: str | None = None  # interviews and segments


class AxisReader:
    """The value of each unit on each axis, over one corpus (attributes read once)."""

    def __init__(self, project: Project, unit: str) -> None:
        self.project = project
        self.unit = unit
        self._infos: dict[str, AxisInfo] = {}
        self._attributes: dict[str, dict[str, str]] = {}
        self._code_axes: dict[str, Axis] = {}

    def _code_axis(self, family: str) -> Axis:
        found = self._code_axes.get(family)
        if found is None:
            found = self._code_axes[family] = code_axis(self.project.codebook, [family], 1)
        return found

    def info(self, name: str) -> AxisInfo:
        found = self._infos.get(name)
        if found is None:
            found = self._infos[name] = axis_info(self.project, name, self.unit)
        return found

    def value(self, name: str, unit: Unit) -> str | None:
        info = self.info(name)
        if info.kind == ATTRIBUTE:
            if unit.structure is None:
                return None
            return self._attribute(name).get(unit.structure)
        codebook = self.project.codebook
        if info.kind == MAX:
            best = highest(codebook, info.family, (s.codes for s in unit.segments))
            return best.id if best is not None else None
        axis = self._code_axis(info.family)
        return dominant(segment_counts(axis, (s.codes for s in unit.segments)))

    def evidence(self, name: str, unit: Unit, value: str | None) -> list[CodedSegment]:
        """The unit's segments that carry ``value`` (a code of the axis' family)."""
        info = self.info(name)
        if info.kind == ATTRIBUTE or value is None:
            return []
        axis = self._code_axis(info.family)
        return [s for s in unit.segments if value in axis.of_codes(s.codes)]

    def codes_of(self, name: str, segment: CodedSegment, value: str | None) -> frozenset[str]:
        """The codes of ``segment`` that count as ``value`` on the axis (a code and the codes
        below it)."""
        info = self.info(name)
        if info.kind == ATTRIBUTE or value is None:
            return frozenset()
        axis = self._code_axis(info.family)
        return frozenset(c for c in segment.codes if axis.code_map.get(c) == value)

    def _attribute(self, name: str) -> dict[str, str]:
        found = self._attributes.get(name)
        if found is None:
            codebook = self.project.codebook
            found = {}
            for s in self.project.registry.structures.values():
                raw = (
                    s.interviewed
                    if name == "interviewed"
                    else s.value(name, codebook)
                    if name in codebook.attributes
                    else s.extra.get(name)
                )
                text = _text(raw)
                if text is not None:
                    found[s.id] = text
            self._attributes[name] = found
        return found
