"""``pcrcode findings``: the study's declared findings re-checked against the codings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from pcrcode.cli.common import Format, FormatOpt, load, note
from pcrcode.errors import ExitCode

if TYPE_CHECKING:
    from pcrcode.findings.evaluate import FindingsReport
    from pcrcode.findings.model import Finding
    from pcrcode.model import Project


app = typer.Typer()


@app.command("findings")
def findings(
    ctx: typer.Context,
    fmt: FormatOpt = Format.table,
    explain: Annotated[
        str | None,
        typer.Option(
            "--explain",
            "-e",
            metavar="FINDING",
            help="List the finding's supporting and contradicting units, one short quote each.",
        ),
    ] = None,
    warn_only: Annotated[
        bool,
        typer.Option("--warn-only", help="Report failing findings without exit code 1."),
    ] = False,
) -> None:
    """Re-check the findings declared in findings.yaml against the codings: holds, fails.

    Each finding's status comes with its figures (n, share, consistency, coverage) and the
    units on each side. Exit 1 when a finding fails or cannot be computed (undefined), unless
    --warn-only; exit 0 with a note when the project declares no findings.

    Example: pcrcode findings --explain personnels-absents
    """
    from pcrcode.errors import UnknownItem, did_you_mean
    from pcrcode.findings.declaration import FINDINGS_FILE, declared_findings

    project = load(ctx)
    declaration = declared_findings(project)
    if declaration is None or not declaration.findings:
        note(f"no findings declared ({FINDINGS_FILE} is missing or empty): nothing to check")
        return
    if explain is not None:
        ids = [f.id for f in declaration.findings]
        if explain not in ids:
            raise UnknownItem(
                f"no finding '{explain}' in {FINDINGS_FILE} (findings: {', '.join(ids)})"
                f"{did_you_mean(explain, ids)}"
            )
        status = _explain(project, next(f for f in declaration.findings if f.id == explain), fmt)
        failed = status != "holds"
    else:
        from pcrcode.findings.evaluate import evaluate_all

        report = evaluate_all(project, declaration, FINDINGS_FILE)
        _show(fmt, report)
        counts = report.counts()
        note(
            f"{counts['holds']} hold, {counts['fails']} fail, {counts['undefined']} undefined "
            f"({report.coders})"
        )
        failed = not report.passed
    if failed and not warn_only:
        raise typer.Exit(int(ExitCode.DATA))


def _show(fmt: Format, report: FindingsReport) -> None:
    from pcrcode.cli.findings_views import (
        COLUMNS,
        CSV_COLUMNS,
        csv_rows,
        figures_text,
        markdown_report,
    )
    from pcrcode.cli.output.csv_writer import write_csv
    from pcrcode.cli.output.json_stream import write_json
    from pcrcode.cli.output.rows import emit

    if fmt is Format.json:
        write_json(report.record())
        return
    if fmt is Format.markdown:
        typer.echo(markdown_report(report), nl=False)
        return
    if fmt is Format.csv:
        write_csv(csv_rows(report), [c.key for c in CSV_COLUMNS])
        return
    rows = [
        {**r.record(), "figures": figures_text(r), "breaking": list(r.breaking)}
        for r in report.results
    ]
    emit(fmt.value, rows, COLUMNS, title="Findings")


def _explain(project: Project, finding: Finding, fmt: Format) -> str:
    from pcrcode.cli.findings_views import explain_text
    from pcrcode.cli.output.json_stream import write_json
    from pcrcode.cli.output.rows import Column, emit
    from pcrcode.findings.evaluate import evaluate_one
    from pcrcode.findings.explain import witnesses

    evaluation = evaluate_one(project, finding)
    found = witnesses(evaluation)
    result = evaluation.result
    if fmt is Format.json:
        write_json({**result.record(), "units": [w.record() for w in found]})
    elif fmt is Format.table:
        typer.echo(explain_text(result, found), nl=False)
    else:
        columns = [Column(k, k) for k in ("side", "unit", "interview", "segment", "quote")]
        emit(fmt.value, [w.record() for w in found], columns)
    return str(result.status)
