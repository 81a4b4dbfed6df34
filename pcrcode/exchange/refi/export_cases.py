"""Writing REFI-QDA: the project's cases, as ``<Variables>`` and ``<Cases>`` elements (see
:mod:`pcrcode.exchange.refi.export`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pcrcode.exchange.refi.describe import (
    FREE_DESCRIPTION,
    ID_TAG,
    INTERVIEWED_DESCRIPTION,
    attribute_description,
)
from pcrcode.exchange.refi.guids import guid
from pcrcode.exchange.refi.xml import end_tag, leaf, start_tag
from pcrcode.model import Codebook, Project, Structure


def write_cases(
    out: list[str], project: Project, interview_guids: Mapping[str, str], counts: dict[str, int]
) -> None:
    """The ``<Variables>`` (declared attributes, ``interviewed``, free attributes) and the
    ``<Cases>`` (the registry's structures, their values and their interviews), onto ``out``."""
    codebook = project.codebook
    structures = list(project.registry.structures.values())
    if not structures:
        return
    variables = _variables(project)
    variable_guids = {v.name: guid("variable", v.name) for v in variables}
    out.append(start_tag(1, "Variables"))
    for v in variables:
        named = {"guid": variable_guids[v.name], "name": v.name, "typeOfVariable": v.kind}
        if v.description:
            out.append(start_tag(2, "Variable", **named))
            out.append(leaf(3, "Description", v.description))
            out.append(end_tag(2, "Variable"))
        else:
            out.append(leaf(2, "Variable", **named))
    out.append(end_tag(1, "Variables"))
    counts["variables"] = len(variables)
    in_case: dict[str | None, list[str]] = {}
    for interview in project.interviews.values():
        in_case.setdefault(interview.structure, []).append(interview.id)
    out.append(start_tag(1, "Cases"))
    for s in structures:
        out.append(start_tag(2, "Case", guid=guid("structure", s.id), name=s.name))
        out.append(leaf(3, "Description", f"{ID_TAG}: {s.id}"))
        for v in variables:
            value = _value(s, v, codebook)
            if value is None:
                continue
            out.append(start_tag(3, "VariableValue"))
            out.append(leaf(4, "VariableRef", targetGUID=variable_guids[v.name]))
            tag, text = _typed(v.kind, value)
            out.append(leaf(4, tag, text))
            out.append(end_tag(3, "VariableValue"))
        for iid in in_case.get(s.id, ()):
            out.append(leaf(3, "SourceRef", targetGUID=interview_guids[iid]))
        out.append(end_tag(2, "Case"))
    out.append(end_tag(1, "Cases"))
    counts["cases"] = len(structures)


def _type_of(values: list[Any]) -> str:
    present = [v for v in values if v is not None and v != ""]
    if present and all(isinstance(v, bool) for v in present):
        return "Boolean"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "Integer"
    if present and all(
        isinstance(v, int | float) and not isinstance(v, bool) and v == v and abs(v) != float("inf")
        for v in present
    ):
        return "Float"
    if present and all(isinstance(v, date) and not isinstance(v, datetime) for v in present):
        return "Date"
    return "Text"


def _typed(kind: str, value: Any) -> tuple[str, str]:
    if kind == "Boolean":
        return "BooleanValue", "true" if value else "false"
    if kind == "Integer":
        return "IntegerValue", str(value)
    if kind == "Float":
        return "FloatValue", format(Decimal(repr(float(value))), "f")
    if kind == "Date":
        return "DateValue", value.isoformat()
    return "TextValue", str(value)


@dataclass(frozen=True)
class _Variable:
    name: str
    kind: str
    description: str


def _variables(project: Project) -> list[_Variable]:
    codebook, structures = project.codebook, list(project.registry.structures.values())
    numeric = ("integer", "year")
    result = [
        _Variable(a.id, "Integer" if a.type in numeric else "Text", attribute_description(a))
        for a in codebook.attributes.values()
    ]
    result.append(_Variable("interviewed", "Boolean", INTERVIEWED_DESCRIPTION))
    seen = {v.name for v in result}
    for s in structures:
        for key in s.extra:
            if key not in seen:
                seen.add(key)
                kind = _type_of([t.extra.get(key) for t in structures])
                result.append(_Variable(key, kind, FREE_DESCRIPTION))
    return result


def _value(structure: Structure, variable: _Variable, codebook: Codebook) -> Any:
    if variable.name == "interviewed":
        return structure.interviewed
    value = structure.value(variable.name, codebook)
    return None if value is None or value == "" else value
