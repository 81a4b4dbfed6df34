"""``pcrcode interviews list`` and ``pcrcode interviews show``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from pcrcode.cli.common import (
    CoderFilterOpt,
    ListFormat,
    ListFormatOpt,
    complete_interview,
    load,
    note,
)

if TYPE_CHECKING:
    from rich.console import Console

app = typer.Typer()
interviews_app = typer.Typer(help="List and read the interviews.", no_args_is_help=True)
app.add_typer(interviews_app, name="interviews")


@interviews_app.command("list")
def list_(ctx: typer.Context, fmt: ListFormatOpt = ListFormat.table) -> None:
    """List the interviews with their structure, size and coding.

    JSON/CSV keys: interview, structure, name, then each attribute codebook.yaml marks
    required (the example project: statut, domaine), date, segments, codings, coders,
    illustrative.

    Example: pcrcode interviews list --format csv
    """
    from pcrcode.cli.output.rows import Column, emit
    from pcrcode.reports.listings import interview_rows, required_attributes

    project = load(ctx)
    rows = interview_rows(project)
    required = required_attributes(project)
    if fmt is ListFormat.table:
        columns = [
            Column("interview", "interview"),
            *(Column(a, a) for a in required),
            Column("segments", "seg.", "right"),
            Column("codings", "codings", "right"),
            Column("coders", "coders"),
        ]
    else:
        columns = [
            Column(k, k)
            for k in (
                "interview",
                "structure",
                "name",
                *required,
                "date",
                "segments",
                "codings",
                "coders",
                "illustrative",
            )
        ]
    emit(fmt.value, rows, columns)


@interviews_app.command("show")
def show(
    ctx: typer.Context,
    interview: Annotated[
        str, typer.Argument(help="Interview id.", autocompletion=complete_interview)
    ],
    coder: CoderFilterOpt = None,
    fmt: ListFormatOpt = ListFormat.table,
) -> None:
    """Show an interview: numbered turns, speaker, text, and the codes applied.

    At a terminal the table goes through $PAGER (less by default); into a pipe or a file it is
    printed as is.

    JSON: the interview's metadata and a 'segments' list of {segment, speaker, text, codes};
    CSV: one row per segment (codes joined by ';').

    With the example project's ids:

    Example: pcrcode interviews show jardins-du-drac --coder camille
    """
    from pcrcode.cli.output.json_stream import write_json
    from pcrcode.cli.output.rows import Column, emit
    from pcrcode.reports.listings import interview_detail, stale_codings

    project = load(ctx)
    detail = interview_detail(project, interview, coder)
    found = project.interviews[detail["interview"]]
    stale = stale_codings(found, list(project.iter_codings(interview=found.id, coder=coder)))
    if stale:
        note(
            f"warning: {len(stale)} coding(s) of '{found.id}' were made on another version of "
            "its text (it was edited since), not shown: run `pcrcode reanchor` to put them "
            "back on their text"
        )
    if fmt is ListFormat.json:
        write_json(detail)
        return
    rows = [
        {
            "segment": s["segment"],
            "speaker": s["speaker"],
            "text": s["text"],
            "codes": [_code_label(c) for c in s["codes"]],
        }
        for s in detail["segments"]
    ]
    if fmt is ListFormat.csv:
        emit("csv", rows, [Column(k, k) for k in ("segment", "speaker", "text", "codes")])
        return
    _print_transcript(detail, rows)


def _code_label(entry: dict[str, Any]) -> str:
    label = f"{entry['code']} ({entry['coder']})"
    if entry.get("quote"):
        label += f" «{entry['quote']}»"
    return label


def _print_transcript(detail: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    from pcrcode.cli.output.pager import paged
    from pcrcode.cli.output.rows import console

    out = console()
    with paged(out):
        _print_table(out, detail, rows)


def _print_table(out: Console, detail: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from pcrcode.cli.output.rows import visible

    head = f"{detail['interview']}"
    if detail.get("name"):
        head += f" · {detail['name']}"
    if detail.get("date"):
        head += f" · {detail['date']}"
    if detail.get("illustrative"):
        head += " · illustrative example"
    out.print(Text(visible(head), style="bold"))
    table = Table(box=box.SIMPLE, show_header=False, pad_edge=False, expand=False)
    table.add_column(justify="right", no_wrap=True, style="cyan")
    table.add_column(ratio=1, overflow="fold")
    for row in rows:
        body = Text()
        body.append(visible(row["speaker"]) + ": ", style="bold")
        body.append(visible(row["text"]))
        for code in row["codes"]:
            body.append("\n  ↳ " + visible(code), style="green")
        table.add_row(Text(str(row["segment"])), body)
    out.print(table)
