"""``pcrcode import transcript``: bring a transcription service's export into the project."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from pcrcode.cli.apps import import_app
from pcrcode.cli.common import note, project_root


@import_app.command("transcript")
def transcript(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A .txt, .md, .vtt or .srt transcript.")],
    structure: Annotated[
        str | None, typer.Option("--structure", "-s", help="The structure interviewed.")
    ] = None,
    interview_id: Annotated[
        str | None, typer.Option("--id", help="Interview id (default: from the file name).")
    ] = None,
    speaker_map: Annotated[
        list[str] | None,
        typer.Option("--speaker-map", "-m", metavar="OLD=NEW", help="Rename a speaker (repeat)."),
    ] = None,
    language: Annotated[
        str | None, typer.Option("--language", help="Language (default: the codebook's).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Print the interview file; write nothing.")
    ] = False,
) -> None:
    """Import a transcript (Speaker: text, WebVTT, SRT, Markdown) as interviews/ID.md.

    Speakers are normalised, timestamps kept in the front matter (times:). Never overwrites.

    With the example project's ids:

    Example: pcrcode import transcript entretien.vtt -s jardins-du-drac -m "Speaker 1=Martine"
    """
    from pcrcode.transcript_import import import_transcript

    root = project_root(ctx)
    result = import_transcript(
        root,
        file,
        structure=structure,
        interview_id=interview_id,
        speaker_map=speaker_map or (),
        language=language,
        dry_run=dry_run,
    )
    if dry_run:
        sys.stdout.write(result.text)
    who = ", ".join(f"{name} ({n})" for name, n in result.speakers)
    verb = "would import" if dry_run else "imported"
    note(
        f"{verb} {result.turns} turns from {file.name} ({result.kind}) into "
        f"interviews/{result.interview}.md; speakers: {who}"
    )
    if "structure:" not in result.text.split("\n---\n", 1)[0]:
        note("no structure: add 'structure: <id>' to its front matter (or pass --structure)")
