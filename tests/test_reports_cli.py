"""The report commands from the command line: golden outputs on the small fixture and the example
project, the same numbers in every format, bad input. Regenerate the golden files with
PCRCODE_UPDATE_GOLDEN=1 (then read the diff)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from tests.conftest import Cli as CLI
from tests.conftest import snapshot
from tests.golden import assert_golden

MAIN_SMALL = (
    "codings: the main coder of each interview (camille); left out: yanis's 2 "
    "double-coded interviews (--coder NAME or --all-coders to change)\n"
)
MAIN_EXAMPLE = (
    "codings: the main coder of each interview (camille); left out: yanis's 5 "
    "double-coded interviews (--coder NAME or --all-coders to change)\n"
)

SMALL_CASES = {
    "report.txt": ["report"],
    "report.md": ["report", "--format", "markdown"],
    "report.json": ["report", "--format", "json"],
    "report.csv": ["report", "--format", "csv"],
    "report-all-coders.txt": ["report", "--all-coders"],
    "profile.txt": ["profile"],
    "profile-all.csv": ["profile", "--all", "--format", "csv"],
    "profile-epicerie.txt": ["profile", "epicerie", "velo"],
    "profile-epicerie.md": ["profile", "epicerie", "--format", "markdown"],
    "profile-epicerie.json": ["profile", "epicerie", "--coder", "yanis", "--format", "json"],
    "crosstab-statut-forme.txt": ["crosstab", "statut", "forme"],
    "crosstab-statut-forme-segments.csv": [
        "crosstab",
        "statut",
        "forme",
        "--count",
        "segments",
        "--percent",
        "row",
        "--format",
        "csv",
    ],
    "crosstab-categorie-logique-depth2.md": [
        "crosstab",
        "categorie",
        "logique",
        "--depth",
        "2",
        "--percent",
        "col",
        "--format",
        "markdown",
    ],
    "crosstab-domaine-statut.json": [
        "crosstab",
        "domaine",
        "statut",
        "--no-margins",
        "--format",
        "json",
    ],
    "census.txt": ["census"],
    "census.json": ["census", "--format", "json"],
    "retrieve.txt": ["retrieve", "logique OR objet/immobilier", "--context", "1"],
    "retrieve.md": ["retrieve", "forme/partenariat", "--coder", "yanis", "--format", "markdown"],
    "retrieve.json": ["retrieve", "objet/immobilier", "-C", "1", "--format", "json"],
    "retrieve.csv": ["retrieve", "forme AND NOT portee", "--all-coders", "--format", "csv"],
    "cooccurrence.txt": ["cooccurrence"],
    "cooccurrence-structure.json": [
        "cooccurrence",
        "--family",
        "forme",
        "--family",
        "portee",
        "--unit",
        "structure",
        "--format",
        "json",
    ],
    "frequencies.txt": ["frequencies"],
    "frequencies.csv": ["frequencies", "--all-coders", "--format", "csv"],
    "frequencies-objet.md": ["frequencies", "--family", "objet", "--format", "markdown"],
}

EXAMPLE_CASES = {
    "report.txt": ["report"],
    "report.md": ["report", "--format", "markdown"],
    "report.json": ["report", "--format", "json"],
    "report-en.md": ["report", "--format", "markdown", "--lang", "en"],
    "profile.txt": ["profile"],
    "profile-terre-et-paille.txt": ["profile", "terre-et-paille", "jardins-du-drac"],
    "crosstab-statut-logique.txt": ["crosstab", "statut", "logique", "--percent", "row"],
    "crosstab-domaine-objet.txt": ["crosstab", "domaine", "objet"],
    "crosstab-logique-portee-segments.csv": [
        "crosstab",
        "logique",
        "portee",
        "--depth",
        "2",
        "--count",
        "segments",
        "--format",
        "csv",
    ],
    "census.txt": ["census"],
    "census.md": ["census", "--format", "markdown"],
    "retrieve.txt": [
        "retrieve",
        "objet/achat-vente AND logique/professionnelle",
        "--where",
        "domaine=habitat",
        "--context",
        "1",
    ],
    "cooccurrence.txt": ["cooccurrence"],
    "frequencies.txt": ["frequencies"],
}


@pytest.mark.parametrize("name", SMALL_CASES)
def test_small_golden(cli: CLI, small: Path, name: str) -> None:
    before = snapshot(small)
    result = cli(SMALL_CASES[name], cwd=small)
    assert result.exit_code == 0, result.stderr
    assert result.exception is None
    assert_golden(f"reports/small/{name}", result.stdout)
    assert snapshot(small) == before


@pytest.mark.parametrize("name", EXAMPLE_CASES)
def test_example_golden(cli: CLI, example: Path, name: str) -> None:
    result = cli(EXAMPLE_CASES[name], cwd=example)
    assert result.exit_code == 0, result.stderr
    assert result.exception is None
    assert_golden(f"reports/example/{name}", result.stdout)


def test_terminal_output_fits_80_columns(cli: CLI, example: Path) -> None:
    for args in (
        ["report"],
        ["profile"],
        ["crosstab", "domaine", "objet"],
        ["cooccurrence"],
        ["frequencies"],
        ["census"],
    ):
        out = cli(args, cwd=example).stdout
        assert max(len(line.rstrip()) for line in out.splitlines()) <= 80, args


def test_stderr_says_whose_codings_count(cli: CLI, small: Path) -> None:
    assert cli(["crosstab", "statut", "logique"], cwd=small).stderr == MAIN_SMALL
    assert (
        cli(["frequencies", "--coder", "yanis"], cwd=small).stderr
        == "codings: yanis only (2 interviews)\n"
    )
    assert (
        cli(["cooccurrence", "--all-coders"], cwd=small).stderr
        == "codings: all coders (camille, yanis), merged per segment\n"
    )
    assert (
        cli(["profile"], cwd=small).stderr
        == "2 structures not interviewed are left out (--all lists them)\n" + MAIN_SMALL
    )
    assert cli(["retrieve", "objet"], cwd=small).stderr == "3 segments match\n" + MAIN_SMALL
    report = cli(["report"], cwd=small)
    assert report.stderr == ""  # the report says it itself
    assert "codages : le codeur principal de chaque entretien (camille)" in report.stdout
    english = cli(["report", "--lang", "en"], cwd=small)
    assert "codings: the main coder of each interview (camille)" in english.stdout


# The same numbers in every format -------------------------------------------------------


def _table_numbers(text: str) -> list[list[int]]:
    """The rows of a terminal table below its header rule, as numbers (first column dropped;
    '3 (1)' gives 3 and 1)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("─")) + 1
    rows = []
    for line in lines[start:]:
        if not line.strip() or not re.search(r"\d", line):
            break
        rows.append([int(n) for n in re.findall(r"(?<![\w-])\d+", line.split(None, 1)[1])])
    return rows


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(
    "args",
    [
        ["crosstab", "statut", "logique"],
        ["crosstab", "domaine", "objet", "--count", "interviews"],
        ["crosstab", "logique", "portee", "--depth", "2", "--count", "segments"],
        ["crosstab", "forme:max", "logique:dominant", "--where", "categorie=associations"],
    ],
)
def test_crosstab_formats_agree(cli: CLI, example: Path, args: list[str]) -> None:
    table = cli(args, cwd=example).stdout
    records = json.loads(cli([*args, "--format", "json"], cwd=example).stdout)
    rows = _csv(cli([*args, "--format", "csv"], cwd=example).stdout)
    assert [int(r["count"]) for r in rows] == [r["count"] for r in records]
    assert [r["row"] for r in rows] == [r["row"] for r in records]
    width = len({r["col"] for r in records})
    grid = [[r["count"] for r in records[i : i + width]] for i in range(0, len(records), width)]
    assert _table_numbers(table) == grid


def test_census_formats_agree(cli: CLI, example: Path) -> None:
    records = json.loads(cli(["census", "--format", "json"], cwd=example).stdout)
    rows = _csv(cli(["census", "--format", "csv"], cwd=example).stdout)
    assert [(int(r["total"]), int(r["interviewed"])) for r in rows] == [
        (r["total"], r["interviewed"]) for r in records
    ]
    shown = [n for row in _table_numbers(cli(["census"], cwd=example).stdout) for n in row]
    expected = [
        n
        for r in records
        for n in ((r["total"], r["interviewed"]) if r["interviewed"] else (r["total"],))
    ]
    assert shown == expected


def test_frequencies_formats_agree(cli: CLI, example: Path) -> None:
    keys = ("codings", "segments", "interviews", "structures")
    records = json.loads(cli(["frequencies", "--format", "json"], cwd=example).stdout)
    rows = _csv(cli(["frequencies", "--format", "csv"], cwd=example).stdout)
    assert [[int(r[k]) for k in keys] for r in rows] == [[r[k] for k in keys] for r in records]
    assert _table_numbers(cli(["frequencies"], cwd=example).stdout) == [
        [r[k] for k in keys] for r in records
    ]


def test_cooccurrence_formats_agree(cli: CLI, example: Path) -> None:
    args = ["cooccurrence", "--family", "objet", "--family", "logique"]
    records = json.loads(cli([*args, "--format", "json"], cwd=example).stdout)
    rows = _csv(cli([*args, "--format", "csv"], cwd=example).stdout)
    assert [int(r["count"]) for r in rows] == [r["count"] for r in records]
    shown = _table_numbers(cli(args, cwd=example).stdout)  # the row number is dropped
    size = int(len(records) ** 0.5)
    assert shown == [
        [r["count"] for r in records[i : i + size]] for i in range(0, len(records), size)
    ]


def test_report_formats_agree(cli: CLI, example: Path) -> None:
    data = json.loads(cli(["report", "--format", "json"], cwd=example).stdout)
    tidy = _csv(cli(["report", "--format", "csv"], cwd=example).stdout)
    for key in ("statut_x_logique", "logique_x_portee", "domaine_x_objet", "forme_x_logique"):
        assert [int(r["value"]) for r in tidy if r["section"] == key] == [
            r["count"] for r in data[key]
        ]
    assert [
        int(r["value"]) for r in tidy if r["section"] == "census" and r["measure"] == "structures"
    ] == [r["total"] for r in data["census"]]


def test_profile_formats_agree(cli: CLI, example: Path) -> None:
    records = json.loads(cli(["profile", "--format", "json"], cwd=example).stdout)
    rows = _csv(cli(["profile", "--format", "csv"], cwd=example).stdout)
    for record, row in zip(records, rows, strict=True):
        assert row["forme"] == record["columns"]["forme"]
        assert int(row["forme_degree"]) == record["columns"]["forme_degree"]
        assert row["logique"] == (record["columns"]["logique"] or "")
        assert int(row["coded_segments"]) == record["coded_segments"]
        flat = {c: n for codes in record["codes"].values() for c, n in codes.items()}
        assert {k: int(v) for k, v in row.items() if "/" in k and v != "0"} == flat


# Colour -----------------------------------------------------------------------------------


def test_the_heatmap_is_shaded_in_colour_and_readable_without(cli: CLI, small: Path) -> None:
    args = ["crosstab", "statut", "forme"]
    plain = cli(args, cwd=small).stdout
    coloured = cli(
        args,
        cwd=small,
        env={
            "NO_COLOR": None,
            "FORCE_COLOR": "1",
            "TERM": "xterm-256color",
        },
    ).stdout
    assert "\x1b[" not in plain
    assert re.search(r"\x1b\[[0-9;]*48;", coloured)  # a background colour
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


def test_heat_levels() -> None:
    from pcrcode.cli.output.report_tables import heat_style

    assert heat_style(0) == heat_style(None) == ""
    styles = [heat_style(x) for x in (0.1, 0.3, 0.5, 0.7, 1.0)]
    assert len(set(styles)) == 5 and all(" on #" in s for s in styles)


# Writing a document -------------------------------------------------------------------------


def test_report_output_file(cli: CLI, small: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "synthese.md"
    result = cli(["report", "--format", "markdown", "-o", str(target)], cwd=small)
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr == f"wrote {target}\n"
    printed = cli(["report", "--format", "markdown"], cwd=small).stdout
    assert target.read_text(encoding="utf-8") == printed
    assert [p.name for p in target.parent.iterdir()] == ["synthese.md"]  # no temporary left


def test_report_output_needs_a_document_format(cli: CLI, small: Path, tmp_path: Path) -> None:
    result = cli(["report", "-o", str(tmp_path / "r.txt")], cwd=small)
    assert result.exit_code == 2
    assert result.stderr == (
        "pcrcode: error: -o writes a document: add --format markdown (or json, csv, html, pdf)\n"
    )
    assert not (tmp_path / "r.txt").exists()


# A project without codings --------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["report"],
        ["profile"],
        ["profile", "epicerie"],
        ["crosstab", "statut", "logique"],
        ["census"],
        ["cooccurrence"],
        ["frequencies"],
    ],
)
def test_no_codings_still_reports(cli: CLI, small: Path, args: list[str]) -> None:
    import shutil

    shutil.rmtree(small / "codings")
    result = cli(args, cwd=small)
    assert result.exit_code == 0, result.stderr
    assert result.exception is None
    if args[0] in ("crosstab", "frequencies"):
        data = json.loads(cli([*args, "--format", "json"], cwd=small).stdout)
        assert data and all(r.get("count", r.get("segments")) == 0 for r in data)


# Bad input ----------------------------------------------------------------------------------

BAD: list[tuple[list[str], int, str]] = [
    (
        ["crosstab", "statu", "logique"],
        2,
        "unknown attribute or code family 'statu' (attributes: statut, domaine, categorie, "
        "creation, interviewed; families: forme, objet, logique, portee; or FAMILY:max, "
        "FAMILY:dominant); did you mean statut?",
    ),
    (
        ["crosstab", "statut", "logique:max"],
        2,
        "'logique:max': logique is not an ordered family; use logique:dominant",
    ),
    (
        ["crosstab", "statut", "forme", "--where", "statut"],
        2,
        "a structure filter is ATTR=VALUE (e.g. size=small), not 'statut' (--where)",
    ),
    (
        ["crosstab", "statut", "forme", "--where", "domaine=mobilité"],
        2,
        "unknown value 'mobilité' of domaine (values: alimentation, mobilite); "
        "did you mean mobilite? (--where)",
    ),
    (
        ["crosstab", "statut", "forme", "-w", "domaine=alimentation", "-w", "statut=scop"],
        1,
        "no structure matches domaine=alimentation and statut=scop (--where)",
    ),
    (
        ["crosstab", "statut", "forme", "--coder", "yannis"],
        2,
        "no codings by coder 'yannis' (coders: camille, yanis) (did you mean 'yanis'?)",
    ),
    (
        ["crosstab", "statut", "forme", "--coder", "yanis", "--all-coders"],
        2,
        "name some coders or all of them, not both (--coder, --all-coders)",
    ),
    (["profile", "epicerie", "velos"], 2, "unknown structure 'velos'; did you mean velo?"),
    (
        ["profile", "velo", "--where", "statut=association"],
        1,
        "structure 'velo' is left out by the structure filter (--where)",
    ),
    (
        ["retrieve", "objet/achat-vente AND"],
        2,
        "malformed query 'objet/achat-vente AND' at column 22: expected a code, NOT or '(', "
        "found the end of the query",
    ),
    (
        ["retrieve", "(forme OR objet"],
        2,
        "malformed query '(forme OR objet' at column 16: expected ')' or an operator (AND, OR), "
        "found the end of the query",
    ),
    (
        ["retrieve", ""],
        2,
        "empty query: give a code id, e.g. family/code AND other/code",
    ),
    (
        ["retrieve", "objet/immo"],
        2,
        "unknown code 'objet/immo' at column 1 of the query; did you mean objet/immobilier, objet?",
    ),
    (
        ["retrieve", "forme/mutualisation AND portee/inter-sectorielle"],
        1,
        "no coded segment matches 'forme/mutualisation AND portee/inter-sectorielle' "
        "(codings: the main coder of each interview (camille); left out: yanis's 2 double-coded "
        "interviews (--coder NAME or --all-coders to change))",
    ),
    (
        ["cooccurrence", "--family", "formes"],
        2,
        "unknown code family 'formes' (families: forme, objet, logique, portee); did you mean "
        "forme, portee?",
    ),
    (
        ["frequencies", "--family", "x"],
        2,
        "unknown code family 'x' (families: forme, objet, logique, portee)",
    ),
]


@pytest.mark.parametrize("args, code, message", BAD, ids=[" ".join(b[0]) for b in BAD])
def test_bad_input(cli: CLI, small: Path, args: list[str], code: int, message: str) -> None:
    before = snapshot(small)
    result = cli(args, cwd=small)
    assert (result.exit_code, result.stdout) == (code, "")
    assert result.stderr == f"pcrcode: error: {message}\n"
    assert result.exception is None
    assert snapshot(small) == before


@pytest.mark.parametrize(
    "args",
    [
        ["crosstab", "statut", "forme", "--count", "cases"],
        ["crosstab", "statut", "forme", "--depth", "0"],
        ["retrieve", "forme", "--context", "-1"],
        ["cooccurrence", "--unit", "turn"],
        ["report", "--format", "pdf"],
    ],
)
def test_bad_options_are_usage_errors(cli: CLI, small: Path, args: list[str]) -> None:
    result = cli(args, cwd=small)
    assert result.exit_code == 2 and result.stdout == ""
    assert "Traceback" not in result.stderr


def test_outside_a_project(cli: CLI, tmp_path: Path) -> None:
    result = cli(["report"], cwd=tmp_path)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("pcrcode: error: no codebook.yaml")
    assert result.stderr.count("\n") == 1
