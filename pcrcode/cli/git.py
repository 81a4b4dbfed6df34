"""``pcrcode merge-file``, ``pcrcode git setup`` and ``pcrcode status``: a team's project in git."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pcrcode.cli.common import error_message, note, project_root
from pcrcode.cli.output.rows import visible
from pcrcode.errors import ExitCode

if TYPE_CHECKING:
    from pcrcode.git.status import Status


class StatusFormat(StrEnum):
    table = "table"
    json = "json"


app = typer.Typer()
git_app = typer.Typer(help="Set up a git repository for a pcrcode project.", no_args_is_help=True)
app.add_typer(git_app, name="git")


@app.command("merge-file")
def merge_file(
    base: Annotated[Path, typer.Argument(help="The common ancestor (git's %O).", metavar="BASE")],
    ours: Annotated[
        Path, typer.Argument(help="Our version, replaced by the result (git's %A).", metavar="OURS")
    ],
    theirs: Annotated[Path, typer.Argument(help="Their version (git's %B).", metavar="THEIRS")],
    path: Annotated[
        str,
        typer.Option(
            "--path", metavar="PATH", help="The file's path in the repository (git's %P)."
        ),
    ] = "",
) -> None:
    """Merge two versions of a coding or memo file by content (git's merge driver).

    Codings added on either side are kept, removed ones removed, memos edited on both sides
    kept both; a coding removed on one side and changed on the other is a conflict (exit 1),
    left in the file for `pcrcode check` to report with the fix. `pcrcode git setup` declares
    it to git.

    Example: pcrcode merge-file base.yaml ours.yaml theirs.yaml --path codings/camille/x.yaml
    """
    from pcrcode.git.merge import MergeError, merge_files

    shown = path or str(ours)
    try:
        result = merge_files(base, ours, theirs, name=path)
    except MergeError as exc:
        note(
            f"pcrcode: error: {shown}: {error_message(exc)}; the file keeps our side "
            f"(theirs: `git show :3:{path or 'PATH'}`)"
        )
        raise typer.Exit(int(ExitCode.DATA)) from None
    for warning in result.warnings:
        note(f"pcrcode: warning: {shown}: {warning}")
    for conflict in result.conflicts:
        note(f"pcrcode: conflict: {shown}: {conflict}; `pcrcode check` shows how to resolve it")
    if result.conflicts:
        raise typer.Exit(int(ExitCode.DATA))


@git_app.command("setup")
def setup(ctx: typer.Context) -> None:
    """Make git merge coding and memo files by content, with pcrcode's merge driver.

    Adds the lines for codings/** and memos/** to .gitattributes (commit it) and declares the
    driver in this clone's git config. Safe to run again: it only adds what is missing.

    Example: pcrcode git setup && git add .gitattributes && git commit -m "pcrcode merge driver"
    """
    from pcrcode.git.setup import setup as do_setup

    done = do_setup(project_root(ctx))
    for line in done:
        note(line)
    if not done:
        note("already set up: coding and memo files merge by content")


@app.command("status")
def status(
    ctx: typer.Context,
    since: Annotated[
        str, typer.Option("--since", metavar="REF", help="Compare with this commit.")
    ] = "HEAD",
    fmt: Annotated[
        StatusFormat, typer.Option("--format", "-f", help="Output: table (text) or json.")
    ] = StatusFormat.table,
) -> None:
    """What changed since the last commit: codings, memos, stale codings, what is left to code.

    Codings added and removed per coder and interview (compared with --since, HEAD by default),
    memos added, changed and removed, codings whose text changed, interviews each coder has not
    coded yet, and the next step for each.

    Example: pcrcode status --since main --format json
    """
    from pcrcode.git.status import project_status

    report = project_status(project_root(ctx), since)
    if fmt is StatusFormat.json:
        from pcrcode.cli.output.json_stream import write_json

        write_json(report.as_dict())
    else:
        for line in status_lines(report):
            typer.echo(visible(line))


def status_lines(report: Status) -> list[str]:
    """The status for a person, 80 columns, plain text."""
    lines = []
    if not report.in_git:
        lines.append("Not a git repository: changes since a commit are unknown.")
    elif report.codings or report.memos:
        lines.append(f"Changed since {report.since}:")
        for row in report.codings:
            memo = f", {row['memos_changed']} memo(s) edited" if row["memos_changed"] else ""
            lines.append(
                f"  {row['coder']} {row['interview']}: +{row['added']} -{row['removed']} "
                f"coding(s){memo}"
            )
        for row in report.memos:
            lines.append(f"  memo {row['change']}: {row['path']}")
    else:
        lines.append(f"No coding or memo changed since {report.since}.")
    for row in report.stale:
        lines.append(
            f"Stale: {row['codings']} coding(s) of {row['coder']} on {row['interview']} "
            "(text changed)"
        )
    if report.coders:
        lines.append("Coded so far:")
        for row in report.coders:
            lines.append(f"  {row['coder']}: {row['coded']} of {row['interviews']} interview(s)")
    if report.next:
        lines.append("Next:")
        lines.extend(f"  {step}" for step in report.next)
    return lines
