"""How ``pcrcode findings`` lays out its results: table and CSV rows, Markdown, ``--explain``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pcrcode.cli.output.markdown import table as markdown_table
from pcrcode.cli.output.rows import Column, visible

if TYPE_CHECKING:
    from pcrcode.findings.evaluate import FindingsReport
    from pcrcode.findings.explain import Witness
    from pcrcode.findings.model import Result

COLUMNS = (
    Column("id", "id", no_wrap=True),
    Column("status", "status", no_wrap=True),
    Column("figures", "figures"),
    Column("breaking", "breaking"),
)
CSV_COLUMNS = tuple(
    Column(k, k)
    for k in (
        "id",
        "kind",
        "unit",
        "status",
        "reason",
        "n",
        "count",
        "share",
        "x",
        "y",
        "xy",
        "consistency",
        "coverage",
        "higher",
        "lower",
        "figures",
        "supporting",
        "contradicting",
        "breaking",
        "statement",
    )
)
_MARK = {"holds": "✓", "fails": "✗", "undefined": "?"}


def _num(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.3f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:.0f}"


def _bound(fig: Mapping[str, Any]) -> str:
    if "at_least" in fig:
        return f">= {_num(fig['at_least'])}"
    return f"<= {_num(fig.get('at_most'))}"


def figures_text(result: Result) -> str:
    """The figures behind a result, in one line."""
    fig, kind = result.figures, result.finding.kind
    if result.status == "undefined":
        return f"undefined: {result.reason}"
    if kind == "share":
        return f"{fig['count']}/{fig['n']} = {_num(fig['share'])} ({_bound(fig)})"
    if kind in ("absent", "present"):
        return f"{fig['count']} of {fig['n']} {result.finding.unit}s"
    if kind == "implication":
        base = fig["x"] if fig["direction"] == "sufficient" else fig["y"]
        other = fig["y"] if fig["direction"] == "sufficient" else fig["x"]
        return (
            f"consistency {fig['xy']}/{base} = {_num(fig['consistency'])} ({_bound(fig)}), "
            f"coverage {fig['xy']}/{other} = {_num(fig['coverage'])}"
        )
    stat = "median" if fig["by"] == "median" else "share"
    return (
        f"{stat} {_num(fig['higher'][stat])} (n={fig['higher']['n']}) vs "
        f"{_num(fig['lower'][stat])} (n={fig['lower']['n']})"
    )


def csv_rows(report: FindingsReport) -> list[dict[str, Any]]:
    rows = []
    for r in report.results:
        rec = r.record()
        fig = rec["figures"]
        row = {**rec, **{k: v for k, v in fig.items() if not isinstance(v, dict)}}
        for side in ("higher", "lower"):
            group = fig.get(side)
            row[side] = None if group is None else group.get("median", group.get("share"))
        row["figures"] = figures_text(r)
        rows.append(row)
    return rows


def markdown_report(report: FindingsReport) -> str:
    rows = [
        {
            "status": f"{_MARK[r.status]} {r.status}",
            "id": r.finding.id,
            "statement": r.finding.statement,
            "figures": figures_text(r),
            "breaking": list(r.breaking),
        }
        for r in report.results
    ]
    columns = [Column(k, k) for k in ("status", "id", "statement", "figures", "breaking")]
    counts = report.counts()
    summary = (
        f"{counts['holds']} hold, {counts['fails']} fail, {counts['undefined']} undefined "
        f"({visible(report.coders)})."
    )
    return f"## Findings\n\n{summary}\n\n{markdown_table(rows, columns)}"


def explain_text(result: Result, witnesses: Sequence[Witness]) -> str:
    f = result.finding
    lines = [
        f"{f.id}: {result.status}",
        f"  {f.statement}",
        f"  check: {f.check_text()}",
        f"  figures: {figures_text(result)}",
    ]
    for side in ("supporting", "contradicting"):
        found = [w for w in witnesses if w.side == side]
        lines.append(f"{side} ({len(found)}):")
        for w in found:
            where = f" ({w.interview}, turn {w.segment})" if w.segment is not None else ""
            quote = f"  « {w.quote} »{where}" if w.quote else ""
            lines.append(f"  {w.unit}{quote}")
    return visible("\n".join(lines)) + "\n"
