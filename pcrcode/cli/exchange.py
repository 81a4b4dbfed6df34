"""``pcrcode export qdc|qdpx|csv`` and ``pcrcode import qdc|qdpx``: REFI-QDA and tidy CSV."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pcrcode.choices import OffsetUnit
from pcrcode.cli.common import load, note, project_root

if TYPE_CHECKING:
    from pcrcode.exchange.refi.imported import ImportReport


FileArg = Annotated[Path, typer.Argument(help="The file to write.")]


app = typer.Typer()
import_app = typer.Typer(
    help="Bring data into pcrcode: REFI-QDA files, transcripts.", no_args_is_help=True
)
export_app = typer.Typer(
    help="Write the project for other tools: REFI-QDA, tidy CSV.", no_args_is_help=True
)
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")


def _target(path: Path) -> Path:
    from pcrcode.errors import UsageError

    if path.is_dir():
        raise UsageError(f"'{path}' is a folder: give a file name")
    return path


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {what}" for what, n in counts.items())


@export_app.command("qdc")
def export_qdc(ctx: typer.Context, file: FileArg) -> None:
    """Write the codebook as a REFI-QDA codebook (.qdc) for NVivo, ATLAS.ti, MAXQDA...

    Families are codes that cannot be coded; each description holds the definition, when to use
    it or not, the example, and the pcrcode id.

    Example: pcrcode export qdc codebook.qdc
    """
    from pcrcode.exchange.refi.export import save_qdc
    from pcrcode.files.codebook import load_codebook

    result = save_qdc(load_codebook(project_root(ctx)), _target(file))
    note(f"wrote {file}: {_counts(result.counts)}")


@export_app.command("qdpx")
def export_qdpx(ctx: typer.Context, file: FileArg) -> None:
    """Write the whole project as a REFI-QDA project (.qdpx).

    Codebook, coders as users, structures as cases with typed variables, interviews as text
    sources ("Speaker: text" per turn), every coding as a selection named with its quote, memos
    as notes. Two exports of the same project are byte-identical.

    Example: pcrcode export qdpx projet.qdpx
    """
    from pcrcode.cli.output.progress import progress_bar
    from pcrcode.exchange.refi.export import save_qdpx

    _target(file)
    project = load(ctx)
    with progress_bar("writing the export", unit="interviews") as bar:
        # The process ends after the export: the turns it read need not stay in memory.
        result = save_qdpx(project, file, progress=bar, release_turns=True)
    for message in result.skipped:
        note(f"skipped: {message}")
    note(f"wrote {file}: {_counts(result.counts)}")


@export_app.command("csv")
def export_csv(
    ctx: typer.Context,
    folder: Annotated[
        Path, typer.Argument(metavar="DIR", help="Folder for the CSV files (created if needed).")
    ],
) -> None:
    """Write tidy CSV tables for R or pandas: codings, structures, presence, codebook.

    codings.csv: interview, structure, the attributes (codebook order, then free ones), segment,
    speaker, code, family, coder, start, end, quote, memo. structures.csv: structure, name,
    attributes, interviewed, interviews. presence.csv: structure, code, present (0/1).
    codebook.csv: code, family, family_label, parent, label, codable, degree, short, definition,
    when_to_use, when_not_to_use, example. For a spreadsheet: pcrcode --csv-safe export csv.

    Example: pcrcode export csv tables/
    """
    from pcrcode.cli.output.csv_writer import formulas_neutralised
    from pcrcode.exchange.csv_tables import write_tables

    for path, rows in write_tables(load(ctx), folder, formulas_neutralised()).items():
        note(f"wrote {path} ({rows} rows)")


def _report(report: ImportReport) -> None:
    for interview, explanation in report.offsets:
        note(f"{interview}: {explanation}")
    for item in report.discarded:
        note(f"discarded: {item}")
    for item in report.warnings:
        note(f"warning: {item}")


@import_app.command("qdpx")
def import_qdpx(
    file: Annotated[Path, typer.Argument(help="A REFI-QDA project (.qdpx).")],
    into: Annotated[
        Path, typer.Option("--into", help="A new or empty folder for the project.", metavar="DIR")
    ],
    offsets: Annotated[
        OffsetUnit,
        typer.Option(
            "--offsets",
            help="Unit of the selections' positions (auto: chosen per source by "
            "matching quotes or word boundaries).",
        ),
    ] = OffsetUnit.auto,
) -> None:
    """Create a pcrcode project from a REFI-QDA project written by another program.

    Says on stderr which unit of character positions it chose for each source and lists what
    it discarded. Builds the project beside DIR and renames it at the end: on failure nothing
    is left half-written.

    Example: pcrcode import qdpx export-nvivo.qdpx --into projet/
    """
    from pcrcode.exchange.refi.writer import import_qdpx as run

    new = run(file, into, offsets)
    _report(new.report)
    note(f"created {into} from {new.report.origin or file}: {_counts(new.report.counts)}")
    missing = sum(1 for c in new.codebook["codes"] if not c.get("definition"))
    if missing:
        note(f"{missing} codes have no definition: `pcrcode check` lists them")


@import_app.command("qdc")
def import_qdc(
    file: Annotated[Path, typer.Argument(help="A REFI-QDA codebook (.qdc).")],
    into: Annotated[
        Path, typer.Option("--into", help="Folder for codebook.yaml.", metavar="DIR")
    ] = Path("."),
) -> None:
    """Write DIR/codebook.yaml from a REFI-QDA codebook (.qdc); never replaces one.

    Ids are slugs of the names (made unique among siblings), the hierarchy is kept, descriptions
    become definitions; top-level codes with children become families.

    Example: pcrcode import qdc codebook.qdc --into projet/
    """
    from pcrcode.exchange.refi.writer import import_qdc as run

    new = run(file, into)
    _report(new.report)
    note(
        f"wrote {into / 'codebook.yaml'} from {new.report.origin or file}: "
        f"{_counts(new.report.counts)}"
    )
