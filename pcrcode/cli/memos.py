"""``pcrcode memo add``, ``pcrcode memo list`` and ``pcrcode memo show``."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from pcrcode.choices import MemoKind
from pcrcode.cli.common import (
    CoderOpt,
    Format,
    FormatOpt,
    ListFormat,
    ListFormatOpt,
    RoundOpt,
    complete_coder,
    load,
    note,
    project_root,
    resolve_coder,
)

app = typer.Typer()
memo_app = typer.Typer(
    help="Write and read memos on codes, interviews, structures and codings.", no_args_is_help=True
)
app.add_typer(memo_app, name="memo")


MEMO_KEYS = ("kind", "target", "segment", "code", "author", "date", "text", "path")


KindArg = Annotated[
    MemoKind, typer.Argument(help="What the memo is about: code, interview, structure or coding.")
]
TargetArg = Annotated[
    str,
    typer.Argument(
        help="A code id, an interview id (INTERVIEW:SEGMENT for one segment), a structure id, or "
        "INTERVIEW:SEGMENT:CODE for a coding."
    ),
]


@memo_app.command("add")
def add(
    ctx: typer.Context,
    kind: KindArg,
    target: TargetArg,
    text: Annotated[
        str | None,
        typer.Option(
            "--text", "-t", metavar="TEXT", help="The memo (Markdown); without it, read from stdin."
        ),
    ] = None,
    coder: CoderOpt = None,
    coding_round: RoundOpt = None,
) -> None:
    """Write a memo; a coding memo is appended to the coding's own memo.

    With the example project's ids:

    Example: pcrcode memo add code forme/mutualisation --text "Distinguer du simple prêt."
    """
    from pcrcode.files.memos import add_memo

    root = project_root(ctx)
    author = resolve_coder(coder, root, coding_round)
    if text is None:
        if sys.stdin.isatty():
            note("type the memo, then Ctrl-D on a line of its own")
        text = sys.stdin.read()
    memo = add_memo(root, kind, target, author, text)
    where = memo.path.relative_to(root).as_posix() if memo.path else ""
    segment = f", segment {memo.segment}" if kind is MemoKind.interview and memo.segment else ""
    note(f"{author}: memo on {kind} {memo.target}{segment} ({where})")


@memo_app.command("list")
def list_(
    ctx: typer.Context,
    kind: Annotated[MemoKind | None, typer.Option("--kind", "-k", help="Only this kind.")] = None,
    target: Annotated[
        str | None, typer.Option("--target", metavar="TARGET", help="Only this target.")
    ] = None,
    author: Annotated[
        str | None,
        typer.Option(
            "--author",
            "-a",
            metavar="CODER",
            help="Only this author.",
            autocompletion=complete_coder,
        ),
    ] = None,
    fmt: ListFormatOpt = ListFormat.table,
) -> None:
    """List the memos: files under memos/ and the memos of codings.

    JSON/CSV keys: kind, target, segment, code, author, date, text, path.

    Example: pcrcode memo list --kind code --format json
    """
    from pcrcode.cli.output.rows import Column, emit
    from pcrcode.files.memos import all_memos

    project = load(ctx)
    rows = [
        m.record(project.root)
        for m in all_memos(project.root, project)
        if (kind is None or m.kind == kind)
        and (target is None or m.target == target or m.target.startswith(target + ":"))
        and (author is None or m.author == author)
    ]
    if fmt is ListFormat.table:
        for row in rows:
            if row["kind"] == "interview" and row["segment"] is not None:
                row["target"] = f"{row['target']}:{row['segment']}"
            row["text"] = " ".join(row["text"].split())
        columns = [
            Column("kind", "kind"),
            Column("target", "target", no_wrap=True),
            Column("author", "author"),
            Column("text", "memo", ratio=1),
        ]
    else:
        columns = [Column(k, k) for k in MEMO_KEYS]
    emit(fmt.value, rows, columns)


@memo_app.command("show")
def show(
    ctx: typer.Context,
    kind: KindArg,
    target: TargetArg,
    fmt: FormatOpt = Format.table,
) -> None:
    """Show every memo on one target, in full.

    JSON/CSV keys: kind, target, segment, code, author, date, text, path.

    With the example project's ids:

    Example: pcrcode memo show interview jardins-du-drac
    """
    from pcrcode.cli.output.rows import Column, emit
    from pcrcode.files.memos import memos_for, resolve_target

    root = project_root(ctx)
    canonical, segment = resolve_target(root, kind, target)
    memos = [
        m
        for m in memos_for(root, kind, canonical)
        if segment is None or kind is MemoKind.coding or m.segment == segment
    ]
    rows = [m.record(root) for m in memos]
    if not rows:
        note(f"no memo on {kind} {canonical}")
    if fmt in (Format.json, Format.csv):
        emit(fmt.value, rows, [Column(k, k) for k in MEMO_KEYS])
    elif fmt is Format.markdown:
        sys.stdout.write(_markdown(kind, canonical, rows))
    else:
        _print(rows)


def _heading(row: dict[str, Any]) -> str:
    head = f"{row['kind']} {row['target']}"
    if row["segment"] is not None and row["kind"] == "interview":
        head += f", segment {row['segment']}"
    return f"{head} · {row['author'] or '?'} · {row['date'] or 'undated'}"


def _markdown(kind: str, target: str, rows: list[dict[str, Any]]) -> str:
    from pcrcode.cli.output.rows import visible

    out = [f"## Memos on {kind} {visible(target)}", ""]
    for row in rows:
        out += [f"### {visible(_heading(row))}", "", visible(row["text"]), ""]
    return "\n".join(out)


def _print(rows: list[dict[str, Any]]) -> None:
    from rich.padding import Padding
    from rich.text import Text

    from pcrcode.cli.output.rows import console, visible

    out = console()
    for i, row in enumerate(rows):
        if i:
            out.print()
        out.print(Text(visible(_heading(row)), style="bold"))
        out.print(Padding(Text(visible(row["text"])), (0, 0, 0, 2), expand=False))
