"""The synthesis report as one self-contained HTML page.

Walks the report's :class:`~pcrcode.reports.document.Document` section by section, by kind
(census, counts, frequencies, crosstab, profiles, never_coded, cases, findings; a kind it does
not know shows its table when it has one), and adds what only a page can show: bar charts of
every family's codes, the framework matrix with its quotes, the vignettes of the cases the
declaration names, and the provenance. Styles, script and charts are inline: the file opens
anywhere, offline. Jinja2 is imported here, when a page is built, never at the CLI's start.
Every string from the project (transcripts, labels, names) goes through the template engine's
autoescape or :func:`markupsafe.escape`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pcrcode import __version__
from pcrcode.html_report import svg
from pcrcode.html_report.matrix import framework_matrix, interview_codeline
from pcrcode.i18n import Messages
from pcrcode.reports import document as doc
from pcrcode.reports.corpus import Corpus
from pcrcode.reports.crosstab import TOTAL
from pcrcode.reports.declaration import Synthesis
from pcrcode.reports.document import Document, Section

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
FINDINGS = "findings"  # the findings section's kind (pcrcode.findings.section)
NETWORK = "network"  # a graph section (issue 17): data["nodes"], data["edges"]


@dataclass(frozen=True)
class Table:
    caption: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]
    numeric: Sequence[int] = ()


def _plain_table(section: Section) -> Table | None:
    data = section.data
    if "headers" not in data or "rows" not in data:
        return None
    return Table(section.heading, data["headers"], data["rows"], data.get("numeric", ()))


def _grid(
    records: Sequence[Mapping[str, Any]],
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The row and column (id, label) pairs of a cell-per-record section, in record order."""
    rows = dict.fromkeys((r["row"], r["row_label"]) for r in records)
    cols = dict.fromkeys((r["col"], r["col_label"]) for r in records)
    return list(rows), list(cols)


def _census(section: Section, tr: Messages) -> dict[str, Any]:
    records = section.records
    rows, cols = _grid(records)
    cells = {(r["row"], r["col"]): f"{r['total']} ({r['interviewed']})" for r in records}
    table = Table(
        section.heading,
        ["", *(label for _, label in cols)],
        [[label, *(cells.get((rid, cid), "0 (0)") for cid, _ in cols)] for rid, label in rows],
        range(1, len(cols) + 1),
    )
    # The chart: one bar per row category, its total, the interviewed part darker.
    bars = [
        svg.Bar(r["row_label"], r["total"], r["interviewed"], cells[(r["row"], TOTAL)])
        for r in records
        if r["col"] == TOTAL and r["row"] != TOTAL
    ]
    notes = [*section.data.get("caption", []), tr("Bar: all cases; darker part: cases interviewed")]
    return {
        "table": table,
        "charts": [svg.bars(bars, section.heading)],
        "notes": notes,
        "warnings": section.data.get("mismatches", []),
    }


def _counts(section: Section, tr: Messages) -> dict[str, Any]:
    chart = svg.bars(
        [
            svg.Bar(r["label"], r["total"], r["interviewed"], f"{r['total']} ({r['interviewed']})")
            for r in section.records
            if r["value"] != TOTAL
        ],
        section.heading,
    )
    notes = [tr("Bar: all cases; darker part: cases interviewed")]
    return {"table": _plain_table(section), "charts": [chart], "notes": notes}


def _frequencies(section: Section, tr: Messages) -> dict[str, Any]:
    chart = svg.bars([svg.Bar(r["label"], r["segments"]) for r in section.records], section.heading)
    return {"table": _plain_table(section), "charts": [chart], "notes": [tr("coded segments")]}


def _crosstab(section: Section, tr: Messages) -> dict[str, Any]:
    records = section.records
    rows, cols = _grid(records)
    cells = {(r["row"], r["col"]): r["count"] for r in records}
    inner_rows = [r for r in rows if r[0] != TOTAL]
    inner_cols = [c for c in cols if c[0] != TOTAL]
    chart = svg.heatmap(
        [label for _, label in inner_rows],
        [label for _, label in inner_cols],
        [[cells.get((rid, cid), 0) for cid, _ in inner_cols] for rid, _ in inner_rows],
        section.heading,
    )
    table = Table(
        section.heading,
        ["", *(label for _, label in cols)],
        [[label, *(cells.get((rid, cid), 0) for cid, _ in cols)] for rid, label in rows],
        range(1, len(cols) + 1),
    )
    return {"table": table, "table_folded": True, "charts": [chart], "notes": []}


def _listing(section: Section, tr: Messages) -> dict[str, Any]:
    return {"table": _plain_table(section), "charts": [], "notes": []}


def _findings(section: Section, tr: Messages) -> dict[str, Any]:
    items = []
    for r in section.records:
        shown = _flat(r.get("figures") or {})
        items.append(
            {
                "id": r.get("id", ""),
                "statement": r.get("statement", ""),
                "status": r.get("status", ""),
                "status_label": r.get("status_label") or r.get("status", ""),
                "check": r.get("check", ""),
                "reason": r.get("reason") or "",
                "figures": shown,
            }
        )
    return {"findings": items, "table": None, "charts": [], "notes": []}


def _flat(figures: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """A finding's figures as (name, text): numbers and words; a group's figures (a comparison's
    higher and lower groups) as ``group.name``; lists and empty values left out."""
    out: list[tuple[str, str]] = []
    for key, value in figures.items():
        if isinstance(value, Mapping):
            out.extend(_flat(value, f"{prefix}{key}."))
        elif isinstance(value, (int, float, str)) and not isinstance(value, bool):
            out.append((f"{prefix}{key}", _number(value)))
    return out


def _network(section: Section, tr: Messages) -> dict[str, Any]:
    """A graph section: ``data["nodes"]`` ({id, label, group}) and ``data["edges"]`` ({source,
    target, kind}), drawn laid out; without them, its table if it has one."""
    from pcrcode.html_report.graph import Edge, Node, network

    nodes = [
        Node(str(n["id"]), str(n.get("label") or n["id"]), str(n.get("group") or ""))
        for n in section.data.get("nodes", ())
    ]
    edges = [
        Edge(str(e["source"]), str(e["target"]), str(e.get("kind") or ""))
        for e in section.data.get("edges", ())
    ]
    charts = [network(nodes, edges, section.heading)] if nodes else []
    return {"table": _plain_table(section), "charts": charts, "notes": []}


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


_KINDS: dict[str, Callable[[Section, Messages], dict[str, Any]]] = {
    doc.CENSUS: _census,
    doc.COUNTS: _counts,
    doc.FREQUENCIES: _frequencies,
    doc.CROSSTAB: _crosstab,
    doc.PROFILES: _listing,
    doc.NEVER_CODED: _listing,
    doc.CASES: _listing,
    FINDINGS: _findings,
    NETWORK: _network,
}


def _family_charts(corpus: Corpus, tr: Messages) -> list[dict[str, Any]]:
    from pcrcode.reports.frequencies import frequencies

    out = []
    for fid, family in corpus.codebook.families.items():
        rows = frequencies(corpus, [fid])
        heading = tr("Code frequencies: {family}", family=family.label)
        bars = [svg.Bar(r["label"], r["segments"]) for r in rows]
        out.append({"id": f"freq-{fid}", "heading": heading, "chart": svg.bars(bars, heading)})
    return out


def _vignettes(
    corpus: Corpus, synthesis: Synthesis, tr: Messages, depth: int | None
) -> list[dict[str, Any]]:
    from pcrcode.reports.profile import profiles

    wanted = [c for c in synthesis.vignettes if corpus.structure(c) is not None]
    if not wanted:
        return []
    found = {
        p.structure.id: p
        for p in profiles(
            corpus, every=True, depth=depth, quotes=synthesis.quotes, synthesis=synthesis
        )
        if p.structure.id in wanted
    }
    families = [(fid, f.label) for fid, f in corpus.codebook.families.items()]
    out = []
    for case in wanted:
        p = found.get(case)
        if p is None:
            continue
        lines = []
        for interview in p.interviews:
            turns, pairs = interview_codeline(corpus, interview)
            title = tr("Codeline of {interview}: code families turn by turn", interview=interview)
            lines.append(
                {
                    "interview": interview,
                    "chart": svg.codeline(turns, families, pairs, title),
                    "caption": tr("turns 1 to {turns}", turns=turns),
                }
            )
        attributes = _attributes(corpus, p.attributes)
        out.append(
            {
                "id": case,
                "name": p.structure.name,
                "attributes": attributes,
                "segments": p.coded_segments,
                "codes": [
                    (
                        corpus.codebook.families[f].label,
                        [(corpus.codebook.codes[c].label, n) for c, n in codes.items()],
                    )
                    for f, codes in p.code_counts.items()
                ],
                "codelines": lines,
                "quotes": [q.record() for q in p.quotes],
            }
        )
    return out


def _attributes(corpus: Corpus, values: Mapping[str, str | None]) -> list[tuple[str, str]]:
    """(label, value label) of a case's attributes that have a value."""
    declared = corpus.codebook.attributes
    out = []
    for name, value in values.items():
        if not value:
            continue
        attr = declared.get(name)
        out.append((attr.label, attr.label_of(value)) if attr else (name, value))
    return out


def _cooperation_network(corpus: Corpus, tr: Messages) -> dict[str, Any] | None:
    """The ties between cases and the partners their codings name (pcrcode.network), laid out:
    nodes coloured by the network's group attribute, edges by the highest code of the first
    ordered family on the tie. None when no partner is coded: the section is then absent."""
    from pcrcode.html_report.graph import Edge, Node, network
    from pcrcode.network.ties import build_network, node_value

    # The ties and nodes only: no centralities, so networkx is not imported for the page.
    net = build_network(corpus)
    if not net.ties:
        return None
    codebook = corpus.codebook
    ordered = next((f for f, fam in codebook.families.items() if fam.ordered), None)

    def group_label(value: str) -> str:
        if not value:
            return tr("(none)")
        for attr in codebook.attributes.values():
            if value in attr.values:
                return attr.values[value]
        return value

    nodes = []
    for node_id in net.nodes():
        node = net.registry.node(node_id)
        name = node.name if node is not None and node.name else node_id
        group = node_value(node, net.spec.group or net.spec.sector, codebook)
        nodes.append(Node(node_id, name, group_label(str(group or ""))))
    edges = []
    for tie in net.ties:
        top = tie.highest(codebook, ordered) if ordered else None
        edges.append(Edge(tie.structure, tie.partner, top.label if top else ""))
    summary: dict[str, Any] = {
        "ties": len(net.ties),
        "nodes": len(nodes),
        "sector": net.spec.sector,
    }
    heading = tr("Cooperation network")
    note = tr(
        "{ties} ties, {nodes} nodes; colour: {group}; lines: highest {family} on the tie",
        ties=summary["ties"],
        nodes=summary["nodes"],
        group=summary.get("sector") or "",
        family=codebook.families[ordered].label if ordered else "",
    )
    return {"heading": heading, "note": note, "chart": network(nodes, edges, heading)}


def _provenance(document: Document, corpus: Corpus, tr: Messages) -> dict[str, Any]:
    interviews = [
        corpus.project.interviews[i] for i in corpus.interviews if i in corpus.project.interviews
    ]
    dates = sorted(str(i.date) for i in interviews if i.date)
    today = datetime.date.today().isoformat()
    coders = document.coders.get("coders", [])
    return {
        "title": corpus.codebook.title,
        "dates": f"{dates[0]} – {dates[-1]}" if dates else "",
        "built": today,
        "coders": len(coders),
        "coder_names": ", ".join(coders),
        "version": __version__,
        "illustrative": any(i.illustrative for i in interviews),
    }


def page_context(
    document: Document,
    corpus: Corpus,
    synthesis: Synthesis,
    tr: Messages,
    depth: int | None = 1,
    printed: bool = False,
) -> dict[str, Any]:
    """Everything the template shows, computed once."""
    sections = []
    for s in document.sections:
        build = _KINDS.get(s.kind, _listing)
        view = {"id": s.id, "kind": s.kind, "heading": s.heading, "note": s.note, **build(s, tr)}
        if s.kind == doc.PROFILES:
            cases = [r["structure"] for r in s.records]
            view["matrix"] = framework_matrix(corpus, cases)
            view["families"] = [f.label for f in corpus.codebook.families.values()]
        sections.append(view)
    return {
        "document": document,
        "sections": sections,
        "families": _family_charts(corpus, tr),
        "network": _cooperation_network(corpus, tr),
        "vignettes": _vignettes(corpus, synthesis.localized(tr.language), tr, depth),
        "provenance": _provenance(document, corpus, tr),
        "tr": tr,
        "printed": printed,  # quote cells open: paper cannot click
        "css": (TEMPLATES / "report.css").read_text(encoding="utf-8"),
        "js": (TEMPLATES / "report.js").read_text(encoding="utf-8"),
    }


def render_page(
    document: Document,
    corpus: Corpus,
    synthesis: Synthesis,
    tr: Messages,
    depth: int | None = 1,
    printed: bool = False,
) -> str:
    """The whole page, as text (UTF-8 when written)."""
    import jinja2  # here: only a page needs it

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every project string is text, never markup
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    template = env.get_template("report.html.j2")
    return template.render(page_context(document, corpus, synthesis, tr, depth, printed))
