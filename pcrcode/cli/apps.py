"""Command groups shared by several command modules (each module attaches its own commands)."""

from __future__ import annotations

import typer

import_app = typer.Typer(
    help="Bring data into pcrcode: REFI-QDA files, transcripts.", no_args_is_help=True
)
export_app = typer.Typer(
    help="Write the project for other tools: REFI-QDA, tidy CSV.", no_args_is_help=True
)
