"""Golden-file comparison: PCRCODE_UPDATE_GOLDEN=1 rewrites the files instead of comparing.

A missing golden file is written on a developer's machine (then reviewed and committed), but fails
under CI (``CI`` set), so that a forgotten file cannot make a test pass vacuously.
"""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    update = os.environ.get("PCRCODE_UPDATE_GOLDEN") == "1"
    if not path.exists() and not update and os.environ.get("CI"):
        raise AssertionError(
            f"golden file {path} is missing: generate it with "
            "PCRCODE_UPDATE_GOLDEN=1, review it and commit it"
        )
    if update or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"output differs from golden file {path}"
