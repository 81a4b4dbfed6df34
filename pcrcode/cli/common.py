"""Pieces shared by the command modules: project lookup, options, output formats."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


class ReportFormat(StrEnum):
    """``report``'s outputs: the data formats, and the page for people (html, pdf)."""

    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"
    html = "html"
    pdf = "pdf"


class ListFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


FormatOpt = Annotated[
    Format, typer.Option("--format", "-f", help="Output: table, csv, json or markdown.")
]
ListFormatOpt = Annotated[
    ListFormat, typer.Option("--format", "-f", help="Output: table, csv or json.")
]
CoderOpt = Annotated[
    str | None,
    typer.Option("--coder", "-c", help="Coder name (default: $PCRCODE_CODER, else git user.name)."),
]


RoundOpt = Annotated[
    int | None,
    typer.Option(
        "--round",
        min=1,
        metavar="N",
        help="Coding round (default: $PCRCODE_ROUND, else 1); round N is coder NAME@N.",
    ),
]


def project_root(ctx: typer.Context) -> Path:
    from pcrcode.project import find_root

    obj: dict[str, Any] = ctx.find_root().obj or {}
    explicit = obj.get("project")
    return find_root(explicit=Path(explicit) if explicit else None)


def load(ctx: typer.Context, findings: list[Any] | None = None) -> Any:
    """Load the whole project; per-item problems are summed up on stderr, not fatal (and
    added to ``findings`` for a command that must refuse some of them)."""
    from pcrcode.cli.output.progress import progress_bar
    from pcrcode.files.diagnostics import Diagnostics
    from pcrcode.project import load_project

    root = project_root(ctx)
    diag = Diagnostics(root)
    with progress_bar("reading the project") as bar:
        project = load_project(root, diag, progress=bar)
    warn_problems(diag.errors)
    if findings is not None:
        findings.extend(diag.errors)
    return project


def warn_problems(errors: list[Any]) -> None:
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        note(f"warning: skipped what `pcrcode check` reports: {first}{more}")


def note(message: str) -> None:
    """A message for the person, on stderr (stdout carries only data)."""
    from pcrcode.cli.output.rows import visible

    sys.stderr.write(visible(message) + "\n")
