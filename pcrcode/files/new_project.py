"""Creating projects: an empty one, or a copy of the PCR example project."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from pcrcode.errors import ConflictError, PcrcodeError
from pcrcode.files.codebook import CODEBOOK_FILE

EXAMPLE_PARTS = ("codebook.yaml", "structures.yaml", "interviews", "codings")

EMPTY_CODEBOOK = """\
# pcrcode codebook: families of codes, codes, and the attributes of the cases (structures).
# See the README, "File formats". Check it with `pcrcode check`.
pcrcode: 1
title: Mon projet
language: fr
families:
  forme:
    label: Forme de coopération
    ordered: true
    definition: >-
      Le degré d'intégration de la relation entre structures.
codes:
  - id: forme/echange-informations
    label: Échange d'informations
    degree: 1
    short: Les structures partagent informations et connaissances.
    definition: >-
      Mise à disposition de savoirs, sans création commune.
    when_to_use: >-
      Quand l'entretien décrit un partage de pratiques ou d'informations.
    when_not_to_use: >-
      Quand un projet commun est réalisé (partenariat).
    example: >-
      « On s'appelle pour se passer les bons plans. »
attributes:
  statut:
    label: Statut
    values:
      association: Association
      scop: SCOP
  domaine:
    label: Domaine
    values:
      alimentation: Alimentation
"""

EMPTY_REGISTRY = """\
# pcrcode registry: the structures (cases) and their attributes.
pcrcode: 1
structures: []
"""

GITIGNORE = """\
# pcrcode's cache and lock files: local, never shared
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
