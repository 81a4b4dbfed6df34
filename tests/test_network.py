"""The cooperation network: partners on codings, ties recomputed from the files, exports."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
import yaml

from pcrcode.git.merge import merge_codings
from tests.conftest import ROOT, copy_project, run_cli

EXAMPLE_PARTS_MORE = ("synthesis.yaml",)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    found = copy_project(ROOT, tmp_path / "projet")
    for name in EXAMPLE_PARTS_MORE:
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, found / name)
    return found


def cli(project: Path, *args: str) -> tuple[int, str, str]:
    result = run_cli(["--project", str(project), *args])
    assert result.exception is None
    return result.exit_code, result.stdout, result.stderr


def registry() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "structures.yaml").read_text(encoding="utf-8"))
    nodes = {s["id"]: s for s in data["structures"]}
    nodes.update({a["id"]: a for a in data["actors"]})
    return nodes


def records(coder: str = "camille") -> dict[str, list[dict[str, Any]]]:
    found = {}
    for path in sorted((ROOT / "codings" / coder).glob("*.yaml")):
        lines = path.read_text(encoding="utf-8").splitlines()
        found[path.stem] = [json.loads(x[2:]) for x in lines if x.startswith("- {")]
    return found


def structure_of(interview: str) -> str:
    [path] = [p for p in (ROOT / "interviews").glob(f"{interview}.*")]
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".yaml":
        return str(yaml.safe_load(text)["structure"])
    front = yaml.safe_load(text.split("---")[1])
    return str(front["structure"])


def degrees() -> dict[str, int]:
    codebook = yaml.safe_load((ROOT / "codebook.yaml").read_text(encoding="utf-8"))
    return {c["id"]: c["degree"] for c in codebook["codes"] if c["id"].startswith("forme/")}


def expected_ties() -> dict[tuple[str, str], dict[str, Any]]:
    """The example's ties recomputed from the coding files, structures.yaml and codebook.yaml
    (camille is every interview's main coder)."""
    nodes, forme = registry(), degrees()
    ties: dict[tuple[str, str], dict[str, Any]] = defaultdict(lambda: {"segments": set()})
    for interview, recs in records().items():
        structure = structure_of(interview)
        codes_on: dict[int, set[str]] = defaultdict(set)
        for r in recs:
            codes_on[r["segment"]].add(r["code"])
        for r in recs:
            for partner in r.get("with", []):
                tie = ties[(structure, partner)]
                tie["segments"].add(r["segment"])
                tie.setdefault("codes", set()).update(codes_on[r["segment"]])
    for (structure, partner), tie in ties.items():
        a, b = nodes[structure].get("domaine"), nodes[partner].get("domaine")
        tie["scope"] = "unknown" if a is None or b is None else ("intra" if a == b else "inter")
        reached = [c for c in tie["codes"] if c in forme]
        tie["forme"] = max(reached, key=forme.__getitem__) if reached else None
    return dict(ties)


def test_example_ties_equal_what_the_coding_files_say(project: Path) -> None:
    code, out, _ = cli(project, "network", "--format", "json")
    assert code == 0
    data = json.loads(out)
    expected = expected_ties()
    got = {(t["structure"], t["partner"]): t for t in data["ties"]}
    assert set(got) == set(expected)
    for key, tie in got.items():
        assert tie["scope"] == expected[key]["scope"], key
        assert tie["weight"] == len(expected[key]["segments"]), key
        top = tie["highest"]["forme"]
        assert (top["code"] if top else None) == expected[key]["forme"], key
    # The size: at least 25 ties, from at least 12 interviewed structures.
    assert len(got) >= 25
    assert len({s for s, _ in got}) >= 12
    summary = data["summary"]
    scopes = [t["scope"] for t in expected.values()]
    assert (summary["intra"], summary["inter"], summary["unknown"]) == (
        scopes.count("intra"),
        scopes.count("inter"),
        scopes.count("unknown"),
    )


def test_partners_are_named_in_the_text_they_are_coded_on(project: Path) -> None:
    """Each partner's name or one of its aliases appears in the coded segment's text."""
    nodes = registry()
    for interview, recs in records().items():
        shown = json.loads(cli(project, "interviews", "show", interview, "-f", "json")[1])
        text = {s["segment"]: s["text"] for s in shown["segments"]}
        for r in recs:
            for partner in r.get("with", []):
                names = [nodes[partner]["name"], *nodes[partner].get("aliases", [])]
                assert any(n in text[r["segment"]] for n in names), (interview, r["segment"])


def test_the_example_reads_as_the_synthesis_does(project: Path) -> None:
    data = json.loads(cli(project, "network", "-f", "json")[1])
    nodes = registry()
    by_statut: dict[str, list[str]] = defaultdict(list)
    for tie in data["ties"]:
        by_statut[nodes[tie["structure"]]["statut"]].append(tie["scope"])
    coop = by_statut["scop"] + by_statut["scic"]
    # Cooperatives pool within their sector; associations' ties reach other sectors and local
    # actors (unknown: an actor without a sector, such as a local authority).
    assert coop.count("intra") > len(coop) / 2
    assert by_statut["association"].count("intra") < len(by_statut["association"]) / 2


def test_exports_load_in_networkx_with_the_same_counts(project: Path) -> None:
    data = json.loads(cli(project, "network", "-f", "json")[1])
    edges, nodes = len(data["ties"]), len(data["nodes"])
    graphml = cli(project, "network", "-f", "graphml")[1]
    g = nx.read_graphml(_file(project, "g.graphml", graphml))
    assert (g.number_of_nodes(), g.number_of_edges()) == (nodes, edges)
    gexf = cli(project, "network", "-f", "gexf")[1]
    g = nx.read_gexf(_file(project, "g.gexf", gexf))
    assert (g.number_of_nodes(), g.number_of_edges()) == (nodes, edges)
    link = json.loads(cli(project, "network", "-f", "node-link")[1])
    assert (len(link["nodes"]), len(link["links"])) == (nodes, edges)
    some = next(e for e in link["links"] if e["source"] == "courant-alpin")
    assert (some["scope"], some["forme"]) == ("intra", "forme/cooperation")


def _file(project: Path, name: str, text: str) -> Path:
    path = project / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_dot_renders_with_graphviz(project: Path) -> None:
    dot = cli(project, "network", "-f", "dot")[1]
    svg = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True, check=False)
    assert svg.returncode == 0, svg.stderr
    assert svg.stdout.count('class="node"') == len(
        json.loads(cli(project, "network", "-f", "json")[1])["nodes"]
    )


def test_ego_view_keeps_the_neighbourhood(project: Path) -> None:
    data = json.loads(cli(project, "network", "--ego", "terre", "--depth", "1", "-f", "json")[1])
    ends = {n for t in data["ties"] for n in (t["structure"], t["partner"])}
    assert "terre-et-paille" in ends
    assert all("terre-et-paille" in (t["structure"], t["partner"]) for t in data["ties"])
    deeper = json.loads(
        cli(project, "network", "--ego", "terre-et-paille", "--depth", "2", "-f", "json")[1]
    )
    assert len(deeper["ties"]) > len(data["ties"])


def test_filters(project: Path) -> None:
    every = json.loads(cli(project, "network", "-f", "json")[1])["ties"]
    nodes = registry()
    energie = json.loads(cli(project, "network", "--where", "domaine=energie", "-f", "json")[1])
    assert {(t["structure"], t["partner"]) for t in energie["ties"]} == {
        (t["structure"], t["partner"])
        for t in every
        if "energie" in (nodes[t["structure"]].get("domaine"), nodes[t["partner"]].get("domaine"))
    }
    high = json.loads(cli(project, "network", "--min", "forme/cooperation", "-f", "json")[1])
    assert high["ties"] and all(t["highest"]["forme"]["degree"] >= 4 for t in high["ties"])
    pooled = json.loads(cli(project, "network", "--code", "objet/achat-vente", "-f", "json")[1])
    assert pooled["ties"] and all(
        "objet/achat-vente" in t["codes"]["objet"] for t in pooled["ties"]
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--where", "couleur=bleu"], "unknown attribute 'couleur' in a tie filter"),
        (["--where", "domaine"], "--where takes ATTR=VALUE, not 'domaine'"),
        (["--min", "logique/professionnelle"], "--min needs a code of an ordered family"),
        (
            ["--ego", "terre-paille"],
            "unknown partner 'terre-paille'; did you mean terre-et-paille, reseau-paille",
        ),
    ],
)
def test_bad_filters_are_one_line(project: Path, args: list[str], message: str) -> None:
    code, out, err = cli(project, "network", *args)
    assert (code, out) == (2, "")
    assert err.startswith("pcrcode: error: ") and message in err
    assert err.count("\n") == 1


# --- partners on codings ----------------------------------------------------------------------


def test_tag_with_unknown_partner_writes_nothing(project: Path) -> None:
    path = project / "codings/camille/jardins-du-drac.yaml"
    before = path.read_bytes()
    code, out, err = cli(
        project,
        "tag",
        "jardins-du-drac",
        "4",
        "forme/echange-informations",
        "--with",
        "fermeenville",
        "--coder",
        "camille",
    )
    assert (code, out) == (2, "")
    assert err == (
        "pcrcode: error: unknown partner 'fermeenville'; did you mean ferme-en-ville, "
        "terre-et-paille, ville? "
        "(partners are the structures and actors of structures.yaml)\n"
    )
    assert path.read_bytes() == before


def test_tag_with_a_prefix_adds_partners_to_an_existing_coding(project: Path) -> None:
    code, _, err = cli(
        project,
        "tag",
        "jardins-du-drac",
        "20",
        "forme/echange-informations",
        "--with",
        "ferme-en",
        "--coder",
        "camille",
    )
    assert code == 0, err
    assert "with ferme-en-ville" in err
    rows = json.loads(cli(project, "codings", "-i", "jardins-du-drac", "-f", "json")[1])
    [row] = [
        r
        for r in rows
        if (r["segment"], r["code"], r["coder"]) == (20, "forme/echange-informations", "camille")
    ]
    assert row["with"] == ["ferme-en-ville"]
    shown = json.loads(cli(project, "interviews", "show", "jardins-du-drac", "-f", "json")[1])
    [seg] = [s for s in shown["segments"] if s["segment"] == 20]
    assert {
        "code": "forme/echange-informations",
        "coder": "camille",
        "with": ["ferme-en-ville"],
    } in seg["codes"]


def test_tag_refuses_the_interviews_own_structure(project: Path) -> None:
    code, _, err = cli(
        project,
        "tag",
        "jardins-du-drac",
        "4",
        "forme/echange-informations",
        "--with",
        "jardins-du-drac",
        "--coder",
        "camille",
    )
    assert code == 2
    assert "'jardins-du-drac' is the structure of this interview" in err


def test_check_warns_about_an_intra_coding_whose_partner_is_elsewhere(project: Path) -> None:
    # Segment 4 of jardins-du-drac is coded portee/intra-sectorielle; a partner in reemploi.
    code, _, err = cli(
        project,
        "tag",
        "jardins-du-drac",
        "4",
        "forme/echange-informations",
        "--with",
        "recyclerie-des-cimes",
        "--coder",
        "camille",
    )
    assert code == 0, err
    code, out, _ = cli(project, "check")
    assert code == 1
    [line] = [x for x in out.splitlines() if "scope-contradiction" in x]
    assert line.endswith(
        ": warning: 'portee/intra-sectorielle' says intra-sectoral, but recyclerie-des-cimes is "
        "not in domaine 'alimentation' (recyclerie-des-cimes: reemploi) [scope-contradiction]"
    )


def test_check_reports_unknown_and_self_partners_in_files(project: Path) -> None:
    path = project / "codings/camille/jardins-du-drac.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        '"segment": 6, "code": "logique/reseau/affinitaire",',
        '"segment": 6, "code": "logique/reseau/affinitaire", '
        '"with": ["terre-et-pail", "jardins-du-drac"],',
        1,
    )
    path.write_text(text, encoding="utf-8")
    code, out, _ = cli(project, "check")
    assert code == 1
    found = [x.split(": ", 1)[1] for x in out.splitlines() if "partner" in x]
    assert found == [
        "error: unknown partner 'terre-et-pail' (did you mean 'terre-et-paille'?) (partners are "
        "the structures and actors of structures.yaml) [unknown-partner]",
        "warning: 'jardins-du-drac' is the structure of this interview: a partner is another "
        "structure or an actor [self-partner]",
    ]


def test_an_actor_colliding_with_a_structure_is_an_error(project: Path) -> None:
    path = project / "structures.yaml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + "  - {id: terre-et-paille, name: Doublon, kind: association}\n",
        encoding="utf-8",
    )
    code, out, _ = cli(project, "check")
    assert code == 1
    assert any(
        "error: actor id 'terre-et-paille' is already a structure" in x and "[duplicate-id]" in x
        for x in out.splitlines()
    )


def test_old_coding_files_without_partners_still_read(project: Path) -> None:
    assert cli(project, "check")[0] in (0, 1)
    code, out, _ = cli(project, "codings", "-i", "amap-belledonne", "-f", "json")
    assert code == 0
    assert all(isinstance(r["with"], list) for r in json.loads(out))


def test_merge_driver_merges_partners_as_sets() -> None:
    head = "pcrcode: 1\ninterview: x\ncoder: ana\ncodings:\n"
    rec = '- {"segment": 2, "code": "f/a", %s"fp": "p", "at": "2026-01-01T00:00:00Z"}\n'
    base = head + rec % '"with": ["a", "b"], '
    ours = head + rec % '"with": ["a", "b", "c"], '
    theirs = head + rec % '"with": ["b"], '
    result = merge_codings(base, ours, theirs, "codings/ana/x.yaml")
    assert result.conflicts == ()
    assert '"with": ["b", "c"]' in result.text


def test_autocode_names_partners_on_the_codings_it_makes(project: Path) -> None:
    code, out, err = cli(
        project,
        "autocode",
        "Terre & Paille",
        "forme/echange-informations",
        "--interview",
        "charpentes-vercors",
        "--with",
        "terre-et",
        "--coder",
        "zoe",
        "--format",
        "json",
    )
    assert code == 0, err
    segments = {h["segment"] for h in json.loads(out) if h["status"] == "new"}
    assert segments
    rows = json.loads(cli(project, "codings", "--coder", "zoe", "-f", "json")[1])
    assert {r["segment"] for r in rows} == segments
    assert all(r["with"] == ["terre-et-paille"] for r in rows)


def test_autocode_refuses_an_interviews_own_structure_before_writing(project: Path) -> None:
    code, out, err = cli(
        project,
        "autocode",
        "paille",
        "forme/echange-informations",
        "--with",
        "terre-et-paille",
        "--coder",
        "zoe",
    )
    assert (code, out) == (2, "")
    assert err == (
        "pcrcode: error: 'terre-et-paille' is the structure of interview 'terre-et-paille': a "
        "partner is another structure or an actor; search the other interviews only "
        "(--interview)\n"
    )
    assert not (project / "codings" / "zoe").exists()
