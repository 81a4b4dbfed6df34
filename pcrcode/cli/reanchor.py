"""``pcrcode reanchor``."""

from __future__ import annotations

from typing import Annotated

import typer

from pcrcode.cli.common import DryRunOpt, Format, FormatOpt, InterviewsOpt, note, project_root

app = typer.Typer()


@app.command("reanchor")
def reanchor(
    ctx: typer.Context,
    dry_run: DryRunOpt = False,
    threshold: Annotated[
        float,
        typer.Option(
            "--threshold", metavar="SCORE", help="Least similarity (0-1] for a fuzzy match."
        ),
    ] = 0.8,
    interview: InterviewsOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Move codings back onto their text after transcripts were edited.

    Lists every coding whose segment changed: placed (exact, quote, fuzzy, merged, split),
    duplicate, or unplaced with the reason (left as it was; exit 1).
    JSON/CSV keys: interview, segment, code, coder, status, to, match, score, why.

    Example: pcrcode reanchor --dry-run
    """
    from pcrcode.cli.output.rows import Column, emit
    from pcrcode.coding.reanchor import ROW_KEYS
    from pcrcode.coding.reanchor import reanchor as do_reanchor
    from pcrcode.errors import ExitCode

    result = do_reanchor(
        project_root(ctx), threshold=threshold, dry_run=dry_run, interviews=interview or ()
    )
    for message in result.notes:
        note(f"warning: {message}")
    rows = [p.as_row() for p in result.placements]
    right = ("segment", "to", "score")
    if rows or fmt is not Format.table:
        emit(fmt.value, rows, [Column(k, k, "right" if k in right else "left") for k in ROW_KEYS])
    moved = len(rows) - len(result.unplaced)
    verb = "would place" if dry_run else "placed"
    tail = "; nothing written" if dry_run else ""
    note(
        f"{verb} {moved} coding(s) in {len(result.files)} file(s); "
        f"{len(result.unplaced)} could not be placed{tail}"
    )
    if result.unplaced:
        raise typer.Exit(int(ExitCode.DATA))
