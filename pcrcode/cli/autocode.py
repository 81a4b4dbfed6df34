"""``pcrcode autocode``: code every turn matching a regular expression."""

from __future__ import annotations

from typing import Annotated

import typer

from pcrcode.cli.common import (
    CoderOpt,
    DryRunOpt,
    InterviewsOpt,
    ListFormat,
    ListFormatOpt,
    RoundOpt,
    complete_code,
    note,
    project_root,
    resolve_coder,
)

AUTOCODE_KEYS = ("interview", "segment", "speaker", "code", "matches", "status")


app = typer.Typer()


@app.command("autocode")
def autocode(
    ctx: typer.Context,
    pattern: Annotated[
        str, typer.Argument(help="A Python regular expression, e.g. 'mutualis|en commun'.")
    ],
    code: Annotated[
        str,
        typer.Argument(
            help="The code to apply to the matching turns.", autocompletion=complete_code
        ),
    ],
    speaker: Annotated[
        list[str] | None,
        typer.Option(
            "--speaker",
            metavar="SPEAKER",
            help="Only the turns of this speaker (repeatable).",
        ),
    ] = None,
    interview: InterviewsOpt = None,
    ignore_case: Annotated[
        bool, typer.Option("--ignore-case", "-I", help="Match regardless of case.")
    ] = False,
    ignore_accents: Annotated[
        bool,
        typer.Option("--ignore-accents", "-A", help="Match regardless of accents (e = é = è)."),
    ] = False,
    dry_run: DryRunOpt = False,
    partners: Annotated[
        list[str] | None,
        typer.Option(
            "--with",
            metavar="PARTNER",
            help="A partner of the relation the matching turns describe (a structure or actor "
            "id, or a unique prefix); repeatable.",
        ),
    ] = None,
    coder: CoderOpt = None,
    coding_round: RoundOpt = None,
    fmt: ListFormatOpt = ListFormat.table,
) -> None:
    """Apply a code to every turn whose text matches a pattern (whole segments).

    Lists the matching turns on stdout; status 'new' (coded now, or would be with --dry-run)
    or 'already-coded'. New codings carry the memo 'autocode: PATTERN'.
    JSON/CSV keys: interview, segment, speaker, code, matches, status.

    With the example project's ids:

    Example: pcrcode autocode 'camion|local' objet/moyens-services-activite -I -A --dry-run
    """
    from pcrcode.cli.output.rows import Column, emit
    from pcrcode.coding.autocode import autocode as run

    root = project_root(ctx)
    result = run(
        root,
        pattern,
        code,
        resolve_coder(coder, root, coding_round),
        speakers=speaker,
        interviews=interview,
        ignore_case=ignore_case,
        ignore_accents=ignore_accents,
        dry_run=dry_run,
        partners=partners or (),
    )
    rows = [h.record(result.code) for h in result.hits]
    if fmt is ListFormat.table:
        columns = [
            Column("interview", "interview"),
            Column("segment", "seg", "right"),
            Column("speaker", "speaker"),
            Column("matches", "matched", ratio=1),
            Column("status", "status"),
        ]
    else:
        columns = [Column(k, k) for k in AUTOCODE_KEYS]
    if rows or fmt is not ListFormat.table:
        emit(fmt.value, rows, columns)
    new = len(result.new)
    verb = "would add" if dry_run else "added"
    interviews = len({h.interview for h in result.new})
    note(
        f"{result.coder}: {verb} {result.code} to {new} segment(s) in {interviews} "
        f"interview(s); {len(rows) - new} already coded; {len(rows)} matching"
    )
