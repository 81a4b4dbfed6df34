"""``pcrcode init``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pcrcode.choices import Forge
from pcrcode.cli.common import note

app = typer.Typer()


@app.command("init")
def init(
    directory: Annotated[
        Path, typer.Argument(metavar="DIR", help="Folder of the new project.")
    ] = Path("."),
    example: Annotated[
        bool, typer.Option("--example", help="Copy the illustrative PCR example project.")
    ] = False,
    ci: Annotated[
        Forge | None,
        typer.Option(
            "--ci",
            help="Also write a CI workflow for this forge (github or gitlab); on an existing "
            "project, write only that.",
        ),
    ] = None,
    min_alpha: Annotated[
        float | None,
        typer.Option(
            "--min-alpha",
            metavar="ALPHA",
            min=0.0,
            max=1.0,
            help="With --ci: fail the pipeline when an agreement alpha falls below this.",
        ),
    ] = None,
) -> None:
    """Create a project: codebook.yaml, structures.yaml, interviews/, codings/.

    In a git repository, also declares pcrcode's merge driver (as `pcrcode git setup` does).

    Example: pcrcode init --example demo && cd demo && pcrcode report
    """
    from pcrcode.files.codebook import CODEBOOK_FILE
    from pcrcode.files.new_project import init_project
    from pcrcode.git import ci as ci_templates
    from pcrcode.git.setup import repository_root, setup

    if ci is not None and (directory / CODEBOOK_FILE).is_file():
        note(f"created {ci_templates.write(ci, directory, min_alpha)}")
        return
    created = init_project(directory, example=example)
    for path in created:
        note(f"created {path}")
    if repository_root(directory.resolve()) is not None:
        for line in setup(directory):
            note(line)
    if ci is not None:
        note(f"created {ci_templates.write(ci, directory, min_alpha)}")
