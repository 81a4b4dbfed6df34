"""``pcrcode --csv-safe``: CSV opened in a spreadsheet never runs a transcript's text as a formula.

A text cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (OWASP's "CSV
injection" list) is written with a ``'`` before it, in every CSV pcrcode writes: the one CSV
writer of ``--format csv`` and ``export csv``. Numbers stay numbers, and without the option the
tidy data for R and pandas is unchanged. Expected outputs are written out by hand.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from pcrcode.cli.output.csv_writer import write_csv
from pcrcode.exchange.csv_format import spreadsheet_text
from tests.conftest import run_cli

ROWS: list[dict[str, Any]] = [
    {"text": "=SUM(A1:A9)", "n": -3, "x": -0.5},
    {"text": "+33 6 12 34 56 78", "n": 0, "x": 1.5},
    {"text": "-3", "n": None, "x": None},
    {"text": "@cmd", "n": True, "x": ["=a", "b"]},
    {"text": "\tcaché", "n": 1, "x": ["a", "=b"]},
    {"text": "\rretour", "n": 2, "x": "ordinaire"},
    {"text": "a=b", "n": 3, "x": ""},
]
KEYS = ["text", "n", "x"]

RAW = (
    "text,n,x\n"
    "=SUM(A1:A9),-3,-0.5\n"
    "+33 6 12 34 56 78,0,1.5\n"
    "-3,,\n"
    "@cmd,true,=a;b\n"
    "\tcaché,1,a;=b\n"
    '"\rretour",2,"ordinaire"\n'  # a carriage return is quoted, the row's text with it
    "a=b,3,\n"
)
SAFE = (
    "text,n,x\n"
    "'=SUM(A1:A9),-3,-0.5\n"
    "'+33 6 12 34 56 78,0,1.5\n"
    "'-3,,\n"
    "'@cmd,true,'=a;b\n"
    "'\tcaché,1,a;=b\n"
    '"\'\rretour",2,"ordinaire"\n'
    "a=b,3,\n"
)


def _written(monkeypatch: pytest.MonkeyPatch, setting: str | None) -> str:
    if setting is None:
        monkeypatch.delenv("PCRCODE_CSV_SAFE", raising=False)
    else:
        monkeypatch.setenv("PCRCODE_CSV_SAFE", setting)
    out = io.StringIO()
    assert write_csv(ROWS, KEYS, out) == len(ROWS)
    return out.getvalue()


@pytest.mark.parametrize("setting", [None, "", "0", "false", "no"])
def test_by_default_the_data_is_written_as_it_is(
    monkeypatch: pytest.MonkeyPatch, setting: str | None
) -> None:
    assert _written(monkeypatch, setting) == RAW


@pytest.mark.parametrize("setting", ["1", "true", "yes"])
def test_text_a_spreadsheet_would_run_is_written_as_text(
    monkeypatch: pytest.MonkeyPatch, setting: str
) -> None:
    """Only the cell's start counts (``a;=b`` is text already); numbers, booleans and
    missing values are not text."""
    assert _written(monkeypatch, setting) == SAFE


def test_a_carriage_return_in_a_cell_stays_in_its_row(
    monkeypatch: pytest.MonkeyPatch, small: Path, tmp_path: Path
) -> None:
    """Python's csv writer leaves it unquoted, where readers (R, pandas, Python's) end a row."""
    import csv

    text = _written(monkeypatch, None)
    assert [r[0] for r in csv.reader(io.StringIO(text, newline=""))][6] == "\rretour"
    path = small / "codings" / "camille" / "velo.yaml"
    first = '"fp": "96acfe65", "at": "2026-11-26T23:35:33Z"}'
    path.write_text(
        path.read_text(encoding="utf-8").replace(first, first[:-1] + ', "memo": "a\\rb"}'),
        encoding="utf-8",
    )
    listing = run_cli(["codings", "--format", "csv"], cwd=small).stdout
    assert run_cli(["export", "csv", str(tmp_path / "out")], cwd=small).exit_code == 0
    exported = (tmp_path / "out" / "codings.csv").read_bytes().decode("utf-8")
    for written in (listing, exported):
        rows = list(csv.DictReader(io.StringIO(written, newline="")))
        assert "a\rb" in [r["memo"] for r in rows]
        assert all(r["segment"].isdigit() for r in rows)


def test_spreadsheet_text() -> None:
    assert [spreadsheet_text(t) for t in ("=1", "+1", "-1", "@x", "\tx", "\rx")] == [
        "'=1",
        "'+1",
        "'-1",
        "'@x",
        "'\tx",
        "'\rx",
    ]
    for text in ("", "x", " =1", "'=1", "1-2", "\n=1"):
        assert spreadsheet_text(text) == text


def _hostile(project: Path) -> None:
    """A memo and free attributes that a spreadsheet would run, and a number below zero."""
    path = project / "codings" / "camille" / "velo.yaml"
    text = path.read_text(encoding="utf-8")
    first = '"fp": "96acfe65", "at": "2026-11-26T23:35:33Z"}'
    assert first in text
    text = text.replace(first, first[:-1] + ', "memo": "=HYPERLINK(\\"http://x.example\\")"}')
    path.write_text(text, encoding="utf-8")
    path = project / "structures.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "attributes: {creation: 2015}",
            'attributes: {creation: 2015, solde: -3, devise: "-3", note: "=1+1"}',
        ),
        encoding="utf-8",
    )


CODINGS = (
    "interview,segment,code,coder,at,fp,memo,start,end,quote,with\n"
    "velo,2,forme/mutualisation,camille,2026-11-26T23:35:33Z,96acfe65,"
    "{memo},,,,\n"
    "velo,4,forme/echange-informations,camille,2026-11-26T23:35:33Z,1d888933,,,,,\n"
    "velo,4,objet/information-competences,camille,2026-11-26T23:35:33Z,1d888933,,,,,\n"
    "velo,4,portee/intra-sectorielle,camille,2026-11-26T23:35:33Z,1d888933,,,,,\n"
)


def test_the_codings_listing(small: Path) -> None:
    _hostile(small)
    args = ["codings", "--interview", "velo", "--coder", "camille", "--format", "csv"]
    raw = run_cli(args, cwd=small)
    assert raw.exit_code == 0, raw.stderr
    assert raw.stdout == CODINGS.format(memo='"=HYPERLINK(""http://x.example"")"')
    safe = CODINGS.format(memo='"\'=HYPERLINK(""http://x.example"")"')
    for run in (
        run_cli(["--csv-safe", *args], cwd=small),
        run_cli(args, cwd=small, env={"PCRCODE_CSV_SAFE": "1"}),
    ):
        assert run.exit_code == 0, run.stderr
        assert run.stdout == safe


def test_the_option_does_not_outlive_its_command(small: Path) -> None:
    _hostile(small)
    args = ["codings", "--interview", "velo", "--coder", "camille", "--format", "csv"]
    assert "'=HYPERLINK" in run_cli(["--csv-safe", *args], cwd=small).stdout
    assert "'=HYPERLINK" not in run_cli(args, cwd=small).stdout


def test_export_csv(small: Path, tmp_path: Path) -> None:
    _hostile(small)
    for option, folder in (([], "raw"), (["--csv-safe"], "safe")):
        run = run_cli([*option, "export", "csv", str(tmp_path / folder)], cwd=small)
        assert run.exit_code == 0, run.stderr
    header = "structure,name,statut,domaine,categorie,creation,solde,devise,note,interviewed,"
    rest = (
        "interviews\n"
        "epicerie,L'Épicerie du Coin,association,alimentation,associations,2010,,,,true,1\n"
        "velo,Vélo Scop,scop,mobilite,cooperatives,2015,-3,{devise},{note},true,1\n"
        "potager,Le Potager,association,alimentation,associations,,,,,false,0\n"
        "roues,Les Roues,association,mobilite,associations,,,,,false,0\n"
    )
    raw = (tmp_path / "raw" / "structures.csv").read_text(encoding="utf-8")
    safe = (tmp_path / "safe" / "structures.csv").read_text(encoding="utf-8")
    assert raw == header + rest.format(devise="-3", note="=1+1")
    assert safe == header + rest.format(devise="'-3", note="'=1+1")
    memo = '"=HYPERLINK(""http://x.example"")"'
    assert f",{memo}\n" in (tmp_path / "raw" / "codings.csv").read_text(encoding="utf-8")
    safe_memo = '"\'=HYPERLINK(""http://x.example"")"'
    assert f",{safe_memo}\n" in (tmp_path / "safe" / "codings.csv").read_text(encoding="utf-8")


def _hostile_labels(project: Path) -> None:
    """A code label and a structure name a spreadsheet would run, as every report shows."""
    _hostile(project)
    for name, old, new in (
        ("codebook.yaml", "label: Partenariat", "label: '@Partenariat'"),
        ("codebook.yaml", "label: Mutualisation", "label: '+Mutualisation'"),
        ("structures.yaml", "name: Vélo Scop", "name: '=Vélo Scop'"),
        ("interviews/epicerie.md", "**Léa:** Ben euh…", "**Léa:** -Ben euh…"),
    ):
        path = project / name
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    "args",
    [
        ["profile", "velo"],
        ["retrieve", "forme/mutualisation"],
        ["memo", "list"],
        ["frequencies"],
        ["crosstab", "forme", "domaine"],
        ["cooccurrence"],
        ["interviews", "list"],
        ["codebook", "show"],
        ["agreement", "disagreements"],
    ],
    ids=" ".join,
)
def test_every_csv_output_follows_the_same_rule(small: Path, args: list[str]) -> None:
    """With the option, every text cell that begins with a formula's sign has a ' before it,
    and nothing else changes: the numbers are those printed without it. (`report`'s CSV holds
    only ids and numbers.)"""
    import csv

    _hostile_labels(small)
    raw = run_cli([*args, "--format", "csv"], cwd=small)
    safe = run_cli(["--csv-safe", *args, "--format", "csv"], cwd=small)
    assert raw.exit_code == safe.exit_code == 0, (raw.stderr, safe.stderr)
    raw_rows = list(csv.reader(io.StringIO(raw.stdout)))
    safe_rows = list(csv.reader(io.StringIO(safe.stdout)))
    assert len(raw_rows) == len(safe_rows) > 1
    neutralised = 0
    for before, after in zip(raw_rows, safe_rows, strict=True):
        for cell, shown in zip(before, after, strict=True):
            # "-3" may be text (neutralised) or a number (not): the unit tests tell them apart
            signs = ("=", "+", "@", "\t", "\r")
            if cell.startswith(signs) or (cell.startswith("-") and shown != cell):
                assert shown == "'" + cell, (cell, shown)
                neutralised += 1
            else:
                assert shown == cell
    assert neutralised > 0, "the example's label, name or memo is in every output"
