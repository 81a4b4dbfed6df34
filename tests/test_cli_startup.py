"""Start-up: a command imports its own module only, and the lazy registration changes nothing
that a user sees (the listing of `pcrcode --help`, the commands, their help)."""

from __future__ import annotations

import ast
import importlib
import os
import pkgutil
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import typer
import typer.main

import pcrcode.cli
from pcrcode.cli import COMMANDS, app
from tests.conftest import run_cli

# What `pcrcode --help` or a mistyped command needs: Typer and these.
STARTUP_MODULES = {"pcrcode", "pcrcode.cli", "pcrcode.errors"}


def _modules_after(args: list[str]) -> set[str]:
    """The modules loaded by a pcrcode process run with ``args`` (exit code ignored)."""
    code = (
        "import sys\n"
        "from pcrcode.cli import main\n"
        f"sys.argv = ['pcrcode', *{args!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.stdout.flush()\n"
        "sys.__stderr__.write('\\nMODULES ' + repr(sorted(sys.modules)) + '\\n')\n"
    )
    env = {
        **os.environ,
        "COLUMNS": "80",
        "NO_COLOR": "1",
        "PCRCODE_CODER": "",
        "PCRCODE_PROJECT": "",
        "TERM": "dumb",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, env=env
    )
    marker = result.stderr.rfind("\nMODULES ")
    assert marker != -1, result.stderr
    return set(ast.literal_eval(result.stderr[marker + len("\nMODULES ") :]))


def _heavy(modules: set[str]) -> set[str]:
    return {
        m
        for m in modules
        if m.split(".")[0] in ("rich", "yaml", "json", "csv", "xml", "statistics")
    }


def _pcrcode(modules: set[str]) -> set[str]:
    return {m for m in modules if m.split(".")[0] == "pcrcode"}


@pytest.mark.parametrize("args", [["--help"], [], ["--version"], ["tga"]], ids=" ".join)
def test_help_imports_no_command_module(args: list[str]) -> None:
    modules = _modules_after(args)
    assert _pcrcode(modules) == STARTUP_MODULES
    assert _heavy(modules) == set()


def test_a_command_imports_its_own_module_only() -> None:
    modules = _modules_after(["tag", "--help"])
    assert _pcrcode(modules) == STARTUP_MODULES | {"pcrcode.cli.common", "pcrcode.cli.tagging"}
    assert _heavy(modules) == set()


def test_a_group_imports_the_modules_that_declare_it() -> None:
    modules = _modules_after(["import", "--help"])
    assert {m for m in modules if m.startswith("pcrcode.cli.")} == {
        "pcrcode.cli.common",
        "pcrcode.cli.exchange",
        "pcrcode.cli.transcript_import",
    }
    assert _heavy(modules) == set()


def test_a_group_in_parts_lists_its_commands_in_the_table_order() -> None:
    # exchange's `import qdpx` and `import qdc`, then transcript_import's `import transcript`,
    # whatever was imported before (the order once depended on it).
    importlib.import_module("pcrcode.cli.transcript_import")
    group = _group()
    assert list(group.commands["import"].commands) == ["qdpx", "qdc", "transcript"]
    assert list(group.commands["codebook"].commands) == ["show", "rename", "merge", "move"]
    assert group.commands["import"].help == COMMANDS["import"][1]


def _group() -> Any:
    return typer.main.get_command(app)


def _tree(group: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    for name, command in group.commands.items():  # builds every lazy command
        path = (*prefix, name)
        yield path, command
        if hasattr(command, "commands"):
            yield from _tree(command, path)


def _first_paragraph(command: Any) -> list[str]:
    return (command.help or "").split("\n\n")[0].split()


def test_the_table_gives_each_command_its_module_and_summary() -> None:
    group = _group()
    assert list(group.list_commands(None)) == list(COMMANDS)
    for name, (modules, summary) in COMMANDS.items():
        command = group.commands[name]
        assert command.name == name
        assert _first_paragraph(command) == summary.split(), (
            f"{name}: its help's first paragraph changed; update pcrcode.cli.COMMANDS"
        )
        assert not command.hidden and not command.deprecated and not command.short_help, name
        for module in modules:
            assert sys.modules[f"pcrcode.cli.{module}"]


def test_typer_order_commands_then_groups() -> None:
    # Typer lists a group's plain commands before its sub-groups: the table keeps that order.
    group = _group()
    kinds = [hasattr(group.commands[name], "commands") for name in COMMANDS]
    assert kinds == sorted(kinds)


def _cli_modules() -> Iterator[tuple[str, Any]]:
    for info in pkgutil.iter_modules(pcrcode.cli.__path__):
        yield info.name, importlib.import_module(f"pcrcode.cli.{info.name}")


def _callbacks(typer_app: typer.Typer) -> Iterator[Any]:
    """The command and group callbacks of ``typer_app`` and of its groups."""
    yield from (c.callback for c in typer_app.registered_commands)
    if typer_app.registered_callback is not None:
        yield typer_app.registered_callback.callback
    for info in typer_app.registered_groups:
        assert info.typer_instance is not None
        yield from _callbacks(info.typer_instance)


def _defined_callbacks() -> set[Any]:
    """Every command and group callback that the modules of pcrcode.cli define, in any Typer."""
    found: set[Any] = set()
    for _, module in _cli_modules():
        for value in vars(module).values():
            if isinstance(value, typer.Typer) and value is not app:
                found.update(_callbacks(value))
    found.discard(None)
    return found


def test_one_way_to_declare_commands() -> None:
    # A module's commands all hang from its `app` (no register function, no command added to
    # another module's Typer), and the table names exactly the modules that have one.
    with_app = set()
    for name, module in _cli_modules():
        assert not hasattr(module, "register"), name
        typers = [v for v in vars(module).values() if isinstance(v, typer.Typer) and v is not app]
        if not typers:
            continue
        assert isinstance(getattr(module, "app", None), typer.Typer), name
        in_app = set(_callbacks(module.app))
        for value in typers:
            assert set(_callbacks(value)) <= in_app, f"{name}: a Typer outside its app"
        with_app.add(name)
    assert with_app == {module for modules, _ in COMMANDS.values() for module in modules}


def test_the_table_names_each_command_where_it_is_declared() -> None:
    for name, (modules, _) in COMMANDS.items():
        declaring = []
        for module in modules:
            declared = importlib.import_module(f"pcrcode.cli.{module}").app
            names = [c.name for c in declared.registered_commands]
            names += [g.name for g in declared.registered_groups]
            declaring.append(name in names)
        assert all(declaring), (name, modules)


def test_every_command_of_the_modules_is_reachable() -> None:
    reachable = {
        command.callback.__wrapped__
        for _, command in _tree(_group())
        if command.callback is not None
    }
    missing = {f"{c.__module__}.{c.__qualname__}" for c in _defined_callbacks() - reachable}
    assert not missing, f"commands missing from pcrcode.cli.COMMANDS: {sorted(missing)}"


@pytest.mark.parametrize("width", [40, 80, 100, 200])
def test_listing_is_the_listing_of_the_built_commands(width: int) -> None:
    lazy = _group()
    ctx = typer.Context(lazy, info_name="pcrcode", terminal_width=width)
    listed = lazy.get_help(ctx)
    assert not any(lazy.lazy.is_built(name) for name in COMMANDS)
    for name in COMMANDS:
        lazy.commands[name]
    assert all(lazy.lazy.is_built(name) for name in COMMANDS)
    assert lazy.get_help(ctx) == listed


def test_help_lists_every_command_in_order() -> None:
    result = run_cli(["--help"])
    assert result.exit_code == 0
    listing = result.stdout.split("Commands:\n", 1)[1].splitlines()
    assert [line.split()[0] for line in listing] == list(COMMANDS)


def test_unknown_command_suggests_without_building() -> None:
    result = run_cli(["codeboo"])
    assert result.exit_code == 2
    assert result.stderr == (
        "pcrcode: error: No such command 'codeboo'. Did you mean 'codebook', 'code'? "
        "(see `pcrcode --help`)\n"
    )


def test_added_command_is_kept() -> None:
    group = _group()
    extra = typer.core.TyperCommand("extra", help="An extra command.")
    group.add_command(extra)
    assert group.commands["extra"] is extra
    assert group.list_commands(None) == [*COMMANDS, "extra"]
    assert len(group.commands) == len(COMMANDS) + 1


SPEW = """
import sys
from pcrcode.cli import app, main
@app.command("spew")
def spew() -> None:
    for _ in range(3):  # chunks a little larger than a pipe's 64 KiB (as json_stream.py writes)
        sys.stdout.write(("x" * 99 + "\\n") * 656)
sys.argv = ["pcrcode", "spew"]
main()
"""


def test_output_left_in_the_buffer_by_a_reader_leaving_is_dropped() -> None:
    # Left in stdout's buffer, it would be flushed at exit into the closed pipe: exit code 120
    # (most runs, the timing decides) instead of 0.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    proc = subprocess.Popen(
        [sys.executable, "-c", SPEW], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline()
    proc.stdout.close()  # the reader leaves with most of it unread
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 0, err
    assert err == b""
