"""``pcrcode agreement`` and ``pcrcode agreement disagreements`` from the command line.

The numbers are checked by hand in test_agreement.py; here: the outputs on the example project
(golden files, PCRCODE_UPDATE_GOLDEN=1 rewrites them), the CI gate and every bad input.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from pcrcode.model import Interview
from tests.conftest import Cli, Run, snapshot
from tests.golden import assert_golden

LEFT_OUT = (
    "note: left out 13 interviews not coded by every compared coder: amap-belledonne (camille), "
    "batir-ensemble (camille), charpentes-vercors (camille), consomm-acteurs (camille), "
    "courant-alpin (camille), eco-batisseurs (camille), energies-partagees (camille), "
    "ferme-en-ville (camille), grenier-cooperatif (camille), habitat-entraide (camille), "
    "mobil-alpes (camille), recyclerie-des-cimes (camille), roule-ensemble (camille)\n"
)
DOUBLE_FORME = (
    "note: family forme: 1 segment with two or more of its codes from one coder "
    "(counted as their own '+' value)\n"
)
DOUBLE = [
    "jardins-du-drac",
    "atelier-velo-nomade",
    "maison-initiatives",
    "panier-solidaire",
    "terre-et-paille",
]


def ok(run: Run) -> Run:
    assert run.exception is None, run.exception
    assert run.exit_code == 0, run.stderr
    return run


# The example project: five interviews coded by camille and yanis -----------------------------


@pytest.mark.parametrize(
    "fmt,ext", [("table", "txt"), ("json", "json"), ("csv", "csv"), ("markdown", "md")]
)
def test_example_report(cli: Cli, example: Path, fmt: str, ext: str) -> None:
    run = ok(cli(["agreement", "--format", fmt], cwd=example))
    assert run.stderr == LEFT_OUT
    assert_golden(f"agreement/example-report.{ext}", run.stdout)


def test_example_report_json_content(cli: Cli, example: Path) -> None:
    data = json.loads(ok(cli(["agreement", "-f", "json"], cwd=example)).stdout)
    assert data["coders"] == ["camille", "yanis"]
    assert data["unit"] == "segment"
    assert data["interviews"] == sorted(DOUBLE)
    assert [x["interview"] for x in data["left_out"]][:2] == ["amap-belledonne", "batir-ensemble"]
    assert all(x["coded_by"] == ["camille"] for x in data["left_out"])
    assert len(data["left_out"]) == 13
    assert (data["min_alpha"], data["below_min_alpha"]) == (None, [])
    # 18 codes, 2 exclusive families and the pooled figure, each over two scopes.
    assert len(data["rows"]) == 2 * (18 + 2 + 1)
    unused = next(r for r in data["rows"] if r["variable"] == "objet/financier")
    assert unused["alpha"] is None and unused["alpha_reason"] == "no coder applied this code"
    pooled = data["rows"][-2]
    assert (pooled["variable"], pooled["scope"], pooled["units"]) == ("pooled", "all", 118 * 18)


def test_example_table_shows_reasons_for_undefined(cli: Cli, example: Path) -> None:
    run = ok(cli(["agreement", "--code", "objet/financier"], cwd=example))
    lines = run.stdout.splitlines()
    assert lines[3].split() == ["objet/financier", "all", "118", "1", "n/a", "[1]", "n/a", "[1]"]
    assert lines[5].split()[:3] == ["pooled", "all", "118"]  # one code: pooled is the same
    assert [line.strip() for line in lines[-2:]] == [
        "[1] no coder applied this code",
        "[2] no coder applied any of these codes",
    ]
    assert not re.search(r"\bnan\b", run.stdout, re.IGNORECASE)


def test_example_character_unit(cli: Cli, example: Path) -> None:
    run = ok(cli(["agreement", "--unit", "character", "-f", "json"], cwd=example))
    assert_golden("agreement/example-character.json", run.stdout)
    data = json.loads(run.stdout)
    chars = sum(len(t.text) for i in DOUBLE for t in _interview(example, i).turns)
    assert data["rows"][0]["units"] == chars


def _interview(root: Path, iid: str) -> Interview:
    from pcrcode.project import load_project

    return load_project(root).interviews[iid]


@pytest.mark.parametrize(
    "fmt,ext", [("table", "txt"), ("json", "json"), ("csv", "csv"), ("markdown", "md")]
)
def test_example_disagreements(cli: Cli, example: Path, fmt: str, ext: str) -> None:
    run = ok(cli(["agreement", "disagreements", "--format", fmt], cwd=example))
    assert run.stderr == LEFT_OUT
    assert_golden(f"agreement/example-disagreements.{ext}", run.stdout)


def test_example_disagreements_csv_rows(cli: Cli, example: Path) -> None:
    run = ok(cli(["agreement", "disagreements", "-f", "csv"], cwd=example))
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    report = json.loads(ok(cli(["agreement", "-f", "json"], cwd=example)).stdout)
    # Two coders, segment unit: one disagreement per segment and code with a 1 and a 0,
    # which is what separates agreement from 1 in the pooled 'all' row.
    pooled = report["rows"][-2]
    assert len(rows) == round((1 - pooled["agreement"]) * pooled["units"])
    assert {r["applied_by"] for r in rows} == {"camille", "yanis"}
    assert all(r["start"] == r["end"] == "" for r in rows)


def test_example_disagreements_character_markdown(cli: Cli, example: Path) -> None:
    run = ok(
        cli(
            [
                "agreement",
                "disagreements",
                "--unit",
                "character",
                "--interview",
                "jardins-du-drac",
                "--family",
                "forme",
                "-f",
                "markdown",
            ],
            cwd=example,
        )
    )
    assert run.stderr == ""
    assert_golden("agreement/example-disagreements-character.md", run.stdout)


# The small fixture: numbers checked by hand in test_agreement.py ------------------------------


def test_small_report_table(cli: Cli, small: Path) -> None:
    run = ok(cli(["agreement"], cwd=small))
    assert run.stderr == DOUBLE_FORME
    assert_golden("agreement/small-report.txt", run.stdout)


def test_small_disagreements_table(cli: Cli, small: Path) -> None:
    run = ok(cli(["agreement", "disagreements", "--unit", "character"], cwd=small))
    assert run.stderr == ""
    assert_golden("agreement/small-disagreements-character.txt", run.stdout)


def test_small_csv_is_tidy(cli: Cli, small: Path) -> None:
    run = ok(
        cli(
            [
                "agreement",
                "--coders",
                "camille",
                "--coders",
                "yanis",
                "--code",
                "logique/territoriale",
                "-f",
                "csv",
            ],
            cwd=small,
        )
    )
    assert run.stdout == (
        "variable,kind,scope,units,agreement,agreement_reason,kappa,kappa_reason,alpha,"
        "alpha_reason,doubly_coded\n"
        "logique/territoriale,code,all,10,0.8,,-0.1111111111111111,,-0.05555555555555555,,\n"
        "logique/territoriale,code,coded,5,0.6,,-0.25,,-0.125,,\n"
        "pooled,pooled,all,10,0.8,,-0.1111111111111111,,-0.05555555555555555,,\n"
        "pooled,pooled,coded,5,0.6,,-0.25,,-0.125,,\n"
    )


# The CI gate -----------------------------------------------------------------------------------


def test_gate_fails_below_minimum(cli: Cli, small: Path) -> None:
    run = cli(["agreement", "--min-alpha", "0.5", "-f", "json"], cwd=small)
    assert run.exception is None
    assert run.exit_code == 1
    assert run.stderr == DOUBLE_FORME + (
        "pcrcode: alpha below 0.5: logique/territoriale (all) -0.056, "
        "logique/territoriale (coded) -0.125\n"
    )
    data = json.loads(run.stdout)  # the report is still written
    assert data["min_alpha"] == 0.5
    assert data["below_min_alpha"] == [
        {"variable": "logique/territoriale", "scope": "all", "alpha": -1 / 18},
        {"variable": "logique/territoriale", "scope": "coded", "alpha": -0.125},
    ]


def test_gate_passes(cli: Cli, small: Path) -> None:
    run = ok(cli(["agreement", "--min-alpha", "-0.2", "--code", "forme"], cwd=small))
    assert run.stderr == ""


def test_gate_ignores_undefined_alphas_but_says_so(cli: Cli, example: Path) -> None:
    run = ok(
        cli(
            [
                "agreement",
                "--min-alpha",
                "0.9",
                "--code",
                "objet/financier",
                "--interview",
                "jardins-du-drac",
            ],
            cwd=example,
        )
    )
    assert run.stderr == (
        "note: alpha undefined, not gated: objet/financier (all), "
        "objet/financier (coded), pooled (all), pooled (coded)\n"
    )


# Bad input: one line on stderr, nothing on stdout, nothing written ------------------------------

BAD = [
    (
        ["agreement", "--coders", "camille"],
        2,
        "agreement compares at least two coders, got only 'camille': name another with --coders",
    ),
    (
        ["agreement", "--coders", "camille,yannis"],
        2,
        "unknown coder 'yannis' (coders: camille, yanis) (did you mean 'yanis'?)",
    ),
    (
        ["agreement", "disagreements", "--coders", "zoe", "--coders", "camille"],
        2,
        "unknown coder 'zoe' (coders: camille, yanis)",
    ),
    (
        ["agreement", "--unit", "paragraph"],
        2,
        "unit 'paragraph' does not apply: use segment or character",
    ),
    (
        ["agreement", "disagreements", "--unit", "words"],
        2,
        "unit 'words' does not apply: use segment or character",
    ),
    (
        ["agreement", "--code", "forme/partenaria"],
        2,
        "unknown code 'forme/partenaria'; did you mean forme/partenariat, forme/integration, "
        "forme/cooperation?",
    ),
    (
        ["agreement", "--family", "formes"],
        2,
        "unknown code family 'formes' (families: forme, objet, logique, portee); "
        "did you mean forme, portee?",
    ),
    (
        ["agreement", "--interview", "nope"],
        2,
        "unknown interview 'nope'; see `pcrcode interviews list`",
    ),
    (
        ["agreement", "--interview", "amap-belledonne"],
        1,
        "interview 'amap-belledonne' was not coded by yanis: agreement compares interviews that "
        "every coder coded",
    ),
    (["agreement", "--min-alpha", "nan"], 2, "--min-alpha nan is not between -1 and 1"),
    (["agreement", "--min-alpha", "67"], 2, "--min-alpha 67.0 is not between -1 and 1"),
    (
        ["agreement", "--unit", "character", "disagreements"],
        2,
        "put the options after 'disagreements': pcrcode agreement disagreements [OPTIONS]",
    ),
]


@pytest.mark.parametrize("args,code,message", BAD, ids=[" ".join(b[0][1:]) for b in BAD])
def test_bad_input(cli: Cli, example: Path, args: list[str], code: int, message: str) -> None:
    before = snapshot(example)
    run = cli(args, cwd=example)
    assert run.exception is None
    assert (run.exit_code, run.stdout) == (code, "")
    assert run.stderr == f"pcrcode: error: {message}\n"
    assert snapshot(example) == before


def test_fewer_than_two_coders_with_codings(cli: Cli, small: Path) -> None:
    shutil.rmtree(small / "codings" / "yanis")
    before = snapshot(small)
    for args in (["agreement"], ["agreement", "disagreements"]):
        run = cli(args, cwd=small)
        assert (run.exit_code, run.stdout) == (1, "")
        assert run.stderr == (
            "pcrcode: error: agreement needs codings by at least two coders; "
            "this project has codings by camille\n"
        )
    assert snapshot(small) == before


def test_no_interview_coded_by_both(cli: Cli, small: Path) -> None:
    (small / "codings" / "camille" / "velo.yaml").unlink()
    (small / "codings" / "yanis" / "epicerie.yaml").unlink()
    run = cli(["agreement"], cwd=small)
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.stderr == (
        "pcrcode: error: no interview was coded by every compared coder "
        "(camille, yanis): nothing to compare\n"
    )


def test_help_has_definitions_and_example(cli: Cli) -> None:
    run = ok(cli(["agreement", "--help"]))
    text = " ".join(run.stdout.split())
    assert "Pooled: every (unit, code) pair of the reported codes is one binary decision" in text
    assert "Krippendorff's alpha: nominal, two or more coders" in text
    assert "'coded' (the units some compared coder applied any code to" in text
    assert "Example: pcrcode agreement --coder camille,yanis --min-alpha 0.667" in text
    assert "disagreements" in text
