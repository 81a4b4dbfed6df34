"""The synthesis report in one run: the sections the project declares (``synthesis.yaml``, or
the default declaration), computed from the codings and laid out as a
:class:`~pcrcode.reports.document.Document` in the study's language."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pcrcode.i18n import Messages
from pcrcode.model import Codebook
from pcrcode.reports import document as doc
from pcrcode.reports.axes import MIXED, Axis, Category, highest, resolve_axis
from pcrcode.reports.census import census
from pcrcode.reports.corpus import Corpus
from pcrcode.reports.crosstab import TOTAL, crosstab
from pcrcode.reports.declaration import ATTRIBUTE, HIGHEST, Column, SectionSpec, Synthesis
from pcrcode.reports.document import Document, Section
from pcrcode.reports.profile import Profile, profiles


@dataclass(frozen=True)
class _Context:
    corpus: Corpus
    synthesis: Synthesis
    tr: Messages
    depth: int | None
    every: Sequence[Profile]  # every case's profile, without quotes

    def label(self, code: str | None) -> str:
        return code_label(self.corpus.codebook, self.tr, code)

    def heading(self, col: Column) -> str:
        return column_heading(self.corpus.codebook, self.tr, col)

    def column(self, column_id: str) -> Column:
        found = self.synthesis.column(column_id)
        return found if found is not None else Column(column_id, ATTRIBUTE, column_id)


def code_label(codebook: Codebook, tr: Messages, code: str | None) -> str:
    """A code's label for people (``mixte`` and empty values too)."""
    if code is None:
        return ""
    if code == MIXED:
        return tr("Mixed (tie)")
    found = codebook.codes.get(code)
    return found.label if found is not None else code


def column_heading(codebook: Codebook, tr: Messages, col: Column) -> str:
    """A profile column's heading: the declared one, else its attribute's or family's label."""
    if col.heading:
        return col.heading
    if col.kind == ATTRIBUTE:
        attr = codebook.attributes.get(col.target)
        return attr.label if attr is not None else col.target
    label = codebook.families[col.target].label
    return tr("{family} (max)", family=label) if col.kind == HIGHEST else label


def _column_values(p: Profile, columns: Sequence[Column]) -> dict[str, Any]:
    """A case's value in each column, for the records of a section: a highest-degree column
    gives its degree too (``<id>_degree``)."""
    values: dict[str, Any] = {}
    for col in columns:
        values[col.id] = column_value(p, col)
        if col.kind == HIGHEST:
            values[f"{col.id}_degree"] = p.degree(col.id)
    return values


def profile_cell(codebook: Codebook, tr: Messages, p: Profile, col: Column) -> str:
    """A profile cell for people: attribute values as they are, codes by their labels."""
    value = column_value(p, col)
    if col.kind == ATTRIBUTE:
        return "" if value is None else str(value)
    if isinstance(value, list):
        return ", ".join(code_label(codebook, tr, c) for c in value)
    return code_label(codebook, tr, value)


def profile_rows(
    codebook: Codebook, tr: Messages, found: Sequence[Profile], columns: Sequence[Column]
) -> list[list[str]]:
    return [[p.structure.id, *(profile_cell(codebook, tr, p, c) for c in columns)] for p in found]


def summary(corpus: Corpus) -> dict[str, Any]:
    return {
        "structures": len(corpus.structures),
        "interviewed": sum(1 for s in corpus.structures if s.interviewed),
        "interviews": len(corpus.interviews),
        "coded_segments": sum(len(entries) for _, entries in corpus.tallies.values()),
        "codings": sum(len(ids) for _, entries in corpus.tallies.values() for ids, _ in entries),
        "where": [f.describe() for f in corpus.filters],
    }


def preamble(corpus: Corpus, tr: Messages) -> list[str]:
    s = summary(corpus)
    lines = [
        tr(
            "{cases} cases, {interviewed} interviewed; {interviews} interviews, "
            "{segments} coded segments.",
            cases=s["structures"],
            interviewed=s["interviewed"],
            interviews=s["interviews"],
            segments=s["coded_segments"],
        ),
        corpus.selection.describe(tr) + ".",
    ]
    if s["where"]:
        lines.append(tr("Only cases with {filters}.", filters=tr(" and ").join(s["where"])))
    return lines


def build_report(
    corpus: Corpus, synthesis: Synthesis, tr: Messages, depth: int | None = 1
) -> Document:
    """The report the synthesis declares, on this corpus, in ``tr``'s language."""
    synthesis = synthesis.localized(tr.language)
    every = profiles(corpus, every=True, depth=depth, quotes=0, synthesis=synthesis)
    ctx = _Context(corpus, synthesis, tr, depth, every)
    sections = [_BUILDERS[spec.kind](ctx, spec) for spec in synthesis.sections]
    title = synthesis.title or tr("Synthesis report · {title}", title=corpus.codebook.title)
    return Document(
        title,
        tr.language,
        preamble(corpus, tr),
        sections,
        summary(corpus),
        corpus.selection.as_dict(),
    )


def _translated(ctx: _Context, axis: Axis) -> Axis:
    """The axis with pcrcode's own words (a tie, a summary's label) in the study's language."""
    tr = ctx.tr
    categories = tuple(
        Category(c.id, tr("Mixed (tie)")) if c.id == MIXED else c for c in axis.categories
    )
    label = axis.label
    family, _, how = axis.id.partition(":")
    if how in ("max", "dominant"):
        words = {"max": "{family} (max)", "dominant": "{family} (dominant)"}
        label = tr(words[how], family=ctx.corpus.codebook.families[family].label)
    return replace(axis, categories=categories, label=label)


def _census(ctx: _Context, spec: SectionSpec) -> Section:
    table = census(ctx.corpus, spec.rows or None, spec.columns[0] if spec.columns else None)
    heading = spec.heading or ctx.tr(
        "Census: cases by {rows} and {columns}",
        rows=table.all.rows.label,
        columns=table.all.cols.label,
    )
    return Section(
        spec.id,
        doc.CENSUS,
        heading,
        spec.note,
        table.records(),
        {
            "table": table,
            "mismatches": list(table.mismatches),
            "caption": [ctx.tr("(in parentheses: cases interviewed)")],
        },
    )


def _counts(ctx: _Context, spec: SectionSpec) -> Section:
    axis = resolve_axis(ctx.corpus, spec.attribute)
    total: dict[str, int] = {}
    seen: dict[str, int] = {}
    for s in ctx.corpus.structures:
        value = axis.values.get(s.id)
        if value is None:
            continue
        for key in (value, TOTAL):
            total[key] = total.get(key, 0) + 1
            seen[key] = seen.get(key, 0) + int(s.interviewed)
    cats = [*axis.categories, Category(TOTAL, ctx.tr("Total"))]
    records = [
        {
            "value": c.id,
            "label": c.label,
            "total": total.get(c.id, 0),
            "interviewed": seen.get(c.id, 0),
        }
        for c in cats
    ]
    heading = spec.heading or ctx.tr("Cases by {attribute}", attribute=axis.label)
    return Section(
        spec.id,
        doc.COUNTS,
        heading,
        spec.note,
        records,
        {
            "headers": [axis.label, ctx.tr("cases"), ctx.tr("interviewed")],
            "rows": [[r["label"], str(r["total"]), str(r["interviewed"])] for r in records],
            "numeric": [1, 2],
        },
    )


def _frequencies(ctx: _Context, spec: SectionSpec) -> Section:
    from pcrcode.reports.frequencies import frequencies

    rows = frequencies(ctx.corpus, [spec.family])
    keys = ("code", "label", "depth", "codings", "segments", "interviews", "structures")
    records = [{k: r[k] for k in keys} for r in rows]
    family = ctx.corpus.codebook.families[spec.family].label
    heading = spec.heading or ctx.tr("Code frequencies: {family}", family=family)
    words = ("code", "label", "codings", "segments", "interviews", "cases")
    return Section(
        spec.id,
        doc.FREQUENCIES,
        heading,
        spec.note,
        records,
        {
            "headers": [ctx.tr(w) for w in words],
            "rows": [[r["code"], r["label"], *(str(r[k]) for k in keys[3:])] for r in records],
            "numeric": [2, 3, 4, 5],
        },
    )


def _crosstab(ctx: _Context, spec: SectionSpec) -> Section:
    corpus, tr = ctx.corpus, ctx.tr
    rows = _translated(ctx, resolve_axis(corpus, spec.rows, ctx.depth))
    cols = _translated(ctx, resolve_axis(corpus, spec.columns[0], ctx.depth))
    table = crosstab(corpus, rows, cols)
    heading = spec.heading or tr("{columns} by {rows}", columns=cols.label, rows=rows.label)
    note = spec.note
    if not note:
        both = rows.kind == cols.kind == "structure"
        note = (
            tr("cases") if both else tr("cases; a case counts once per code found on its segments")
        )
    return Section(spec.id, doc.CROSSTAB, heading, note, table.records(), {"table": table})


def _profiles(ctx: _Context, spec: SectionSpec) -> Section:
    found = [p for p in ctx.every if p.structure.interviewed or p.interviews]
    columns = [ctx.column(c) for c in spec.columns] or list(ctx.synthesis.profile)
    records = []
    for p in found:
        record = {k: v for k, v in p.row().items() if k in _CASE_KEYS}
        records.append(record | _column_values(p, columns))
    heading = spec.heading or ctx.tr("Profiles of the interviewed cases")
    return Section(
        spec.id,
        doc.PROFILES,
        heading,
        spec.note,
        records,
        {
            "columns": columns,
            "headings": [ctx.heading(c) for c in columns],
            "headers": [ctx.tr("case"), *(ctx.heading(c) for c in columns)],
            "rows": profile_rows(ctx.corpus.codebook, ctx.tr, found, columns),
            "profiles": found,
            "depth": ctx.depth,
        },
    )


_CASE_KEYS = ("structure", "name", "interviewed", "interviews", "coded_segments")


def column_value(p: Profile, col: Column) -> Any:
    """A profile column's value, or an attribute's when a section lists one that the profile
    does not declare."""
    if col.id in p.column_kinds:
        return p.value(col.id)
    return p.attributes.get(col.id, p.structure.extra.get(col.id))


def _never_coded(ctx: _Context, spec: SectionSpec) -> Section:
    codebook = ctx.corpus.codebook
    used = {c for _, entries in ctx.corpus.tallies.values() for _, codes in entries for c in codes}
    records = [
        {"code": c.id, "label": c.label, "degree": c.degree}
        for c in codebook.family_codes(spec.family)
        if c.codable and c.id not in used
    ]
    family = codebook.families[spec.family].label
    heading = spec.heading or ctx.tr("{family}: codes never coded", family=family)
    return Section(
        spec.id,
        doc.NEVER_CODED,
        heading,
        spec.note,
        records,
        {
            "headers": [ctx.tr("code"), ctx.tr("label")],
            "rows": [[r["code"], r["label"]] for r in records],
        },
    )


def _meets(ctx: _Context, spec: SectionSpec) -> Callable[[Profile], bool]:
    codebook = ctx.corpus.codebook
    top = codebook.codes[spec.at_most] if spec.at_most else None

    def meets(p: Profile) -> bool:
        seen = {c for codes in p.code_counts.values() for c in codes}
        if not all(c in seen for c in spec.present) or any(c in seen for c in spec.absent):
            return False
        if top is None:
            return True
        found = ctx.corpus.codes_by_structure.get(p.structure.id, ())
        reached = highest(codebook, top.family, found)
        return reached is None or (reached.degree or 0) <= (top.degree or 0)

    return meets


def _cases(ctx: _Context, spec: SectionSpec) -> Section:
    meets = _meets(ctx, spec)
    columns = [ctx.column(c) for c in spec.columns]
    records = []
    for p in ctx.every:
        if not meets(p):
            continue
        record: dict[str, Any] = {"structure": p.structure.id, "name": p.structure.name}
        records.append(record | _column_values(p, columns))
    heading = spec.heading or ctx.tr("Cases")
    return Section(
        spec.id,
        doc.CASES,
        heading,
        spec.note,
        records,
        {
            "columns": columns,
            "headers": [ctx.tr("case"), *(ctx.heading(c) for c in columns)],
            # The codes' ids: a list of cases to look up, not a summary to read.
            "rows": [[r["structure"], *(_raw(r[c.id]) for c in columns)] for r in records],
        },
    )


def _raw(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _findings(ctx: _Context, spec: SectionSpec) -> Section:
    """The findings of findings.yaml, each evaluated with the coders it declares over the whole
    project (not the report's --where): a finding is about the study."""
    from pcrcode.findings.declaration import FINDINGS_FILE, declared_findings
    from pcrcode.findings.evaluate import FindingsReport, evaluate_all
    from pcrcode.findings.section import LABELS, findings_section

    project = ctx.corpus.project
    declaration = declared_findings(project)
    if declaration is None:
        report = FindingsReport(FINDINGS_FILE, (), ctx.corpus.selection.describe(ctx.tr))
    else:
        report = evaluate_all(project, declaration, FINDINGS_FILE)
    labels = {key: ctx.tr(text) for key, text in LABELS.items()}
    return findings_section(report, labels, spec.id, spec.heading, spec.note)


_BUILDERS: dict[str, Callable[[_Context, SectionSpec], Section]] = {
    doc.CENSUS: _census,
    doc.COUNTS: _counts,
    doc.FREQUENCIES: _frequencies,
    doc.CROSSTAB: _crosstab,
    doc.PROFILES: _profiles,
    doc.NEVER_CODED: _never_coded,
    doc.CASES: _cases,
    doc.FINDINGS: _findings,
}


def _tidy_finding(section: str, r: Mapping[str, Any], add: Callable[..., None]) -> None:
    """A finding's status (1 holds, 0 fails, empty when undefined) and its ratios."""
    status = {"holds": 1, "fails": 0}.get(r["status"])
    add(section, r["id"], "", "holds", status)
    for measure in ("n", "count", "share", "consistency", "coverage"):
        if measure in r["figures"]:
            add(section, r["id"], "", measure, r["figures"][measure])


def tidy(document: Document) -> list[dict[str, Any]]:
    """Every number of the report as one record: section, row, col, measure, value."""
    out: list[dict[str, Any]] = []

    def add(section: str, row: Any, col: Any, measure: str, value: Any) -> None:
        out.append({"section": section, "row": row, "col": col, "measure": measure, "value": value})

    for s in document.sections:
        for r in s.records:
            if s.kind == doc.CENSUS:
                add(s.id, r["row"], r["col"], "structures", r["total"])
                add(s.id, r["row"], r["col"], "interviewed", r["interviewed"])
            elif s.kind == doc.COUNTS:
                add(s.id, r["value"], "", "structures", r["total"])
                add(s.id, r["value"], "", "interviewed", r["interviewed"])
            elif s.kind == doc.FREQUENCIES:
                add(s.id, r["code"], "", "segments", r["segments"])
            elif s.kind == doc.CROSSTAB:
                add(s.id, r["row"], r["col"], s.data["table"].count, r["count"])
            elif s.kind == doc.NEVER_CODED:
                add(s.id, r["code"], "", "segments", 0)
            elif s.kind == doc.FINDINGS:
                _tidy_finding(s.id, r, add)
            else:  # profiles, cases: the segments and each degree reached
                if "coded_segments" in r:
                    add(s.id, r["structure"], "coded_segments", "segments", r["coded_segments"])
                for col in s.data.get("columns", ()):
                    if col.kind == HIGHEST:
                        add(s.id, r["structure"], col.id, "degree", r[f"{col.id}_degree"])
    return out
