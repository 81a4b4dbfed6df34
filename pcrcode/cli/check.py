"""``pcrcode check``: the project linter."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from pcrcode.cli.common import note, project_root
from pcrcode.errors import ExitCode


class CheckFormat(StrEnum):
    text = "text"
    json = "json"


class Level(StrEnum):
    warning = "warning"
    error = "error"


def register(app: typer.Typer) -> None:
    app.command("check")(check)


def check(
    ctx: typer.Context,
    fmt: Annotated[CheckFormat, typer.Option("--format", "-f", help="text or json.")] = (
        CheckFormat.text
    ),
    fail_on: Annotated[
        Level, typer.Option(help="Lowest severity that makes the exit code 1.")
    ] = Level.warning,
    rules: Annotated[bool, typer.Option("--rules", help="List the rule ids and exit.")] = False,
) -> None:
    """Lint the project: codebook, registry, transcripts and codings.

    Silent with exit 0 when clean; otherwise one finding a line,
    path:line:col: severity: message [rule-id], and exit 1.

    Example: pcrcode check --format json
    """
    from pcrcode.cli.output.rows import visible, write_json
    from pcrcode.files.cross_file_checks import RULES, check_project

    if rules:
        for rule, meaning in RULES.items():
            typer.echo(f"{rule}\t{meaning}")
        return
    from pcrcode.cli.output.progress import progress_bar

    with progress_bar("reading the project") as bar:
        findings = check_project(project_root(ctx), progress=bar)
    if fmt is CheckFormat.json:
        write_json([f.as_record() for f in findings])
    else:
        for finding in findings:
            typer.echo(visible(str(finding)))
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    if findings:
        note(f"{errors} error(s), {warnings} warning(s)")
    if errors or (warnings and fail_on is Level.warning):
        raise typer.Exit(int(ExitCode.DATA))
