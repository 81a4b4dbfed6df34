"""Report tables printed without Rich (into a pipe or a file) are the bytes Rich prints: the same
grids through both paths of ``report_tables.print_grid``, on generated grids, widths and console
settings, and every table-printing command of the example project at several widths."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from pcrcode.cli.output import report_tables
from pcrcode.cli.output.report_tables import Grid, print_grid
from tests.conftest import console_text, run_cli

CELL = st.one_of(
    st.text(
        st.sampled_from([*"abcxyz019 -–()%", "é", "è", "ç", "·", "\xa0", "漢", "\t"]), max_size=14
    ),
    st.builds(
        lambda n, text: " " * n + text,
        st.integers(1, 6),
        st.text(st.sampled_from("abé█▏▍"), max_size=8),
    ),
)  # indented codes, bars
CONSOLES: dict[str, dict[str, Any]] = {
    "pipe": {},
    "terminal": {"force_terminal": True, "color_system": "truecolor"},
    "no colour": {"force_terminal": True, "color_system": "256", "no_color": True},
}


@st.composite
def grids(draw: st.DrawFn) -> Grid:
    columns = draw(st.integers(1, 6))
    rows = draw(st.lists(st.lists(CELL, min_size=columns, max_size=columns), max_size=8))
    return Grid(
        title=draw(st.text(st.sampled_from("Titre de tableau ·é"), max_size=130)),
        headers=draw(st.lists(CELL, min_size=columns, max_size=columns)),
        rows=rows,
        justify=draw(
            st.lists(st.sampled_from(["left", "right"]), min_size=columns, max_size=columns)
        ),
        heat=[[draw(st.none() | st.floats(0, 1)) for _ in range(columns)] for _ in rows],
        caption=draw(st.lists(st.text(st.sampled_from("légende (x) "), max_size=120), max_size=2)),
        bold_last=draw(st.booleans()),
        abbreviate=draw(st.booleans()),
    )


def printed(grid: Grid, width: int, console: dict[str, Any], compact: bool, rich: bool) -> str:
    out = Console(
        file=io.StringIO(), width=width, highlight=False, markup=False, emoji=False, **console
    )
    with pytest.MonkeyPatch.context() as patch:
        if rich:
            patch.setattr(report_tables, "_print_plain", lambda *args: False)
        print_grid(out, grid, compact)
    return console_text(out)


@settings(max_examples=400, deadline=None)
@given(
    grid=grids(),
    width=st.integers(8, 140),
    console=st.sampled_from(sorted(CONSOLES)),
    compact=st.booleans(),
)
def test_a_grid_prints_as_rich_prints_it(
    grid: Grid, width: int, console: str, compact: bool
) -> None:
    settings_ = CONSOLES[console]
    assert printed(grid, width, settings_, compact, False) == printed(
        grid, width, settings_, compact, True
    )


def test_the_plain_path_is_taken_into_a_pipe(monkeypatch: pytest.MonkeyPatch) -> None:
    grid = Grid(
        "Logique by statut",
        ["statut", "reseau", "total"],
        [["association", "9", "9"], ["total", "9", "9"]],
        ["left", "right", "right"],
    )
    taken: list[bool] = []
    plain = report_tables._print_plain

    def spy(*args: Any) -> bool:
        taken.append(plain(*args))
        return taken[-1]

    monkeypatch.setattr(report_tables, "_print_plain", spy)
    text = printed(grid, 80, {}, False, False)
    assert taken == [True]
    assert text == (
        "Logique by statut\n"
        "statut       reseau  total\n" + "\u2500" * 26 + "\n"
        "association       9      9\n"
        "total             9      9\n"
    )
    printed(grid, 80, CONSOLES["terminal"], False, False)
    assert taken == [True, False]  # colours: Rich lays it out


@pytest.mark.parametrize(
    "args",
    [
        ["report"],
        ["crosstab", "statut", "logique"],
        ["crosstab", "domaine", "objet", "--count", "segments", "--percent", "row"],
        ["cooccurrence"],
        ["census"],
        ["frequencies"],
        ["profile"],
        ["agreement"],
    ],
)
@pytest.mark.parametrize("columns", ["40", "80", "132"])
def test_the_example_prints_the_same_without_rich(
    example: Path, args: list[str], columns: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {"COLUMNS": columns}
    fast = run_cli(args, cwd=example, env=env)
    monkeypatch.setattr(report_tables, "_print_plain", lambda *a: False)
    slow = run_cli(args, cwd=example, env=env)
    assert fast.exit_code == slow.exit_code == 0, fast.stderr
    assert fast.stdout == slow.stdout and fast.stderr == slow.stderr


@pytest.mark.parametrize(
    ("env", "plain"),
    [
        ({}, 80),  # a pipe: laid out for an 80-column terminal (issue 13)
        ({"COLUMNS": "72"}, 72),
        ({"NO_COLOR": "1", "COLUMNS": "80"}, 80),
        ({"FORCE_COLOR": "1"}, None),
        ({"FORCE_COLOR": ""}, None),
        ({"TTY_COMPATIBLE": "0"}, None),
        ({"COLUMNS": "wide"}, None),
    ],
)
def test_reports_skip_rich_only_where_it_would_style_nothing(
    env: dict[str, str], plain: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pcrcode.cli.output.rows import PlainConsole, output_console

    for name in ("COLUMNS", "FORCE_COLOR", "TTY_COMPATIBLE", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("sys.stdout", io.StringIO())  # not a terminal
    out = output_console()
    assert (out.width if isinstance(out, PlainConsole) else None) == plain


def test_a_piped_report_does_not_import_rich_s_console(example: Path) -> None:
    import subprocess
    import sys

    # The findings section's statements are long sentences that wrap, which the plain layout
    # does not do yet (Rich lays that table out): this checks the tables that fit unwrapped.
    (example / "findings.yaml").unlink()
    code = (
        "import sys; from pcrcode.cli import main; sys.argv = ['pcrcode', 'report'];\n"
        "try: main()\nexcept SystemExit: pass\n"
        "sys.stderr.write(str(sorted(m for m in sys.modules if m.startswith('rich'))))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=example,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "200"},
        check=True,
    )
    assert run.stdout.startswith("Synthèse · ")
    loaded = run.stderr.splitlines()[-1]
    assert "'rich.cells'" in loaded  # to measure accented text: a table of widths, no more
    assert "rich.console" not in loaded and "rich.table" not in loaded
