"""The command-line surface, walked over every command: values named one way in the help, one
meaning per short flag, usage errors in pcrcode's format."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.main

from pcrcode.cli import app

# An upper-case word, or words joined by = or : (ATTR=VALUE, INTERVIEW:SEGMENT), `...` when
# repeated; a choice: its values in square brackets.
WORD = re.compile(r"[A-Z][A-Z0-9_-]*(?:[=:][A-Z][A-Z0-9_-]*)*(?:\.\.\.)?")
CHOICE = re.compile(r"\[[a-z0-9-]+(?:\|[a-z0-9-]+)+\]")


def _walk(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command and group, built (the lazy table builds each one on access)."""
    yield path, command
    for name in command.list_commands(None) if hasattr(command, "commands") else ():
        yield from _walk(command.commands[name], (*path, name))


ROOT_GROUP = typer.main.get_command(app)
TREE = list(_walk(ROOT_GROUP))


def _context(path: tuple[str, ...], command: Any) -> typer.Context:
    """A context as when the command runs: under the root's (-h is a root setting)."""
    root = typer.Context(ROOT_GROUP, info_name="pcrcode", **ROOT_GROUP.context_settings)
    return typer.Context(command, info_name=path[-1], parent=root) if path else root


def _label(path: tuple[str, ...]) -> str:
    return " ".join(("pcrcode", *path))


def _values(command: Any) -> Iterator[Any]:
    """The parameters that take a value (not flags, not --help)."""
    for param in command.params:
        if param.param_type_name == "argument" or not (param.is_flag or param.count):
            yield param


@pytest.mark.parametrize(("path", "command"), TREE, ids=[_label(p) for p, _ in TREE])
def test_every_value_is_named_one_way(path: tuple[str, ...], command: Any) -> None:
    ctx = _context(path, command)
    for param in _values(command):
        shown = param.make_metavar(ctx)
        choices = getattr(param.type, "choices", None)
        if param.param_type_name == "option" and choices is not None:
            assert shown == f"[{'|'.join(map(str, choices))}]", (param.name, shown)
        else:
            assert WORD.fullmatch(shown) or CHOICE.fullmatch(shown), (param.name, shown)


@pytest.mark.parametrize(("path", "command"), TREE, ids=[_label(p) for p, _ in TREE])
def test_the_usage_line_names_arguments_as_click_does(path: tuple[str, ...], command: Any) -> None:
    ctx = _context(path, command)
    pieces = command.collect_usage_pieces(ctx)
    assert pieces[0] == "[OPTIONS]"
    if hasattr(command, "commands"):
        assert pieces[1:] == ["COMMAND [ARGS]..."]
        return
    for piece in pieces[1:]:
        required = piece.strip("[]") == piece
        word = piece if required else piece[1:-1]
        assert WORD.fullmatch(word), piece


def test_usage_lines_as_a_user_reads_them() -> None:
    from tests.conftest import run_cli

    for args, usage in (
        (["tag"], "pcrcode tag [OPTIONS] INTERVIEW SEGMENTS CODE..."),
        (["profile"], "pcrcode profile [OPTIONS] [STRUCTURE...]"),
        (["memo", "add"], "pcrcode memo add [OPTIONS] KIND TARGET"),
        (["init"], "pcrcode init [OPTIONS] [DIR]"),
        (["import", "transcript"], "pcrcode import transcript [OPTIONS] FILE..."),
    ):
        result = run_cli([*args, "--help"])
        assert result.exit_code == 0
        assert result.stdout.startswith(f"Usage: {usage}\n"), result.stdout
    memo = run_cli(["memo", "list", "--help"]).stdout
    assert "-k, --kind [code|interview|structure|coding]" in memo
    assert "-a, --author CODER" in memo


def short_flags() -> dict[str, dict[str, list[str]]]:
    """Every short flag of every command: {"-c": {"--coder": ["tag", ...]}, ...}."""
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path, command in TREE:
        ctx = _context(path, command)
        for param in command.get_params(ctx):  # --help included
            names = [*param.opts, *getattr(param, "secondary_opts", [])]
            long = next((n for n in names if n.startswith("--")), param.name or "")
            for short in (n for n in names if n.startswith("-") and not n.startswith("--")):
                found[short][long].append(_label(path))
    return found


def test_a_short_flag_means_one_thing() -> None:
    twice = {short: dict(longs) for short, longs in short_flags().items() if len(longs) > 1}
    assert twice == {}


def test_an_option_has_one_short_flag() -> None:
    letters: dict[str, set[str]] = defaultdict(set)
    for short, longs in short_flags().items():
        for long in longs:
            letters[long].add(short)
    assert {long: shorts for long, shorts in letters.items() if len(shorts) > 1} == {}


def test_the_readme_lists_every_short_flag() -> None:
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Options shared by commands", 1)[1].split("\n\n")[2]
    rows = dict(re.findall(r"^\| `(-\w)` \| `(--[\w-]+)` \|", table, flags=re.M))
    assert rows == {short: next(iter(longs)) for short, longs in short_flags().items()}


def test_agreement_takes_coder_like_every_command(small: Path) -> None:
    from tests.conftest import run_cli

    outputs = set()
    for coders in (["-c", "camille", "-c", "yanis"], ["--coder", "camille,yanis"]):
        result = run_cli(["agreement", *coders, "-f", "json"], cwd=small)
        assert result.exit_code == 0, result.stderr
        outputs.add(result.stdout)
    old = run_cli(["agreement", "--coders", "camille,yanis", "-f", "json"], cwd=small)
    assert old.exit_code == 0  # its former name still works
    assert {old.stdout} == outputs
    assert '"coders": [\n    "camille",\n    "yanis"\n  ]' in old.stdout


if __name__ == "__main__":  # the inventory: python -m tests.test_cli_surface
    for short, longs in sorted(short_flags().items(), key=lambda item: item[0].lower()):
        for long, where in longs.items():
            print(f"{short}  {long}  {', '.join(where)}")


# --- usage errors and widths --------------------------------------------------------------------

NEEDS_AN_ARGUMENT = [
    (path, command)
    for path, command in TREE
    if any(p.param_type_name == "argument" and p.required for p in command.params)
]


@pytest.mark.parametrize(
    ("path", "command"), NEEDS_AN_ARGUMENT, ids=[_label(p) for p, _ in NEEDS_AN_ARGUMENT]
)
def test_a_missing_argument_is_one_pcrcode_line(
    path: tuple[str, ...], command: Any, tmp_path: Path
) -> None:
    from tests.conftest import run_cli

    first = next(p for p in command.params if p.param_type_name == "argument")
    result = run_cli(list(path), cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"pcrcode: error: Missing argument '{first.metavar}'.")
    assert result.stderr.endswith(f" (see `{_label(path)} --help`)\n")
    assert result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["memo", "add", "code"], "Missing argument 'TARGET'. (see `pcrcode memo add --help`)"),
        (
            ["import", "qdpx", "x.qdpx"],
            "Missing option '--into'. (see `pcrcode import qdpx --help`)",
        ),
        (
            ["check", "extra"],
            "Got unexpected extra argument(s) (extra) (see `pcrcode check --help`)",
        ),
        (["tag", "x", "1", "c", "--coder"], "Option '--coder' requires an argument."),
        (
            ["agreement", "disagreements", "--bogus"],
            "No such option: --bogus (see `pcrcode agreement disagreements --help`)",
        ),
        (
            ["memo", "add", "kode", "x"],
            "Invalid value for 'KIND': 'kode' is not one of 'code', 'interview', 'structure', "
            "'coding'. (see `pcrcode memo add --help`)",
        ),
        (
            ["profile", "--depth", "0"],
            "Invalid value for '--depth' / '-d': 0 is not in the range x>=1. "
            "(see `pcrcode profile --help`)",
        ),
        (["--project"], "Option '--project' requires an argument."),
    ],
)
def test_click_usage_errors_are_one_pcrcode_line(args: list[str], message: str) -> None:
    from tests.conftest import run_cli

    result = run_cli(args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"pcrcode: error: {message}\n"
    assert result.exception is None


@pytest.mark.parametrize(
    ("columns", "narrowest", "widest"), [(None, 70, 80), ("120", 90, 120), ("60", 50, 60)]
)
def test_a_pipe_is_80_columns_unless_columns_says_otherwise(
    small: Path, columns: str | None, narrowest: int, widest: int
) -> None:
    import os
    import subprocess
    import sys

    from rich.cells import cell_len

    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    env.update({"COLUMNS": columns} if columns else {})
    for command in (["interviews", "show", "epicerie"], ["retrieve", "forme"], ["memo", "list"]):
        out = subprocess.run(
            [sys.executable, "-m", "pcrcode", *command],
            cwd=small,
            capture_output=True,
            text=True,
            env=env,
            check=True,
        ).stdout  # a pipe: not a terminal
        width = max(cell_len(line) for line in out.splitlines())
        assert narrowest < width <= widest, (command, width)
