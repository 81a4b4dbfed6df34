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
    """Load the whole project; the first problem stops the command (exit 1), unless
    ``--skip-broken``, which goes on and says what was left out. ``findings`` receives the
    problems for a command that must refuse some of them itself."""
    from pcrcode.cli.output.progress import progress_bar
    from pcrcode.files.diagnostics import Diagnostics
    from pcrcode.project import load_project, unusable_codings

    root = project_root(ctx)
    diag = Diagnostics(root)
    with progress_bar("reading the project") as bar:
        project = load_project(root, diag, progress=bar)
    if findings is not None:
        findings.extend(diag.errors)
    unusable_codings(project, diag)
    obj: dict[str, Any] = ctx.find_root().obj or {}
    if obj.get("skip_broken"):
        warn_problems(diag.errors)
    elif blocking := [e for e in diag.errors if e.rule not in DOCUMENTATION_RULES]:
        raise_broken(root, blocking)
    return project


# Problems of the codebook's documentation (a code without a definition, as projects imported
# from other tools have by the hundred): `check` reports them, but no number depends on them.
DOCUMENTATION_RULES = frozenset({"missing-definition"})


def raise_broken(root: Path, errors: list[Any]) -> None:
    """A number computed without a file (or a coding) it needs would be wrong with exit 0:
    stop on the first problem, unless the user asked for partial results (--skip-broken)."""
    from pcrcode.errors import PcrcodeError

    first = errors[0]
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    raise PcrcodeError(
        f"{first.message}; nothing was computed{more}: `pcrcode check` lists every problem, "
        "`pcrcode --skip-broken ...` computes without what it cannot read",
        root / first.path,
        first.line,
    )


def warn_problems(errors: list[Any]) -> None:
    if errors:
        files = sorted({e.path for e in errors})
        shown = ", ".join(files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
        note(
            f"warning: --skip-broken: computed despite {len(errors)} problem(s) in {shown} (a "
            "file or coding that cannot be read is left out, an undeclared value is counted "
            "as it stands, and so is a coding of an unknown code, interview or segment); "
            f"first: {errors[0]}"
        )


def note(message: str) -> None:
    """A message for the person, on stderr (stdout carries only data)."""
    from pcrcode.cli.output.rows import visible

    sys.stderr.write(visible(message) + "\n")
