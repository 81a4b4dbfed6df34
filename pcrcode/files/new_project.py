"""Creating projects: an empty one, or a copy of the PCR example project."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from pcrcode.errors import ConflictError, PcrcodeError
from pcrcode.files.codebook import CODEBOOK_FILE

EXAMPLE_PARTS = (
    "codebook.yaml",
    "structures.yaml",
    "synthesis.yaml",
    "findings.yaml",
    "interviews",
    "codings",
)

EMPTY_CODEBOOK = """\
# pcrcode codebook: families of codes, codes, and the attributes of the cases.
# See the README ("File formats", "Your own study"). Check it with `pcrcode check`.
pcrcode: 1
title: My study
language: en            # the language of the reports (en, fr)
families:
  themes:
    label: Themes
    definition: >-
      What the interviewees talk about. Rename this family, add others; "ordered: true" (with
      a degree on each code) makes a scale whose highest degree profiles can show.
codes:
  - id: themes/example
    label: Example theme
    short: A first code, to be replaced by the study's own.
    definition: >-
      A passage that speaks of the example theme.
    when_to_use: >-
      When the interviewee describes the theme.
    when_not_to_use: >-
      When the theme is only mentioned in passing.
    example: >-
      "We talked about it at every meeting."
attributes:
  group:
    label: Group
    required: true      # every case must have it
    values:
      a: Group A
      b: Group B
"""

EMPTY_REGISTRY = """\
# pcrcode registry: the cases and their attributes (declared in codebook.yaml).
# A case:   - {id: case-1, name: First case, group: a, interviewed: true}
pcrcode: 1
structures: []
"""

GITIGNORE = """\
# pcrcode's cache, index and lock files: local, never shared
.pcrcode/
"""


def example_source() -> Path:
    """The example project: packaged with pcrcode, or the repository root in a checkout."""
    package = Path(__file__).resolve().parent.parent  # pcrcode/
    for candidate in (package / "example", package.parent):
        if (candidate / CODEBOOK_FILE).is_file() and (candidate / "interviews").is_dir():
            return candidate
    raise PcrcodeError("the example project is not installed with this copy of pcrcode")


def init_project(target: Path, example: bool = False) -> list[Path]:
    """Create a project in ``target``; refuses to touch an existing project.

    Everything is written in a staging folder first and moved into place at the end, so an
    interruption leaves no half-made project.
    """
    if (target / CODEBOOK_FILE).exists():
        raise ConflictError(
            f"'{target}' already holds a project ({CODEBOOK_FILE}); nothing was changed"
        )
    if target.exists() and not target.is_dir():
        raise ConflictError(f"'{target}' exists and is not a folder")
    parts = EXAMPLE_PARTS if example else ()
    clash = [p for p in (*EXAMPLE_PARTS, "structures.yaml") if (target / p).exists()]
    if clash:
        raise ConflictError(
            f"'{target}' already has {', '.join(sorted(set(clash)))}; choose an empty folder"
        )
    target.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".pcrcode-init-", dir=target))
    try:
        if example:
            source = example_source()
            for part in parts:
                src = source / part
                if src.is_dir():
                    shutil.copytree(
                        src, stage / part, ignore=shutil.ignore_patterns(".*", "__pycache__")
                    )
                else:
                    shutil.copy2(src, stage / part)
        else:
            (stage / CODEBOOK_FILE).write_text(EMPTY_CODEBOOK, encoding="utf-8")
            (stage / "structures.yaml").write_text(EMPTY_REGISTRY, encoding="utf-8")
            (stage / "interviews").mkdir()
            (stage / "codings").mkdir()
        if not (target / ".gitignore").exists():
            (stage / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
        created = []
        # The codebook goes last: until it is there, the folder is not a project.
        names = sorted(os.listdir(stage), key=lambda n: n == CODEBOOK_FILE)
        for name in names:
            os.replace(stage / name, target / name)
            created.append(target / name)
        return created
    finally:
        shutil.rmtree(stage, ignore_errors=True)
