"""Shared test helpers: run the CLI in-process, copy fixture projects, find the shared folder."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pcrcode.cli import app

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SHARED = ROOT.parent / "shared"

EXAMPLE_PARTS = (
    "codebook.yaml",
    "structures.yaml",
    "synthesis.yaml",
    "findings.yaml",
    "interviews",
    "codings",
)


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None


def run_cli(
    args: list[str],
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    input: str | None = None,
) -> Run:
    """Run pcrcode in-process with an 80-column, colourless terminal.

    A report that may answer from the project index is run a second time without it
    (``PCRCODE_NO_INDEX=1``), and both runs must print the same, byte for byte: every test
    that runs a report, golden outputs included, proves the index exact."""
    result = _invoke(args, cwd, env, input)
    if _may_use_index(args, env):
        alone = _invoke(args, cwd, {**(env or {}), "PCRCODE_NO_INDEX": "1"}, input)
        assert (alone.exit_code, alone.stdout, alone.stderr, type(alone.exception)) == (
            result.exit_code,
            result.stdout,
            result.stderr,
            type(result.exception),
        ), f"pcrcode {' '.join(args)}: the project index changed the output"
    return result


# The commands that build their corpus from the index (pcrcode/cli/reports.py); `report`
# writing a page or a file is left to its own tests (the page is slow to draw twice).
INDEXED_COMMANDS = frozenset(
    {"profile", "crosstab", "census", "retrieve", "cooccurrence", "frequencies", "report"}
)


def _may_use_index(args: list[str], env: dict[str, str] | None) -> bool:
    if (env or {}).get("PCRCODE_NO_INDEX") or os.environ.get("PCRCODE_NO_INDEX"):
        return False
    rest = list(args)
    while rest and rest[0].startswith("-"):  # global options: --project DIR, --skip-broken
        rest = rest[2:] if rest[0] == "--project" else rest[1:]
    if not rest or rest[0] not in INDEXED_COMMANDS:
        return False
    return not {"-o", "--output", "html", "pdf", "--help"} & set(rest)


def _invoke(
    args: list[str], cwd: Path | None, env: dict[str, str] | None, input: str | None
) -> Run:
    full_env = {
        "COLUMNS": "80",
        "NO_COLOR": "1",
        "PCRCODE_CODER": "",
        "PCRCODE_PROJECT": "",
        "TERM": "dumb",
    }
    full_env.update(env or {})
    runner = CliRunner()
    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = runner.invoke(app, args, env=full_env, input=input)
    finally:
        os.chdir(old)
    exc = result.exception
    if isinstance(exc, SystemExit):
        exc = None
    return Run(result.exit_code, result.stdout, result.stderr, exc)


@pytest.fixture
def cli() -> Callable[..., Run]:
    return run_cli


def copy_project(src: Path, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for part in EXAMPLE_PARTS:
        if (src / part).is_dir():
            shutil.copytree(src / part, dest / part)
        elif (src / part).exists():
            shutil.copy2(src / part, dest / part)
    return dest


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A private copy of the example project at the repository root."""
    return copy_project(ROOT, tmp_path / "example")


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A private copy of the small fixture project tests/data/small."""
    return copy_project(DATA / "small", tmp_path / "small")


def snapshot(path: Path) -> dict[str, bytes]:
    """Every file under ``path`` with its bytes: to assert that nothing was written."""
    return {
        p.relative_to(path).as_posix(): p.read_bytes()
        for p in sorted(path.rglob("*"))
        if p.is_file() and ".pcrcode" not in p.parts
    }
