"""Laying out report data for people: terminal tables with a heatmap, and Markdown.

The numbers come from ``pcrcode.reports`` untouched; this module only chooses names, widths and
shading. Rich is imported inside the functions (``pcrcode --help`` stays fast).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from pcrcode.reports.census import CensusTable
    from pcrcode.reports.crosstab import Crosstab
    from pcrcode.reports.document import Document

# Background ramp of the heatmap, light to dark, with a readable text colour on each.
HEAT = (
    ("black", "#deebf7"),
    ("black", "#9ecae1"),
    ("white", "#4292c6"),
    ("white", "#2171b5"),
    ("white", "#08306b"),
)
SPECIAL = ("total", "mixte")


@dataclass
class Grid:
    """A table of strings, ready for the terminal or Markdown."""

    title: str
    headers: list[str]
    rows: list[list[str]]
    justify: list[str]
    heat: list[list[float | None]] | None = None  # 0..1 per cell, None: not shaded
    caption: list[str] = field(default_factory=list)
    bold_last: bool = False  # a margin row
    abbreviate: bool = False  # numeric columns whose headers may be cut to fit the terminal
    empty: str = "(none)"  # what an empty table shows, in the document's language


def heat_style(level: float | None) -> str:
    """The Rich style of a cell at ``level`` (0..1): no background at 0, darker when higher."""
    if level is None or level <= 0:
        return ""
    fg, bg = HEAT[min(len(HEAT) - 1, int(level * len(HEAT) - 1e-9))]
    return f"{fg} on {bg}"


def short_names(ids: Sequence[str]) -> dict[str, str]:
    """Short terminal names: the last part of a code id, without a suffix they all share
    (``-sectorielle``), reduced to the first word when that stays unique."""
    names = {i: i.rsplit("/", 1)[-1] for i in ids}
    plain = [n for i, n in names.items() if i not in SPECIAL]
    if not all("/" in i for i in ids if i not in SPECIAL):
        return {i: i for i in ids}  # attribute values: keep them whole
    if len(plain) > 1 and all("-" in n for n in plain):
        tails = {n.split("-", 1)[1] for n in plain}
        if len(tails) == 1:
            cut = len(tails.pop()) + 1
            names = {i: (n if i in SPECIAL else n[:-cut]) for i, n in names.items()}
    firsts = {i: n.split("-", 1)[0] for i, n in names.items()}
    if len(plain) > 1 and len(set(firsts.values())) == len(firsts):
        names = firsts
    return names


def abbreviations(names: Sequence[str], size: int) -> list[str]:
    """``names`` cut to ``size`` characters (``total`` and ``mixte`` are kept whole)."""
    return [n if n in SPECIAL else n[:size] for n in names]


def crosstab_grid(
    table: Crosstab,
    title: str,
    caption: Sequence[str] = (),
    terminal: bool = True,
    margins: bool = True,
) -> Grid:
    rows, cols = table.row_ids(margins), table.col_ids(margins)
    if terminal:
        rnames, cnames = short_names(rows), short_names(cols)
    else:
        rnames = {r: table.label(table.rows, r) for r in rows}
        cnames = {c: table.label(table.cols, c) for c in cols}
    top = max(table.max_cell(), 1)
    body: list[list[str]] = []
    heat: list[list[float | None]] = []
    for r in rows:
        line: list[str] = [rnames[r]]
        shade: list[float | None] = [None]
        for c in cols:
            n = table.get(r, c)
            pct = table.share(r, c)
            line.append(
                str(n) if table.percent is None else f"{n} ({'–' if pct is None else f'{pct:g}%'})"
            )
            shade.append(None if "total" in (r, c) else n / top)
        body.append(line)
        heat.append(shade)
    corner = table.rows.id if terminal else table.rows.label
    return Grid(
        title,
        [corner, *(cnames[c] for c in cols)],
        body,
        ["left", *(["right"] * len(cols))],
        heat,
        list(caption),
        bold_last=margins,
        abbreviate=True,
    )


def census_grid(
    table: CensusTable, title: str, terminal: bool = True, caption: Sequence[str] = ()
) -> Grid:
    cols = table.cols
    names = short_names(cols) if terminal else {c: table.all.label(table.all.cols, c) for c in cols}
    body = []
    for r in table.rows:
        line = [r if terminal else table.all.label(table.all.rows, r)]
        for c in cols:
            n, seen = table.all.get(r, c), table.interviewed.get(r, c)
            line.append(f"{n} ({seen})" if seen else str(n))
        body.append(line)
    corner = table.all.rows.id if terminal else table.all.rows.label
    return Grid(
        title,
        [corner, *(names[c] for c in cols)],
        body,
        ["left", *(["right"] * len(cols))],
        caption=list(caption),
        bold_last=True,
    )


def _width(headers: Sequence[str], rows: Sequence[Sequence[str]], gap: int) -> int:
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    return sum(widths) + gap * (len(widths) - 1)


def _fit(headers: list[str], rows: Sequence[Sequence[str]], gap: int, width: int) -> list[str]:
    """Column headers cut to the longest prefixes that keep them unique and the table within
    ``width`` (or the shortest unique ones when nothing fits)."""
    names = headers[1:]
    if not names:
        return headers
    unique = [
        size
        for size in range(max(len(n) for n in names), 2, -1)
        if len(set(abbreviations(names, size))) == len(names)
    ]
    for size in unique:
        cut = [headers[0], *abbreviations(names, size)]
        if _width(cut, rows, gap) <= width:
            return cut
    return [headers[0], *abbreviations(names, unique[-1])] if unique else headers


def print_grid(out: Console, grid: Grid, compact: bool = False) -> None:
    """A heatmap table: cells shaded by value; the numbers alone carry the information."""
    from pcrcode.cli.output.rows import visible

    gap = 1 if compact else 2
    headers = list(grid.headers)
    caption = list(grid.caption)
    if grid.abbreviate and _width(headers, grid.rows, gap) > out.width:
        headers = _fit(headers, grid.rows, gap, out.width)
        legend = [f"{a} {h}" for a, h in zip(headers[1:], grid.headers[1:], strict=True) if a != h]
        if legend:
            caption.append("columns: " + " · ".join(legend))
    if _print_plain(out, grid, headers, caption, gap):
        return
    from rich import box
    from rich.table import Table
    from rich.text import Text

    if grid.title:
        out.print(Text(visible(grid.title), style="bold"))
    if not grid.rows:
        for line in [grid.empty, *caption]:
            out.print(Text(visible(line), style="dim"))
        return
    # The box draws a one-space divider between columns; the padding adds the rest of ``gap``.
    table = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 0) if compact else (0, 1, 0, 0),
    )
    for k, (h, j) in enumerate(zip(headers, grid.justify, strict=True)):
        # Only the first (label) column may fold when space runs out: numbers are never cut.
        table.add_column(
            Text(visible(h)),
            justify=j,  # type: ignore[arg-type]
            no_wrap=k > 0,
            overflow="fold",
        )
    last = len(grid.rows) - 1
    for i, row in enumerate(grid.rows):
        cells = []
        for k, value in enumerate(row):
            level = grid.heat[i][k] if grid.heat else None
            style = heat_style(level)
            if grid.bold_last and (i == last or (k == len(row) - 1 and k > 0)):
                style = "bold"
            cells.append(Text(visible(value), style=style))
        table.add_row(*cells)
    out.print(table)
    for line in caption:
        out.print(Text(visible(line), style="dim"))


def _print_plain(
    out: Console, grid: Grid, headers: list[str], caption: list[str], gap: int
) -> bool:
    """Print ``grid`` as :func:`print_grid` does through Rich's table, with string operations,
    where the output has no style at all (a pipe, a file: what scripts read) and the table
    fits without wrapping; False (nothing printed) otherwise. Rich's layout of a table of a few
    hundred rows is a noticeable part of a report (bench/NOTES.md); tests/test_grid_writer.py
    compares both."""
    from pcrcode.cli.output.rows import visible
    from pcrcode.cli.output.wrapped_text import TextWriter, narrow

    writer = TextWriter(out)
    if not writer.plain():
        return False
    rows = [[visible(value) for value in row] for row in grid.rows]
    cells = [visible(h) for h in headers]
    texts = [*cells, *(v for row in rows for v in row)]
    if any(
        text != text.rstrip() or text.lstrip(" ") != text.lstrip() or "\n" in text for text in texts
    ) or not narrow("".join(texts)):
        return False  # Rich trims or breaks such cells its own way
    widths = [max([len(h), *(len(row[k]) for row in rows)]) for k, h in enumerate(cells)]
    width = sum(widths) + gap * (len(widths) - 1)
    if rows and (width > out.width or 0 in widths):
        return False  # Rich would fold the first column (or widen an empty one)
    if grid.title:
        writer.text(visible(grid.title), "bold")
    if not rows:
        for line in [grid.empty, *caption]:
            writer.text(visible(line), "dim")
        writer.flush()
        return True
    sep = " " * gap
    right = [j == "right" for j in grid.justify]

    def laid(values: list[str]) -> str:
        return sep.join(
            v.rjust(w) if r else v.ljust(w) for v, w, r in zip(values, widths, right, strict=True)
        )

    writer.raw(laid(cells) + "\n" + "\u2500" * width + "\n")
    writer.raw("".join(laid(row) + "\n" for row in rows))
    for text in caption:
        writer.text(visible(text), "dim")
    writer.flush()
    return True


def markdown_grid(grid: Grid, level: int = 2) -> str:
    from pcrcode.cli.output.markdown import table as markdown_table
    from pcrcode.cli.output.rows import Column

    columns = [
        Column(str(i), h, j)
        for i, (h, j) in enumerate(zip(grid.headers, grid.justify, strict=True))
    ]
    rows = [{str(i): v for i, v in enumerate(r)} for r in grid.rows]
    out = f"{'#' * level} {grid.title}\n\n" if grid.title else ""
    out += markdown_table(rows, columns) if rows else f"{_md(grid.empty)}\n"
    if grid.caption:
        out += "\n" + "\n".join(f"*{_md(c)}*" for c in grid.caption) + "\n"
    return out + "\n"


def _md(text: str) -> str:
    from pcrcode.cli.output.markdown import escape

    return escape(text, "*")


def list_grid(
    title: str,
    rows: Sequence[dict[str, Any]],
    keys: Sequence[str],
    headers: Sequence[str] | None = None,
    numeric: Sequence[str] = (),
    caption: Sequence[str] = (),
) -> Grid:
    from pcrcode.cli.output.rows import cell_text

    return Grid(
        title,
        list(headers or keys),
        [[cell_text(r.get(k)) for k in keys] for r in rows],
        ["right" if k in numeric else "left" for k in keys],
        caption=list(caption),
    )


def report_markdown(result: Document, grids: Sequence[Grid]) -> str:
    """The report's Markdown: its title, preamble, then each section's table and note."""
    text = f"# {_md(result.title)}\n\n"
    text += "".join(f"{_md(line)}\n\n" for line in result.preamble)
    return text + "".join(markdown_grid(g) for g in grids)
