"""``pcrcode agreement`` (the report, with a CI gate) and ``pcrcode agreement disagreements``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from pcrcode.cli.common import (
    Format,
    FormatOpt,
    complete_code,
    complete_coder,
    complete_family,
    complete_interview,
    load,
    note,
)

if TYPE_CHECKING:
    from pcrcode.agreement.data import AgreementData
    from pcrcode.agreement.report import Report

app = typer.Typer()
agreement_app = typer.Typer(no_args_is_help=False)
app.add_typer(agreement_app, name="agreement")

_MANY = "Repeat the option or separate with commas."
# --coders, its first name, still works (scripts and CI jobs use it).
ComparedCodersOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--coder",
        "--coders",
        "-c",
        metavar="CODER",
        autocompletion=complete_coder,
        help=f"Coders to compare (default: every coder with codings). {_MANY}",
    ),
]
UnitOpt = Annotated[
    str,
    typer.Option(
        "--unit",
        "-u",
        metavar="[segment|character]",
        help="The unit: segment (the interview turn) or character (as NVivo).",
    ),
]
CodeOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--code",
        metavar="CODE",
        autocompletion=complete_code,
        help=f"Only these codes (and the codes under them; a family id: all its codes). {_MANY}",
    ),
]
FamilyOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--family",
        metavar="FAMILY",
        autocompletion=complete_family,
        help=f"Only these families: their codes, and the family as one variable if exclusive. "
        f"{_MANY}",
    ),
]
InterviewOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--interview",
        "-i",
        metavar="INTERVIEW",
        help=f"Only these interviews. {_MANY}",
        autocompletion=complete_interview,
    ),
]
MinAlphaOpt = Annotated[
    float | None,
    typer.Option(
        "--min-alpha",
        metavar="ALPHA",
        help="Exit 1 when a reported alpha is below ALPHA (undefined alphas do not fail).",
    ),
]


@agreement_app.callback(invoke_without_command=True)
def agreement(
    ctx: typer.Context,
    coders: ComparedCodersOpt = None,
    unit: UnitOpt = "segment",
    code: CodeOpt = None,
    family: FamilyOpt = None,
    interview: InterviewOpt = None,
    min_alpha: MinAlphaOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Intercoder agreement: percent agreement, Cohen's kappa, Krippendorff's alpha.

    One row per code, per exclusive family and pooled, each over two scopes: 'all'
    (every unit) and 'coded' (the units some compared coder applied any code to, since
    uncoded text inflates agreement). Units: segment (each turn; a span coding counts
    for its turn) or character (each character of the turns' text; a coding covers its
    turn, or only its span). Only interviews that every compared coder coded count; the
    others are named on stderr and in JSON 'left_out'.

    Percent agreement: the share of units on which all coders agree (two coders, one
    code: coded by both or by neither, as NVivo). Cohen's kappa: exactly two coders.
    Krippendorff's alpha: nominal, two or more coders. Pooled: every (unit, code) pair of
    the reported codes is one binary decision (applied or not); the figures are computed
    once over all decisions, not averaged. Family: an exclusive family as one nominal
    variable; a coder's value on a unit is the family code applied, '(none)' if none, the
    codes joined by '+' if two or more (a disagreement unless all did the same). An
    undefined figure is n/a with its reason (JSON: null and a *_reason key).

    JSON/CSV keys per row: variable, kind (code|family|pooled), scope (all|coded),
    units, agreement, agreement_reason, kappa, kappa_reason, alpha, alpha_reason,
    doubly_coded. JSON adds coders, unit, interviews, left_out, definitions,
    min_alpha, below_min_alpha.

    Example: pcrcode agreement --coder camille,yanis --min-alpha 0.667
    """
    if ctx.invoked_subcommand is not None:
        _no_options_before(ctx)
        return
    from pcrcode.agreement.report import report

    if min_alpha is not None and not -1 <= min_alpha <= 1:
        from pcrcode.errors import UsageError

        raise UsageError(f"--min-alpha {min_alpha} is not between -1 and 1")
    result = report(_data(ctx, coders, unit, code, family, interview))
    for line in result.notes():
        note(f"note: {line}")
    _render_report(result, fmt.value, min_alpha)
    if min_alpha is not None:
        _gate(result, min_alpha)


@agreement_app.command("disagreements")
def disagreements(
    ctx: typer.Context,
    coders: ComparedCodersOpt = None,
    unit: UnitOpt = "segment",
    code: CodeOpt = None,
    family: FamilyOpt = None,
    interview: InterviewOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """List every disagreement to discuss: a unit where some coders applied a code and others not.

    One line per disagreement. With --unit character, a run of characters where the same
    coders applied the code is one line quoting those characters. --format markdown
    gives a table with an empty 'decision' column for the reconciliation meeting.

    JSON/CSV keys: interview, segment, speaker, start, end (character unit only), code,
    applied_by, not_applied_by (lists; ';'-joined in CSV), quote.

    With the example project's ids:

    Example: pcrcode agreement disagreements --interview jardins-du-drac --format markdown
    """
    from pcrcode.agreement.disagreements import disagreements as find

    data = _data(ctx, coders, unit, code, family, interview)
    for line in data.notes():
        note(f"note: {line}")
    _render_disagreements(data, [d.row() for d in find(data)], fmt.value)


def _no_options_before(ctx: typer.Context) -> None:
    """``agreement --unit character disagreements`` would silently drop --unit: refuse it."""
    from pcrcode.errors import UsageError

    given = [
        k for k in ctx.params if getattr(ctx.get_parameter_source(k), "name", "") == "COMMANDLINE"
    ]
    if given:
        raise UsageError(
            f"put the options after '{ctx.invoked_subcommand}': "
            f"pcrcode agreement {ctx.invoked_subcommand} [OPTIONS]"
        )


def _data(
    ctx: typer.Context,
    coders: list[str] | None,
    unit: str,
    code: list[str] | None,
    family: list[str] | None,
    interview: list[str] | None,
) -> AgreementData:
    from pcrcode.agreement.data import build, split_values

    return build(
        load(ctx),
        coders=split_values(coders),
        unit=unit.strip().lower(),
        codes=split_values(code),
        families=split_values(family),
        interviews=split_values(interview),
    )


def _heading(data: AgreementData) -> str:
    n = len(data.interviews)
    return f"{', '.join(data.coders)} · unit: {data.unit} · {n} interview{'s' if n > 1 else ''}"


def _render_report(result: Report, fmt: str, min_alpha: float | None) -> None:
    from pcrcode.agreement.report import AGREE, CODED, FAMILY, POOLED, REPORT_KEYS
    from pcrcode.cli.output.json_stream import write_json
    from pcrcode.cli.output.markdown import table as markdown_table
    from pcrcode.cli.output.rows import Column, emit

    if fmt == "json":
        write_json(result.to_json(min_alpha))
        return
    rows = result.rows()
    if fmt == "csv":
        emit("csv", rows, [Column(k, k) for k in REPORT_KEYS])
        return
    shown, reasons = _with_footnotes(rows)
    columns = [
        Column("variable", "variable", no_wrap=True),
        Column("scope", "scope"),
        Column("units", "units", "right"),
        Column("agreement", "agree", "right"),
        Column("kappa", "kappa", "right"),
        Column("alpha", "alpha", "right"),
    ]
    defs = [f"agree: {AGREE}", f"coded: {CODED}", f"pooled: {POOLED}"]
    defs += [f"family: {FAMILY}"] if result.data.families else []
    notes = defs + [f"[{i}] {reason}" for i, reason in enumerate(reasons, start=1)]
    title = f"Agreement: {_heading(result.data)}"
    if fmt == "markdown":
        import sys

        data = result.data
        lines = [f"## {title}", "", f"Interviews: {', '.join(data.interviews)}.", ""]
        if data.left_out:
            left = ", ".join(f"{lo.interview} ({', '.join(lo.coded_by)})" for lo in data.left_out)
            lines += [f"Left out (not coded by every compared coder): {left}.", ""]
        lines += [markdown_table(shown, columns)]
        lines += [f"- {n}" for n in notes]
        sys.stdout.write("\n".join(lines) + "\n")
        return
    from pcrcode.cli.output.rows import console, rich_table

    table = rich_table(shown, columns, title=title, caption="\n".join(notes))
    table.caption_justify = "left"
    console().print(table)


def _with_footnotes(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows for reading: n/a [k] for an undefined figure, the variable named once."""
    reasons: list[str] = []
    shown = []
    previous = None
    for row in rows:
        out = dict(row)
        label = row["variable"] + {"family": " (family)", "pooled": ""}.get(row["kind"], "")
        out["variable"] = "" if label == previous else label
        previous = label
        for key in ("agreement", "kappa", "alpha"):
            reason = row[f"{key}_reason"]
            if row[key] is None and reason:
                if reason not in reasons:
                    reasons.append(reason)
                out[key] = f"n/a [{reasons.index(reason) + 1}]"
        shown.append(out)
    return shown, reasons


def _gate(result: Report, minimum: float) -> None:
    from pcrcode.cli.output.rows import cell_text

    undefined = result.undefined_alphas()
    if undefined:
        listed = ", ".join(f"{r['variable']} ({r['scope']})" for r in undefined)
        note(f"note: alpha undefined, not gated: {listed}")
    failed = result.below(minimum)
    if failed:
        listed = ", ".join(
            f"{r['variable']} ({r['scope']}) {cell_text(r['alpha'])}" for r in failed
        )
        note(f"pcrcode: alpha below {cell_text(minimum)}: {listed}")
        raise typer.Exit(1)


def _render_disagreements(data: AgreementData, rows: list[dict[str, Any]], fmt: str) -> None:
    from pcrcode.agreement.disagreements import DISAGREEMENT_KEYS
    from pcrcode.cli.output.markdown import table as markdown_table
    from pcrcode.cli.output.rows import Column, emit

    if fmt in ("json", "csv"):
        emit(fmt, rows, [Column(k, k) for k in DISAGREEMENT_KEYS])
        return
    title = f"Disagreements: {_heading(data)}"
    count = f"{len(rows)} disagreement{'s' if len(rows) != 1 else ''}"
    if fmt == "markdown":
        import sys

        columns = [
            Column("interview", "interview"),
            Column("where", "segment"),
            Column("speaker", "speaker"),
            Column("code", "code"),
            Column("applied_by", "applied by"),
            Column("not_applied_by", "not by"),
            Column("quote", "quote"),
            Column("decision", "decision"),
        ]
        shown = [{**r, "where": _where(r, with_interview=False)} for r in rows]
        sys.stdout.write(f"## {title}\n\n{count}.\n\n" + markdown_table(shown, columns))
        return
    _print_disagreements(title, count, rows)


def _print_disagreements(title: str, count: str, rows: list[dict[str, Any]]) -> None:
    """The terminal view: a heading line per disagreement, the quote below it."""
    from rich.text import Text

    from pcrcode.cli.output.rows import console, visible

    out = console()
    out.print(Text(visible(f"{title} · {count}"), style="bold"))
    for r in rows:
        head = Text()
        head.append(visible(f"{_where(r)} · {r['speaker']} · "), style="cyan")
        head.append(visible(r["code"]), style="bold")
        head.append(
            visible(
                f": {', '.join(r['applied_by'])} applied it, "
                f"{', '.join(r['not_applied_by'])} did not"
            )
        )
        out.print(head)
        quote = Text(visible(f"« {r['quote']} »"))
        for line in quote.wrap(out, max(out.width - 2, 20)):
            out.print(Text("  ") + line)


def _where(row: dict[str, Any], with_interview: bool = True) -> str:
    where = f"{row['interview']} {row['segment']}" if with_interview else str(row["segment"])
    if row["start"] is not None:
        where += f" [{row['start']}-{row['end']}]"
    return where
