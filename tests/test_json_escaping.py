"""Every ``--format json`` escapes control characters the same way (the README: "JSON escapes
every control character"): ESC as ``\\u001b``, the C1 CSI 0x9b as ``\\u009b``, never raw.

A transcript turn, a coding memo and an interview memo carry ESC and U+009B; every command that
writes JSON runs on the project, and its output must hold no raw control character, parse as
JSON, and, where it shows that text, show it escaped exactly so.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import run_cli

PLANTED = "\x1b[2J\x9b"
ESCAPED = "\\u001b[2J\\u009b"
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")  # all but the newline

# (command line, whether its output quotes the planted text)
COMMANDS: list[tuple[list[str], bool]] = [
    (["check", "--format", "json"], False),
    (["interviews", "list", "--format", "json"], False),
    (["interviews", "show", "epicerie", "--format", "json"], True),
    (["codebook", "show", "--format", "json"], False),
    (["codings", "--format", "json"], True),
    (["profile", "--format", "json"], True),
    (["crosstab", "forme", "logique", "--format", "json"], False),
    (["census", "--format", "json"], False),
    (["retrieve", "forme", "--format", "json"], True),
    (["cooccurrence", "--format", "json"], False),
    (["frequencies", "--format", "json"], False),
    (["report", "--format", "json"], False),
    (["agreement", "--format", "json"], False),
    (["agreement", "disagreements", "--format", "json"], True),
    (["autocode", "épiceries", "forme/partenariat", "--dry-run", "--format", "json"], False),
    (["memo", "list", "--format", "json"], True),
    (
        ["codebook", "rename", "forme/partenariat", "forme/alliance", "--dry-run", "-f", "json"],
        False,
    ),
    (["reanchor", "--dry-run", "--format", "json"], False),
]


@pytest.fixture
def planted(small: Path) -> Path:
    transcript = small / "interviews" / "epicerie.md"
    text = transcript.read_text(encoding="utf-8")
    transcript.write_text(text.replace("Ben euh…", f"Ben {PLANTED} euh…"), encoding="utf-8")
    env = {"PCRCODE_CODER": "zoe"}
    tagged = run_cli(
        ["tag", "epicerie", "2", "forme/echange-informations", "--memo", f"vu {PLANTED}"],
        cwd=small,
        env=env,
    )
    assert tagged.exit_code == 0, tagged.stderr
    memo = run_cli(["memo", "add", "interview", "epicerie", "--text", PLANTED], cwd=small, env=env)
    assert memo.exit_code == 0, memo.stderr
    return small


@pytest.mark.parametrize("args,quotes", COMMANDS, ids=[" ".join(c[:2]) for c, _ in COMMANDS])
def test_every_json_output_escapes_esc_and_c1_alike(
    planted: Path, args: list[str], quotes: bool
) -> None:
    result = run_cli(args, cwd=planted, env={"PCRCODE_CODER": "zoe"})
    assert result.exception is None, result.stderr
    assert result.exit_code in (0, 1), result.stderr  # 1: check's findings, a rule's verdict
    assert result.stdout, result.stderr
    assert RAW_CONTROL.search(result.stdout) is None, args
    json.loads(result.stdout)
    if quotes:
        assert ESCAPED in result.stdout, args
