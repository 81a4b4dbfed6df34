"""Reading ``structures.yaml``: the cases (structures), their attributes, declared census totals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pcrcode.errors import FileFormatError, did_you_mean
from pcrcode.files.codebook import ID_RE
from pcrcode.files.diagnostics import Diagnostics
from pcrcode.files.registry_network import parse_actors, parse_aliases, parse_network
from pcrcode.files.yaml_reading import LDict, LList, load_file
from pcrcode.model import Attribute, Census, Codebook, Registry, Structure

REGISTRY_FILE = "structures.yaml"
_TOP_KEYS = ("pcrcode", "structures", "census", "actors", "network")
_STRUCTURE_KEYS = ("id", "name", "interviewed", "attributes", "aliases")
_CENSUS_KEYS = ("rows", "columns", "source", "cells")


def parse_registry(data: Any, path: Path, diag: Diagnostics, codebook: Codebook) -> Registry:
    if data is None:
        data = LDict()
    if not isinstance(data, LDict):
        raise FileFormatError("the registry must be a mapping with a 'structures' list", path, 1)
    diag.unknown_keys(path, data, _TOP_KEYS, "the registry")
    raw = data.get("structures", LList())
    structures: dict[str, Structure] = {}
    if not isinstance(raw, LList):
        diag.error(path, data.pos("structures"), "'structures' must be a list", "bad-value")
        raw = LList()
    for index, entry in enumerate(raw):
        s = _parse_structure(entry, raw.pos(index), path, diag, codebook, structures)
        if s is not None:
            structures[s.id] = s
    census = None
    if "census" in data:
        census = _parse_census(data["census"], data.pos("census"), path, diag, codebook)
    actors = parse_actors(data, path, diag, codebook, structures) if "actors" in data else {}
    network = parse_network(data, path, diag, codebook) if "network" in data else None
    return Registry(structures=structures, census=census, path=path, actors=actors, network=network)


def _parse_structure(
    entry: Any,
    pos: tuple[int, int],
    path: Path,
    diag: Diagnostics,
    codebook: Codebook,
    seen: dict[str, Structure],
) -> Structure | None:
    if not isinstance(entry, LDict):
        diag.error(path, pos, "a structure must be a mapping with an id and a name", "bad-value")
        return None
    declared = [a.id for a in codebook.attributes.values() if a.derived_from is None]
    allowed = (*_STRUCTURE_KEYS, *declared)
    diag.unknown_keys(
        path,
        entry,
        allowed,
        "a structure",
        ": declare it under 'attributes:' in codebook.yaml, or move it under this structure's "
        "'attributes:'",
    )
    sid = entry.get("id")
    if not isinstance(sid, str) or not ID_RE.match(sid) or "/" in sid:
        diag.error(
            path, pos, f"bad or missing structure id {sid!r}: use a-z, 0-9, - and _", "bad-id"
        )
        return None
    if sid in seen:
        diag.error(
            path,
            entry.pos("id"),
            f"duplicate structure id '{sid}' (first at line {seen[sid].line})",
            "duplicate-id",
        )
        return None
    interviewed = entry.get("interviewed", False)
    if not isinstance(interviewed, bool):
        diag.error(
            path, entry.pos("interviewed"), "'interviewed' must be true or false", "bad-value"
        )
        interviewed = False
    values = _values(entry, sid, path, diag, codebook, declared)
    for attr in codebook.attributes.values():
        if attr.required and attr.derived_from is None and values.get(attr.id) is None:
            diag.error(
                path,
                entry.pos("id"),
                f"structure '{sid}' has no {attr.id} (required by codebook.yaml): add "
                f"'{attr.id}: VALUE' to it",
                "missing-attribute",
            )
    return Structure(
        id=sid,
        name=str(entry.get("name") or sid),
        interviewed=interviewed,
        extra=values,
        line=entry.pos("id")[0],
        aliases=parse_aliases(entry, path, diag),
    )


def _values(
    entry: LDict, sid: str, path: Path, diag: Diagnostics, codebook: Codebook, declared: list[str]
) -> dict[str, Any]:
    """The structure's attribute values: declared ones at its top level, then its
    ``attributes:`` block (free ones too), each checked against its declaration."""
    found: list[tuple[str, Any, tuple[int, int]]] = [
        (k, entry[k], entry.pos(k)) for k in entry if k in declared
    ]
    extra = entry.get("attributes", {})
    if not isinstance(extra, dict):
        diag.error(path, entry.pos("attributes"), "'attributes' must be a mapping", "bad-value")
        extra = {}
    for key, value in extra.items():
        where = extra.pos(key) if isinstance(extra, LDict) else entry.pos("id")
        found.append((str(key), value, where))
    clean: dict[str, Any] = {}
    for key, value, where in found:
        if key in clean:
            diag.error(
                path, where, f"attribute '{key}' of '{sid}' is given twice", "duplicate-attribute"
            )
            continue
        if value is None:
            continue
        if isinstance(value, dict | list):
            diag.error(
                path, where, f"attribute '{key}' of '{sid}' must be a plain value", "bad-value"
            )
            continue
        problem = _invalid(codebook.attributes.get(key), value)
        if problem:
            diag.error(
                path, where, f"{key} '{value}' of structure '{sid}' {problem}", "unknown-value"
            )
        clean[key] = value
    return clean


def _invalid(attr: Attribute | None, value: Any) -> str:
    """Why ``value`` does not fit the attribute's declaration ('' when it does)."""
    if attr is None or attr.derived_from is not None:
        return ""
    whole = isinstance(value, int) and not isinstance(value, bool)
    if attr.type == "integer" and not whole:
        return "is not a whole number"
    if attr.type == "year" and not (whole and 1000 <= value <= 2999):
        return "is not a year (four digits)"
    if attr.type == "category" and attr.values and str(value) not in attr.values:
        return f"is not declared in codebook.yaml{did_you_mean(str(value), attr.values)}"
    return ""


def _parse_census(
    raw: Any, pos: tuple[int, int], path: Path, diag: Diagnostics, codebook: Codebook
) -> Census | None:
    if not isinstance(raw, LDict):
        diag.error(path, pos, "'census' must be a mapping (rows, columns, cells)", "bad-value")
        return None
    diag.unknown_keys(path, raw, _CENSUS_KEYS, "census")
    for key in ("rows", "columns"):
        if key not in raw:
            diag.error(
                path,
                pos,
                f"census needs '{key}': the attribute of its {key} (see codebook.yaml)",
                "missing-key",
            )
            return None
    rows, cols = str(raw["rows"]), str(raw["columns"])
    for axis, key in ((rows, "rows"), (cols, "columns")):
        if axis not in codebook.attributes:
            diag.error(
                path,
                raw.pos(key),
                f"census {key} '{axis}' is not an attribute of the "
                f"codebook{did_you_mean(axis, codebook.attributes)}",
                "unknown-value",
            )
    cells: dict[str, dict[str, tuple[int, int | None]]] = {}
    positions: dict[tuple[str, str], tuple[int, int]] = {}
    raw_cells = raw.get("cells", LDict())
    if not isinstance(raw_cells, LDict):
        diag.error(path, raw.pos("cells"), "census 'cells' must be a mapping", "bad-value")
        raw_cells = LDict()
    for row, row_cells in raw_cells.items():
        if not isinstance(row_cells, LDict):
            diag.error(
                path, raw_cells.pos(row), f"census row '{row}' must be a mapping", "bad-value"
            )
            continue
        for col, value in row_cells.items():
            cell = _cell(value)
            if cell is None:
                diag.error(
                    path,
                    row_cells.pos(col),
                    f"census cell {row}/{col} must be a count or [total, interviewed]",
                    "bad-value",
                )
                continue
            cells.setdefault(str(row), {})[str(col)] = cell
            positions[(str(row), str(col))] = row_cells.pos(col)
    return Census(
        rows=rows, columns=cols, cells=cells, source=str(raw.get("source", "")), positions=positions
    )


def _cell(value: Any) -> tuple[int, int | None] | None:
    def whole(x: Any) -> bool:
        return isinstance(x, int) and not isinstance(x, bool) and x >= 0

    if whole(value):
        return (int(value), None)
    if isinstance(value, list) and len(value) == 2 and whole(value[0]) and whole(value[1]):
        return (int(value[0]), int(value[1]))
    return None


def load_registry(root: Path, codebook: Codebook, diag: Diagnostics | None = None) -> Registry:
    diag = diag if diag is not None else Diagnostics(root)
    path = root / REGISTRY_FILE
    if not path.exists():
        diag.warning(
            path, 1, "no structures.yaml: interviews are not linked to any case", "missing-file"
        )
        return Registry(structures={}, path=path)
    return parse_registry(load_file(path), path, diag, codebook)
