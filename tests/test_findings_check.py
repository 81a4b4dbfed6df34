"""``check`` validates findings.yaml without evaluating it (path:line:col, rule ids, did-you-mean);
``findings`` refuses a malformed declaration with check's first line and writes nothing."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Cli as CLI
from tests.conftest import snapshot

BROKEN = """\
pcrcode: 1
findings:
  - id: a
    statement: x
    kind: share
    among: {axis: statu, is: association}
    value: {axis: "logique:dominant", is: logique/reseaux}
    at_least: 1.5
  - id: b
    statement: y
    kind: implication
    if: {axis: objet, is: objet/immobilier}
    then: {axis: "logique:max", at_least: logique/reseau}
    at_least: 0.8
  - id: c
    statement: z
    kind: absent
    value: {has: objet/personel}
    treshold: 2
  - id: c
    statement: z
    kind: sharing
  - id: d
    statement: w
    kind: absent
    unit: segment
    value: {axis: objet, is: objet/immobilier}
  - id: e
    statement: v
    kind: implication
    if: {has: objet/immobilier}
    then: {has: forme/cooperation}
  - id: f
    statement: u
    kind: comparison
    measure: "logique:dominant"
    higher: {has: logique/reseau AND}
    lower: {axes: statut}
"""

EXPECTED = [
    "findings.yaml:6:13: error: unknown attribute or code family 'statu' (attributes: statut, "
    "domaine, categorie, activite, commune, creation, en_creation, salaries, interviewed; "
    "families: forme, objet, logique, portee; or FAMILY:max, FAMILY:dominant) (did you mean "
    "'statut'?) [finding-unknown]",
    "findings.yaml:7:39: error: 'logique/reseaux' is not a value of logique:dominant (values: "
    "logique/reseau, logique/territoriale, logique/professionnelle, mixte) (did you mean "
    "'logique/reseau'?) [finding-unknown]",
    "findings.yaml:8:5: error: at_least 1.5 is outside [0, 1]: write a share (0.6 for 60 %) "
    "[finding-threshold]",
    "findings.yaml:12:10: error: 'objet' is a code family: a case has many segments; use "
    "objet:max, objet:dominant, or has: objet/... [bad-value]",
    "findings.yaml:13:12: error: 'logique:max': logique is not an ordered family; use "
    "logique:dominant [finding-not-ordered]",
    "findings.yaml:18:13: error: unknown code 'objet/personel' at column 1 of the query; did "
    "you mean objet/personnels, objet/achat-vente, objet/financier? [finding-unknown]",
    "findings.yaml:19:5: error: unknown key 'treshold' in finding 'c' [unknown-key]",
    "findings.yaml:20:5: error: finding 'c' is declared twice (first at line 15) [duplicate-id]",
    "findings.yaml:22:5: error: unknown kind 'sharing' (one of share, absent, present, "
    "implication, comparison) (did you mean 'share'?) [bad-value]",
    "findings.yaml:27:13: error: family 'objet' is not exclusive: a segment may carry several "
    "of its codes; use has: CODE (or objet:dominant) [finding-not-exclusive]",
    "findings.yaml:30:5: error: an implication finding needs exactly one of at_least, at_most "
    "(it has neither) [missing-key]",
    "findings.yaml:36:5: error: measure 'logique:dominant' has no order: use an ordered "
    "family's FAMILY:max [finding-not-ordered]",
    "findings.yaml:37:14: error: malformed query 'logique/reseau AND' at column 19: expected a "
    "code, NOT or '(', found the end of the query [bad-value]",
    "findings.yaml:38:13: error: unknown key 'axes' in a condition (did you mean 'axis'?) "
    "[unknown-key]",
]


def test_check_reports_every_problem_with_its_place_and_rule(cli: CLI, example: Path) -> None:
    (example / "findings.yaml").write_text(BROKEN, encoding="utf-8")
    run = cli(["check"], cwd=example)
    assert run.exit_code == 1
    assert run.stdout.splitlines() == EXPECTED
    assert run.stderr == f"{len(EXPECTED)} error(s), 0 warning(s)\n"


def test_check_is_silent_on_the_example_findings(cli: CLI, example: Path) -> None:
    from tests.conftest import ROOT

    (example / "findings.yaml").write_bytes((ROOT / "findings.yaml").read_bytes())
    run = cli(["check"], cwd=example)
    assert (run.exit_code, run.stdout, run.stderr) == (0, "", "")


def test_findings_refuses_a_malformed_declaration_with_checks_line(cli: CLI, example: Path) -> None:
    (example / "findings.yaml").write_text(BROKEN, encoding="utf-8")
    before = snapshot(example)
    run = cli(["findings"], cwd=example)
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.stderr == (
        "pcrcode: error: "
        + EXPECTED[0].replace(": error: ", ": ", 1)[: -len(" [finding-unknown]")]
        + f" [finding-unknown] (and {len(EXPECTED) - 1} more: run `pcrcode check`)\n"
    )
    assert snapshot(example) == before


def test_invalid_yaml_and_wrong_shapes(cli: CLI, example: Path) -> None:
    cases = {
        "findings:\n  - id: [\n": "findings.yaml:3:1: invalid YAML: did not find expected node "
        "content [syntax]",
        "- a\n- b\n": "findings.yaml:1:1: findings.yaml must be a mapping with a 'findings' "
        "list [bad-value]",
        "findings: {a: 1}\n": "findings.yaml:1:1: 'findings' must be a list [bad-value]",
        "findings:\n  - id: Bad Id\n": "findings.yaml:2:5: bad or missing finding id 'Bad Id': "
        "use a-z, 0-9, - and _ [bad-id]",
        "findings:\n  - {id: a, statement: s, kind: absent, value: {has: x/y}, min_cases: 0}\n": (
            "findings.yaml:2:49: unknown code 'x/y' at column 1 of the query; see `pcrcode "
            "codebook show` [finding-unknown] (and 1 more: run `pcrcode check`)"
        ),
    }
    for text, message in cases.items():
        (example / "findings.yaml").write_text(text, encoding="utf-8")
        run = cli(["findings"], cwd=example)
        assert (run.exit_code, run.stdout) == (1, ""), text
        assert run.stderr == f"pcrcode: error: {message}\n", text


def test_explain_an_unknown_finding_is_a_usage_error(cli: CLI, example: Path) -> None:
    from tests.conftest import ROOT

    (example / "findings.yaml").write_bytes((ROOT / "findings.yaml").read_bytes())
    run = cli(["findings", "--explain", "pas-de-personnels"], cwd=example)
    assert (run.exit_code, run.stdout) == (2, "")
    assert run.stderr.startswith("pcrcode: error: no finding 'pas-de-personnels' in findings.yaml")
    assert run.stderr.endswith("(did you mean 'pas-de-mutualisation-de-personnels'?)\n")
    run = cli(["findings", "--format", "xml"], cwd=example)
    assert run.exit_code == 2
