"""``pcrcode import transcript``: bring transcripts (one, several, a folder) into the project."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pcrcode.choices import Split
from pcrcode.cli.common import complete_structure, note, project_root

if TYPE_CHECKING:
    from pcrcode.transcript_import import ImportContext, Imported, Options


app = typer.Typer()
import_app = typer.Typer()  # commands of the `import` group, after exchange.py's
app.add_typer(import_app, name="import")


class ImportReportFormat(StrEnum):
    """The import report: for a person (stderr) or a program (JSON on stdout)."""

    table = "table"
    json = "json"


@import_app.command("transcript")
def transcript(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE",
            help="Transcripts (.txt .md .vtt .srt .docx .otr), or folders of them.",
        ),
    ],
    structure: Annotated[
        str | None,
        typer.Option(
            "--structure",
            "-s",
            metavar="STRUCTURE",
            help="The structure interviewed.",
            autocompletion=complete_structure,
        ),
    ] = None,
    structure_from_name: Annotated[
        bool,
        typer.Option("--structure-from-name", help="Each file's structure from its name."),
    ] = False,
    mapping: Annotated[
        Path | None,
        typer.Option("--mapping", help="CSV of file,structure[,id] rows.", metavar="CSV"),
    ] = None,
    interview_id: Annotated[
        str | None,
        typer.Option(
            "--id", metavar="INTERVIEW", help="Interview id (default: from the file name)."
        ),
    ] = None,
    speakers: Annotated[
        str | None,
        typer.Option(
            "--speakers",
            metavar="LABELS",
            help='Exactly these labels start a turn: "A,B,C" (any case).',
        ),
    ] = None,
    speaker_map: Annotated[
        list[str] | None,
        typer.Option("--speaker-map", metavar="OLD=NEW", help="Rename a speaker (repeat)."),
    ] = None,
    interviewer: Annotated[
        str | None,
        typer.Option(
            "--interviewer", metavar="SPEAKER", help="The speaker who asks the questions."
        ),
    ] = None,
    split: Annotated[
        Split, typer.Option("--split", help="Segments: one per turn, or one per paragraph.")
    ] = Split.turns,
    source_format: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="FORMAT",
            help="Force the input format: plain, markdown, otter, rev, descript, zoom-captions, "
            "vtt, srt, docx, otr (also zoom-vtt, teams-vtt, teams-docx).",
        ),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding", metavar="ENCODING", help="The file's encoding if not UTF-8/UTF-16."
        ),
    ] = None,
    language: Annotated[
        str | None,
        typer.Option("--language", metavar="LANG", help="Language (default: the codebook's)."),
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace an existing interview (codings reanchored).")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Show the interview and report; write nothing.")
    ] = False,
    fmt: Annotated[
        ImportReportFormat,
        typer.Option("--format", "-f", help="Report: table (stderr) or json (stdout)."),
    ] = ImportReportFormat.table,
) -> None:
    """Import transcripts (plain, Otter, Zoom, Teams, Word, Rev, Descript, oTranscribe, SRT,
    Markdown) as interviews/ID.md.

    Labels are matched in any case ("Interviewer1" = "Interviewer 1"); a rare label-like line is
    kept as text (--speakers makes detection exact). Timestamps go to the front matter (times:).
    Reports, per file, turns per speaker, merged paragraphs, dropped empty turns and text before
    the first label. Never overwrites without --replace. JSON keys: see README.

    With the example project's ids:

    Example: pcrcode import transcript entretiens/ --structure-from-name --speakers "A,B"
    """
    from pcrcode.errors import ExitCode, UsageError
    from pcrcode.transcript_import import ImportContext, Options
    from pcrcode.transcript_import.batch import expand, read_mapping
    from pcrcode.transcript_import.detect import check_format

    paths = expand(files)
    if len(paths) > 1 and interview_id is not None:
        raise UsageError("--id names one interview: import one file with it")
    if sum([structure is not None, structure_from_name, mapping is not None]) > 1:
        raise UsageError("pass one of --structure, --structure-from-name and --mapping")
    options = Options(
        speakers=tuple(s.strip() for s in (speakers or "").split(",") if s.strip()),
        speaker_map=tuple(speaker_map or ()),
        interviewer=interviewer,
        split=split,
        encoding=encoding,
        source_format=check_format(source_format) if source_format else None,
    )
    context = ImportContext.load(project_root(ctx))
    plan = _Plan(context, options, structure, structure_from_name, interview_id, language)
    if mapping is not None:
        plan.mapping = read_mapping(mapping)
    results, failed = _run(plan, paths, dry_run, replace, single=len(paths) == 1)
    if fmt is ImportReportFormat.json:
        _json(results, dry_run)
    elif dry_run and len(paths) == 1 and results:
        sys.stdout.write(results[0].text)
    if failed:
        note(f"{failed} of {len(paths)} file(s) not imported (see the errors above)")
        raise typer.Exit(int(ExitCode.DATA))


class _Plan:
    """Per file: its structure and id, from the options, its name or the mapping file."""

    def __init__(
        self,
        context: ImportContext,
        options: Options,
        structure: str | None,
        from_name: bool,
        given_id: str | None,
        language: str | None,
    ) -> None:
        self.context = context
        self.options = options
        self.structure = structure
        self.from_name = from_name
        self.given_id = given_id
        self.language = language
        self.mapping: dict[str, tuple[str, str | None]] | None = None

    def run(self, path: Path, dry_run: bool, replace: bool) -> Imported:
        from pcrcode.errors import UsageError
        from pcrcode.transcript_import import import_transcript
        from pcrcode.transcript_import.batch import structure_from_name
        from pcrcode.transcript_import.importer import interview_id

        structure, given = self.structure, self.given_id
        if self.mapping is not None:
            if path.name not in self.mapping:
                raise UsageError(f"{path}: not in the --mapping file")
            structure, given = self.mapping[path.name]
        elif self.from_name:
            structure = structure_from_name(interview_id(path, None), self.context.structures)
        return import_transcript(
            self.context, path, self.options, structure, given, self.language, dry_run, replace
        )


def _run(
    plan: _Plan, paths: list[Path], dry_run: bool, replace: bool, single: bool
) -> tuple[list[Imported], int]:
    from pcrcode.cli import _say_error
    from pcrcode.cli.output.progress import ProgressBar
    from pcrcode.errors import PcrcodeError

    results: list[Imported] = []
    failed = 0
    bar = ProgressBar("importing", "files")
    for done, path in enumerate(paths):
        bar(done, len(paths))
        try:
            result = plan.run(path, dry_run, replace)
        except PcrcodeError as exc:
            if single:
                raise
            bar.close()
            _say_error(exc)
            failed += 1
            continue
        bar.close()
        results.append(result)
        _report(result, detailed=single)
    bar.close()
    return results, failed


def _report(result: Imported, detailed: bool) -> None:
    from pcrcode.cli.transcript_report import detail_lines, summary_line

    note(summary_line(result))
    if detailed:
        for line in detail_lines(result):
            note("  " + line)


def _json(results: list[Imported], dry_run: bool) -> None:
    from pcrcode.cli.output.json_stream import write_json

    rows = [dict(r.as_dict(), **({"text": r.text} if dry_run else {})) for r in results]
    write_json(rows)
