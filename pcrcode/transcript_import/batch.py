"""Several transcripts at once: folders expanded, and each file's structure (and id) from its
name or from a CSV mapping file."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from pcrcode.errors import FileFormatError, UsageError

SUFFIXES = (".txt", ".md", ".markdown", ".vtt", ".srt", ".docx", ".otr")


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given; a folder gives its transcripts (by extension, sorted, not recursive)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES
            )
            if not found:
                raise UsageError(f"{path}: no transcript in this folder ({', '.join(SUFFIXES)})")
            out += found
        else:
            out.append(path)
    return out


def read_mapping(path: Path) -> dict[str, tuple[str, str | None]]:
    """``file,structure[,id]`` rows (a header row naming them is optional): file name ->
    (structure, id or None)."""
    from pcrcode.transcript_import.decode import decode_source

    try:
        text = decode_source(path.read_bytes(), path)
    except OSError as exc:
        raise FileFormatError(f"cannot read: {exc.strerror}", path) from None
    rows = list(csv.reader(io.StringIO(text)))
    mapping: dict[str, tuple[str, str | None]] = {}
    for n, row in enumerate(rows, start=1):
        cells = [c.strip() for c in row]
        if not any(cells) or (n == 1 and cells[:2] == ["file", "structure"]):
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise FileFormatError(
                "expected 'file,structure' (or 'file,structure,id') on each row", path, n
            )
        mapping[cells[0]] = (cells[1], cells[2] if len(cells) > 2 and cells[2] else None)
    return mapping


def structure_from_name(stem_slug: str, structures: frozenset[str] | None) -> str:
    """The structure a file is named after: its whole name, or the longest structure id its
    name starts with (``velo-2026-03-12`` -> ``velo``)."""
    if structures is None:
        return stem_slug
    if stem_slug in structures:
        return stem_slug
    starts = [s for s in structures if stem_slug.startswith((s + "-", s + "_"))]
    if not starts:
        raise UsageError(
            f"no structure is named like '{stem_slug}': name the file after its structure "
            "(STRUCTURE-anything.txt) or map it to one",
            about="structure_from_name",
        )
    return max(starts, key=len)
