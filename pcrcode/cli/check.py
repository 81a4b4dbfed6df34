"""``pcrcode check``: the project linter."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pcrcode.cli.common import note, project_root
from pcrcode.errors import ExitCode

if TYPE_CHECKING:
    from pcrcode.files.diagnostics import Finding


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"
    gitlab = "gitlab"


class Level(StrEnum):
    warning = "warning"
    error = "error"


app = typer.Typer()


@app.command("check")
def check(
    ctx: typer.Context,
    fmt: Annotated[
        CheckFormat,
        typer.Option(
            "--format",
            "-f",
            help="text, json, github (workflow annotations) or gitlab (code-quality report).",
        ),
    ] = (CheckFormat.text),
    fail_on: Annotated[
        Level, typer.Option(help="Lowest severity that makes the exit code 1.")
    ] = Level.warning,
    rules: Annotated[bool, typer.Option("--rules", help="List the rule ids and exit.")] = False,
) -> None:
    """Lint the project: codebook, registry, transcripts and codings.

    Silent with exit 0 when clean; otherwise one finding a line,
    path:line:col: severity: message [rule-id], and exit 1.

    With --format github, each finding is a GitHub Actions annotation, shown on the line of
    the file in a pull request; with --format gitlab, a GitLab code-quality report (JSON).

    Example: pcrcode check --format json
    """
    from pcrcode.cli.output.json_stream import write_json
    from pcrcode.cli.output.rows import visible
    from pcrcode.project_checks import RULES, check_project

    if rules:
        for rule, meaning in RULES.items():
            typer.echo(f"{rule}\t{meaning}")
        return
    from pcrcode.cli.output.progress import progress_bar

    with progress_bar("reading the project") as bar:
        findings = check_project(project_root(ctx), progress=bar)
    if fmt is CheckFormat.json:
        write_json([f.as_record() for f in findings])
    elif fmt is CheckFormat.github:
        prefix = _repository_prefix(project_root(ctx))
        for finding in findings:
            typer.echo(github_annotation(finding, prefix))
    elif fmt is CheckFormat.gitlab:
        prefix = _repository_prefix(project_root(ctx))
        write_json([code_quality(finding, prefix) for finding in findings])
    else:
        for finding in findings:
            typer.echo(visible(str(finding)))
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    if findings:
        note(f"{errors} error(s), {warnings} warning(s)")
    if errors or (warnings and fail_on is Level.warning):
        raise typer.Exit(int(ExitCode.DATA))


def _escape(text: str, prop: bool = False) -> str:
    """GitHub's workflow-command escaping (as in @actions/core)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def _repository_prefix(root: Path) -> str:
    """Where the project sits in its git repository (annotations name files from its top)."""
    from pcrcode.git.setup import repository_root

    repo = repository_root(root.resolve())
    if repo is None or repo == root.resolve():
        return ""
    return root.resolve().relative_to(repo).as_posix() + "/"


def github_annotation(finding: Finding, prefix: str = "") -> str:
    """``::error file=PATH,line=N,col=N,title=RULE::MESSAGE``, printable whatever the message."""
    from pcrcode.cli.output.rows import visible

    level = "error" if finding.severity == "error" else "warning"
    props = ",".join(
        f"{key}={_escape(str(value), prop=True)}"
        for key, value in (
            ("file", prefix + finding.path),
            ("line", finding.line),
            ("col", finding.col),
            ("title", f"pcrcode {finding.rule}"),
        )
    )
    return f"::{level} {props}::{_escape(visible(finding.message))}"


def code_quality(finding: Finding, prefix: str = "") -> dict[str, Any]:
    """One finding as GitLab's code-quality report wants it (the Code Climate subset)."""
    import hashlib

    path = prefix + finding.path
    key = f"{path}:{finding.line}:{finding.col}:{finding.rule}:{finding.message}"
    return {
        "description": finding.message,
        "check_name": finding.rule,
        "fingerprint": hashlib.sha1(key.encode("utf-8")).hexdigest(),
        "severity": "major" if finding.severity == "error" else "minor",
        "location": {"path": path, "lines": {"begin": finding.line}},
    }
