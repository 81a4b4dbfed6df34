"""``pcrcode codebook show``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from pcrcode.cli.common import ListFormat, ListFormatOpt, complete_family, load

if TYPE_CHECKING:
    from rich.text import Text

    from pcrcode.model import Project

app = typer.Typer()
codebook_app = typer.Typer(help="Read (and evolve) the codebook.", no_args_is_help=True)
app.add_typer(codebook_app, name="codebook")

FIELDS = (
    "id",
    "family",
    "parent",
    "label",
    "codable",
    "degree",
    "short",
    "definition",
    "when_to_use",
    "when_not_to_use",
    "example",
    "aliases",
    "codings",
    "segments",
    "interviews",
)


@codebook_app.command("show")
def show(
    ctx: typer.Context,
    definitions: Annotated[
        bool, typer.Option("--definitions", help="Show each code's full entry.")
    ] = False,
    family: Annotated[
        str | None,
        typer.Option(
            "--family", metavar="FAMILY", help="Only this family.", autocompletion=complete_family
        ),
    ] = None,
    fmt: ListFormatOpt = ListFormat.table,
) -> None:
    """Show the code tree with labels and how often each code is used.

    JSON/CSV keys: id, family, parent, label, codable, degree, short, definition, when_to_use,
    when_not_to_use, example, aliases, codings, segments, interviews.

    With the example project's ids:

    Example: pcrcode codebook show --definitions --family forme
    """
    from pcrcode.cli.output.rows import Column, emit
    from pcrcode.reports.listings import codebook_rows

    project = load(ctx)
    rows = codebook_rows(project)
    if family is not None:
        project.codebook.family(family)
        rows = [r for r in rows if r["family"] == family]
    if fmt is not ListFormat.table:
        emit(fmt.value, rows, [Column(k, k) for k in FIELDS])
        return
    _print_tree(project, rows, definitions)


def _print_tree(project: Project, rows: list[dict[str, Any]], definitions: bool) -> None:
    from rich.text import Text
    from rich.tree import Tree

    from pcrcode.cli.output.rows import console, visible

    codebook = project.codebook
    out = console()
    by_id = {r["id"]: r for r in rows}
    for fid, fam in codebook.families.items():
        if not any(r["family"] == fid for r in rows):
            continue
        flags = [w for w, on in (("ordered", fam.ordered), ("exclusive", fam.exclusive)) if on]
        head = Text(visible(f"{fid} · {fam.label}"), style="bold")
        if flags:
            head.append(f"  ({', '.join(flags)})", style="dim")
        if definitions and fam.definition:
            head.append("\n" + visible(fam.definition), style="dim")
        tree = Tree(head, guide_style="dim")
        nodes: dict[str, Any] = {}
        for code in codebook.family_codes(fid):
            row = by_id.get(code.id)
            if row is None:
                continue
            parent = nodes.get(code.parent or "", tree)
            nodes[code.id] = parent.add(_node(row, definitions))
        out.print(tree)
        out.print()


def _node(row: dict[str, Any], definitions: bool) -> Text:
    from rich.text import Text

    from pcrcode.cli.output.rows import visible

    text = Text()
    if row["degree"] is not None:
        text.append(f"{row['degree']}. ", style="cyan")
    text.append(visible(row["id"].rsplit("/", 1)[-1]), style="bold")
    text.append(" " + visible(row["label"]))
    if not row["codable"]:
        text.append("  [not codable]", style="dim")
    used = row["segments"]
    text.append(f"  {used} seg." if used else "  unused", style="green" if used else "yellow")
    if definitions:
        for key, title in (
            ("short", ""),
            ("definition", "Définition"),
            ("when_to_use", "Quand l'utiliser"),
            ("when_not_to_use", "Quand ne pas l'utiliser"),
            ("example", "Exemple"),
        ):
            if row[key]:
                text.append("\n")
                if title:
                    text.append(title + " : ", style="italic")
                text.append(visible(row[key]), style="dim" if key != "short" else "")
    return text
