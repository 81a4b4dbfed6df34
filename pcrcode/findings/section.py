"""The findings as a section of the synthesis report (kind ``findings``; see
``pcrcode.reports.document``): one record per finding, its status in the study's language.

The words come from the caller (the report's message catalogue for the study's language);
:data:`LABELS` gives the keys and their English defaults.
"""

from __future__ import annotations

from collections.abc import Mapping

from pcrcode.findings.evaluate import FindingsReport
from pcrcode.findings.model import Result
from pcrcode.reports.document import Section

KIND = "findings"
LABELS: dict[str, str] = {
    "heading": "Findings",
    "holds": "holds",
    "fails": "fails",
    "undefined": "undefined",
    "status": "Status",
    "statement": "Finding",
    "figures": "Figures",
    "breaking": "Breaking cases",
}


def figures_line(result: Result) -> str:
    """The figures of a result in one line, without words of any language."""
    fig = result.figures
    if result.reason is not None:
        return result.reason
    if "share" in fig:
        return f"{fig['count']}/{fig['n']} = {_num(fig['share'])}"
    if "consistency" in fig:
        base = fig["x"] if fig["direction"] == "sufficient" else fig["y"]
        other = fig["y"] if fig["direction"] == "sufficient" else fig["x"]
        return (
            f"{fig['xy']}/{base} = {_num(fig['consistency'])} · "
            f"{fig['xy']}/{other} = {_num(fig['coverage'])}"
        )
    if "higher" in fig:
        stat = "median" if fig["by"] == "median" else "share"
        return f"{_num(fig['higher'][stat])} > {_num(fig['lower'][stat])}"
    return f"{fig['count']}/{fig['n']}"


def _num(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.3f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:.0f}"


def findings_section(
    report: FindingsReport,
    labels: Mapping[str, str] = LABELS,
    section_id: str = KIND,
    heading: str = "",
    note: str = "",
) -> Section:
    words = {**LABELS, **labels}
    records = [{**r.record(), "status_label": words[r.status]} for r in report.results]
    # The statement first: a terminal table folds its first column only, and keeps the others.
    headers = [words["statement"], words["status"], words["figures"], words["breaking"]]
    rows = [
        [r.finding.statement, words[r.status], figures_line(r), ", ".join(r.breaking)]
        for r in report.results
    ]
    return Section(
        section_id,
        KIND,
        heading or words["heading"],
        note,
        records,
        {"headers": headers, "rows": rows, "summary": report.counts()},
    )
