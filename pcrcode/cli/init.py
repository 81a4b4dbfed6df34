"""``pcrcode init``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pcrcode.cli.common import note


def register(app: typer.Typer) -> None:
    app.command("init")(init)


def init(
    directory: Annotated[Path, typer.Argument(help="Folder of the new project.")] = Path("."),
    example: Annotated[
        bool, typer.Option("--example", help="Copy the illustrative PCR example project.")
    ] = False,
) -> None:
    """Create a project: codebook.yaml, structures.yaml, interviews/, codings/.

    Example: pcrcode init --example demo && cd demo && pcrcode report
    """
    from pcrcode.files.new_project import init_project

    created = init_project(directory, example=example)
    for path in created:
        note(f"created {path}")
