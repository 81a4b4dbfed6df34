"""``interviews show`` pages through $PAGER at a terminal, never into a pipe."""

from __future__ import annotations

import pydoc
from pathlib import Path

import pytest

from tests.conftest import run_cli


def test_show_at_a_terminal_goes_through_the_pager(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pcrcode.cli.output import pager

    paged: list[str] = []
    monkeypatch.setattr(pager, "at_terminal", lambda: True)
    monkeypatch.setattr(pydoc, "pager", paged.append)
    run = run_cli(["interviews", "show", "epicerie"], cwd=small)
    assert (run.exit_code, run.stderr, run.exception) == (0, "", None)
    assert run.stdout == ""  # all of it went to the pager
    [text] = paged
    assert text.startswith("epicerie")
    assert "Le local, on le partage" in text


def test_show_into_a_pipe_is_not_paged(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paged: list[str] = []
    monkeypatch.setattr(pydoc, "pager", paged.append)
    run = run_cli(["interviews", "show", "epicerie"], cwd=small)
    assert run.exit_code == 0 and run.stdout.startswith("epicerie")
    assert paged == []
