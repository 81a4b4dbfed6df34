"""Crisp-set QCA figures and every kind of finding on a small fixture whose truth table is typed
here, so that each figure is a fraction counted by hand; and the undefined cases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pcrcode.findings.qca import necessity, sufficiency
from tests.conftest import Cli as CLI
from tests.conftest import Run

CODEBOOK = """\
pcrcode: 1
title: QCA fixture
language: en
families:
  cond: {label: Conditions, definition: Conditions.}
  out: {label: Outcome, definition: Outcome.}
  level: {label: Level, ordered: true, exclusive: true, definition: A degree.}
codes:
  - {id: cond/a, label: A, short: a, definition: a, when_to_use: a, when_not_to_use: a, example: a}
  - {id: cond/b, label: B, short: b, definition: b, when_to_use: b, when_not_to_use: b, example: b}
  - {id: out/y, label: Y, short: y, definition: y, when_to_use: y, when_not_to_use: y, example: y}
  - {id: level/low, label: Low, degree: 1, short: l, definition: l, when_to_use: l,
     when_not_to_use: l, example: l}
  - {id: level/high, label: High, degree: 2, short: h, definition: h, when_to_use: h,
     when_not_to_use: h, example: h}
attributes:
  statut: {label: Kind, values: {p: P, q: Q}}
  domaine: {label: Field, values: {d: D}}
"""

# case: (statut, codes on its turn 2). X = cond/a, Y = out/y:
#   X and Y: c1 c2 c3 c8 (4) · X only: c4 (1) · Y only: c5 c9 (2) · neither: c6 c7 (2)
TRUTH = {
    "c1": ("p", ["cond/a", "out/y", "level/high"]),
    "c2": ("p", ["cond/a", "out/y", "level/high"]),
    "c3": ("p", ["cond/a", "out/y", "level/low"]),
    "c4": ("p", ["cond/a", "level/low"]),
    "c5": ("q", ["out/y", "level/low"]),
    "c6": ("q", ["cond/b", "level/low"]),
    "c7": ("q", ["cond/b", "level/high"]),
    "c8": ("p", ["cond/a", "out/y", "level/high"]),
    "c9": ("q", ["out/y", "level/low"]),
}


@pytest.fixture
def qca(tmp_path: Path, cli: CLI) -> Path:
    root = tmp_path / "qca"
    (root / "interviews").mkdir(parents=True)
    (root / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    lines = ["pcrcode: 1", "structures:"]
    for case, (statut, _) in TRUTH.items():
        lines.append(
            f"  - {{id: {case}, name: {case}, statut: {statut}, domaine: d, interviewed: true}}"
        )
    lines.append("  - {id: c10, name: c10, statut: q, domaine: d, interviewed: false}")
    (root / "structures.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for case, (_, codes) in TRUTH.items():
        (root / "interviews" / f"{case}.md").write_text(
            f"---\nstructure: {case}\n---\n\n**Ana:** Hello.\n\n**Bo:** We do {case} things.\n",
            encoding="utf-8",
        )
        run = cli(["tag", case, "2", *codes, "-c", "ana"], cwd=root)
        assert run.exit_code == 0, run.stderr
    return root


def _evaluate(cli: CLI, root: Path, body: str, *args: str) -> tuple[Run, dict[str, Any]]:
    (root / "findings.yaml").write_text("pcrcode: 1\nfindings:\n" + body, encoding="utf-8")
    run = cli(["findings", "--format", "json", *args], cwd=root)
    assert run.exception is None
    return run, (json.loads(run.stdout) if run.stdout else {})


def test_sufficiency_and_necessity_are_the_textbook_ratios() -> None:
    x, y = {"c1", "c2", "c3", "c4", "c8"}, {"c1", "c2", "c3", "c5", "c8", "c9"}
    s = sufficiency(x, y)
    assert (s.x, s.y, s.xy, s.consistency, s.coverage) == (5, 6, 4, 4 / 5, 4 / 6)
    n = necessity(x, y)
    assert (n.consistency, n.coverage) == (4 / 6, 4 / 5)
    assert sufficiency(set(), y).consistency is None  # undefined, never a pass
    assert necessity(x, set()).consistency is None


IMPLICATION = """\
  - id: a-y
    statement: A leads to Y.
    kind: implication
    direction: {direction}
    if: {{has: cond/a}}
    then: {{has: out/y}}
    at_least: {threshold}
"""


def test_implication_on_the_fixture(cli: CLI, qca: Path) -> None:
    run, data = _evaluate(cli, qca, IMPLICATION.format(direction="sufficient", threshold=0.8))
    assert run.exit_code == 0
    result = data["findings"][0]
    fig = result["figures"]
    assert (fig["n"], fig["x"], fig["y"], fig["xy"]) == (9, 5, 6, 4)
    assert (fig["consistency"], fig["coverage"]) == (4 / 5, 4 / 6)
    assert result["status"] == "holds"
    assert result["supporting"] == ["c1", "c2", "c3", "c8"]
    assert result["contradicting"] == ["c4"]

    run, data = _evaluate(cli, qca, IMPLICATION.format(direction="necessary", threshold=0.7))
    assert run.exit_code == 1
    result = data["findings"][0]
    assert (result["figures"]["consistency"], result["figures"]["coverage"]) == (4 / 6, 4 / 5)
    assert result["status"] == "fails"
    assert result["breaking"] == ["c5", "c9"]


def test_share_present_comparison_and_segments(cli: CLI, qca: Path) -> None:
    body = """\
  - id: share
    statement: Most P cases show A.
    kind: share
    among: {axis: statut, is: p}
    value: {has: cond/a}
    at_least: 1
  - id: present
    statement: B is there.
    kind: present
    value: {has: cond/b}
    min_count: 3
  - id: compare
    statement: A cases reach higher.
    kind: comparison
    measure: level:max
    by: share
    reaching: level/high
    higher: {has: cond/a}
    lower: {not: {has: cond/a}}
  - id: segments
    statement: No segment is both low and Y-less among A.
    kind: absent
    unit: segment
    among: {has: cond/a}
    value: {all: [{axis: level, is: level/low}, {not: {has: out/y}}]}
"""
    run, data = _evaluate(cli, qca, body)
    found = {f["id"]: f for f in data["findings"]}
    assert found["share"]["figures"] == {
        "n": 5,
        "count": 5,
        "share": 1.0,
        "at_least": 1.0,
        "min_cases": 1,
    }
    assert found["present"]["status"] == "fails"  # 2 cases show B, 3 wanted
    assert found["present"]["figures"]["count"] == 2
    compare = found["compare"]["figures"]
    # A: c1 c2 c8 high of 5 -> 3/5; not A: c7 high of 4 -> 1/4.
    assert (compare["higher"]["share"], compare["lower"]["share"]) == (3 / 5, 1 / 4)
    assert found["compare"]["status"] == "holds"
    # c4's segment carries A and low without Y.
    assert found["segments"]["status"] == "fails"
    assert found["segments"]["breaking"] == ["c4#2"]
    assert run.exit_code == 1


def test_undefined_is_never_a_pass(cli: CLI, qca: Path) -> None:
    body = """\
  - id: nobody
    statement: Among Q cases with A, Y.
    kind: share
    among: {all: [{axis: statut, is: q}, {has: cond/a}]}
    value: {has: out/y}
    at_least: 0.5
  - id: few
    statement: Among Q, few.
    kind: share
    among: {axis: statut, is: q}
    value: {has: out/y}
    at_most: 1
    min_cases: 10
  - id: zero
    statement: Nothing leads anywhere.
    kind: implication
    if: {all: [{has: cond/a}, {has: cond/b}]}
    then: {has: out/y}
    at_least: 0.5
"""
    run, data = _evaluate(cli, qca, body)
    assert run.exit_code == 1
    found = {f["id"]: f for f in data["findings"]}
    assert {f["status"] for f in found.values()} == {"undefined"}
    assert found["nobody"]["reason"] == ("no case matches among: statut is q and has cond/a")
    assert found["few"]["reason"] == "only 4 cases to count (min_cases 10)"
    assert found["zero"]["reason"] == (
        "division by zero: no case with if: has cond/a and has cond/b"
    )
    run = cli(["findings", "--warn-only"], cwd=qca)
    assert run.exit_code == 0
