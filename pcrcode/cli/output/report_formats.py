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
    from pcrcode.reports.profile import Profile
    from pcrcode.reports.retrieve import Hit
    from pcrcode.reports.synthesis import Report


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


def show_census(fmt: str, table: CensusTable) -> None:
    grid = views.census_grid(table, "Census", terminal=fmt == "table")
    _emit(fmt, table.records(), CENSUS_KEYS, [grid])


def show_cooccurrence(fmt: str, table: Crosstab) -> None:
    from pcrcode.reports.cooccurrence import records

    ids = table.row_ids(margins=False)
    grid = views.crosstab_grid(
        table, f"Co-occurrence ({table.count})", terminal=fmt == "table", margins=False
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


def show_frequencies(fmt: str, rows: list[dict[str, Any]]) -> None:
    top = max((r["segments"] for r in rows), default=0) or 1
    size = 16
    shown = [
        {**r, "code": "  " * (r["depth"] - 1) + r["code"], "bar": _bar(r["segments"] / top, size)}
        for r in rows
    ]
    grid = views.list_grid(
        "Code frequencies",
        shown,
        ["code", "codings", "segments", "interviews", "structures", "bar"],
        ["code", "n", "seg", "int", "str", "segments"] if fmt == "table" else None,
        numeric=["codings", "segments", "interviews", "structures"],
        caption=["n codings · seg segments · int interviews · str structures"]
        if fmt == "table"
        else [],
    )
    _emit(fmt, rows, FREQUENCY_KEYS, [grid])


def _bar(share: float, size: int) -> str:
    eighths = round(share * size * 8)
    return "█" * (eighths // 8) + ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")[eighths % 8]


# Profiles ---------------------------------------------------------------------------------

PROFILE_KEYS = (
    "structure",
    "name",
    "statut",
    "domaine",
    "categorie",
    "interviewed",
    "interviews",
    "coded_segments",
    "highest_forme",
    "highest_degree",
    "dominant_logic",
    "pooled",
    "not_pooled",
    "portee",
)


def _family_names(codebook: Codebook, family: str, depth: int | None) -> dict[str, str]:
    from pcrcode.reports.axes import MIXED, code_axis

    if family not in codebook.families:
        return {}
    axis = code_axis(codebook, [family], depth)
    return views.short_names([*(c.id for c in axis.categories), MIXED])


def profile_grid(
    found: Sequence[Profile],
    codebook: Codebook,
    terminal: bool,
    title: str = "Profiles",
    depth: int | None = 1,
) -> views.Grid:
    from pcrcode.reports.profile import FORME, LOGIQUE, PORTEE

    rows = [p.row() for p in found]
    formes = _family_names(codebook, FORME, 1)
    logics = _family_names(codebook, LOGIQUE, depth)
    portees = _family_names(codebook, PORTEE, None)

    def label(code: str | None) -> str:
        from pcrcode.reports.axes import MIXED, MIXED_LABEL

        if code is None:
            return ""
        return MIXED_LABEL if code == MIXED else codebook.codes[code].label

    shown = []
    for r in rows:
        if terminal:
            forme = formes.get(r["highest_forme"], "")
            logic = logics.get(r["dominant_logic"], "")
            portee = "+".join(portees.get(c, c) for c in r["portee"])
        else:  # a document for people: the codebook's labels
            forme, logic = label(r["highest_forme"]), label(r["dominant_logic"])
            portee = ", ".join(label(c) for c in r["portee"])
        shown.append(
            {
                "structure": r["structure"],
                "statut": r["statut"],
                "forme": forme,
                "logique": logic,
                "portee": portee,
                "pooled": ", ".join(label(c) for c in r["pooled"]),
            }
        )
    keys = ["structure", "statut", "forme", "logique", "portee"]
    headers = ["structure", "statut", "forme max", "logique", "portée"]
    if not terminal:  # a document has room for what the 80-column terminal leaves out
        keys.append("pooled")
        headers.append("objets pooled")
    return views.list_grid(title, shown, keys, headers)


def show_profiles(
    fmt: str, corpus: Corpus, found: Sequence[Profile], detailed: bool, depth: int | None = 1
) -> None:
    if fmt == "json":
        sys.stdout.write(json_document([p.record() for p in found]))
    elif fmt == "csv":
        codes = [c.id for c in corpus.codebook.codes.values() if c.codable]
        write_csv([p.row(codes) for p in found], [*PROFILE_KEYS, *codes])
    elif detailed:
        from pcrcode.cli.output import reading_views

        reading_views.show(fmt, corpus, found)
    else:
        _emit(fmt, [], (), [profile_grid(found, corpus.codebook, fmt == "table", depth=depth)])


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
    (what Rich printed for them), laid out by ``TextWriter``: 2,130 hits in 0.06 s instead
    of 1.1 s."""
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


def report_grids(result: Report, terminal: bool) -> list[views.Grid]:
    census = views.census_grid(
        result.census, "Census: structures by domaine and statut category", terminal
    )
    grids = [
        census,
        profile_grid(
            result.profiles,
            result.corpus.codebook,
            terminal,
            "Profiles of the interviewed structures",
            result.depth,
        ),
    ]
    for c in result.crossings:
        grids.append(views.crosstab_grid(c.table, c.title, [c.note], terminal))
    never = [{"code": n["code"], "label": n["label"]} for n in result.never_pooled]
    grids.append(views.list_grid("Objets never pooled", never, ["code", "label"]))
    grids.append(
        views.list_grid(
            "Shared premises without further pooling",
            list(result.shared_premises),
            ["structure", "statut", "highest_forme"],
            ["structure", "statut", "forme max"],
            caption=["objet/immobilier coded, highest forme at most partenariat"],
        )
    )
    return grids


def report_text(fmt: str, result: Report) -> str:
    if fmt == "json":
        return json_document(result.as_dict())
    if fmt == "csv":
        return csv_text(result.tidy(), ("section", "row", "col", "measure", "value"))
    return views.report_markdown(result, report_grids(result, terminal=False))


def show_report(fmt: str, result: Report) -> None:
    if fmt == "csv":
        write_csv(result.tidy(), ("section", "row", "col", "measure", "value"))
        return
    if fmt != "table":
        sys.stdout.write(report_text(fmt, result))
        return
    from pcrcode.cli.output.wrapped_text import TextWriter

    out = _console()
    writer = TextWriter(out)  # console.print(Text(...)), as Rich would write it
    from pcrcode.cli.output.rows import visible

    # The title comes from the codebook, the coders' names from folder names: shown, not obeyed.
    writer.text(visible(views.report_heading(result)), "bold")
    for line in views.report_preamble(result):
        writer.text(visible(line), "dim")
    writer.flush()
    for grid in report_grids(result, terminal=True):
        out.print()
        views.print_grid(out, grid)
