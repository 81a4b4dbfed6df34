"""``pcrcode merge-file``, ``pcrcode git setup`` and ``pcrcode status``: a team's project in git."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pcrcode.cli.common import ListFormat, note, project_root
from pcrcode.errors import ExitCode

git_app = typer.Typer(help="Set up a git repository for a pcrcode project.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("merge-file")(merge_file)
    app.command("status")(status)
    app.add_typer(git_app, name="git")


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
            f"pcrcode: error: {shown}: {exc.message}; the file keeps our side "
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


def status(
    ctx: typer.Context,
    since: Annotated[
        str, typer.Option("--since", metavar="REF", help="Compare with this commit.")
    ] = "HEAD",
    fmt: Annotated[
        ListFormat, typer.Option("--format", "-f", help="Output: table or json.")
    ] = ListFormat.table,
) -> None:
    """What changed since the last commit: codings, memos, stale codings, what is left to code.

    Codings added and removed per coder and interview (compared with --since, HEAD by default),
    memos added, changed and removed, codings whose text changed, interviews each coder has not
    coded yet, and the next step for each.

    Example: pcrcode status --since main --format json
    """
    from pcrcode.cli.output_status import render_status
    from pcrcode.git.status import project_status

    report = project_status(project_root(ctx), since)
    render_status(report, fmt.value)
