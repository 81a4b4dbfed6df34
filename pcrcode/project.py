"""Finding and loading a whole project: codebook, registry, transcripts and codings."""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

from pcrcode import codings as codings_io
from pcrcode.codebook import CODEBOOK_FILE, load_codebook
from pcrcode.diagnostics import Diagnostics
from pcrcode.errors import FileFormatError, ProjectNotFound
from pcrcode.model import Coding, Interview, Project, Registry
from pcrcode.registry import load_registry
from pcrcode.transcripts import interview_files, parse_interview


def find_root(start: Path | None = None, explicit: Path | None = None) -> Path:
    """The project folder: ``explicit`` (``--project``), else the nearest folder upward holding
    ``codebook.yaml``, starting from ``start`` (the working directory) or ``$PCRCODE_PROJECT``."""
    if explicit is None and os.environ.get("PCRCODE_PROJECT"):
        explicit = Path(os.environ["PCRCODE_PROJECT"])
    if explicit is not None:
        if not (explicit / CODEBOOK_FILE).is_file():
            raise ProjectNotFound(
                f"no {CODEBOOK_FILE} in '{explicit}': is it a pcrcode project? "
                "(`pcrcode init DIR` creates one)"
            )
        return explicit.resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CODEBOOK_FILE).is_file():
            return folder
    raise ProjectNotFound(
        f"no {CODEBOOK_FILE} here or in any parent folder of '{here}': run pcrcode inside a "
        "project, pass --project DIR, or create one with `pcrcode init`"
    )


def load_project(root: Path, diag: Diagnostics | None = None) -> Project:
    """Load everything. Problems in single files or items go to ``diag`` and the item is skipped,
    so that the linter can report them all; only an unreadable codebook is fatal."""
    diag = diag if diag is not None else Diagnostics(root)
    codebook = load_codebook(root, diag)
    registry = _guard(diag, lambda: load_registry(root, codebook, diag)) or Registry({})
    interviews: dict[str, Interview] = {}
    for path in interview_files(root):
        interview = _guard(diag, partial(parse_interview, path, diag))
        if interview is None:
            continue
        if interview.id in interviews:
            diag.error(path, 1, f"interview '{interview.id}' also has the transcript "
                       f"{diag.rel(interviews[interview.id].path)}: keep one", "duplicate-id")
            continue
        interviews[interview.id] = interview
    all_codings: list[Coding] = []
    for path in codings_io.coding_files(root):
        found = _guard(diag, partial(codings_io.read, path, diag))
        if found:
            all_codings.extend(found)
    return Project(root=root, codebook=codebook, registry=registry, interviews=interviews,
                   codings=tuple(all_codings))


T = TypeVar("T")


def _guard(diag: Diagnostics, load: Callable[[], T]) -> T | None:
    try:
        return load()
    except FileFormatError as exc:
        path = exc.path if exc.path is not None else "?"
        rule = "encoding" if "UTF-8" in exc.message else "syntax"
        diag.error(path, (exc.line or 1, exc.col or 1), exc.message, rule)
        return None
