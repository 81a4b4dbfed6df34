"""Tidy CSV tables of a project, for R (``read.csv``) and pandas (``read_csv``) in one line.

- ``codings.csv``: one row per coding, with its interview, structure and the structure's
  attributes, the segment and speaker, the code and its family, the coder, the span, quote, memo;
- ``structures.csv``: one row per structure (case) with its attributes;
- ``presence.csv``: for each interviewed structure and each codable code, whether any coder applied
  the code in any of its interviews (long format: structure, code, present = 0/1);
- ``codebook.csv``: one row per code with every field of its entry.

Values: empty for missing, ``true``/``false`` for booleans, numbers as numbers; UTF-8, LF. Each
file is written to a temporary folder, then moved into place, so a reader never sees half a file.
With ``formulas=True``, text a spreadsheet would run as a formula is written as text
(:func:`pcrcode.exchange.csv_format.spreadsheet_text`), through the one CSV writer.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from pcrcode.errors import UsageError
from pcrcode.exchange.csv_format import spreadsheet_text, write_rows
from pcrcode.model import Project

Table = tuple[list[str], list[list[Any]]]
CODING_COLUMNS = ("segment", "speaker", "code", "family", "coder", "start", "end", "quote", "memo")
CODEBOOK_COLUMNS = (
    "code",
    "family",
    "family_label",
    "parent",
    "label",
    "codable",
    "degree",
    "short",
    "definition",
    "when_to_use",
    "when_not_to_use",
    "example",
)


def attribute_columns(project: Project) -> list[str]:
    """The codebook's attributes in declared order, then free attributes in order of use."""
    columns = list(project.codebook.attributes)
    for structure in project.registry.structures.values():
        columns += [k for k in structure.extra if k not in columns]
    return columns


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return value


def codings_table(project: Project) -> Table:
    attrs = attribute_columns(project)
    fixed = {"interview", "structure", *CODING_COLUMNS}
    shown = [a if a not in fixed else f"attr_{a}" for a in attrs]
    header = ["interview", "structure", *shown, *CODING_COLUMNS]
    rows: list[list[Any]] = []
    ordered = sorted(
        project.codings,
        key=lambda c: (c.interview, c.segment, c.code, c.coder, -1 if c.start is None else c.start),
    )
    for c in ordered:
        interview = project.interviews.get(c.interview)
        structure = project.structure_of(interview) if interview is not None else None
        turn = (
            interview.turns[c.segment - 1]
            if interview is not None and 1 <= c.segment <= len(interview.turns)
            else None
        )
        quote = c.quote if c.start is not None else (turn.text if turn is not None else "")
        values = [structure.value(a, project.codebook) if structure else None for a in attrs]
        rows.append(
            [
                c.interview,
                interview.structure if interview else None,
                *values,
                c.segment,
                turn.speaker if turn else None,
                c.code,
                c.code.split("/", 1)[0],
                c.coder,
                c.start,
                c.end,
                quote,
                c.memo or None,
            ]
        )
    return header, rows


def structures_table(project: Project) -> Table:
    attrs = attribute_columns(project)
    fixed = {"structure", "name", "interviewed", "interviews"}
    header = [
        "structure",
        "name",
        *[a if a not in fixed else f"attr_{a}" for a in attrs],
        "interviewed",
        "interviews",
    ]
    transcripts: dict[str, int] = {}
    for interview in project.interviews.values():
        if interview.structure is not None:
            transcripts[interview.structure] = transcripts.get(interview.structure, 0) + 1
    rows = [
        [
            s.id,
            s.name,
            *[s.value(a, project.codebook) for a in attrs],
            s.interviewed,
            transcripts.get(s.id, 0),
        ]
        for s in project.registry.structures.values()
    ]
    return header, rows


def presence_table(project: Project) -> Table:
    """Structures with at least one transcript x codable codes: 1 if coded, else 0."""
    found: set[tuple[str, str]] = set()
    for c in project.codings:
        interview = project.interviews.get(c.interview)
        if interview is not None and interview.structure is not None:
            found.add((interview.structure, c.code))
    with_transcript = {i.structure for i in project.interviews.values() if i.structure}
    ids = [s for s in project.registry.structures if s in with_transcript]
    ids += sorted(with_transcript - set(ids))
    codes = [c.id for c in project.codebook.codes.values() if c.codable]
    rows = [[sid, code, int((sid, code) in found)] for sid in ids for code in codes]
    return ["structure", "code", "present"], rows


def codebook_table(project: Project) -> Table:
    codebook = project.codebook
    rows: list[list[Any]] = []
    for code in codebook.codes.values():
        family = codebook.families.get(code.family)
        rows.append(
            [
                code.id,
                code.family,
                family.label if family else None,
                code.parent,
                code.label,
                code.codable,
                code.degree,
                code.short,
                code.definition,
                code.when_to_use,
                code.when_not_to_use,
                code.example,
            ]
        )
    return list(CODEBOOK_COLUMNS), rows


def tables(project: Project) -> dict[str, Table]:
    return {
        "codings.csv": codings_table(project),
        "structures.csv": structures_table(project),
        "presence.csv": presence_table(project),
        "codebook.csv": codebook_table(project),
    }


def csv_text(table: Table, formulas: bool = False) -> str:
    """The CSV of ``table``; with ``formulas``, text cells made safe for a spreadsheet."""
    header, rows = table
    lines = [[_cell(v) for v in row] for row in rows]
    if formulas:
        lines = [
            [spreadsheet_text(c) if isinstance(c, str) else c for c in cells] for cells in lines
        ]
    buffer = io.StringIO()
    write_rows(buffer, [header, *lines])
    return buffer.getvalue()


def write_tables(project: Project, folder: Path, formulas: bool = False) -> dict[Path, int]:
    """Write the four tables into ``folder``; returns each file with its number of rows. With
    ``formulas``, text cells a spreadsheet would run as formulas are written as text."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"'{folder}' exists and is not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    built = tables(project)
    stage = Path(tempfile.mkdtemp(prefix=".pcrcode-csv-", dir=folder))
    written: dict[Path, int] = {}
    try:
        for name, table in built.items():
            (stage / name).write_text(csv_text(table, formulas), encoding="utf-8")
        for name, table in built.items():
            os.replace(stage / name, folder / name)
            written[folder / name] = len(table[1])
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return written
