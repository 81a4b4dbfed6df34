"""Shared test helpers: run the CLI in-process, copy fixture projects, find the shared folder."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
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
    variable; ``input`` may be bytes, as a terminal that is not UTF-8 sends them.

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


def _may_use_index(args: Sequence[str], env: Mapping[str, str | None] | None) -> bool:
    if (env or {}).get("PCRCODE_NO_INDEX") or os.environ.get("PCRCODE_NO_INDEX"):
        return False
    rest = list(args)
    while rest and rest[0].startswith("-"):  # global options: --project DIR, --skip-broken
        rest = rest[2:] if rest[0] == "--project" else rest[1:]
    if not rest or rest[0] not in INDEXED_COMMANDS:
        return False
    return not {"-o", "--output", "html", "pdf", "--help"} & set(rest)


def _invoke(
    args: Sequence[str],
    cwd: Path | None,
    env: Mapping[str, str | None] | None,
    input: str | bytes | None,
) -> Run:
    full_env: dict[str, str | None] = {
        "COLUMNS": "80",
        "NO_COLOR": "1",
        "PCRCODE_CODER": "",
        "PCRCODE_CSV_SAFE": "",  # restored after each run: `--csv-safe` sets it
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


# -- a process that file modes bind -----------------------------------------------------------

PR_CAPBSET_DROP = 24  # prctl(2)


def _drop_capabilities() -> None:
    """Run in the child before exec: with an empty bounding set, root keeps no capability
    across exec, so that file modes bind it as they bind anyone."""
    import ctypes

    prctl = getattr(ctypes.CDLL(None, use_errno=True), "prctl", None)
    if prctl is None:  # not Linux: the probe of `as_user` then finds that modes do not bind
        return
    for capability in range(64):
        prctl(PR_CAPBSET_DROP, capability, 0, 0, 0)


def _child(args: list[str], cwd: Path, stdin: str | None = None) -> Run:
    env = {
        **os.environ,
        "COLUMNS": "80",
        "NO_COLOR": "1",
        "PCRCODE_CODER": "",
        "PCRCODE_PROJECT": "",
        "TERM": "dumb",
    }
    done = subprocess.run(
        [sys.executable, "-m", "pcrcode", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        preexec_fn=_drop_capabilities if os.geteuid() == 0 else None,
    )
    return Run(done.returncode, done.stdout, done.stderr, None)


_MODES_BIND: list[bool] = []


@pytest.fixture
def as_user(tmp_path: Path) -> Callable[..., Run]:
    """``as_user(args, cwd, stdin=None)``: pcrcode in a child process that file modes bind."""
    if not _MODES_BIND:
        probe = tmp_path / "probe"
        probe.mkdir()
        probe.chmod(0o555)
        try:
            wrote = subprocess.run(
                [sys.executable, "-c", f"open({str(probe / 'x')!r}, 'w')"],
                capture_output=True,
                preexec_fn=_drop_capabilities if os.geteuid() == 0 else None,
                timeout=60,
            )
        finally:
            probe.chmod(0o755)
        _MODES_BIND.append(wrote.returncode != 0)
    if not _MODES_BIND[0]:
        pytest.skip("file modes do not bind this process (root unable to drop its capabilities)")
    return _child


def console_text(console: Console) -> str:
    """What a Rich console made with ``file=io.StringIO()`` has printed."""
    assert isinstance(console.file, io.StringIO)
    return console.file.getvalue()
