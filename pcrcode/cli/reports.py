"""The reports: ``profile``, ``crosstab``, ``census``, ``retrieve``, ``cooccurrence``,
``frequencies`` and ``report`` (the synthesis in one run).

Whose codings count: the main coder of each interview (the one who coded most interviews), unless
``--coder`` (repeatable) or ``--all-coders``; the choice is said on stderr when the project has
several coders, and in the report itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pcrcode.choices import CooccurrenceUnit, Count, Percent
from pcrcode.cli.common import (
    AllCodersOpt,
    CodersOpt,
    Format,
    FormatOpt,
    ReportFormat,
    complete_family,
    complete_structure,
    load,
    load_indexed,
    note,
)

if TYPE_CHECKING:
    from pcrcode.files.diagnostics import Finding
    from pcrcode.reports.corpus import Corpus

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
FamiliesOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--family",
        "-F",
        metavar="FAMILY",
        autocompletion=complete_family,
        help="Only codes of this family (repeatable; default: all).",
    ),
]
DepthOpt = Annotated[
    int,
    typer.Option(
        "--depth",
        "-d",
        min=1,
        metavar="N",
        help="Code level of family axes: 1 rolls "
        "variants into their parent (the example project: logique/reseau = affinitaire + "
        "politique).",
    ),
]


app = typer.Typer()


def _corpus(
    ctx: typer.Context,
    coder: list[str] | None,
    all_coders: bool,
    where: list[str] | None,
    depth: int | None = 1,
    findings: list[Finding] | None = None,
) -> Corpus:
    from pcrcode.reports.axes import parse_where

    corpus = _whole_corpus(ctx, coder or (), all_coders, findings)
    return corpus.where(parse_where(corpus, where or (), depth))


def _whole_corpus(
    ctx: typer.Context,
    coder: Sequence[str] = (),
    all_coders: bool = False,
    findings: list[Finding] | None = None,
) -> Corpus:
    """The selected coders' coded segments: from the project index when it can answer, else
    from the files (the same corpus either way)."""
    from pcrcode.reports.selection import select_coders

    indexed = load_indexed(ctx, findings)
    if indexed is not None:
        from pcrcode.index.corpus import indexed_corpus

        return indexed_corpus(indexed, select_coders(indexed.project, coder, all_coders))
    from pcrcode.reports.corpus import build_corpus

    project = load(ctx, findings)
    return build_corpus(project, select_coders(project, coder, all_coders))


def _say_coders(corpus: Corpus) -> None:
    """Whose codings were counted, once the report is out (errors stay one line)."""
    if len(corpus.project.coders()) > 1 or corpus.selection.mode != "main":
        note(corpus.selection.describe())


@app.command("profile")
def profile(
    ctx: typer.Context,
    structures: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="STRUCTURE",
            help="Structure ids (default: one line per interviewed structure).",
            autocompletion=complete_structure,
        ),
    ] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Without STRUCTURE: every structure, interviewed or not.")
    ] = False,
    quotes: Annotated[
        int, typer.Option("--quotes", min=0, metavar="N", help="Key quotes per structure.")
    ] = 3,
    depth: DepthOpt = 1,
    coder: CodersOpt = None,
    all_coders: AllCodersOpt = False,
    where: WhereOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Profile structures: attributes, codes per family, the declared profile columns, key
    quotes.

    The columns come from synthesis.yaml's profile: (see the README), else: the required
    category attributes, the highest code of each ordered family, the codes of each other
    family present. A dominant column gives the code on most coded segments, variants rolled
    up at --depth (a tie gives 'mixte'). Key quotes: the segments with the highest degree in
    the first 'highest' column's family, then the most codes. Without STRUCTURE,
    non-interviewed structures are left out (--all keeps them).

    JSON (a list, one object per structure): structure, name, interviewed, attributes,
    interviews, coded_segments, codes {family: {code: segments}}, columns {column id: value;
    COLUMN_degree after a highest column, COLUMN_segments after a dominant one}, quotes
    [{interview, segment, speaker, codes, text}], memos [{kind, target, segment, code, author,
    date, text}]. CSV (one row per structure): structure, name, interviewed, interviews,
    coded_segments, each column (lists joined by ';'), then one column per code (its
    segments).

    With the example project's ids:

    Example: pcrcode profile terre-et-paille jardins-du-drac
    """
    from pcrcode.cli.output import report_formats
    from pcrcode.reports.declaration import project_synthesis
    from pcrcode.reports.profile import profiles

    findings: list[Finding] = []
    corpus = _corpus(ctx, coder, all_coders, where, depth, findings)
    synthesis = project_synthesis(corpus.project, findings)
    # Key quotes are printed in JSON and by a detailed view only: not looked for otherwise.
    shown = quotes if fmt == Format.json or structures else 0
    found = profiles(corpus, structures or (), every, depth, shown, synthesis)
    report_formats.show_profiles(fmt.value, corpus, found, bool(structures), synthesis, depth)
    left = len(corpus.structures) - len(found)
    if not structures and left:
        note(f"{left} structures not interviewed are left out (--all lists them)")
    _say_coders(corpus)


@app.command("crosstab")
def crosstab(
    ctx: typer.Context,
    rows: Annotated[
        str,
        typer.Argument(
            metavar="ROWS",
            help="A case attribute, a code family, or FAMILY:max / FAMILY:dominant "
            "(see `pcrcode codebook show`).",
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
    cross within a segment. Margins count distinct units, so a structure with two codes of a family
    counts once in its row total and cells may add up to more than it.

    JSON (a list) and CSV: one record per cell, margins included (row or col 'total'): row,
    row_label, col, col_label, count, percent (null without --percent).

    With the example project's ids:

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
        count,
        percent,
    )
    report_formats.show_crosstab(fmt.value, table, margins)
    _say_coders(corpus)


@app.command("census")
def census(
    ctx: typer.Context,
    rows: Annotated[
        str | None, typer.Option("--rows", metavar="ATTR", help="The attribute of the rows.")
    ] = None,
    cols: Annotated[
        str | None, typer.Option("--cols", metavar="ATTR", help="The attribute of the columns.")
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The census: cases by two attributes, interviewed in parentheses.

    Counted from the registry. The attributes: --rows and --cols, else the census section of
    synthesis.yaml, else structures.yaml's census: block, else the codebook's first two
    category attributes. When the table has the census: block's axes, a difference with its
    declared totals is noted on stderr (`pcrcode check` lists it).

    JSON (a list) and CSV: one record per cell, margins included: row, row_label, col,
    col_label, total, interviewed.

    Example: pcrcode census --rows role --cols size --format json
    """
    from pcrcode.cli.output import report_formats
    from pcrcode.reports.census import census as compute
    from pcrcode.reports.declaration import project_synthesis

    corpus = _whole_corpus(ctx)
    project = corpus.project
    if rows is None or cols is None:
        declared = next(
            (s for s in project_synthesis(project).sections if s.kind == "census"), None
        )
        if declared is not None:
            rows = rows or declared.rows or None
            cols = cols or (declared.columns[0] if declared.columns else None)
    table = compute(corpus, rows, cols)
    if table.mismatches:
        note(
            f"warning: the registry differs from the declared census in "
            f"{', '.join(table.mismatches)} (see `pcrcode check`)"
        )
    report_formats.show_census(fmt.value, table, project.codebook.language)


@app.command("retrieve")
def retrieve(
    ctx: typer.Context,
    query: Annotated[
        str, typer.Argument(metavar="QUERY", help="Codes with AND, OR, NOT and parentheses.")
    ],
    context: Annotated[
        int,
        typer.Option("--context", "-C", min=0, metavar="N", help="Turns shown before and after."),
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

    With the example project's ids:

    Example: pcrcode retrieve 'objet/achat-vente AND logique/professionnelle' --context 1
    """
    from pcrcode.cli.output import report_formats
    from pcrcode.reports.retrieve import iter_hits

    corpus = _corpus(ctx, coder, all_coders, where)
    count = report_formats.show_hits(fmt.value, iter_hits(corpus, query, context))
    note(f"{count} segment{'s' if count > 1 else ''} match")
    _say_coders(corpus)


@app.command("cooccurrence")
def cooccurrence(
    ctx: typer.Context,
    family: FamiliesOpt = None,
    unit: Annotated[
        CooccurrenceUnit, typer.Option("--unit", help="What a cell counts.")
    ] = CooccurrenceUnit.segment,
    depth: Annotated[
        int | None,
        typer.Option(
            "--depth",
            "-d",
            min=1,
            metavar="N",
            help="Roll codes up to this level (default: every code).",
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

    With the example project's ids:

    Example: pcrcode cooccurrence --family objet --family logique --unit structure
    """
    from pcrcode.cli.output import report_formats
    from pcrcode.reports.cooccurrence import cooccurrence as compute

    corpus = _corpus(ctx, coder, all_coders, where, depth)
    table = compute(corpus, family or (), unit, depth)
    report_formats.show_cooccurrence(fmt.value, table, corpus.codebook.language)
    _say_coders(corpus)


@app.command("frequencies")
def frequencies(
    ctx: typer.Context,
    family: FamiliesOpt = None,
    coder: CodersOpt = None,
    all_coders: AllCodersOpt = False,
    where: WhereOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """How often each code is used: codings, segments, interviews, structures (with a bar).

    A parent code counts the codes below it (a segment carrying two of them counts once).

    JSON (a list) and CSV, one record per code in codebook order: code, label, family, depth,
    codable, codings, segments, interviews, structures.

    With the example project's ids:

    Example: pcrcode frequencies --family objet
    """
    from pcrcode.cli.output import report_formats
    from pcrcode.reports.frequencies import frequencies as compute

    corpus = _corpus(ctx, coder, all_coders, where)
    rows = compute(corpus, family or ())
    report_formats.show_frequencies(fmt.value, rows, corpus.codebook.language)
    _say_coders(corpus)


@app.command("report")
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
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            metavar="LANG",
            help="Language of the report's fixed words (fr, en); default: the codebook's language.",
        ),
    ] = None,
    depth: DepthOpt = 1,
    coder: CodersOpt = None,
    all_coders: AllCodersOpt = False,
    where: WhereOpt = None,
    fmt: Annotated[
        ReportFormat,
        typer.Option(
            "--format",
            "-f",
            help="Output: table, csv, json, markdown, html (one self-contained page) "
            "or pdf (printed by a headless Chromium; needs -o).",
        ),
    ] = ReportFormat.table,
) -> None:
    """The synthesis in one run: the sections synthesis.yaml declares, in the study's language.

    Without synthesis.yaml: cases by each category attribute, code frequencies per family,
    the profiles, each category attribute by each family. The headings and notes are the
    declaration's; pcrcode's own words come from its catalogue in the codebook's language
    (--lang to change). Tables count cases (see `pcrcode crosstab --help`). A problem in the
    declaration or in the cases' attributes stops it (exit 1; `pcrcode check` lists them).

    JSON: one object: title, language, coders, summary, sections [{id, kind, heading, note}],
    then each section's records under its id (census and crosstab: one per cell; profiles
    and cases: one per case; never_coded: {code, label, degree}; README, "The synthesis
    report"). CSV: every number as section, row, col, measure, value. HTML: one file that
    opens offline anywhere, with charts, the quote matrix and the declared vignettes; PDF: that
    page printed on A4 by Chromium (README, "The HTML report").

    Example: pcrcode report --format html -o synthese.html
    """
    from pcrcode.cli.output import report_formats
    from pcrcode.errors import UsageError
    from pcrcode.i18n import messages
    from pcrcode.reports.declaration import project_synthesis
    from pcrcode.reports.synthesis import build_report

    if output is not None and fmt is ReportFormat.table:
        raise UsageError("-o writes a document: add --format markdown (or json, csv, html, pdf)")
    if output is None and fmt is ReportFormat.pdf:
        raise UsageError("--format pdf writes a file: add -o FILE.pdf")
    findings: list[Finding] = []
    corpus = _corpus(ctx, coder, all_coders, where, depth, findings)  # the report says whose
    synthesis = project_synthesis(corpus.project, findings)
    tr = messages(lang or corpus.codebook.language)
    result = build_report(corpus, synthesis, tr, depth)
    if fmt in (ReportFormat.html, ReportFormat.pdf):
        from pcrcode.cli.output.html_page import write_page

        write_page(fmt.value, output, result, corpus, synthesis, tr, depth)
        return
    if output is None:
        report_formats.show_report(fmt.value, result, corpus.codebook)
        return
    from pcrcode.files.atomic import write_text

    write_text(output, report_formats.report_text(fmt.value, result))
    note(f"wrote {output}")
