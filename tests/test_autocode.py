"""``pcrcode autocode``: coding the turns a regular expression matches."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pcrcode.coding.autocode import compile_pattern, find_in_text, fold
from pcrcode.errors import UsageError
from tests.conftest import run_cli, snapshot
from tests.golden import assert_golden


def autocode(small: Path, *args: str, coder: str = "zoe") -> tuple[int, str, str]:
    run = run_cli(["autocode", *args, "--coder", coder], cwd=small)
    assert run.exception is None
    return run.exit_code, run.stdout, run.stderr


def records(path: Path) -> list[dict[str, object]]:
    return [
        json.loads(line[2:])
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("- {")
    ]


def test_dry_run_lists_and_writes_nothing(small: Path) -> None:
    before = snapshot(small)
    code, out, err = autocode(
        small, "partage", "objet/immobilier", "--dry-run", "-f", "json", coder="camille"
    )
    assert code == 0
    # "partage" is in epicerie 4 (camille coded it objet/immobilier already) and velo 2
    assert json.loads(out) == [
        {
            "interview": "epicerie",
            "segment": 4,
            "speaker": "Léa",
            "code": "objet/immobilier",
            "matches": ["partage"],
            "status": "already-coded",
        },
        {
            "interview": "velo",
            "segment": 2,
            "speaker": "Marc",
            "code": "objet/immobilier",
            "matches": ["partage"],
            "status": "new",
        },
    ]
    assert err == (
        "camille: would add objet/immobilier to 1 segment(s) in 1 interview(s); "
        "1 already coded; 2 matching\n"
    )
    assert snapshot(small) == before


def test_dry_run_table_and_csv(small: Path) -> None:
    code, out, _ = autocode(small, r"\bon\b", "forme/mutualisation", "-I", "--dry-run")
    assert code == 0
    assert_golden("autocode/dry-run-on.txt", out)
    code, out, _ = autocode(
        small, r"\bon\b", "forme/mutualisation", "-I", "--dry-run", "--speaker", "marc", "-f", "csv"
    )
    # velo 2 "On a un camion à trois, on le partage..." and velo 4 "On échange..."
    assert out == (
        "interview,segment,speaker,code,matches,status\n"
        "velo,2,Marc,forme/mutualisation,On;on,new\n"
        "velo,4,Marc,forme/mutualisation,On,new\n"
    )


def test_ignore_case_and_accents(small: Path) -> None:
    _, out, _ = autocode(
        small, "cooperatives", "portee/intra-sectorielle", "--dry-run", "-f", "csv"
    )
    assert out == "interview,segment,speaker,code,matches,status\n"
    _, out, _ = autocode(
        small,
        "cooperatives",
        "portee/intra-sectorielle",
        "--dry-run",
        "--ignore-accents",
        "-f",
        "csv",
    )
    # the matched words are shown as written in the transcript, accent included
    assert out.splitlines()[1] == "velo,1,Yanis,portee/intra-sectorielle,coopératives,new"
    _, out, _ = autocode(
        small, "ECHANGE", "forme/echange-informations", "--dry-run", "-A", "-I", "-f", "csv"
    )
    assert out.splitlines()[1:] == ["velo,4,Marc,forme/echange-informations,échange,new"]
    _, out, _ = autocode(
        small, "ECHANGE", "forme/echange-informations", "--dry-run", "-A", "-f", "csv"
    )
    assert out.splitlines()[1:] == []


def test_codes_whole_segments_with_coder_and_memo(small: Path) -> None:
    code, out, err = autocode(small, "partage", "objet/immobilier", "-f", "csv")
    assert code == 0
    assert out == (
        "interview,segment,speaker,code,matches,status\n"
        "epicerie,4,Léa,objet/immobilier,partage,new\n"
        "velo,2,Marc,objet/immobilier,partage,new\n"
    )
    assert err == (
        "zoe: added objet/immobilier to 2 segment(s) in 2 interview(s); 0 already "
        "coded; 2 matching\n"
    )
    for interview, segment, fp in (("epicerie", 4, "66a2669b"), ("velo", 2, "96acfe65")):
        [rec] = records(small / "codings" / "zoe" / f"{interview}.yaml")
        assert {k: rec[k] for k in ("segment", "code", "fp", "memo")} == {
            "segment": segment,
            "code": "objet/immobilier",
            "fp": fp,
            "memo": "autocode: partage",
        }
        assert "start" not in rec
    listed = run_cli(["codings", "--coder", "zoe", "-f", "csv"], cwd=small).stdout
    assert listed.count("objet/immobilier,zoe") == 2
    # a second run finds them coded and writes nothing
    before = snapshot(small)
    _, out, _ = autocode(small, "partage", "objet/immobilier", "-f", "csv")
    assert out.count("already-coded") == 2
    assert snapshot(small) == before


def test_existing_codings_keep_their_memo(small: Path) -> None:
    epicerie = small / "codings" / "camille" / "epicerie.yaml"
    before = epicerie.read_bytes()
    code, _, _ = autocode(small, "partage", "objet/immobilier", coder="camille")
    assert code == 0
    assert epicerie.read_bytes() == before  # already coded there, memo untouched
    velo = records(small / "codings" / "camille" / "velo.yaml")
    assert [(r["segment"], r["code"]) for r in velo] == [
        (2, "forme/mutualisation"),
        (2, "objet/immobilier"),
        (4, "forme/echange-informations"),
        (4, "objet/information-competences"),
        (4, "portee/intra-sectorielle"),
    ]


def test_interview_filter(small: Path) -> None:
    _, out, _ = autocode(small, "le", "forme/partenariat", "--dry-run", "-i", "velo", "-f", "csv")
    # velo 1 "les autres", 2 "on le partage", 3 "les informations", 4 "le même": only velo
    # is searched, though epicerie has "le" too
    assert [line.split(",")[:2] for line in out.splitlines()[1:]] == [
        ["velo", "1"],
        ["velo", "2"],
        ["velo", "3"],
        ["velo", "4"],
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["part(", "objet/immobilier"],
            "the pattern 'part(' does not compile: missing ), "
            "unterminated subpattern at position 4",
        ),
        (
            ["[a-", "objet/immobilier"],
            "the pattern '[a-' does not compile: unterminated character set at position 0",
        ),
        (["", "objet/immobilier"], "the pattern is empty"),
        (
            ["partage", "objet/immobiler"],
            "unknown code 'objet/immobiler'; did you mean objet/immobilier?",
        ),
        (
            ["partage", "logique/reseau"],
            "'logique/reseau' is not codable (it groups other codes): "
            "use logique/reseau/affinitaire",
        ),
        (
            ["partage", "objet/immobilier", "-i", "velos"],
            "unknown interview 'velos' (did you mean 'velo'?); see `pcrcode interviews list`",
        ),
        (
            ["partage", "objet/immobilier", "--speaker", "Bob"],
            "no turn by speaker 'Bob' in the interviews searched",
        ),
    ],
)
def test_bad_input_writes_nothing(small: Path, args: list[str], message: str) -> None:
    before = snapshot(small)
    code, out, err = autocode(small, *args)
    assert (code, out) == (2, "")
    assert err == f"pcrcode: error: {message}\n"
    assert snapshot(small) == before


def test_fold_maps_back_to_the_original_text() -> None:
    assert fold("Coopé") == ("Coope", [0, 1, 2, 3, 4])
    decomposed = "la coope\u0301ration"  # é as e + combining acute
    regex = compile_pattern("cooperation", ignore_accents=True)
    assert find_in_text(regex, decomposed, ignore_accents=True) == ["coope\u0301ration"]
    regex = compile_pattern("coopé", ignore_case=True, ignore_accents=True)
    assert find_in_text(regex, "COOPE et Coopé", ignore_accents=True) == ["COOPE", "Coopé"]
    with pytest.raises(UsageError):
        compile_pattern("(?P<x")
