"""Descriptions: how pcrcode fields travel in REFI-QDA ``Description`` elements, and back.

REFI-QDA gives a code a name and one free ``Description``. pcrcode writes its codebook entry there
as labelled paragraphs a researcher reads in NVivo or ATLAS.ti (``Définition : ...``), ending
with a ``pcrcode-id:`` line; reading it back restores every field and the exact id. A description
written by another program (no labels) becomes the code's definition. Attributes (variables) and
interviews (text sources) carry their pcrcode metadata as a short YAML text.
"""

from __future__ import annotations

import functools
import re
from datetime import date
from typing import Any

from pcrcode.errors import FileFormatError
from pcrcode.files.yaml_reading import LDict, loads
from pcrcode.model import Attribute, Code, Family

ID_TAG = "pcrcode-id"
SPEAKERS = "speakers"  # in a source's description: the names that open turns
_TEXT_FIELDS = ("short", "definition", "when_to_use", "when_not_to_use", "example")
LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "short": "Résumé",
        "definition": "Définition",
        "when_to_use": "Quand l'utiliser",
        "when_not_to_use": "Quand ne pas l'utiliser",
        "example": "Exemple",
        "degree": "Degré",
        "ordered": "Ordonnée",
        "exclusive": "Exclusive",
        "aliases": "Anciens identifiants",
    },
    "en": {
        "short": "Summary",
        "definition": "Definition",
        "when_to_use": "When to use",
        "when_not_to_use": "When not to use",
        "example": "Example",
        "degree": "Degree",
        "ordered": "Ordered",
        "exclusive": "Exclusive",
        "aliases": "Former ids",
    },
}
_YES = {"fr": "oui", "en": "yes"}
_LABEL_TO_FIELD = {
    label.lower(): key for labels in LABELS.values() for key, label in labels.items()
}
_LINE_RE = re.compile(r"^(?P<label>[^:\n]{2,40}?)\s*:\s?(?P<rest>.*)$")


def plain(value: Any) -> Any:
    """Plain dicts, lists and scalars (the YAML reader's line-aware subclasses do not dump)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, bool | int | float | str | date) or value is None:
        return value
    return str(value)


def yaml_text(data: Any) -> str:
    """``data`` as block YAML, keys in the given order, Unicode kept, never an alias."""
    data = plain(data)
    fast = _simple_yaml(data)
    if fast is not None:
        return fast
    return pyyaml_text(data)


def pyyaml_text(data: Any) -> str:
    """What PyYAML writes for ``data``: block style, keys in order, Unicode kept, no alias."""
    import yaml  # here: most exports never need PyYAML's emitter, slow to import (bench/NOTES.md)

    text: str = yaml.dump(
        data,
        Dumper=_dumper(),
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
    )
    return text


@functools.cache
def _dumper() -> Any:
    import yaml

    class Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:  # a pcrcode file never holds aliases
            return True

    return Dumper


# What `yaml.dump` above writes, written directly for the common shape of an interview's
# metadata (the description of every source of an export: a tenth of its time through the
# emitter): a mapping of scalars, of lists of scalars, or of lists or mappings of scalars. The
# scalars are the ones PyYAML writes plain and on one line: short words and sentences starting
# with a letter, without a character YAML treats specially, that do not read back as a boolean
# or null; integers, booleans, dates. Anything else goes through PyYAML
# (tests/test_refi_export_stream.py compares both on generated data).
_KEY_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,39}\Z")
_WORDS = frozenset(("yes", "no", "true", "false", "on", "off", "null"))
_PUNCTUATION = frozenset(" -'.’()/")
_WIDTH = 80  # PyYAML folds plain scalars past column 100


def _simple_key(key: str) -> bool:
    return _KEY_RE.match(key) is not None and key.lower() not in _WORDS


def _simple_scalar(value: Any) -> str | None:
    kind = type(value)
    if kind is str:
        if (
            not value
            or not value[0].isalpha()
            or value[-1] == " "
            or "  " in value
            or value.lower() in _WORDS
        ):
            return None
        for ch in value:
            if not (ch.isalnum() or ch in _PUNCTUATION):
                return None
        return value  # type: ignore[no-any-return]
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is date:
        return value.isoformat()  # type: ignore[no-any-return]
    return None


def _simple_mapping(value: Any, first: str, rest: str) -> list[str] | None:
    """The lines of a non-empty mapping of scalars, its first line opening with ``first``,
    the others with ``rest``."""
    if type(value) is not dict or not value:
        return None
    lines: list[str] = []
    for key, item in value.items():
        scalar = _simple_scalar(item)
        if scalar is None or not _simple_key(key):
            return None
        line = f"{rest if lines else first}{key}: {scalar}"
        if len(line) > _WIDTH:
            return None
        lines.append(line)
    return lines


def _simple_yaml(data: Any) -> str | None:
    if type(data) is not dict or not data:
        return None
    lines: list[str] = []
    for key, value in data.items():
        if not _simple_key(key):
            return None
        scalar = _simple_scalar(value)
        if scalar is not None:
            lines.append(f"{key}: {scalar}")
            if len(lines[-1]) > _WIDTH:
                return None
            continue
        if type(value) is dict:
            nested = _simple_mapping(value, "  ", "  ")
            if nested is None:
                return None
            lines.append(f"{key}:")
            lines.extend(nested)
            continue
        if type(value) is not list or not value:
            return None
        lines.append(f"{key}:")
        for item in value:  # a sequence in a mapping is not indented: "- item"
            scalar = _simple_scalar(item)
            if scalar is not None:
                if len(scalar) + 2 > _WIDTH:
                    return None
                lines.append(f"- {scalar}")
                continue
            nested = _simple_mapping(item, "- ", "  ")
            if nested is None:
                return None
            lines.extend(nested)
    return "\n".join(lines) + "\n"


def _labels(language: str) -> dict[str, str]:
    return LABELS.get(language, LABELS["fr"] if language.startswith("fr") else LABELS["en"])


def _section(label: str, value: str) -> str:
    sep = " : " if label in LABELS["fr"].values() else ": "
    return f"{label}{sep}{value}"


def code_description(code: Code, language: str) -> str:
    labels = _labels(language)
    parts = [_section(labels[f], getattr(code, f)) for f in _TEXT_FIELDS if getattr(code, f)]
    if code.degree is not None:
        parts.append(_section(labels["degree"], str(code.degree)))
    if code.aliases:
        parts.append(_section(labels["aliases"], ", ".join(code.aliases)))
    parts.append(f"{ID_TAG}: {code.id}")
    return "\n\n".join(parts)


def family_description(family: Family, language: str) -> str:
    labels = _labels(language)
    yes = _YES.get(language[:2], "yes")
    parts = [_section(labels["definition"], family.definition)] if family.definition else []
    if family.ordered:
        parts.append(_section(labels["ordered"], yes))
    if family.exclusive:
        parts.append(_section(labels["exclusive"], yes))
    parts.append(f"{ID_TAG}: {family.id}")
    return "\n\n".join(parts)


def parse_description(text: str) -> dict[str, str]:
    """The fields of a description: those of pcrcode's labelled layout, else the whole text as
    ``definition``. Keys: short, definition, when_to_use, when_not_to_use, example, degree,
    ordered, exclusive, aliases, id (only those present)."""
    fields: dict[str, list[str]] = {}
    current = "definition"
    labelled = False
    for line in text.replace("\r\n", "\n").split("\n"):
        m = _LINE_RE.match(line)
        key = _LABEL_TO_FIELD.get(m.group("label").strip().lower()) if m else None
        if m and m.group("label") == ID_TAG:
            key = "id"
        if m is not None and key is not None and key not in fields:
            current = key
            labelled = True
            fields[current] = [m.group("rest")]
        else:
            fields.setdefault(current, []).append(line)
    if not labelled:
        return {"definition": text.strip()} if text.strip() else {}
    return {k: "\n".join(v).strip() for k, v in fields.items() if "\n".join(v).strip()}


def is_yes(value: str) -> bool:
    return value.strip().lower() in ("oui", "yes", "true", "1")


def attribute_description(attr: Attribute) -> str:
    data: dict[str, Any] = {"label": attr.label, "values": dict(attr.values)}
    if attr.type != "category":
        data["type"] = attr.type
    if attr.required:
        data["required"] = True
    if attr.derived_from is not None:
        data["from"] = attr.derived_from
        data["map"] = dict(attr.mapping)
    return yaml_text(data).rstrip("\n")


INTERVIEWED_DESCRIPTION = "pcrcode: whether the structure was interviewed (true/false)"
FREE_DESCRIPTION = "pcrcode: a free attribute of the structures, not declared in the codebook"


def parse_attribute_description(text: str) -> dict[str, Any] | None:
    """An attribute schema written by :func:`attribute_description`, or None."""
    if "values:" not in text:
        return None
    try:
        data = loads(text, "Description")
    except FileFormatError:
        return None
    if not isinstance(data, LDict) or not isinstance(data.get("values"), dict):
        return None
    if set(data) - {"label", "type", "required", "values", "from", "map"}:
        return None
    return dict(data)


def parse_meta(text: str, allowed: tuple[str, ...]) -> dict[str, Any] | None:
    """Interview metadata written as YAML in a source's description, or None."""
    if ":" not in text:
        return None
    try:
        data = loads(text, "Description")
    except FileFormatError:
        return None
    if not isinstance(data, LDict) or not data or set(map(str, data)) - set(allowed):
        return None
    return {str(k): v for k, v in data.items()}


def id_tag(text: str) -> str | None:
    """The id in a ``pcrcode-id: ...`` line of a description, if any."""
    m = re.search(rf"^{ID_TAG}:\s*(\S+)\s*$", text, re.MULTILINE)
    return m.group(1) if m else None
