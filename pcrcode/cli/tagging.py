"""``pcrcode tag``, ``pcrcode untag`` and ``pcrcode codings``."""

from __future__ import annotations

from typing import Annotated

import typer

from pcrcode.cli.common import (
    CoderOpt,
    ListFormat,
    ListFormatOpt,
    RoundOpt,
    load,
    note,
    project_root,
)

CODING_KEYS = ("interview", "segment", "code", "coder", "at", "fp", "memo", "start", "end", "quote")


def register(app: typer.Typer) -> None:
    app.command("tag")(tag)
    app.command("untag")(untag)
    app.command("codings")(codings)


def tag(
    ctx: typer.Context,
    interview: Annotated[str, typer.Argument(help="Interview id (file name without extension).")],
    segments: Annotated[str, typer.Argument(help="Segments: 7, 7-9 or 7,12.")],
    codes: Annotated[list[str], typer.Argument(help="One or more code ids.")],
    coder: CoderOpt = None,
    coding_round: RoundOpt = None,
    memo: Annotated[str, typer.Option("--memo", "-m", help="A memo on these codings.")] = "",
    quote: Annotated[
        str | None,
        typer.Option("--quote", "-q", help="Code only these exact words of the segment."),
    ] = None,
) -> None:
    """Apply codes to segments of an interview.

    Example: pcrcode tag jardins-du-drac 7-9 forme/partenariat logique/reseau/affinitaire
    """
    from pcrcode.coding.tagging import tag as do_tag
    from pcrcode.files.coder_names import resolve_coder

    root = project_root(ctx)
    result = do_tag(
        root,
        interview,
        segments,
        codes,
        resolve_coder(coder, root, coding_round),
        memo=memo,
        quote=quote,
    )
    for c in result.added:
        span = f" «{c.quote}»" if c.quote else ""
        note(f"{result.coder}: + {c.code} on {c.interview} {c.segment}{span}")
    if result.unchanged and not result.added:
        note(f"{result.coder}: already coded, nothing changed")


def untag(
    ctx: typer.Context,
    interview: Annotated[str, typer.Argument(help="Interview id.")],
    segments: Annotated[str, typer.Argument(help="Segments: 7, 7-9 or 7,12.")],
    codes: Annotated[list[str], typer.Argument(help="One or more code ids.")],
    coder: CoderOpt = None,
    coding_round: RoundOpt = None,
) -> None:
    """Remove a coder's codes from segments of an interview.

    Example: pcrcode untag jardins-du-drac 7 forme/partenariat
    """
    from pcrcode.coding.tagging import untag as do_untag
    from pcrcode.files.coder_names import resolve_coder

    root = project_root(ctx)
    result = do_untag(root, interview, segments, codes, resolve_coder(coder, root, coding_round))
    for c in result.removed:
        note(f"{result.coder}: - {c.code} on {c.interview} {c.segment}")


def codings(
    ctx: typer.Context,
    interview: Annotated[str | None, typer.Option("--interview", "-i", help="Only this one.")] = (
        None
    ),
    code: Annotated[
        str | None, typer.Option("--code", help="Only this code and the codes under it.")
    ] = None,
    coder: Annotated[str | None, typer.Option("--coder", "-c", help="Only this coder.")] = None,
    fmt: ListFormatOpt = ListFormat.table,
) -> None:
    """List codings, one per line.

    JSON/CSV keys: interview, segment, code, coder, at, fp, memo, start, end, quote.

    Example: pcrcode codings --interview jardins-du-drac --format json
    """
    from pcrcode.cli.output.csv_writer import write_csv
    from pcrcode.cli.output.rows import Column, emit
    from pcrcode.reports.listings import coding_rows

    project = load(ctx)
    rows = coding_rows(project, interview=interview, code=code, coder=coder)
    if fmt is ListFormat.json:  # written as the rows come: a million codings are not held
        from pcrcode.cli.output.json_stream import write_json_array

        write_json_array(rows)
    elif fmt is ListFormat.csv:
        write_csv(rows, CODING_KEYS)
    else:
        emit(
            fmt.value,
            list(rows),
            [
                Column("interview", "interview"),
                Column("segment", "seg", "right"),
                Column("code", "code"),
                Column("coder", "coder"),
                Column("memo", "memo"),
            ],
        )
