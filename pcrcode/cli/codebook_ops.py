"""``pcrcode codebook rename|merge|move``: evolve the codebook without losing codings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from pcrcode.cli.common import (
    DryRunOpt,
    Format,
    FormatOpt,
    complete_code,
    complete_code_or_family,
    note,
    project_root,
)

if TYPE_CHECKING:
    from pcrcode.codebook_ops.operations import Plan

app = typer.Typer()
codebook_app = typer.Typer()  # commands of the `codebook` group, after codebook.py's
app.add_typer(codebook_app, name="codebook")


@codebook_app.command("rename")
def rename(
    ctx: typer.Context,
    old: Annotated[
        str, typer.Argument(help="The code's current id.", autocompletion=complete_code)
    ],
    new: Annotated[str, typer.Argument(help="Its new id (a path under a family).")],
    dry_run: DryRunOpt = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Rename a code (and the codes under it) in the codebook and every coding.

    The old id stays as an alias. JSON/CSV keys: file, action, old, new, codings.

    With the example project's ids:

    Example: pcrcode codebook rename forme/partenariat forme/projet-commun --dry-run
    """
    from pcrcode.codebook_ops.operations import rename as do_rename

    _report(do_rename(project_root(ctx), old, new, dry_run=dry_run), dry_run, fmt)


@codebook_app.command("merge")
def merge(
    ctx: typer.Context,
    source: Annotated[
        str, typer.Argument(help="The code to merge away.", autocompletion=complete_code)
    ],
    target: Annotated[
        str,
        typer.Argument(help="The code that receives its codings.", autocompletion=complete_code),
    ],
    dry_run: DryRunOpt = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Recode every coding of SOURCE as TARGET and remove SOURCE (kept as an alias).

    JSON/CSV keys: file, action, old, new, codings.

    With the example project's ids:

    Example: pcrcode codebook merge logique/reseau/politique logique/reseau/affinitaire
    """
    from pcrcode.codebook_ops.operations import merge as do_merge

    _report(do_merge(project_root(ctx), source, target, dry_run=dry_run), dry_run, fmt)


@codebook_app.command("move")
def move(
    ctx: typer.Context,
    code: Annotated[
        str,
        typer.Argument(
            help="The code to move (its sub-codes follow).", autocompletion=complete_code
        ),
    ],
    parent: Annotated[
        str,
        typer.Argument(
            help="Its new parent: a code or a family.", autocompletion=complete_code_or_family
        ),
    ],
    dry_run: DryRunOpt = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Move a code under another parent code or family; codes and codings get the new ids.

    JSON/CSV keys: file, action, old, new, codings.

    With the example project's ids:

    Example: pcrcode codebook move logique/territoriale logique/reseau --dry-run
    """
    from pcrcode.codebook_ops.operations import move as do_move

    _report(do_move(project_root(ctx), code, parent, dry_run=dry_run), dry_run, fmt)


def _report(plan: Plan, dry_run: bool, fmt: Format) -> None:
    from pcrcode.cli.output.rows import Column, emit
    from pcrcode.codebook_ops.operations import CHANGE_KEYS

    for message in plan.notes:
        note(f"warning: {message}")
    rows = [c.as_row() for c in plan.changes]
    columns = [Column(k, k, "right" if k == "codings" else "left") for k in CHANGE_KEYS]
    emit(fmt.value, rows, columns)
    recoded = sum(c.codings or 0 for c in plan.changes if c.action == "recode")
    memos = sum(c.action == "move-memo" for c in plan.changes)
    findings = any(c.action == "recode-finding" for c in plan.changes)
    # A moved memo is a new file and a removed one; findings.yaml is said apart.
    files = len(plan.files) - 1 - 2 * memos - findings
    moved = f", moved {memos} memo(s)" if memos else ""
    head = "codebook.yaml, findings.yaml" if findings else "codebook.yaml"
    if dry_run:
        note(
            f"dry run: would rewrite {head} and {files} coding file(s) "
            f"({recoded} coding(s)){moved.replace('moved', 'move')}; nothing written"
        )
    else:
        note(f"rewrote {head} and {files} coding file(s) ({recoded} coding(s)){moved}")
