"""The example project against the research it illustrates: the census table of the synthesis
(../shared/reference/pcr-framework.md) cell for cell, and the synthesis' patterns in the report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import Cli as CLI

# The synthesis' table, typed from pcr-framework.md: (structures, interviewed). Réemploi x
# coopératives reads "1 (future)" there: one cooperative being created, not interviewed.
SYNTHESIS = {
    "alimentation": {
        "associations": (10, 4),
        "cooperatives": (3, 1),
        "sa": (11, 0),
        "autres": (0, 0),
        "total": (24, 5),
    },
    "energie": {
        "associations": (2, 1),
        "cooperatives": (1, 1),
        "sa": (1, 0),
        "autres": (1, 0),
        "total": (5, 2),
    },
    "habitat": {
        "associations": (7, 2),
        "cooperatives": (8, 3),
        "sa": (2, 0),
        "autres": (0, 0),
        "total": (17, 5),
    },
    "mobilite": {
        "associations": (4, 1),
        "cooperatives": (1, 1),
        "sa": (5, 1),
        "autres": (0, 0),
        "total": (10, 3),
    },
    "reemploi": {
        "associations": (10, 1),
        "cooperatives": (1, 0),
        "sa": (0, 0),
        "autres": (0, 0),
        "total": (11, 1),
    },
    "transverses": {
        "associations": (9, 2),
        "cooperatives": (1, 0),
        "sa": (0, 0),
        "autres": (1, 0),
        "total": (11, 2),
    },
    "total": {
        "associations": (42, 11),
        "cooperatives": (15, 6),
        "sa": (19, 1),
        "autres": (2, 0),
        "total": (78, 18),
    },
}


def test_census_json_is_the_synthesis_table(cli: CLI, example: Path) -> None:
    result = cli(["census", "--format", "json"], cwd=example)
    assert result.exit_code == 0 and result.stderr == ""
    records = json.loads(result.stdout)
    assert [r["row"] for r in records[::5]] == list(SYNTHESIS)  # the synthesis' row order
    assert [r["col"] for r in records[:5]] == list(SYNTHESIS["total"])
    got: dict[str, dict[str, tuple[int, int]]] = {r["row"]: {} for r in records}
    for r in records:
        got[r["row"]][r["col"]] = (r["total"], r["interviewed"])
    assert got == SYNTHESIS


def _report(cli: CLI, example: Path) -> dict[str, Any]:
    result = cli(["report", "--format", "json"], cwd=example)
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _cells(records: list[dict[str, Any]]) -> dict[tuple[str, str], int]:
    return {(r["row"], r["col"]): r["count"] for r in records}


def test_most_associations_follow_a_network_logic(cli: CLI, example: Path) -> None:
    cells = _cells(_report(cli, example)["statut_x_logique"])
    associations = cells[("association", "total")]
    assert cells[("association", "logique/reseau")] > associations / 2
    assert (
        cells[("association", "logique/reseau")] > cells[("association", "logique/professionnelle")]
    )


def test_the_cooperatives_follow_a_professional_logic(cli: CLI, example: Path) -> None:
    cells = _cells(_report(cli, example)["statut_x_logique"])
    for statut in ("scop", "scic", "cooperative"):
        assert cells[(statut, "total")] > 0
        assert cells[(statut, "logique/professionnelle")] == cells[(statut, "total")]
        assert cells[(statut, "logique/reseau")] == 0


def test_few_territorial_logics(cli: CLI, example: Path) -> None:
    cells = _cells(_report(cli, example)["statut_x_logique"])
    territorial = cells[("total", "logique/territoriale")]
    assert territorial < cells[("total", "logique/reseau")]
    assert territorial < cells[("total", "logique/professionnelle")]


def test_professional_logic_pools_furthest_and_stays_intra_sectoral(
    cli: CLI, example: Path
) -> None:
    data = _report(cli, example)
    portee = _cells(data["logique_x_portee"])
    assert portee[("logique/professionnelle", "portee/inter-sectorielle")] == 0
    assert portee[("logique/reseau", "portee/inter-sectorielle")] > 0
    forme = _cells(data["forme_x_logique"])
    advanced = ("forme/cooperation", "forme/integration")
    assert sum(forme[(f, "logique/professionnelle")] for f in advanced) > 0
    assert sum(forme[(f, "logique/reseau")] for f in advanced) == 0


def test_no_staff_or_finance_pooling(cli: CLI, example: Path) -> None:
    data = _report(cli, example)
    assert {n["code"] for n in data["never_pooled"]} == {"objet/personnels", "objet/financier"}
    objets = _cells(data["domaine_x_objet"])
    assert objets[("total", "objet/personnels")] == objets[("total", "objet/financier")] == 0


def test_shared_premises_do_not_guarantee_pooling(cli: CLI, example: Path) -> None:
    premises = _report(cli, example)["shared_premises"]
    assert premises, "the synthesis' Artis case: structures that merely cohabit"
    assert all(p["forme_degree"] <= 2 for p in premises)
    pooled = {p["structure"]: p["pooled"] for p in _report(cli, example)["profiles"]}
    assert all("objet/immobilier" in pooled[p["structure"]] for p in premises)


def test_the_second_coder_is_left_out_by_default_and_said(cli: CLI, example: Path) -> None:
    data = _report(cli, example)
    assert data["coders"]["mode"] == "main"
    assert data["coders"]["coders"] == ["camille"]
    assert sorted(data["coders"]["left_out"]["yanis"]) == [
        "atelier-velo-nomade",
        "jardins-du-drac",
        "maison-initiatives",
        "panier-solidaire",
        "terre-et-paille",
    ]
    # Merging yanis' disagreements in would show staff pooling the synthesis says is absent.
    merged = json.loads(cli(["report", "--all-coders", "--format", "json"], cwd=example).stdout)
    assert "objet/personnels" not in {n["code"] for n in merged["never_pooled"]}
