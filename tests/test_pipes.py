"""Output cut short by the reader (`pcrcode ... | head`) ends quietly with exit 0, so that shell
pipelines under `set -o pipefail` do not fail."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.parametrize(
    "args",
    [["retrieve", "forme", "--all-coders", "--context", "3"], ["codings", "--format", "json"]],
)
def test_reader_leaving_early_is_not_an_error(args: list[str]) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "pcrcode", "--project", str(ROOT), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={"COLUMNS": "80", "PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # the reader leaves; the output (> 64 KiB) no longer fits the pipe
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 0, err
    assert first
    assert b"Traceback" not in err
