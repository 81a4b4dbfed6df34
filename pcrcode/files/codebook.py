"""Reading and validating ``codebook.yaml``: families, codes and case attributes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pcrcode.errors import FileFormatError, did_you_mean
from pcrcode.files.diagnostics import Diagnostics
from pcrcode.files.yaml_reading import LDict, LList, load_file
from pcrcode.model import ATTRIBUTE_TYPES, Attribute, Code, Codebook, Family

CODEBOOK_FILE = "codebook.yaml"

ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*$")
_TOP_KEYS = ("pcrcode", "title", "language", "description", "families", "codes", "attributes")
_FAMILY_KEYS = ("label", "definition", "ordered", "exclusive", "color")
_COLOUR_RE = re.compile(r"^(#[0-9a-fA-F]{6}|[a-z]+(_[a-z]+)*[0-9]*)$")
_CODE_KEYS = (
    "id",
    "label",
    "codable",
    "degree",
    "short",
    "definition",
    "when_to_use",
    "when_not_to_use",
    "example",
    "aliases",
    "color",
)
_ENTRY_FIELDS = ("short", "when_to_use", "when_not_to_use", "example")
_ATTR_KEYS = ("label", "type", "required", "values", "from", "map")


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _colour(diag: Diagnostics, path: Path, mapping: LDict) -> str:
    """An optional ``color``: a colour name (``green``, ``bright_blue``) or ``#rrggbb``."""
    value = _text(mapping.get("color"))
    if value and not _COLOUR_RE.match(value):
        diag.error(
            path,
            mapping.pos("color"),
            f"bad color '{value}': write a colour name (green, bright_blue) or #rrggbb",
            "bad-value",
        )
        return ""
    return value


def _bool(diag: Diagnostics, path: Path, mapping: LDict, key: str, default: bool) -> bool:
    value = mapping.get(key, default)
    if isinstance(value, bool):
        return value
    diag.error(path, mapping.pos(key), f"'{key}' must be true or false", "bad-value")
    return default


def parse_codebook(data: Any, path: Path, diag: Diagnostics) -> Codebook:
    """Build a :class:`Codebook` from parsed YAML, reporting every problem to ``diag``."""
    if data is None:
        raise FileFormatError(
            "the codebook is empty: it needs 'families', 'codes' and "
            "'attributes' (`pcrcode init` writes a starting one)",
            path,
            1,
        )
    if not isinstance(data, LDict):
        raise FileFormatError(
            "the codebook must be a mapping with 'families', 'codes' and 'attributes'", path, 1
        )
    diag.unknown_keys(path, data, _TOP_KEYS, "the codebook")
    families = _parse_families(data, path, diag)
    codes, aliases = _parse_codes(data, path, diag, families)
    attributes = _parse_attributes(data, path, diag)
    return Codebook(
        title=_text(data.get("title")) or "Codebook",
        families=families,
        codes=codes,
        attributes=attributes,
        aliases=aliases,
        language=_text(data.get("language")) or "fr",
        path=path,
    )


def _parse_families(data: LDict, path: Path, diag: Diagnostics) -> dict[str, Family]:
    raw = data.get("families")
    families: dict[str, Family] = {}
    if raw is None:
        diag.error(path, 1, "the codebook has no 'families'", "missing-key")
        return families
    if not isinstance(raw, LDict):
        diag.error(path, data.pos("families"), "'families' must be a mapping", "bad-value")
        return families
    for fid, body, pos in _entries(
        raw, "family", ": use a-z, 0-9, - and _", _FAMILY_KEYS, path, diag
    ):
        if not _text(body.get("definition")):
            diag.error(path, pos, f"family '{fid}' has no definition", "missing-definition")
        families[fid] = Family(
            id=fid,
            label=_text(body.get("label")) or fid,
            definition=_text(body.get("definition")),
            ordered=_bool(diag, path, body, "ordered", False),
            exclusive=_bool(diag, path, body, "exclusive", False),
            line=pos[0],
            color=_colour(diag, path, body),
        )
    return families


def _entries(
    raw: LDict, what: str, id_hint: str, allowed: tuple[str, ...], path: Path, diag: Diagnostics
) -> Iterator[tuple[str, LDict, tuple[int, int]]]:
    """(id, body, position) of each entry of a mapping of ids to mappings (the families, the
    attributes); an entry with a bad id or a body that is not a mapping is reported and left
    out, and so is each unknown key of a body."""
    for key, body in raw.items():
        pos = raw.pos(key)
        if not isinstance(key, str) or not ID_RE.match(key) or "/" in key:
            diag.error(path, pos, f"bad {what} id {key!r}{id_hint}", "bad-id")
            continue
        if not isinstance(body, LDict):
            diag.error(path, pos, f"{what} '{key}' must be a mapping", "bad-value")
            continue
        diag.unknown_keys(path, body, allowed, f"{what} '{key}'")
        yield key, body, pos


def _parse_codes(
    data: LDict, path: Path, diag: Diagnostics, families: dict[str, Family]
) -> tuple[dict[str, Code], dict[str, str]]:
    raw = data.get("codes")
    codes: dict[str, Code] = {}
    aliases: dict[str, str] = {}
    if raw is None:
        diag.error(path, 1, "the codebook has no 'codes'", "missing-key")
        return codes, aliases
    if not isinstance(raw, LList):
        diag.error(path, data.pos("codes"), "'codes' must be a list", "bad-value")
        return codes, aliases
    alias_pos: dict[str, tuple[int, int]] = {}
    for index, entry in enumerate(raw):
        if not isinstance(entry, LDict):
            diag.error(
                path, raw.pos(index), "a code must be a mapping with at least 'id'", "bad-value"
            )
            continue
        cid = _code_id(entry, raw.pos(index), codes, path, diag)
        if cid is None:
            continue
        pos = entry.pos("id")
        family, _, _ = cid.partition("/")
        parent = _check_place(cid, raw, codes, families, pos, path, diag)
        _check_texts(entry, cid, pos, path, diag)
        fam = families.get(family)
        degree = _degree(entry, cid, fam, pos, path, diag)
        code_aliases = _take_aliases(entry, cid, aliases, alias_pos, path, diag)
        codes[cid] = Code(
            id=cid,
            label=_text(entry.get("label")) or cid.rsplit("/", 1)[-1],
            family=family,
            parent=parent,
            codable=_bool(diag, path, entry, "codable", True),
            degree=degree if fam is not None and fam.ordered else None,
            short=_text(entry.get("short")),
            definition=_text(entry.get("definition")),
            when_to_use=_text(entry.get("when_to_use")),
            when_not_to_use=_text(entry.get("when_not_to_use")),
            example=_text(entry.get("example")),
            aliases=tuple(code_aliases),
            line=pos[0],
            color=_colour(diag, path, entry),
        )
    for alias, target in aliases.items():
        if alias in codes:
            diag.error(
                path,
                alias_pos[alias],
                f"alias '{alias}' of '{target}' is also a code id",
                "duplicate-id",
            )
    _check_degrees(codes, families, path, diag)
    return codes, {a: t for a, t in aliases.items() if a not in codes}


def _code_id(
    entry: LDict, pos: tuple[int, int], codes: dict[str, Code], path: Path, diag: Diagnostics
) -> str | None:
    """The entry's id, or None (said in ``diag``) when the entry cannot be a code."""
    diag.unknown_keys(path, entry, _CODE_KEYS, "a code")
    cid = entry.get("id")
    if cid is None:
        diag.error(path, pos, "a code has no 'id'", "missing-key")
        return None
    if not isinstance(cid, str) or not ID_RE.match(cid):
        diag.error(
            path,
            entry.pos("id"),
            f"bad code id {cid!r}: a path of a-z, 0-9, - and _ parts (family/code)",
            "bad-id",
        )
        return None
    pos = entry.pos("id")
    if cid in codes:
        diag.error(
            path,
            pos,
            f"duplicate code id '{cid}' (first at line {codes[cid].line})",
            "duplicate-id",
        )
        return None
    if "/" not in cid:
        diag.error(
            path,
            pos,
            f"code '{cid}' must sit under a family (e.g. '{cid}/...'); families are "
            "declared under 'families'",
            "unknown-parent",
        )
        return None
    return cid


def _check_place(
    cid: str,
    raw: LList,
    codes: dict[str, Code],
    families: dict[str, Family],
    pos: tuple[int, int],
    path: Path,
    diag: Diagnostics,
) -> str | None:
    """The code's parent code (None at the top of its family); its family must be declared, and
    its parent declared before it."""
    family = cid.partition("/")[0]
    if family not in families:
        diag.error(
            path,
            pos,
            f"code '{cid}' is in family '{family}', which is not declared under "
            f"'families'{did_you_mean(family, families)}",
            "unknown-parent",
        )
    parent = cid.rsplit("/", 1)[0] if cid.count("/") > 1 else None
    if parent is not None and parent not in codes:
        later = any(isinstance(e, LDict) and e.get("id") == parent for e in raw)
        hint = " (declare the parent before its children)" if later else ""
        diag.error(
            path,
            pos,
            f"parent '{parent}' of code '{cid}' does not exist{hint}",
            "unknown-parent",
        )
    return parent


def _check_texts(
    entry: LDict, cid: str, pos: tuple[int, int], path: Path, diag: Diagnostics
) -> None:
    """A definition is required; a label and the other guidance fields are expected."""
    if not _text(entry.get("definition")):
        diag.error(path, pos, f"code '{cid}' has no definition", "missing-definition")
    if not _text(entry.get("label")):
        diag.warning(path, pos, f"code '{cid}' has no label", "incomplete-code")
    missing = [f for f in _ENTRY_FIELDS if not _text(entry.get(f))]
    if missing:
        diag.warning(path, pos, f"code '{cid}' has no {', '.join(missing)}", "incomplete-code")


def _degree(
    entry: LDict,
    cid: str,
    fam: Family | None,
    pos: tuple[int, int],
    path: Path,
    diag: Diagnostics,
) -> int | None:
    """The code's degree: a whole number from 1, required at the top of an ordered family."""
    degree = entry.get("degree")
    if degree is not None and (
        not isinstance(degree, int) or isinstance(degree, bool) or degree < 1
    ):
        diag.error(
            path, entry.pos("degree"), "'degree' must be a whole number from 1", "bad-degree"
        )
        degree = None
    if fam is not None and fam.ordered and cid.count("/") == 1 and degree is None:
        diag.error(
            path,
            pos,
            f"code '{cid}' needs a 'degree': family '{fam.id}' is ordered",
            "bad-degree",
        )
    if fam is not None and not fam.ordered and degree is not None:
        diag.warning(
            path,
            entry.pos("degree"),
            f"'degree' is ignored: family '{fam.id}' is not ordered",
            "bad-degree",
        )
    return degree


def _take_aliases(
    entry: LDict,
    cid: str,
    aliases: dict[str, str],
    alias_pos: dict[str, tuple[int, int]],
    path: Path,
    diag: Diagnostics,
) -> list[str]:
    """The code's old ids, each recorded in ``aliases`` (and where, in ``alias_pos``) unless
    another code already has it."""
    code_aliases: list[str] = []
    raw_aliases = entry.get("aliases", [])
    if not isinstance(raw_aliases, list) or not all(isinstance(a, str) for a in raw_aliases):
        diag.error(path, entry.pos("aliases"), "'aliases' must be a list of code ids", "bad-value")
        raw_aliases = []
    for alias in raw_aliases:
        if alias in aliases:
            diag.error(
                path,
                entry.pos("aliases"),
                f"alias '{alias}' is already an alias of '{aliases[alias]}'",
                "duplicate-id",
            )
            continue
        aliases[alias] = cid
        alias_pos[alias] = entry.pos("aliases")
        code_aliases.append(alias)
    return code_aliases


def _check_degrees(
    codes: dict[str, Code], families: dict[str, Family], path: Path, diag: Diagnostics
) -> None:
    for fid, fam in families.items():
        if not fam.ordered:
            continue
        seen: dict[int, str] = {}
        for code in codes.values():
            if code.family != fid or code.degree is None or code.depth != 1:
                continue
            if code.degree in seen:
                diag.error(
                    path,
                    code.line,
                    f"code '{code.id}' has degree {code.degree}, like '{seen[code.degree]}'",
                    "bad-degree",
                )
            seen[code.degree] = code.id


def _parse_attributes(data: LDict, path: Path, diag: Diagnostics) -> dict[str, Attribute]:
    raw = data.get("attributes")
    attributes: dict[str, Attribute] = {}
    if raw is None:  # cases with free attributes only
        return attributes
    if not isinstance(raw, LDict):
        diag.error(path, data.pos("attributes"), "'attributes' must be a mapping", "bad-value")
        return attributes
    for aid, body, pos in _entries(raw, "attribute", "", _ATTR_KEYS, path, diag):
        attributes[aid] = _attribute(aid, body, pos, path, diag)
    for attr in attributes.values():
        if attr.derived_from is None:
            continue
        base_attr = attributes.get(attr.derived_from)
        if base_attr is None or base_attr.derived_from is not None:
            diag.error(
                path,
                attr.line,
                f"'{attr.id}' derives from '{attr.derived_from}', which is not a plain "
                "attribute of this codebook",
                "unknown-value",
            )
            continue
        missing = [v for v in base_attr.values if v not in attr.mapping]
        if missing:
            diag.error(
                path,
                attr.line,
                f"grouping '{attr.id}' does not map the {attr.derived_from} value(s) "
                f"{', '.join(missing)}: add them under its 'map'",
                "grouping-incomplete",
            )
        for value in attr.mapping:
            if value not in base_attr.values:
                diag.error(
                    path,
                    attr.line,
                    f"'{attr.id}' maps '{value}', which is not a value of "
                    f"'{attr.derived_from}'{did_you_mean(value, base_attr.values)}",
                    "unknown-value",
                )
    return attributes


def _attribute(
    aid: str, body: LDict, pos: tuple[int, int], path: Path, diag: Diagnostics
) -> Attribute:
    kind = _text(body.get("type")) or "category"
    if kind not in ATTRIBUTE_TYPES:
        diag.error(
            path,
            body.pos("type"),
            f"attribute '{aid}' has type '{kind}': use one of {', '.join(ATTRIBUTE_TYPES)}"
            f"{did_you_mean(kind, ATTRIBUTE_TYPES)}",
            "bad-value",
        )
        kind = "text"
    values = body.get("values")
    labels: dict[str, str] = {}
    if isinstance(values, LDict):
        labels = {str(k): _text(v) or str(k) for k, v in values.items()}
    elif isinstance(values, LList):
        labels = {str(v): str(v) for v in values}
    elif kind == "category":
        diag.error(path, pos, f"attribute '{aid}' needs 'values' (id: label)", "missing-key")
    mapping: dict[str, str] = {}
    base = body.get("from")
    raw_map = body.get("map")
    if (base is None) != (raw_map is None):
        diag.error(
            path, pos, f"derived attribute '{aid}' needs both 'from' and 'map'", "missing-key"
        )
    if isinstance(raw_map, LDict):
        for k, v in raw_map.items():
            if str(v) not in labels:
                diag.error(
                    path,
                    raw_map.pos(k),
                    f"'{aid}' maps '{k}' to '{v}', which is not one of its values"
                    f"{did_you_mean(str(v), labels)}",
                    "unknown-value",
                )
            mapping[str(k)] = str(v)
    return Attribute(
        id=aid,
        label=_text(body.get("label")) or aid,
        values=labels,
        derived_from=str(base) if base is not None else None,
        mapping=mapping,
        line=pos[0],
        type=kind,
        required=_bool(diag, path, body, "required", False),
    )


def load_codebook(root: Path, diag: Diagnostics | None = None) -> Codebook:
    """Load ``codebook.yaml`` of a project; syntax errors raise, other problems go to ``diag``."""
    diag = diag if diag is not None else Diagnostics(root)
    path = root / CODEBOOK_FILE
    return parse_codebook(load_file(path), path, diag)
