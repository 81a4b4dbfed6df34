"""Any study, not only PCR: a new English project (families data-issues, model-issues, process;
case attributes role and size; no statut, no domaine) written as the README says, and the same
study imported from a REFI-QDA file, run every report and speak only of their own codes and
attributes. Numbers are counted by hand from the fixture below."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tests.conftest import Cli as CLI
from tests.golden import assert_golden
from tests.test_refi_import import gid, make_qdpx

# Words of the PCR study that must not leak into another study's reports.
PCR_WORDS = ("statut", "domaine", "categorie", "forme", "objet", "logique", "portee", "portée")

CODEBOOK = """\
pcrcode: 1
title: Shipping ML models
language: en
families:
  data-issues:
    label: Data issues
    ordered: true
    definition: Problems with the data, from mild to severe.
  model-issues:
    label: Model issues
    definition: Problems with the model itself.
  process:
    label: Process
    definition: How the team works.
codes:
  - {id: data-issues/missing-values, label: Missing values, degree: 1, short: Gaps.,
     definition: Values are missing., when_to_use: Gaps are described.,
     when_not_to_use: Values are wrong., example: '"Half the rows were empty."'}
  - {id: data-issues/label-noise, label: Label noise, degree: 2, short: Wrong labels.,
     definition: Labels are wrong., when_to_use: Wrong labels are described.,
     when_not_to_use: Values are missing., example: '"The labels were a mess."'}
  - {id: data-issues/leakage, label: Leakage, degree: 3, short: Target leaks.,
     definition: The target leaks into features., when_to_use: Leakage is described.,
     when_not_to_use: Plain noise., example: '"The id gave the answer away."'}
  - {id: model-issues/overfitting, label: Overfitting, short: Fits noise.,
     definition: The model fits noise., when_to_use: Overfitting is described.,
     when_not_to_use: Drift., example: '"Great on train, awful in prod."'}
  - {id: model-issues/drift, label: Drift, short: The world changes.,
     definition: The data distribution moves., when_to_use: Drift is described.,
     when_not_to_use: Overfitting., example: '"Everything changed in March."'}
  - {id: process/code-review, label: Code review, short: Reviews.,
     definition: Reviewing code together., when_to_use: Reviews are described.,
     when_not_to_use: Pairing., example: '"We review every change."'}
  - {id: process/on-call, label: On-call, short: Pager duty.,
     definition: Being on call for models., when_to_use: On-call is described.,
     when_not_to_use: Reviews., example: '"I got paged at 3am."'}
attributes:
  role:
    label: Role
    required: true
    values: {engineer: Engineer, scientist: Data scientist, manager: Manager}
  size:
    label: Company size
    required: true
    values: {small: Small, large: Large}
  founded:
    type: year
"""

REGISTRY = """\
pcrcode: 1
structures:
  - {id: ana, name: Ana, role: engineer, size: small, interviewed: true}
  - {id: ben, name: Ben, role: scientist, size: large, interviewed: true,
     attributes: {founded: 2011}}
  - {id: cleo, name: Cleo, role: engineer, size: large, interviewed: true}
  - {id: dan, name: Dan, role: manager, size: small, interviewed: false}
"""


def transcript(case: str, lines: list[str]) -> str:
    turns = "\n\n".join(
        f"**{'Interviewer' if i % 2 == 0 else case.title()}:** {t}" for i, t in enumerate(lines)
    )
    return f"---\nstructure: {case}\ndate: 2026-05-01\nlanguage: en\n---\n\n{turns}\n"


TURNS = {
    "ana": ["What goes wrong?", "Half the rows were empty.", "And then?", "I got paged at 3am."],
    "ben": ["What goes wrong?", "The id gave the answer away.", "And?", "Great on train."],
    "cleo": ["What goes wrong?", "The labels were a mess.", "And?", "We review every change."],
}
# (interview, segment, codes): segment 2 and 4 are the answers.
CODINGS = [
    ("ana", "2", ["data-issues/missing-values"]),
    ("ana", "4", ["process/on-call", "model-issues/drift"]),
    ("ben", "2", ["data-issues/leakage", "model-issues/overfitting"]),
    ("ben", "4", ["model-issues/overfitting"]),
    ("cleo", "2", ["data-issues/label-noise"]),
    ("cleo", "4", ["process/code-review"]),
]


@pytest.fixture
def english(cli: CLI, tmp_path: Path) -> Path:
    root = tmp_path / "ml-study"
    assert cli(["init", str(root)]).exit_code == 0
    (root / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    (root / "structures.yaml").write_text(REGISTRY, encoding="utf-8")
    for case, lines in TURNS.items():
        (root / "interviews" / f"{case}.md").write_text(transcript(case, lines), "utf-8")
    for interview, segment, codes in CODINGS:
        result = cli(["tag", interview, segment, *codes, "--coder", "kim"], cwd=root)
        assert result.exit_code == 0, result.stderr
    return root


def speaks_only_of_its_own(text: str) -> None:
    lowered = text.lower()
    assert not [w for w in PCR_WORDS if w in lowered], text


COMMANDS = {
    "report": ["report"],
    "report.md": ["report", "--format", "markdown"],
    "profile": ["profile"],
    "census": ["census", "--rows", "role", "--cols", "size"],
    "crosstab": ["crosstab", "role", "data-issues"],
    "interviews": ["interviews", "list"],
}


def run_everything(cli: CLI, root: Path, golden: str | None = None) -> dict[str, str]:
    check = cli(["check"], cwd=root)
    assert (check.exit_code, check.stdout) == (0, ""), check.stdout + check.stderr
    out = {}
    for name, args in COMMANDS.items():
        result = cli(args, cwd=root)
        assert result.exit_code == 0, (args, result.stderr)
        assert result.exception is None
        speaks_only_of_its_own(result.stdout + result.stderr)
        out[name] = result.stdout
        if golden:
            assert_golden(f"{golden}/{name}.txt", result.stdout)
    return out


def test_a_new_english_study_runs_every_report(cli: CLI, english: Path) -> None:
    out = run_everything(cli, english, "study/english")
    assert "role" in out["interviews"].splitlines()[0]
    assert out["report.md"].startswith("# Synthesis report · Shipping ML models\n\n")
    assert "4 cases, 3 interviewed; 3 interviews, 6 coded segments." in out["report.md"]
    data = json.loads(cli(["report", "--format", "json"], cwd=english).stdout)
    # Without synthesis.yaml: counts of each category attribute, frequencies of each family,
    # profiles, each category attribute by each family.
    assert [s["id"] for s in data["sections"]] == [
        "cases_by_role",
        "cases_by_size",
        "frequencies_data-issues",
        "frequencies_model-issues",
        "frequencies_process",
        "profiles",
        "role_x_data-issues",
        "role_x_model-issues",
        "role_x_process",
        "size_x_data-issues",
        "size_x_model-issues",
        "size_x_process",
    ]
    roles = {r["value"]: (r["total"], r["interviewed"]) for r in data["cases_by_role"]}
    assert roles == {"engineer": (2, 2), "scientist": (1, 1), "manager": (1, 0), "total": (4, 3)}
    overfit = next(r for r in data["frequencies_model-issues"] if r["code"].endswith("overfitting"))
    assert (overfit["codings"], overfit["segments"], overfit["structures"]) == (2, 2, 1)
    highest = {p["structure"]: p["data-issues"] for p in data["profiles"]}
    assert highest == {
        "ana": "data-issues/missing-values",
        "ben": "data-issues/leakage",
        "cleo": "data-issues/label-noise",
    }
    cells = {(r["row"], r["col"]): r["count"] for r in data["size_x_process"]}
    assert cells[("small", "process/on-call")] == 1
    assert cells[("large", "process/code-review")] == 1
    assert cells[("large", "process/on-call")] == 0
    census = json.loads(
        cli(["census", "--rows", "role", "--cols", "size", "--format", "json"], cwd=english).stdout
    )
    got = {(r["row"], r["col"]): (r["total"], r["interviewed"]) for r in census}
    assert got[("engineer", "large")] == (1, 1)
    assert got[("manager", "small")] == (1, 0)
    assert got[("total", "total")] == (4, 3)


def test_a_declared_synthesis_in_english(cli: CLI, english: Path) -> None:
    (english / "synthesis.yaml").write_text(
        textwrap.dedent(
            """\
            pcrcode: 1
            title: What breaks in production
            profile:
              - {id: role, attribute: role}
              - {id: worst, heading: worst data issue, highest: data-issues}
              - {id: model, dominant: model-issues}
            sections:
              - {id: people, kind: census, heading: Who we met, rows: role, columns: size}
              - {id: profiles, kind: profiles, heading: The people,
                 columns: [role, size, worst, model]}
              - {id: never, kind: never_coded, family: model-issues}
              - id: leaks
                kind: cases
                heading: Leakage without drift
                present: [data-issues/leakage]
                absent: [model-issues/drift]
                columns: [role, worst]
            """
        ),
        encoding="utf-8",
    )
    result = cli(["report", "--format", "markdown"], cwd=english)
    assert result.exit_code == 0, result.stderr
    speaks_only_of_its_own(result.stdout)
    assert_golden("study/english/declared.md", result.stdout)
    data = json.loads(cli(["report", "--format", "json"], cwd=english).stdout)
    assert data["title"] == "What breaks in production"
    # size is no profile column: the section shows the attribute itself.
    assert [(r["structure"], r["size"], r["model"]) for r in data["profiles"]] == [
        ("ana", "small", "model-issues/drift"),
        ("ben", "large", "model-issues/overfitting"),
        ("cleo", "large", None),
    ]
    assert data["never"] == []
    assert [(r["structure"], r["worst"], r["worst_degree"]) for r in data["leaks"]] == [
        ("ben", "data-issues/leakage", 3)
    ]


def test_a_bad_declaration_stops_the_report_with_check_s_line(cli: CLI, english: Path) -> None:
    (english / "synthesis.yaml").write_text(
        "pcrcode: 1\nsections:\n  - {id: x, kind: crosstab, rows: rol, columns: process}\n",
        encoding="utf-8",
    )
    line = (
        "synthesis.yaml:3:29: error: unknown attribute or code family 'rol' "
        "(did you mean 'role'?) [synthesis-unknown-axis]\n"
    )
    check = cli(["check"], cwd=english)
    assert (check.exit_code, check.stdout) == (1, line)
    report = cli(["report", "--format", "markdown"], cwd=english)
    assert (report.exit_code, report.stdout) == (1, "")
    assert report.stderr == "pcrcode: error: " + line.replace(" error:", "", 1)


def test_a_missing_required_attribute_stops_the_report(cli: CLI, english: Path) -> None:
    registry = english / "structures.yaml"
    registry.write_text(
        registry.read_text("utf-8").replace("role: manager, ", ""), encoding="utf-8"
    )
    check = cli(["check"], cwd=english)
    assert check.exit_code == 1
    assert "has no role (required by codebook.yaml)" in check.stdout
    report = cli(["report"], cwd=english)
    assert (report.exit_code, report.stdout) == (1, "")
    assert (
        "structures.yaml:7: structure 'dan' has no role (required by codebook.yaml): add "
        "'role: VALUE' to it; nothing was computed" in report.stderr.splitlines()[-1]
    )


def test_an_undeclared_top_level_attribute_says_how_to_fix_it(cli: CLI, english: Path) -> None:
    registry = english / "structures.yaml"
    registry.write_text(
        registry.read_text("utf-8").replace("size: small, interviewed: false", "team: ops"),
        encoding="utf-8",
    )
    check = cli(["check"], cwd=english)
    assert check.exit_code == 1
    assert "unknown key 'team' in a structure: declare it under 'attributes:' in " in check.stdout


# --- the same study from another program (REFI-QDA, no pcrcode schema) -----------------------


def foreign_qdpx(path: Path) -> Path:
    """A .qdpx as another program writes it: top-level codes, case variables role and size."""
    codes = {
        "data-issues": ["missing-values", "leakage"],
        "model-issues": ["overfitting"],
        "process": ["on-call"],
    }

    def described(name: str) -> str:  # the labelled layout programs keep in a description
        return (
            f"<Description>Summary: {name}.\n\nDefinition: {name}, as the team says.\n\n"
            f"When to use: {name} is described.\n\nWhen not to use: only named.\n\n"
            f"Example: a {name}.</Description>"
        )

    tree = "".join(
        f'<Code guid="{gid(top)}" name="{top}" isCodable="true">{described(top)}'
        + "".join(
            f'<Code guid="{gid(c)}" name="{c}" isCodable="true">{described(c)}</Code>' for c in kids
        )
        + "</Code>"
        for top, kids in codes.items()
    )
    people = {"ana": ("engineer", "small"), "ben": ("scientist", "large")}
    cases = "".join(
        f'<Case guid="{gid("case-" + p)}" name="{p}">'
        f'<VariableValue><VariableRef targetGUID="{gid("role")}"/><TextValue>{r}</TextValue>'
        f'</VariableValue><VariableValue><VariableRef targetGUID="{gid("size")}"/>'
        f"<TextValue>{s}</TextValue></VariableValue>"
        f'<SourceRef targetGUID="{gid("src-" + p)}"/></Case>'
        for p, (r, s) in people.items()
    )
    texts = {"ana": ("Half the rows were empty.", ["missing-values", "on-call"])}
    texts["ben"] = ("The id gave the answer away.", ["leakage", "overfitting"])
    sources = ""
    files = {}
    for p, (text, coded) in texts.items():
        sel = "".join(
            f'<PlainTextSelection guid="{gid(p + c)}" startPosition="0" '
            f'endPosition="{len(text)}"><Coding guid="{gid(p + c + "x")}">'
            f'<CodeRef targetGUID="{gid(c)}"/></Coding></PlainTextSelection>'
            for c in coded
        )
        sources += (
            f'<TextSource guid="{gid("src-" + p)}" name="{p}" '
            f'plainTextPath="internal://{gid("src-" + p)}.txt">{sel}</TextSource>'
        )
        files[f"sources/{gid('src-' + p)}.txt"] = text
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Shipping ML models" origin="Other QDA 1.0">
<CodeBook><Codes>{tree}</Codes></CodeBook>
<Variables><Variable guid="{gid("role")}" name="role" typeOfVariable="Text"/>
<Variable guid="{gid("size")}" name="size" typeOfVariable="Text"/></Variables>
<Cases>{cases}</Cases>
<Sources>{sources}</Sources>
</Project>"""
    return make_qdpx(path, qde, files)


def test_the_same_study_imported_from_refi_qda(cli: CLI, tmp_path: Path) -> None:
    target = tmp_path / "imported"
    result = cli(["import", "qdpx", str(foreign_qdpx(tmp_path / "s.qdpx")), "--into", str(target)])
    assert result.exit_code == 0, result.stderr
    codebook = (target / "codebook.yaml").read_text("utf-8")
    speaks_only_of_its_own(codebook + (target / "structures.yaml").read_text("utf-8"))
    assert "\nlanguage:" not in codebook  # the file did not say: the user does
    (target / "codebook.yaml").write_text(
        codebook.replace("pcrcode: 1\n", "pcrcode: 1\nlanguage: en\n")
    )
    out = run_everything(cli, target)
    assert "2 cases, 2 interviewed" in out["report.md"]
    assert "role" in out["interviews"].splitlines()[0]
    data = json.loads(cli(["report", "--format", "json"], cwd=target).stdout)
    sizes = {r["value"]: r["total"] for r in data["cases_by_size"]}
    assert sizes == {"large": 1, "small": 1, "total": 2}
    cells = {(r["row"], r["col"]): r["count"] for r in data["role_x_model-issues"]}
    assert cells[("scientist", "model-issues/overfitting")] == 1
    assert cells[("engineer", "model-issues/overfitting")] == 0


def test_census_bad_axes_are_usage_errors(cli: CLI, english: Path) -> None:
    unknown = cli(["census", "--rows", "rol", "--cols", "size"], cwd=english)
    assert (unknown.exit_code, unknown.stdout) == (2, "")
    assert unknown.stderr.startswith("pcrcode: error: unknown attribute or code family 'rol'")
    assert "did you mean role?" in unknown.stderr
    same = cli(["census", "--rows", "role", "--cols", "role"], cwd=english)
    assert (same.exit_code, same.stdout) == (2, "")
    assert same.stderr == (
        "pcrcode: error: the census needs two attributes: name them, or declare them in "
        "structures.yaml's census: block or synthesis.yaml (--rows ATTR --cols ATTR)\n"
    )


def test_ties_and_summaries_speak_the_study_s_language(cli: CLI, english: Path) -> None:
    result = cli(["crosstab", "data-issues:max", "model-issues:dominant"], cwd=english)
    assert result.exit_code == 0, result.stderr
    assert "Mixed (tie)" not in result.stdout  # no tie here: the label is in the JSON below
    data = json.loads(
        cli(
            ["crosstab", "data-issues:max", "model-issues:dominant", "--format", "json"],
            cwd=english,
        ).stdout
    )
    labels = {r["col"]: r["col_label"] for r in data}
    assert labels["mixte"] == "Mixed (tie)"
    # ana: drift 1 segment only; ben: overfitting 2 segments.
    cells = {(r["row"], r["col"]): r["count"] for r in data}
    assert cells[("data-issues/leakage", "model-issues/overfitting")] == 1
    assert cells[("data-issues/missing-values", "model-issues/drift")] == 1
