"""Coding rounds: a coder's second pass is stored apart, compared with the first, counted last."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ROOT, copy_project, run_cli

IV = "jardins-du-drac"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(ROOT, tmp_path / "projet")


def cli(project: Path, *args: str) -> tuple[int, str, str]:
    result = run_cli(["--project", str(project), *args])
    assert result.exception is None
    return result.exit_code, result.stdout, result.stderr


def first_round(project: Path) -> list[dict[str, object]]:
    text = (project / f"codings/camille/{IV}.yaml").read_text(encoding="utf-8")
    return [json.loads(line[2:]) for line in text.splitlines() if line.startswith("- {")]


def test_round_two_is_its_own_coding_file(project: Path) -> None:
    code, _, err = cli(
        project, "tag", IV, "4", "forme/partenariat", "--coder", "camille", "--round", "2"
    )
    assert code == 0, err
    path = project / f"codings/camille@2/{IV}.yaml"
    assert "coder: camille@2\n" in path.read_text(encoding="utf-8")
    assert cli(project, "check") == (0, "", "")
    # Round 1 is the plain name, and PCRCODE_ROUND says the same as --round.
    result = run_cli(
        ["--project", str(project), "tag", IV, "5", "forme/partenariat", "--coder", "camille"],
        env={"PCRCODE_ROUND": "2"},
    )
    assert result.exit_code == 0
    assert 'segment": 5' in path.read_text(encoding="utf-8")


def test_reports_count_the_latest_round(project: Path) -> None:
    # Round 2 of one interview: a single coding, where round 1 has many.
    code, _, err = cli(
        project, "tag", IV, "4", "forme/partenariat", "--coder", "camille", "--round", "2"
    )
    assert code == 0, err
    code, out, err = cli(project, "codings", "--interview", IV, "--format", "json")
    assert code == 0
    code, out, err = cli(project, "frequencies", "--format", "json")
    assert code == 0, err
    counted = {row["code"]: row["interviews"] for row in json.loads(out)}
    before = json.loads(
        cli(copy_project(ROOT, project.parent / "avant"), "frequencies", "-f", "json")[1]
    )
    # Every code camille applied to that interview in round 1, but not in round 2, loses it.
    round_one = {r["code"] for r in first_round(project)}
    for row in before:
        if row["code"] in round_one and not "forme/partenariat".startswith(row["code"]):
            assert counted[row["code"]] == row["interviews"] - 1, row["code"]
    assert "left out: camille's 1 interview coded again in a later round" in err


def test_intra_coder_agreement_compares_two_rounds(project: Path) -> None:
    # Round 2 repeats round 1 exactly, except one code left out on one segment.
    records = first_round(project)
    dropped = records[0]
    for r in records:
        if r is dropped:
            continue
        args = ["tag", IV, str(r["segment"]), str(r["code"]), "--coder", "camille", "--round", "2"]
        if "quote" in r:
            args += ["--quote", str(r["quote"])]
        assert cli(project, *args)[0] == 0
    code, out, err = cli(
        project,
        "agreement",
        "--coders",
        "camille,camille@2",
        "--code",
        str(dropped["code"]),
        "--format",
        "json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["coders"] == ["camille", "camille@2"]
    [row] = [r for r in data["rows"] if r["variable"] == dropped["code"] and r["scope"] == "all"]
    segments = data["rows"][0]["units"]
    # Two coders, one code, segment units: one disagreement among all units.
    assert row["agreement"] == pytest.approx((row["units"] - 1) / row["units"])
    assert segments >= row["units"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--coder", "camille@1"],
            "bad coder name 'camille@1': '@' is followed by a round number from 2 "
            "(round 1 is plain 'camille')",
        ),
        (
            ["--coder", "camille@x"],
            "bad coder name 'camille@x': '@' is followed by a round number from 2 "
            "(round 1 is plain 'camille')",
        ),
        (
            ["--coder", "camille@2", "--round", "3"],
            "'camille@2' names a round already: drop --round, or the '@' part",
        ),
    ],
)
def test_bad_rounds_are_usage_errors(project: Path, args: list[str], message: str) -> None:
    code, out, err = cli(project, "tag", IV, "4", "forme/partenariat", *args)
    assert (code, out, err) == (2, "", f"pcrcode: error: {message}\n")
    assert not any(p.name.startswith("camille@") for p in (project / "codings").iterdir())


def test_round_zero_is_refused_by_the_option(project: Path) -> None:
    code, _, err = cli(
        project, "tag", IV, "4", "forme/partenariat", "--coder", "camille", "--round", "0"
    )
    assert code == 2
    assert "--round" in err


def test_check_reports_a_badly_named_round_folder(project: Path) -> None:
    folder = project / "codings/camille@02"
    folder.mkdir()
    text = (project / f"codings/camille/{IV}.yaml").read_text(encoding="utf-8")
    (folder / f"{IV}.yaml").write_text(text.replace("coder: camille", "coder: camille@02"), "utf-8")
    code, out, _ = cli(project, "check")
    assert code == 1
    assert (
        f"codings/camille@02/{IV}.yaml:1:1: error: bad coder name 'camille@02' (folder name): "
        "use a-z, 0-9, - and _, and @N for a coding round N from 2 [bad-id]"
    ) in out.splitlines()
