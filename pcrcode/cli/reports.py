"""The reports: ``profile``, ``crosstab``, ``census``, ``retrieve``, ``cooccurrence``,
``frequencies`` and ``report`` (the synthesis in one run).

Whose codings count: the main coder of each interview (the one who coded most interviews), unless
``--coder`` (repeatable) or ``--all-coders``; the choice is said on stderr when the project has
several coders, and in the report itself.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from pcrcode.cli.common import Format, FormatOpt, load, note

CodersOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--coder",
        "-c",
        metavar="NAME",
        help="Count only this coder's codings (repeatable; several coders are merged "
        "per segment). Default: each interview's main coder, the one who coded the "
        "most interviews.",
    ),
]
AllCodersOpt = Annotated[
    bool, typer.Option("--all-coders", help="Merge every coder's codings per segment.")
]
WhereOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--where",
        "-w",
        metavar="ATTR=VALUE",
        help="Keep only structures with this attribute value (repeatable: different "
        "attributes must all hold, the same attribute twice means either; "
        "ATTR=V1,V2 too).",
    ),
]
DepthOpt = Annotated[
    int,
    typer.Option(
        "--depth",
        "-d",
        min=1,
        help="Code level of family axes: 1 rolls "
        "variants into their parent (logique/reseau = affinitaire + politique).",
    ),
]


class Count(StrEnum):
    structures = "structures"
    interviews = "interviews"
    segments = "segments"


class Percent(StrEnum):
    row = "row"
    col = "col"
    total = "total"


class Unit(StrEnum):
    segment = "segment"
    interview = "interview"
    structure = "structure"


def register(app: typer.Typer) -> None:
    for command in (profile, crosstab, census, retrieve, cooccurrence, frequencies, report):
        app.command(command.__name__)(command)


def _corpus(
    ctx: typer.Context,
    coder: list[str] | None,
    all_coders: bool,
    where: list[str] | None,
    depth: int | None = 1,
) -> Any:
    from pcrcode.reports.axes import parse_where
    from pcrcode.reports.corpus import build_corpus
    from pcrcode.reports.selection import select_coders

    project = load(ctx)
    selection = select_coders(project, coder or (), all_coders)
    corpus = build_corpus(project, selection)
    return corpus.where(parse_where(corpus, where or (), depth))


def _say_coders(corpus: Any) -> None:
    """Whose codings were counted, once the report is out (errors stay one line)."""
    if len(corpus.project.coders()) > 1 or corpus.selection.mode != "main":
        note(corpus.selection.describe())


def profile(
    ctx: typer.Context,
    structures: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="STRUCTURE", help="Structure ids (default: one line per interviewed structure)."
        ),
    ] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Without STRUCTURE: every structure, interviewed or not.")
    ] = False,
    quotes: Annotated[
        int, typer.Option("--quotes", "-q", min=0, help="Key quotes per structure.")
    ] = 3,
    depth: DepthOpt = 1,
    coder: CodersOpt = None,
    all_coders: AllCodersOpt = False,
    where: WhereOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Profile structures: attributes, codes per family, highest forme, dominant logique,
    objets pooled and not, portée, key quotes.

    Dominant logique: the one on most coded segments, variants rolled up at --depth 1
    (réseau = affinitaire + politique); a tie gives 'mixte'. Key quotes: the segments with the
    highest forme, then the most codes. Without STRUCTURE, non-interviewed structures are left
    out (--all keeps them).

    JSON (a list, one object per structure): structure, name, statut, domaine, categorie,
    interviewed, attributes, interviews, coded_segments, codes {family: {code: segments}},
    highest_forme, highest_degree, dominant_logic, logiques {code: segments}, pooled,
    not_pooled, portee {code: segments}, quotes [{interview, segment, speaker, codes, text}],
    memos [{kind, target, segment, code, author, date, text}].
    CSV (one row per structure): structure, name, statut, domaine, categorie, interviewed,
    interviews, coded_segments, highest_forme, highest_degree, dominant_logic, pooled,
    not_pooled, portee (lists joined by ';'), then one column per code (its segments).

    Example: pcrcode profile terre-et-paille jardins-du-drac
    """
    from pcrcode.cli.output import report_formats
    from pcrcode.reports.profile import profiles

    corpus = _corpus(ctx, coder, all_coders, where, depth)
    found = profiles(corpus, structures or (), every, depth, quotes)
    report_formats.show_profiles(fmt.value, corpus, found, bool(structures), depth)
    left = len(corpus.structures) - len(found)
    if not structures and left:
        note(f"{left} structures not interviewed are left out (--all lists them)")
    _say_coders(corpus)


def crosstab(
    ctx: typer.Context,
    rows: Annotated[
        str,
        typer.Argument(
            metavar="ROWS",
            help="An attribute (statut, domaine, categorie, ...), a code family "
            "(logique, objet, forme, portee) or FAMILY:max / FAMILY:dominant.",
        ),
    ],
    cols: Annotated[str, typer.Argument(metavar="COLS", help="Same choices as ROWS.")],
    count: Annotated[Count, typer.Option("--count", help="What a cell counts.")] = (
        Count.structures
    ),
    percent: Annotated[
        Percent | None, typer.Option("--percent", help="Add the share of the row, column or total.")
    ] = None,
    margins: Annotated[bool, typer.Option(help="Row and column totals.")] = True,
    depth: DepthOpt = 1,
    coder: CodersOpt = None,
    all_coders: AllCodersOpt = False,
    where: WhereOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Cross-tabulate two attributes or code families, as a heatmap.

    A structure (--count structures, the default) counts once in a cell however many segments
    put it there; interviews likewise; segments counts coded segments. Codes of two families
    cross within a segment. Margins count distinct units, so a structure with two logiques
    counts once in its row total and cells may add up to more than it.

    JSON (a list) and CSV: one record per cell, margins included (row or col 'total'): row,
    row_label, col, col_label, count, percent (null without --percent).

    Example: pcrcode crosstab statut logique --percent row
    """
    from pcrcode.cli.output import report_formats
    from pcrcode.reports.axes import resolve_axis
    from pcrcode.reports.crosstab import crosstab as compute

    corpus = _corpus(ctx, coder, all_coders, where, depth)
    table = compute(
        corpus,
        resolve_axis(corpus, rows, depth),
        resolve_axis(corpus, cols, depth),
        count.value,
        percent.value if percent else None,
    )
    report_formats.show_crosstab(fmt.value, table, margins)
    _say_coders(corpus)


def census(ctx: typer.Context, fmt: FormatOpt = Format.table) -> None:
    """The census: structures by domaine and statut category, interviewed in parentheses.

    Counted from the registry, laid out like the synthesis' table (the rows and columns of the
    registry's census: block when present). A difference with the declared census is noted on
    stderr (`pcrcode check` lists it).

    JSON (a list) and CSV: one record per cell, margins included: row, row_label, col,
    col_label, total, interviewed.

    Example: pcrcode census --format json
    """
    from pcrcode.cli.output import report_formats
    from pcrcode.reports.census import census as compute
    from pcrcode.reports.corpus import build_corpus
    from pcrcode.reports.selection import select_coders

    project = load(ctx)
    table = compute(build_corpus(project, select_coders(project)))
    if table.mismatches:
        note(
            f"warning: the registry differs from the declared census in "
            f"{', '.join(table.mismatches)} (see `pcrcode check`)"
        )
    report_formats.show_census(fmt.value, table)


def retrieve(
    ctx: typer.Context,
    query: Annotated[
        str, typer.Argument(metavar="QUERY", help="Codes with AND, OR, NOT and parentheses.")
    ],
    context: Annotated[
        int, typer.Option("--context", "-C", min=0, help="Turns shown before and after.")
    ] = 0,
    coder: CodersOpt = None,
    all_coders: AllCodersOpt = False,
    where: WhereOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Retrieve the coded segments whose codes satisfy a query, with their quotes.

    A code matches itself and the codes below it; FAMILY or FAMILY/* any code of the family.
    A segment matches when the codes applied to it (by the selected coders, merged) satisfy
    the query; NOT only ranges over coded segments. The quote is the coded span for span
    codings, else the whole turn. No match: exit 1; a malformed query: exit 2.

    JSON (a list) and CSV, one record per segment: interview, segment, structure, speaker,
    coders, codes, matched (the codes carrying the match), memos, quote, before, after (the
    --context turns: {segment, speaker, text}; in CSV one 'N speaker: text' line each).

    Example: pcrcode retrieve 'objet/achat-vente AND logique/professionnelle' --context 1
    """
    from pcrcode.cli.output import report_formats
    from pcrcode.reports.retrieve import iter_hits

    corpus = _corpus(ctx, coder, all_coders, where)
    count = report_formats.show_hits(fmt.value, iter_hits(corpus, query, context))
    note(f"{count} segment{'s' if count > 1 else ''} match")
    _say_coders(corpus)


def cooccurrence(
    ctx: typer.Context,
    family: Annotated[
        list[str] | None,
        typer.Option(
            "--family",
            "-F",
            metavar="FAMILY",
            help="Only codes of this family (repeatable; default: all).",
        ),
    ] = None,
    unit: Annotated[Unit, typer.Option("--unit", help="What a cell counts.")] = Unit.segment,
    depth: Annotated[
        int | None,
        typer.Option(
            "--depth", "-d", min=1, help="Roll codes up to this level (default: every code)."
        ),
    ] = None,
    coder: CodersOpt = None,
    all_coders: AllCodersOpt = False,
    where: WhereOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The code x code co-occurrence matrix: units carrying both codes (a heatmap).

    Codes co-occur on one segment; with --unit interview or structure, a unit counts once when
    one of its segments carries both. The diagonal is the number of units with the code.

    JSON (a list) and CSV: one record per cell, zeros included: row, row_label, col,
    col_label, count.

    Example: pcrcode cooccurrence --family objet --family logique --unit structure
    """
    from pcrcode.cli.output import report_formats
    from pcrcode.reports.cooccurrence import cooccurrence as compute

    corpus = _corpus(ctx, coder, all_coders, where, depth)
    report_formats.show_cooccurrence(fmt.value, compute(corpus, family or (), unit.value, depth))
    _say_coders(corpus)


def frequencies(
    ctx: typer.Context,
    family: Annotated[
        list[str] | None,
        typer.Option(
            "--family",
            "-F",
            metavar="FAMILY",
            help="Only codes of this family (repeatable; default: all).",
        ),
    ] = None,
    coder: CodersOpt = None,
    all_coders: AllCodersOpt = False,
    where: WhereOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """How often each code is used: codings, segments, interviews, structures (with a bar).

    A parent code counts the codes below it (a segment carrying two of them counts once).

    JSON (a list) and CSV, one record per code in codebook order: code, label, family, depth,
    codable, codings, segments, interviews, structures.

    Example: pcrcode frequencies --family objet
    """
    from pcrcode.cli.output import report_formats
    from pcrcode.reports.frequencies import frequencies as compute

    corpus = _corpus(ctx, coder, all_coders, where)
    report_formats.show_frequencies(fmt.value, compute(corpus, family or ()))
    _say_coders(corpus)


def report(
    ctx: typer.Context,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write the report to FILE (markdown, json or "
            "csv), atomically, instead of printing it.",
        ),
    ] = None,
    depth: DepthOpt = 1,
    coder: CodersOpt = None,
    all_coders: AllCodersOpt = False,
    where: WhereOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The synthesis in one run: census, profiles, logique by statut, portée by logique,
    objets by domaine, highest forme by dominant logique, objets never pooled, shared premises
    without further pooling.

    Shared premises: structures with objet/immobilier whose highest forme is at most
    partenariat. Tables count structures (see `pcrcode crosstab --help`).

    JSON: one object with a key per section: coders, summary, census, profiles,
    statut_x_logique, logique_x_portee, domaine_x_objet, forme_x_logique (records as in
    census, profile --format csv and crosstab), never_pooled [{code, label, degree}],
    shared_premises [{structure, name, statut, highest_forme, highest_degree, pooled}].
    CSV: every number as section, row, col, measure, value.

    Example: pcrcode report --format markdown -o synthese.md
    """
    from pcrcode.cli.output import report_formats
    from pcrcode.errors import UsageError
    from pcrcode.reports.synthesis import report as compute

    if output is not None and fmt is Format.table:
        raise UsageError("-o writes a document: add --format markdown (or json, csv)")
    corpus = _corpus(ctx, coder, all_coders, where, depth)  # the report says whose codings
    result = compute(corpus, depth)
    if output is None:
        report_formats.show_report(fmt.value, result)
        return
    from pcrcode.files.atomic import write_text

    write_text(output, report_formats.report_text(fmt.value, result))
    note(f"wrote {output}")
