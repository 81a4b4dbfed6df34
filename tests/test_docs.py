"""The documentation tells the same story as the code: every command has help with an example and
is in the README, and the README's test command is what CI runs."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import typer

from pcrcode.cli import app
from tests.conftest import ROOT, run_cli

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    for name, command in sorted(group.commands.items()):
        path = (*prefix, name)
        if hasattr(command, "commands"):
            yield from _commands(command, path)
        else:
            yield path, command


COMMANDS = list(_commands(typer.main.get_command(app)))


def test_there_are_commands() -> None:
    names = {" ".join(p) for p, _ in COMMANDS}
    assert {
        "check",
        "tag",
        "untag",
        "codings",
        "init",
        "interviews list",
        "interviews show",
        "codebook show",
    } <= names


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=" ".join)
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    result = run_cli([*path, "--help"])
    assert result.exit_code == 0
    assert re.search(r"Example: pcrcode \S", result.stdout), result.stdout


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=" ".join)
def test_every_command_is_in_the_readme(path: tuple[str, ...]) -> None:
    assert re.search(re.escape(f"pcrcode {' '.join(path)}") + r"(?![\w-])", README), path


def test_readme_test_command_is_what_ci_runs() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = "pip install -e '.[test]' && python -m pytest"
    assert f"```sh\n{command}\n```" in README
    assert f"\n{command}\n" in ci


def test_readme_lists_every_check_rule() -> None:
    from pcrcode.project_checks import RULES

    for rule in RULES:
        assert f"`{rule}`" in README, rule


def test_python_dash_m_works() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pcrcode", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert result.stdout.startswith("pcrcode ")


@pytest.mark.skipif(shutil.which("pcrcode") is None, reason="pcrcode is not installed on PATH")
def test_installed_script_help() -> None:
    result = subprocess.run(["pcrcode", "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert "Usage: pcrcode" in result.stdout
    assert result.stderr == ""


def test_help_does_not_import_heavy_modules() -> None:
    """`pcrcode --help` stays fast: no YAML, Rich tables, XML or statistics at start-up."""
    code = (
        "import sys; from pcrcode.cli import app; import typer.main; "
        "typer.main.get_command(app); "
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('yaml', 'xml', 'csv', 'json', 'statistics', 'fractions') "
        "or m.startswith(('rich.table', 'pcrcode.agreement.coefficients', "
        "'pcrcode.exchange.refi')))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


# -- the README's code map --------------------------------------------------------------------


def _code_map() -> dict[str, set[str]]:
    """The code map's rows: the unit (package or top-level module, dotted under pcrcode) and
    the units it may import."""
    section = README.split("### Code map", 1)[1].split("\n\n`tests/test_docs.py`", 1)[0]
    rows: dict[str, set[str]] = {}
    for line in section.splitlines():
        m = re.match(r"\| `pcrcode/([\w/]+?)(?:\.py|/)` \|.*\| (.*) \|$", line)
        if m:
            allowed = set(re.findall(r"`(\w+)`", m.group(2).split(";")[0]))
            rows[m.group(1).replace("/", ".")] = allowed
    return rows


def _unit(module: str) -> str:
    parts = module.split(".")[1:]
    if parts[:2] == ["cli", "output"]:
        return "cli.output"
    return parts[0] if parts else ""


def test_the_code_map_names_every_package_and_module() -> None:
    package = ROOT / "pcrcode"
    units = {p.stem for p in package.glob("*.py") if p.stem not in ("__init__", "__main__")}
    units |= {p.name for p in package.iterdir() if (p / "__init__.py").exists()}
    units.add("cli.output")
    assert set(_code_map()) == units


def test_the_core_imports_what_the_code_map_allows() -> None:
    import ast

    rules = _code_map()
    wrong = []
    for path in sorted((ROOT / "pcrcode").rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        unit = _unit(module)
        if unit.startswith("cli") or unit in ("", "__init__", "__main__"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pcrcode."):
                used = _unit(node.module or "")
                if (
                    used != unit
                    and used not in rules[unit]
                    and used not in README_EXCEPTIONS.get(module, ())
                ):
                    wrong.append(f"{module} imports {node.module}")
    assert wrong == []


MAX_MODULE_LINES = 500


def test_no_module_is_longer_than_500_lines() -> None:
    """Modules a reader can take in (CONVENTIONS.md, point 21): one that grows past this is
    split by concern. Lines counted as `wc -l` does."""
    lines = {
        path.relative_to(ROOT).as_posix(): path.read_bytes().count(b"\n")
        for path in (ROOT / "pcrcode").rglob("*.py")
    }
    assert len(lines) > 100  # the walk found the package
    assert {p: n for p, n in sorted(lines.items()) if n > MAX_MODULE_LINES} == {}


# The code map's stated exceptions (its "also" notes).
README_EXCEPTIONS = {
    "pcrcode.files.memos": ("coding",),
}
