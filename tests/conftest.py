"""Shared test helpers: run the CLI in-process, copy fixture projects, find the shared folder."""

from __future__ import annotations

import io
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pytest
from typer.testing import CliRunner

from pcrcode.cli import app

if TYPE_CHECKING:
    from rich.console import Console

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
    args: Sequence[str],
    cwd: Path | None = None,
    env: Mapping[str, str | None] | None = None,
    input: str | bytes | None = None,
) -> Run:
    """Run pcrcode in-process with an 80-column, colourless terminal. In ``env``, None unsets a
    variable; ``input`` may be bytes, as a terminal that is not UTF-8 sends them."""
    import os

    full_env: dict[str, str | None] = {
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


class Cli(Protocol):
    """The type of the ``cli`` fixture: ``run_cli``, so that its calls are type-checked."""

    def __call__(
        self,
        args: Sequence[str],
        cwd: Path | None = None,
        env: Mapping[str, str | None] | None = None,
        input: str | bytes | None = None,
    ) -> Run: ...


@pytest.fixture
def cli() -> Cli:
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


def console_text(console: Console) -> str:
    """What a Rich console made with ``file=io.StringIO()`` has printed."""
    assert isinstance(console.file, io.StringIO)
    return console.file.getvalue()
