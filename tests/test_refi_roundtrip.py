"""Export then import gives back the same codebook, interviews, codings and attributes."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import Any

import pytest

from pcrcode.model import Codebook, Project
from pcrcode.project import load_project
from pcrcode.project_checks import check_project
from tests.conftest import Cli


def codebook_view(codebook: Codebook, attributes: bool = True) -> Any:
    families = {k: dataclasses.replace(v, line=0) for k, v in codebook.families.items()}
    codes = [dataclasses.replace(c, line=0) for c in codebook.codes.values()]
    attrs = (
        {
            k: (a.label, dict(a.values), a.derived_from, dict(a.mapping), a.type, a.required)
            for k, a in codebook.attributes.items()
        }
        if attributes
        else None
    )
    return codebook.title, codebook.language, families, codes, attrs, dict(codebook.aliases)


def project_view(project: Project) -> dict[str, Any]:
    return {
        "codebook": codebook_view(project.codebook),
        "turns": {i: [(t.speaker, t.text) for t in v.turns] for i, v in project.interviews.items()},
        "links": {i: v.structure for i, v in project.interviews.items()},
        "meta": {
            i: (v.date, v.interviewer, v.participants, v.language, v.illustrative)
            for i, v in project.interviews.items()
        },
        "codings": sorted(
            (
                c.coder,
                c.interview,
                c.segment,
                c.code,
                c.start,
                c.end,
                c.quote,
                c.memo,
                c.at,
                c.fingerprint,
            )
            for c in project.codings
        ),
        "structures": {
            s.id: (s.name, s.interviewed, dict(s.extra))
            for s in project.registry.structures.values()
        },
    }


@pytest.mark.parametrize("fixture", ["small", "example"])
def test_export_then_import_gives_the_project_back(
    cli: Cli, fixture: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    round_trip(cli, request.getfixturevalue(fixture), tmp_path)


def test_paragraphs_that_look_like_speakers_stay_in_their_turn(
    cli: Cli, small: Path, tmp_path: Path
) -> None:
    long_name = "Camille Arnaud de la Maison des Initiatives Locales"
    paul = "Ça marche bien.\n\nAlors voilà : on a gagné le prix.\n\nNote: vraiment."
    (small / "interviews" / "voila.md").write_text(
        f"---\nstructure: potager\ndate: 2026-03-20\n---\n\n**{long_name}:** Et alors ?\n\n"
        f"**Paul:** {paul}\n",
        encoding="utf-8",
    )
    start = paul.index("on a gagné")
    fp = hashlib.sha256(" ".join(paul.split()).encode()).hexdigest()[:8]  # the format's formula
    (small / "codings" / "camille" / "voila.yaml").write_text(
        "pcrcode: 1\ninterview: voila\ncoder: camille\ncodings:\n"
        f'- {{"segment": 2, "code": "forme/partenariat", "start": {start}, "end": {start + 10}, '
        f'"quote": "on a gagné", "fp": "{fp}", "at": "2026-04-01T10:00:00Z"}}\n',
        encoding="utf-8",
    )
    back = round_trip(cli, small, tmp_path)
    assert [(t.speaker, t.text) for t in back.interviews["voila"].turns] == [
        (long_name, "Et alors ?"),
        ("Paul", paul),
    ]


def round_trip(cli: Cli, root: Path, tmp_path: Path) -> Project:
    archive, target = tmp_path / "p.qdpx", tmp_path / "back"
    assert cli(["--project", str(root), "export", "qdpx", str(archive)]).exit_code == 0
    result = cli(["import", "qdpx", str(archive), "--into", str(target)])
    assert result.exit_code == 0, result.stderr
    assert "discarded" not in result.stderr and "warning" not in result.stderr
    original, back = load_project(root), load_project(target)
    assert project_view(back) == project_view(original)
    assert len(back.codings) == len(original.codings) > 0

    # What `check` says of the original it says of the copy (the census block does not travel).
    def rules(path: Path) -> list[tuple[str, str]]:
        return sorted(
            (f.rule, f.message) for f in check_project(path) if f.rule != "census-mismatch"
        )

    assert rules(target) == rules(root)
    # And the copy exports to the very same bytes.
    again = tmp_path / "again.qdpx"
    assert cli(["--project", str(target), "export", "qdpx", str(again)]).exit_code == 0
    assert again.read_bytes() == archive.read_bytes()
    return back


def test_codebook_round_trip_through_qdc(cli: Cli, example: Path, tmp_path: Path) -> None:
    assert cli(["--project", str(example), "export", "qdc", str(tmp_path / "c.qdc")]).exit_code == 0
    result = cli(["import", "qdc", str(tmp_path / "c.qdc"), "--into", str(tmp_path / "p")])
    assert result.exit_code == 0, result.stderr
    original = load_project(example).codebook
    back = load_project(tmp_path / "p").codebook
    assert (
        codebook_view(back, attributes=False)[2:] == codebook_view(original, attributes=False)[2:]
    )
    assert back.title == "Codebook importé"  # a .qdc has no project name
