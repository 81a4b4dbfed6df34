"""`interviews list|show`, `codebook show`, `init`: golden outputs and bad input."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli, snapshot
from tests.golden import assert_golden


def ok(args: list[str], project: Path) -> str:
    result = run_cli(["--project", str(project), *args])
    assert result.exception is None
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("interviews-list.txt", ["interviews", "list"]),
        ("interviews-list.csv", ["interviews", "list", "--format", "csv"]),
        ("interviews-show-epicerie.txt", ["interviews", "show", "epicerie"]),
        ("interviews-show-epicerie.json", ["interviews", "show", "epicerie", "--format", "json"]),
        (
            "interviews-show-velo-yanis.csv",
            ["interviews", "show", "velo", "--coder", "yanis", "--format", "csv"],
        ),
        ("codebook-show.txt", ["codebook", "show"]),
        (
            "codebook-show-definitions-forme.txt",
            ["codebook", "show", "--definitions", "--family", "forme"],
        ),
        ("codebook-show.csv", ["codebook", "show", "--format", "csv"]),
    ],
)
def test_small_project_golden(name: str, args: list[str], small: Path) -> None:
    assert_golden(f"listings/small/{name}", ok(args, small))


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("interviews-list.txt", ["interviews", "list"]),
        (
            "interviews-show-terre-et-paille.txt",
            ["interviews", "show", "terre-et-paille", "--coder", "camille"],
        ),
        ("codebook-show.txt", ["codebook", "show"]),
    ],
)
def test_example_project_golden(name: str, args: list[str]) -> None:
    assert_golden(f"listings/example/{name}", ok(args, ROOT))


def test_markup_in_transcripts_is_printed_as_text(small: Path) -> None:
    out = ok(["interviews", "show", "epicerie"], small)
    assert "[rires]" in out
    assert "[/]" in out
    assert "[inaudible]" in out


def test_table_and_json_agree(small: Path) -> None:
    table = ok(["interviews", "list"], small)
    records = json.loads(ok(["interviews", "list", "--format", "json"], small))
    rows = list(csv.DictReader(io.StringIO(ok(["interviews", "list", "--format", "csv"], small))))
    assert [(r["interview"], r["segments"], r["codings"]) for r in records] == [
        ("epicerie", 6, 16),
        ("velo", 4, 7),
    ]
    assert [(r["interview"], int(r["segments"]), int(r["codings"])) for r in rows] == [
        ("epicerie", 6, 16),
        ("velo", 4, 7),
    ]
    for r in records:
        assert f"{r['interview']} " in table
        assert f" {r['codings']} " in table


def test_codebook_usage_counts(small: Path) -> None:
    rows = {r["id"]: r for r in json.loads(ok(["codebook", "show", "--format", "json"], small))}
    # By hand from tests/data/small/codings: forme/partenariat is on epicerie 4 by camille
    # (whole segment) and by yanis (a span of the same segment): 2 codings, 1 segment.
    assert rows["forme/partenariat"]["codings"] == 2
    assert rows["forme/partenariat"]["segments"] == 1
    assert rows["forme/echange-informations"]["segments"] == 2
    assert rows["forme/echange-informations"]["interviews"] == 2
    assert rows["logique/reseau"]["codable"] is False
    assert rows["forme/mutualisation"]["degree"] == 3


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["interviews", "show", "nope"],
            2,
            "pcrcode: error: unknown interview 'nope'; see `pcrcode interviews list`\n",
        ),
        (
            ["interviews", "show", "velo", "--coder", "zoe"],
            2,
            "pcrcode: error: no codings by coder 'zoe' (coders: camille, yanis)\n",
        ),
        (
            ["codebook", "show", "--family", "formes"],
            2,
            "pcrcode: error: unknown code family 'formes' (families: forme, objet, logique, "
            "portee); did you mean forme, portee?\n",
        ),
        (
            ["codings", "--code", "nope/x"],
            2,
            "pcrcode: error: unknown code 'nope/x'; see `pcrcode codebook show`\n",
        ),
        (["interviews", "list", "--format", "xml"], 2, None),
    ],
)
def test_bad_input(args: list[str], code: int, message: str | None, small: Path) -> None:
    before = snapshot(small)
    result = run_cli(["--project", str(small), *args])
    assert result.exception is None
    assert result.exit_code == code
    assert result.stdout == ""
    if message is not None:
        assert result.stderr == message
    else:
        assert "Invalid value" in result.stderr
    assert snapshot(small) == before


def test_init_empty_project_is_clean(tmp_path: Path) -> None:
    target = tmp_path / "new"
    result = run_cli(["init", str(target)])
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in target.iterdir()) == [
        ".gitignore",
        "codebook.yaml",
        "codings",
        "interviews",
        "structures.yaml",
    ]
    check = run_cli(["--project", str(target), "check"])
    assert (check.exit_code, check.stdout) == (0, "")


def test_init_example_copies_the_example(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    result = run_cli(["init", "--example", str(target)])
    assert result.exit_code == 0, result.stderr
    for part in ("codebook.yaml", "structures.yaml", "findings.yaml"):
        assert (target / part).read_bytes() == (ROOT / part).read_bytes()
    assert len(list((target / "interviews").iterdir())) == 18
    check = run_cli(["--project", str(target), "check"])
    assert (check.exit_code, check.stdout) == (0, "")


def test_init_refuses_an_existing_project(small: Path) -> None:
    before = snapshot(small)
    result = run_cli(["init", str(small)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"pcrcode: error: '{small}' already holds a project (codebook.yaml); nothing was changed\n"
    )
    assert snapshot(small) == before


def test_init_refuses_a_folder_with_interviews(tmp_path: Path) -> None:
    (tmp_path / "interviews").mkdir()
    (tmp_path / "interviews" / "mine.md").write_text("x", encoding="utf-8")
    before = snapshot(tmp_path)
    result = run_cli(["init", str(tmp_path)])
    assert result.exit_code == 1
    assert "already has interviews" in result.stderr
    assert snapshot(tmp_path) == before
