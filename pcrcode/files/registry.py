"""Reading ``structures.yaml``: the cases (structures), their attributes, declared census totals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pcrcode.errors import FileFormatError, did_you_mean
from pcrcode.files.codebook import ID_RE
from pcrcode.files.diagnostics import Diagnostics
from pcrcode.files.yaml_reading import LDict, LList, load_file
from pcrcode.model import Census, Codebook, Registry, Structure

REGISTRY_FILE = "structures.yaml"
_TOP_KEYS = ("pcrcode", "structures", "census")
_STRUCTURE_KEYS = ("id", "name", "statut", "domaine", "interviewed", "attributes")
_CENSUS_KEYS = ("rows", "columns", "source", "cells")


def parse_registry(data: Any, path: Path, diag: Diagnostics, codebook: Codebook) -> Registry:
    if data is None:
        data = LDict()
    if not isinstance(data, LDict):
        raise FileFormatError("the registry must be a mapping with a 'structures' list", path, 1)
    for key in data:
        if key not in _TOP_KEYS:
            diag.error(
                path,
                data.pos(key),
                f"unknown key '{key}' in the registry{did_you_mean(str(key), _TOP_KEYS)}",
                "unknown-key",
            )
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
    return Registry(structures=structures, census=census, path=path)


def _parse_structure(
    entry: Any,
    pos: tuple[int, int],
    path: Path,
    diag: Diagnostics,
    codebook: Codebook,
    seen: dict[str, Structure],
) -> Structure | None:
    if not isinstance(entry, LDict):
        diag.error(
            path, pos, "a structure must be a mapping with id, name, statut, domaine", "bad-value"
        )
        return None
    for key in entry:
        if key not in _STRUCTURE_KEYS:
            diag.error(
                path,
                entry.pos(key),
                f"unknown key '{key}' in a structure"
                f"{did_you_mean(str(key), _STRUCTURE_KEYS)} (free attributes go under "
                "'attributes')",
                "unknown-key",
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
    values: dict[str, str] = {}
    for attr in ("statut", "domaine"):
        value = entry.get(attr)
        if value is None:
            diag.error(path, entry.pos("id"), f"structure '{sid}' has no {attr}", "missing-key")
            continue
        value = str(value)
        values[attr] = value
        declared = codebook.attributes.get(attr)
        if declared is not None and value not in declared.values:
            diag.error(
                path,
                entry.pos(attr),
                f"{attr} '{value}' of structure '{sid}' is not declared in codebook.yaml"
                f"{did_you_mean(value, declared.values)}",
                "unknown-value",
            )
    interviewed = entry.get("interviewed", False)
    if not isinstance(interviewed, bool):
        diag.error(
            path, entry.pos("interviewed"), "'interviewed' must be true or false", "bad-value"
        )
        interviewed = False
    extra = entry.get("attributes", {})
    if not isinstance(extra, dict):
        diag.error(path, entry.pos("attributes"), "'attributes' must be a mapping", "bad-value")
        extra = {}
    clean: dict[str, Any] = {}
    for key, value in extra.items():
        if isinstance(value, dict | list):
            diag.error(
                path,
                extra.pos(key) if isinstance(extra, LDict) else entry.pos("id"),
                f"attribute '{key}' of '{sid}' must be a plain value",
                "bad-value",
            )
            continue
        if key in codebook.attributes:
            declared = codebook.attributes[key]
            if str(value) not in declared.values:
                diag.error(
                    path,
                    extra.pos(key) if isinstance(extra, LDict) else pos,
                    f"{key} '{value}' of structure '{sid}' is not declared in "
                    f"codebook.yaml{did_you_mean(str(value), declared.values)}",
                    "unknown-value",
                )
        clean[str(key)] = value
    return Structure(
        id=sid,
        name=str(entry.get("name") or sid),
        statut=values.get("statut", ""),
        domaine=values.get("domaine", ""),
        interviewed=interviewed,
        extra=clean,
        line=entry.pos("id")[0],
    )


def _parse_census(
    raw: Any, pos: tuple[int, int], path: Path, diag: Diagnostics, codebook: Codebook
) -> Census | None:
    if not isinstance(raw, LDict):
        diag.error(path, pos, "'census' must be a mapping (rows, columns, cells)", "bad-value")
        return None
    for key in raw:
        if key not in _CENSUS_KEYS:
            diag.error(
                path,
                raw.pos(key),
                f"unknown key '{key}' in census{did_you_mean(str(key), _CENSUS_KEYS)}",
                "unknown-key",
            )
    rows, cols = str(raw.get("rows", "domaine")), str(raw.get("columns", "categorie"))
    for axis, key in ((rows, "rows"), (cols, "columns")):
        if codebook.attributes and axis not in codebook.attributes:
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
