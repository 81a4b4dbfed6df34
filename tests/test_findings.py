"""``pcrcode findings`` on the example: every conclusion of the synthesis holds, with figures
recomputed here by hand from the coding files (plain YAML reading, no pcrcode code); tagging
objet/personnels makes the staff-pooling finding fail and --explain name the structure."""

from __future__ import annotations

import json
import statistics
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT, Run
from tests.conftest import Cli as CLI

# --- the example's codings, read by hand ------------------------------------------------------


def _front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        return dict(yaml.safe_load(text.split("---")[1]))
    return dict(yaml.safe_load(text))


class Hand:
    """Per structure: its statut, its coded segments (sets of codes) by its main coder."""

    def __init__(self, root: Path) -> None:
        registry = yaml.safe_load((root / "structures.yaml").read_text(encoding="utf-8"))
        self.statut = {s["id"]: s["statut"] for s in registry["structures"]}
        codebook = yaml.safe_load((root / "codebook.yaml").read_text(encoding="utf-8"))
        self.degree = {c["id"]: c["degree"] for c in codebook["codes"] if "degree" in c}
        structure_of = {
            p.stem: _front_matter(p)["structure"] for p in (root / "interviews").iterdir()
        }
        files = list((root / "codings").glob("*/*.yaml"))
        coverage = Counter(p.parent.name for p in files)
        main: dict[str, str] = {}
        for p in sorted(files, key=lambda p: (-coverage[p.parent.name], p.parent.name)):
            main.setdefault(p.stem, p.parent.name)
        self.segments: dict[str, list[set[str]]] = defaultdict(list)
        for interview, coder in main.items():
            data = yaml.safe_load((root / "codings" / coder / f"{interview}.yaml").read_text())
            by_segment: dict[int, set[str]] = defaultdict(set)
            for c in data["codings"]:
                by_segment[c["segment"]].add(c["code"])
            self.segments[structure_of[interview]].extend(by_segment.values())
        self.cases = sorted(set(structure_of.values()))

    def logique(self, sid: str) -> str | None:
        """Dominant logique, variants rolled into their parent; a tie is 'mixte'."""
        counts: Counter[str] = Counter()
        for codes in self.segments[sid]:
            counts.update({"/".join(c.split("/")[:2]) for c in codes if c.startswith("logique/")})
        if not counts:
            return None
        top = max(counts.values())
        winners = [k for k, v in counts.items() if v == top]
        return winners[0] if len(winners) == 1 else "mixte"

    def forme_max(self, sid: str) -> int:
        return max(
            (self.degree[c] for s in self.segments[sid] for c in s if c.startswith("forme/")),
            default=0,
        )

    def has(self, sid: str, code: str) -> bool:
        return any(code in s for s in self.segments[sid])


@pytest.fixture(scope="module")
def hand() -> Hand:
    return Hand(ROOT)


def _json(cli: CLI, cwd: Path, *args: str) -> tuple[Run, dict[str, Any]]:
    run = cli(["findings", "--format", "json", *args], cwd=cwd)
    assert run.exception is None, run.exception
    return run, json.loads(run.stdout)


def _by_id(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["id"]: f for f in data["findings"]}


def test_every_conclusion_holds_with_figures_recomputed_by_hand(
    cli: CLI, example: Path, hand: Hand
) -> None:
    run, data = _json(cli, example)
    assert run.exit_code == 0, run.stderr
    found = _by_id(data)
    assert {f["status"] for f in found.values()} == {"holds"}
    assert data["summary"] == {"holds": 10, "fails": 0, "undefined": 0}
    cases = hand.cases

    assos = [s for s in cases if hand.statut[s] == "association"]
    reseau = [s for s in assos if hand.logique(s) == "logique/reseau"]
    fig = found["reseau-majorite-associative"]["figures"]
    assert (fig["n"], fig["count"]) == (len(assos), len(reseau))
    assert fig["share"] == pytest.approx(len(reseau) / len(assos))

    coops = [s for s in cases if hand.statut[s] in ("scop", "scic")]
    pro = [s for s in coops if hand.logique(s) == "logique/professionnelle"]
    fig = found["cooperatives-logique-professionnelle"]["figures"]
    assert (fig["n"], fig["count"]) == (len(coops), len(pro))

    terr = [s for s in cases if hand.logique(s) == "logique/territoriale"]
    fig = found["logique-territoriale-rare"]["figures"]
    assert (fig["n"], fig["count"], fig["share"]) == (len(cases), len(terr), len(terr) / len(cases))

    pro_all = [s for s in cases if hand.logique(s) == "logique/professionnelle"]
    others = [s for s in cases if hand.logique(s) in ("logique/reseau", "logique/territoriale")]
    fig = found["professionnelle-formes-abouties"]["figures"]
    assert fig["higher"]["median"] == statistics.median(hand.forme_max(s) for s in pro_all)
    assert fig["lower"]["median"] == statistics.median(hand.forme_max(s) for s in others)
    assert (fig["higher"]["n"], fig["lower"]["n"]) == (len(pro_all), len(others))

    advanced = {s for s in cases if hand.forme_max(s) >= hand.degree["forme/cooperation"]}
    fig = found["formes-abouties-professionnelles"]["figures"]
    both = advanced & set(pro_all)
    assert fig["consistency"] == len(both) / len(advanced)  # necessity: / |Y|
    assert fig["coverage"] == len(both) / len(pro_all)

    intra = {s for s in cases if not hand.has(s, "portee/inter-sectorielle")}
    fig = found["professionnelle-intra-sectorielle"]["figures"]
    assert fig["consistency"] == len(intra & set(pro_all)) / len(pro_all)
    assert fig["coverage"] == len(intra & set(pro_all)) / len(intra)

    inter = {s for s in cases if hand.has(s, "portee/inter-sectorielle")}
    fig = found["reseau-territoire-intersectoriels"]["figures"]
    assert fig["consistency"] == len(inter & set(others)) / len(others)
    assert fig["coverage"] == len(inter & set(others)) / len(inter)

    for fid, code in (
        ("pas-de-mutualisation-de-personnels", "objet/personnels"),
        ("pas-de-mutualisation-financiere", "objet/financier"),
    ):
        fig = found[fid]["figures"]
        assert (fig["n"], fig["count"]) == (len(cases), sum(hand.has(s, code) for s in cases))

    premises = {s for s in cases if hand.has(s, "objet/immobilier")}
    pooled = {s for s in cases if hand.forme_max(s) >= hand.degree["forme/mutualisation"]}
    fig = found["immobilier-pas-gage-de-mutualisation-avancee"]["figures"]
    assert (fig["x"], fig["xy"]) == (len(premises), len(premises & pooled))
    assert fig["consistency"] == len(premises & pooled) / len(premises)
    # The cases that cohabit without advanced pooling support the finding.
    assert set(found["immobilier-pas-gage-de-mutualisation-avancee"]["supporting"]) == (
        premises - pooled
    )


def test_staff_pooling_fails_when_one_structure_pools_staff_and_recovers(
    cli: CLI, example: Path
) -> None:
    tag = cli(["tag", "grenier-cooperatif", "4", "objet/personnels", "-c", "camille"], cwd=example)
    assert tag.exit_code == 0, tag.stderr

    run, data = _json(cli, example)
    assert run.exit_code == 1
    staff = _by_id(data)["pas-de-mutualisation-de-personnels"]
    assert staff["status"] == "fails"
    assert staff["breaking"] == ["grenier-cooperatif"]
    assert staff["figures"]["count"] == 1
    assert data["summary"] == {"holds": 9, "fails": 1, "undefined": 0}

    table = cli(["findings"], cwd=example)
    assert table.exit_code == 1
    assert "9 hold, 1 fail, 0 undefined" in table.stderr
    warn = cli(["findings", "--warn-only"], cwd=example)
    assert warn.exit_code == 0 and warn.stdout == table.stdout

    explain = cli(["findings", "--explain", "pas-de-mutualisation-de-personnels"], cwd=example)
    assert explain.exit_code == 1
    # The coded turn, cut with an ellipsis, and where it stands.
    assert explain.stdout.split("contradicting (1):\n")[1] == (
        "  grenier-cooperatif  « Principalement avec deux autres structures du même secteur. "
        "Il y a une légumerie, c'est une SCOP aussi, qui fait de la… » "
        "(grenier-cooperatif, turn 4)\n"
    )

    untag = cli(
        ["untag", "grenier-cooperatif", "4", "objet/personnels", "-c", "camille"], cwd=example
    )
    assert untag.exit_code == 0, untag.stderr
    run, data = _json(cli, example)
    assert run.exit_code == 0
    assert _by_id(data)["pas-de-mutualisation-de-personnels"]["status"] == "holds"


def test_a_project_without_findings_says_so_and_exits_0(cli: CLI, example: Path) -> None:
    (example / "findings.yaml").unlink()
    run = cli(["findings"], cwd=example)
    assert (run.exit_code, run.stdout) == (0, "")
    assert run.stderr == (
        "no findings declared (findings.yaml is missing or empty): nothing to check\n"
    )


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv"])
def test_whole_outputs_match_their_golden_files(cli: CLI, example: Path, fmt: str) -> None:
    from tests.golden import assert_golden

    run = cli(["findings", "--format", fmt], cwd=example)
    assert (run.exit_code, run.exception) == (0, None)
    assert_golden(f"findings/example.{'md' if fmt == 'markdown' else fmt}", run.stdout)


def test_explain_golden(cli: CLI, example: Path) -> None:
    from tests.golden import assert_golden

    fid = "immobilier-pas-gage-de-mutualisation-avancee"
    run = cli(["findings", "--explain", fid], cwd=example)
    assert (run.exit_code, run.exception) == (0, None)
    assert_golden("findings/explain-immobilier.txt", run.stdout)


def test_the_report_carries_the_findings_in_the_studys_language(cli: CLI, example: Path) -> None:
    tag = cli(["tag", "grenier-cooperatif", "4", "objet/personnels", "-c", "camille"], cwd=example)
    assert tag.exit_code == 0, tag.stderr
    run = cli(["report", "--format", "markdown"], cwd=example)
    assert run.exit_code == 0  # a report reports; `pcrcode findings` is the gate
    section = run.stdout.split("## Les conclusions revérifiées sur les codages\n")[1]
    assert (
        "| La mutualisation de personnels est totalement absente. | infirmé | 1/18 "
        "| grenier-cooperatif |" in section
    )
    assert section.count("| vérifié |") == 9
    data = json.loads(cli(["report", "--format", "json", "--lang", "en"], cwd=example).stdout)
    staff = {r["id"]: r for r in data["findings"]}["pas-de-mutualisation-de-personnels"]
    assert (staff["status"], staff["status_label"], staff["breaking"]) == (
        "fails",
        "fails",
        ["grenier-cooperatif"],
    )


def test_cases_are_those_the_chosen_coders_coded(cli: CLI, example: Path) -> None:
    """yanis double-coded five interviews, two of them with objet/personnels: his codings
    alone count five cases, not the 18 interviewed structures, and break the staff finding."""
    text = (example / "findings.yaml").read_text(encoding="utf-8")
    (example / "findings.yaml").write_text(
        text.replace(
            "    kind: absent\n    value: {has: objet/personnels}",
            "    kind: absent\n    coders: [yanis]\n    value: {has: objet/personnels}",
        ),
        encoding="utf-8",
    )
    run, data = _json(cli, example)
    assert run.exit_code == 1
    staff = _by_id(data)["pas-de-mutualisation-de-personnels"]
    assert (staff["status"], staff["figures"]) == ("fails", {"n": 5, "count": 2})
    assert staff["breaking"] == ["panier-solidaire", "terre-et-paille"]


def test_explain_quotes_the_coded_span_not_the_turn(cli: CLI, example: Path) -> None:
    tag = cli(
        [
            "tag",
            "grenier-cooperatif",
            "4",
            "objet/personnels",
            "-c",
            "camille",
            "-q",
            "une légumerie",
        ],
        cwd=example,
    )
    assert tag.exit_code == 0, tag.stderr
    run = cli(["findings", "--explain", "pas-de-mutualisation-de-personnels"], cwd=example)
    assert run.exit_code == 1
    assert run.stdout.endswith(
        "contradicting (1):\n  grenier-cooperatif  « une légumerie » (grenier-cooperatif, turn 4)\n"
    )
    data = json.loads(
        cli(
            ["findings", "--explain", "pas-de-mutualisation-de-personnels", "-f", "json"],
            cwd=example,
        ).stdout
    )
    assert data["units"][-1] == {
        "side": "contradicting",
        "unit": "grenier-cooperatif",
        "structure": "grenier-cooperatif",
        "interview": "grenier-cooperatif",
        "segment": 4,
        "quote": "une légumerie",
    }
    assert data["units"][0]["quote"] == ""  # a structure without staff pooling: nothing to quote
