"""``pcrcode export csv``: tidy tables for R and pandas."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.conftest import Cli, snapshot
from tests.golden import assert_golden


def export(cli: Cli, root: Path, folder: Path) -> dict[str, str]:
    result = cli(["--project", str(root), "export", "csv", str(folder)])
    assert result.exit_code == 0, result.stderr
    assert result.exception is None
    assert result.stdout == ""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())}


def test_small_tables(cli: Cli, small: Path, tmp_path: Path) -> None:
    out = tmp_path / "tables"
    result = cli(["--project", str(small), "export", "csv", str(out)])
    assert result.exit_code == 0
    assert result.stderr == "".join(
        f"wrote {out / name} ({n} rows)\n"
        for name, n in (
            ("codings.csv", 23),
            ("structures.csv", 4),
            ("presence.csv", 18),
            ("codebook.csv", 10),
        )
    )
    files = export(cli, small, out)
    assert sorted(files) == ["codebook.csv", "codings.csv", "presence.csv", "structures.csv"]
    # By hand: epicerie has every codable code from one coder or the other; velo four.
    assert (
        files["presence.csv"]
        == """structure,code,present
epicerie,forme/echange-informations,1
epicerie,forme/partenariat,1
epicerie,forme/mutualisation,1
epicerie,objet/information-competences,1
epicerie,objet/immobilier,1
epicerie,logique/reseau/affinitaire,1
epicerie,logique/territoriale,1
epicerie,portee/intra-sectorielle,1
epicerie,portee/inter-sectorielle,1
velo,forme/echange-informations,1
velo,forme/partenariat,0
velo,forme/mutualisation,1
velo,objet/information-competences,1
velo,objet/immobilier,0
velo,logique/reseau/affinitaire,0
velo,logique/territoriale,0
velo,portee/intra-sectorielle,1
velo,portee/inter-sectorielle,0
"""
    )
    assert (
        files["structures.csv"]
        == """structure,name,statut,domaine,categorie,creation,\
interviewed,interviews
epicerie,L'Épicerie du Coin,association,alimentation,associations,2010,true,1
velo,Vélo Scop,scop,mobilite,cooperatives,2015,true,1
potager,Le Potager,association,alimentation,associations,,false,0
roues,Les Roues,association,mobilite,associations,,false,0
"""
    )
    rows = list(csv.DictReader(files["codings.csv"].splitlines()))
    assert len(rows) == 23
    assert list(rows[0]) == [
        "interview",
        "structure",
        "statut",
        "domaine",
        "categorie",
        "creation",
        "segment",
        "speaker",
        "code",
        "family",
        "coder",
        "start",
        "end",
        "quote",
        "memo",
    ]
    span = [r for r in rows if r["start"]]
    assert span == [
        {
            "interview": "epicerie",
            "structure": "epicerie",
            "statut": "association",
            "domaine": "alimentation",
            "categorie": "associations",
            "creation": "2010",
            "segment": "4",
            "speaker": "Léa",
            "code": "forme/partenariat",
            "family": "forme",
            "coder": "yanis",
            "start": "105",
            "end": "143",
            "quote": "on a fait la fête de quartier ensemble",
            "memo": "",
        }
    ]
    memos = [r for r in rows if r["memo"]]
    assert {(r["coder"], r["segment"], r["memo"]) for r in memos} == {
        ("camille", "4", "Cohabitation sans mutualisation avancée.")
    }
    assert len(memos) == 4
    velo = [r for r in rows if r["interview"] == "velo" and r["segment"] == "2"]
    assert {r["quote"] for r in velo} == {
        "On a un camion à trois, on le partage toute l'année [bruit]."
    }
    codebook = list(csv.DictReader(files["codebook.csv"].splitlines()))
    reseau = [r for r in codebook if r["code"].startswith("logique/reseau")]
    assert [(r["code"], r["parent"], r["codable"], r["family_label"]) for r in reseau] == [
        ("logique/reseau", "", "false", "Logique"),
        ("logique/reseau/affinitaire", "logique/reseau", "true", "Logique"),
    ]
    for name, text in files.items():
        assert_golden(f"csv/small-{name}", text)


def test_tables_replace_old_ones_and_leave_other_files(
    cli: Cli, small: Path, tmp_path: Path
) -> None:
    out = tmp_path / "tables"
    out.mkdir()
    (out / "codings.csv").write_text("old\n", encoding="utf-8")
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    files = export(cli, small, out)
    assert files["notes.txt"] == "mine\n"
    assert files["codings.csv"].startswith("interview,structure,")
    assert sorted(p.name for p in out.iterdir()) == [
        "codebook.csv",
        "codings.csv",
        "notes.txt",
        "presence.csv",
        "structures.csv",
    ]


def test_example_tables_are_consistent(cli: Cli, example: Path, tmp_path: Path) -> None:
    files = export(cli, example, tmp_path / "t")
    codings = list(csv.DictReader(files["codings.csv"].splitlines()))
    structures = list(csv.DictReader(files["structures.csv"].splitlines()))
    presence = list(csv.DictReader(files["presence.csv"].splitlines()))
    assert len(structures) == 78
    assert sum(r["interviewed"] == "true" for r in structures) == 18
    coded = {(r["structure"], r["code"]) for r in codings}
    assert {(r["structure"], r["code"]) for r in presence if r["present"] == "1"} == coded
    assert {r["coder"] for r in codings} == {"camille", "yanis"}


def test_a_file_in_the_way_is_a_usage_error(cli: Cli, small: Path, tmp_path: Path) -> None:
    (tmp_path / "t").write_text("x", encoding="utf-8")
    before = snapshot(tmp_path)
    result = cli(["--project", str(small), "export", "csv", str(tmp_path / "t")])
    assert result.exit_code == 2
    assert result.stderr == f"pcrcode: error: '{tmp_path / 't'}' exists and is not a folder\n"
    assert snapshot(tmp_path) == before
