"""The command-line surface, walked over every command: values named one way in the help, one
meaning per short flag, usage errors in pcrcode's format."""

from __future__ import annotations

import re
from collections.abc import Iterator
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


TREE = list(_walk(typer.main.get_command(app)))


def _label(path: tuple[str, ...]) -> str:
    return " ".join(("pcrcode", *path))


def _values(command: Any) -> Iterator[Any]:
    """The parameters that take a value (not flags, not --help)."""
    for param in command.params:
        if param.param_type_name == "argument" or not (param.is_flag or param.count):
            yield param


@pytest.mark.parametrize(("path", "command"), TREE, ids=[_label(p) for p, _ in TREE])
def test_every_value_is_named_one_way(path: tuple[str, ...], command: Any) -> None:
    ctx = typer.Context(command, info_name=path[-1] if path else "pcrcode")
    for param in _values(command):
        shown = param.make_metavar(ctx)
        choices = getattr(param.type, "choices", None)
        if param.param_type_name == "option" and choices is not None:
            assert shown == f"[{'|'.join(map(str, choices))}]", (param.name, shown)
        else:
            assert WORD.fullmatch(shown) or CHOICE.fullmatch(shown), (param.name, shown)


@pytest.mark.parametrize(("path", "command"), TREE, ids=[_label(p) for p, _ in TREE])
def test_the_usage_line_names_arguments_as_click_does(path: tuple[str, ...], command: Any) -> None:
    ctx = typer.Context(command, info_name=path[-1] if path else "pcrcode")
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
