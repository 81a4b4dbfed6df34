"""Writing each report in its four formats: table (terminal), csv, json, markdown.

CSV and JSON are written from the core's records without Rich; the terminal and Markdown show
the same numbers through ``report_tables``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from pcrcode.cli.output import report_tables as views
from pcrcode.cli.output.csv_writer import csv_text, write_csv
from pcrcode.cli.output.json_stream import json_document
from pcrcode.cli.output.rows import visible

if TYPE_CHECKING:
    from rich.console import Console

    from pcrcode.model import Codebook
    from pcrcode.reports.census import CensusTable
    from pcrcode.reports.corpus import Corpus
    from pcrcode.reports.crosstab import Crosstab
    from pcrcode.reports.declaration import Column, Synthesis
    from pcrcode.reports.document import Document, Section
    from pcrcode.reports.profile import Profile
    from pcrcode.reports.retrieve import Hit


def _console() -> Console:
    from pcrcode.cli.output.rows import output_console

    return output_console()  # type: ignore[return-value]  # a PlainConsole stands for one


def _emit(
    fmt: str,
    records: Sequence[dict[str, Any]],
    keys: Sequence[str],
    grids: Sequence[views.Grid],
    compact: bool = False,
) -> None:
    if fmt == "json":
        sys.stdout.write(json_document(list(records)))
    elif fmt == "csv":  # written by the one writer: made visible on a terminal
        write_csv(records, keys)
    elif fmt == "markdown":
        sys.stdout.write("".join(views.markdown_grid(g) for g in grids))
    else:
        out = _console()
        for i, grid in enumerate(grids):
            if i:
                out.print()
            views.print_grid(out, grid, compact)


CROSSTAB_KEYS = ("row", "row_label", "col", "col_label", "count", "percent")
CENSUS_KEYS = ("row", "row_label", "col", "col_label", "total", "interviewed")


def _crosstab_title(table: Crosstab) -> str:
    return f"{table.rows.id} x {table.cols.id} ({table.count})"


def show_crosstab(fmt: str, table: Crosstab, margins: bool = True) -> None:
    grid = views.crosstab_grid(
        table, _crosstab_title(table), terminal=fmt == "table", margins=margins
    )
    _emit(fmt, table.records(margins), CROSSTAB_KEYS, [grid])


def show_census(fmt: str, table: CensusTable, language: str) -> None:
    from pcrcode.i18n import messages

    tr = messages(language)
    caption = [tr("(in parentheses: cases interviewed)")]
    grid = views.census_grid(table, tr("Census"), terminal=fmt == "table", caption=caption)
    _emit(fmt, table.records(), CENSUS_KEYS, [grid])


def show_cooccurrence(fmt: str, table: Crosstab, language: str = "en") -> None:
    from pcrcode.i18n import study_messages
    from pcrcode.reports.cooccurrence import records

    ids = table.row_ids(margins=False)
    grid = views.crosstab_grid(
        table,
        study_messages(language)("Co-occurrence ({count})", count=table.count),
        terminal=fmt == "table",
        margins=False,
    )
    if fmt == "table":  # numbered columns and short names: a wide matrix fits 80 columns
        short: dict[str, str] = {}
        for family in dict.fromkeys(c.split("/", 1)[0] for c in ids):
            names = views.short_names([c for c in ids if c.startswith(family + "/")])
            short.update({c: f"{family}/{n}" for c, n in names.items()})
        width = len(str(len(ids)))
        grid.headers = ["code", *(str(i) for i in range(1, len(ids) + 1))]
        for i, (row, cid) in enumerate(zip(grid.rows, ids, strict=True), 1):
            row[0] = f"{i:>{width}} {short[cid]}"
    else:
        grid.headers[0] = "code"
        for row, cid in zip(grid.rows, ids, strict=True):
            row[0] = cid
    _emit(fmt, records(table), CROSSTAB_KEYS[:5], [grid], compact=True)


FREQUENCY_KEYS = (
    "code",
    "label",
    "family",
    "depth",
    "codable",
    "codings",
    "segments",
    "interviews",
    "structures",
)


def show_frequencies(fmt: str, rows: list[dict[str, Any]], language: str = "en") -> None:
    from pcrcode.i18n import study_messages

    tr = study_messages(language)
    top = max((r["segments"] for r in rows), default=0) or 1
    size = 16
    shown = [
        {**r, "code": "  " * (r["depth"] - 1) + r["code"], "bar": _bar(r["segments"] / top, size)}
        for r in rows
    ]
    grid = views.list_grid(
        tr("Code frequencies"),
        shown,
        ["code", "codings", "segments", "interviews", "structures", "bar"],
        ["code", "n", "seg", "int", "str", "segments"] if fmt == "table" else None,
        numeric=["codings", "segments", "interviews", "structures"],
        caption=[tr("n codings · seg segments · int interviews · str structures")]
        if fmt == "table"
        else [],
    )
    _emit(fmt, rows, FREQUENCY_KEYS, [grid])


def _bar(share: float, size: int) -> str:
    eighths = round(share * size * 8)
    return "█" * (eighths // 8) + ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")[eighths % 8]


# Profiles ---------------------------------------------------------------------------------


def _family_names(codebook: Codebook, family: str, depth: int | None) -> dict[str, str]:
    from pcrcode.reports.axes import MIXED, code_axis

    if family not in codebook.families:
        return {}
    axis = code_axis(codebook, [family], depth)
    return views.short_names([*(c.id for c in axis.categories), MIXED])


def profile_grid(
    found: Sequence[Profile],
    codebook: Codebook,
    columns: Sequence[Column],
    headings: Sequence[str],
    title: str = "Profiles",
    depth: int | None = 1,
    corner: str = "structure",
) -> views.Grid:
    """The terminal's profile table: short code names, the columns marked for the terminal."""
    from pcrcode.reports.declaration import ATTRIBUTE, DOMINANT, HIGHEST
    from pcrcode.reports.synthesis import column_value

    shown = [(c, h) for c, h in zip(columns, headings, strict=True) if c.terminal]
    levels = {HIGHEST: 1, DOMINANT: depth}
    names = {
        c.id: _family_names(codebook, c.target, levels.get(c.kind))
        for c, _ in shown
        if c.kind != ATTRIBUTE
    }
    rows = []
    for p in found:
        row = [p.structure.id]
        for c, _ in shown:
            value = column_value(p, c)
            if c.kind == ATTRIBUTE:
                row.append("" if value is None else str(value))
            elif isinstance(value, list):
                row.append("+".join(names[c.id].get(str(v), str(v)) for v in value))
            else:
                row.append(names[c.id].get(str(value), "") if value else "")
        rows.append(row)
    return views.Grid(title, [corner, *(h for _, h in shown)], rows, ["left"] * (len(shown) + 1))


def show_profiles(
    fmt: str,
    corpus: Corpus,
    found: Sequence[Profile],
    detailed: bool,
    synthesis: Synthesis,
    depth: int | None = 1,
) -> None:
    from pcrcode.i18n import messages
    from pcrcode.reports.synthesis import column_heading

    tr = messages(corpus.codebook.language)
    columns = list(synthesis.localized(tr.language).profile)
    headings = [column_heading(corpus.codebook, tr, c) for c in columns]
    if fmt == "json":
        sys.stdout.write(json_document([p.record() for p in found]))
    elif fmt == "csv":
        codes = [c.id for c in corpus.codebook.codes.values() if c.codable]
        keys = found[0].row_keys() if found else ["structure"]
        write_csv([p.row(codes) for p in found], [*keys, *codes])
    elif detailed:
        from pcrcode.cli.output import reading_views

        reading_views.show(fmt, corpus, found, headings)
    elif fmt == "markdown":
        from pcrcode.reports.synthesis import profile_rows

        rows = profile_rows(corpus.codebook, tr, found, columns)
        justify = ["left"] * (len(columns) + 1)
        grid = views.Grid(tr("Profiles"), [tr("case"), *headings], rows, justify)
        _emit(fmt, [], (), [grid])
    else:
        grid = profile_grid(
            found, corpus.codebook, columns, headings, tr("Profiles"), depth, tr("case")
        )
        _emit(fmt, [], (), [grid])


# Retrieve ---------------------------------------------------------------------------------

HIT_KEYS = (
    "interview",
    "segment",
    "structure",
    "speaker",
    "coders",
    "codes",
    "matched",
    "memos",
    "quote",
    "before",
    "after",
)


def show_hits(fmt: str, hits: Iterable[Hit]) -> int:
    """Write the hits as they come (none is kept); returns how many there were."""
    if fmt == "markdown":
        from pcrcode.cli.output import reading_views

        hits = list(hits)
        sys.stdout.write(reading_views.hits_markdown(hits))
        return len(hits)
    if fmt == "table":
        return _print_hits(hits)
    if fmt == "json":
        from pcrcode.cli.output.json_stream import write_json_array

        return write_json_array(h.record() for h in hits)
    from pcrcode.cli.output.csv_writer import write_csv

    return write_csv((_hit_row(h) for h in hits), HIT_KEYS)


def _hit_row(hit: Hit) -> dict[str, Any]:
    """A hit's record for CSV: each context turn on a line of its own."""
    row = hit.record()
    for key in ("before", "after"):
        row[key] = "\n".join(f"{t['segment']} {t['speaker']}: {t['text']}" for t in row[key])
    return row


def _print_hits(hits: Iterable[Hit]) -> int:
    """The hits on the terminal: a bold heading, then the context (dim), the quote, the codes
    (green) and the memos (italic), indented. The bytes of one ``console.print`` per paragraph
    (what Rich printed for them), laid out by ``TextWriter``: many times faster than Rich on a
    large project (bench/NOTES.md)."""
    from pcrcode.cli.output.wrapped_text import TextWriter

    out = TextWriter(_console())
    count = 0
    for h in hits:
        if count:
            out.blank()
        count += 1
        out.text(
            visible(f"{h.interview} {h.segment} · {h.speaker} · {', '.join(h.coders)}"), "bold"
        )
        for t in h.before:
            out.indented(visible(f"{t.segment} {t.speaker}: {t.text}"), "dim")
        out.indented(visible(f"« {h.quote} »"))
        for t in h.after:
            out.indented(visible(f"{t.segment} {t.speaker}: {t.text}"), "dim")
        out.indented(visible(f"codes: {', '.join(h.codes)}"), "green")
        for memo in h.memos:
            out.indented(visible(f"memo: {memo}"), "italic")
    out.flush()
    return count


# The synthesis report ---------------------------------------------------------------------


def _section_grid(section: Section, codebook: Codebook | None, terminal: bool) -> views.Grid:
    from pcrcode.reports import document as doc

    data = section.data
    caption = [section.note] if section.note else []
    if section.kind == doc.CENSUS:
        grid = views.census_grid(data["table"], section.heading, terminal, data["caption"])
        grid.caption += caption
        return grid
    if section.kind == doc.CROSSTAB:
        return views.crosstab_grid(data["table"], section.heading, caption, terminal)
    if section.kind == doc.PROFILES and terminal and codebook is not None:
        return profile_grid(
            data["profiles"],
            codebook,
            data["columns"],
            data["headings"],
            section.heading,
            data["depth"],
            data["headers"][0],
        )
    numeric = set(data.get("numeric", ()))
    headers = list(data["headers"])
    return views.Grid(
        section.heading,
        headers,
        [list(r) for r in data["rows"]],
        ["right" if i in numeric else "left" for i in range(len(headers))],
        caption=caption,
    )


def report_grids(
    result: Document, terminal: bool, codebook: Codebook | None = None
) -> list[views.Grid]:
    from pcrcode.i18n import messages

    empty = messages(result.language)("(none)")
    grids = [_section_grid(s, codebook, terminal) for s in result.sections]
    for grid in grids:
        grid.empty = empty
    return grids


def report_text(fmt: str, result: Document) -> str:
    if fmt == "json":
        return json_document(result.as_dict())
    if fmt == "csv":
        from pcrcode.reports.synthesis import tidy

        return csv_text(tidy(result), ("section", "row", "col", "measure", "value"))
    return views.report_markdown(result, report_grids(result, terminal=False))


def show_report(fmt: str, result: Document, codebook: Codebook | None = None) -> None:
    if fmt == "csv":  # through the one CSV writer: escapes made visible on a terminal
        from pcrcode.reports.synthesis import tidy

        write_csv(tidy(result), ("section", "row", "col", "measure", "value"))
        return
    if fmt != "table":
        sys.stdout.write(report_text(fmt, result))
        return
    from pcrcode.cli.output.wrapped_text import TextWriter

    out = _console()
    writer = TextWriter(out)  # console.print(Text(...)), as Rich would write it
    # The title comes from the codebook, the coders' names from folder names: shown, not obeyed.
    writer.text(visible(result.title), "bold")
    for line in result.preamble:
        writer.text(visible(line), "dim")
    writer.flush()
    for grid in report_grids(result, terminal=True, codebook=codebook):
        out.print()
        views.print_grid(out, grid)
