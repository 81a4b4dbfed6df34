"""The message catalogues: every fixed word a report uses is translated in each language."""

from __future__ import annotations

import ast
from pathlib import Path

from pcrcode.i18n import FOLDER, languages, messages, parse_po
from tests.conftest import ROOT
from tests.conftest import Cli as CLI


def used_msgids() -> set[str]:
    """The literal first argument of every call to a catalogue (``tr(...)``, ``t(...)``)."""
    found: set[str] = set()
    for path in (ROOT / "pcrcode").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            choices = [first.body, first.orelse] if isinstance(first, ast.IfExp) else [first]
            if name in ("tr", "t"):
                found.update(str(c.value) for c in choices if isinstance(c, ast.Constant))
    return found


def test_french_and_english_catalogues_cover_every_word_used() -> None:
    used = used_msgids()
    assert len(used) > 20  # the walk finds the calls
    assert languages() == ["en", "fr"]
    for lang in languages():
        entries = parse_po((FOLDER / f"{lang}.po").read_text(encoding="utf-8"))
        assert sorted(used - set(entries)) == [], lang


def test_the_catalogues_translate_and_fill() -> None:
    fr = messages("fr")
    assert (
        fr("(in parentheses: cases interviewed)") == "(entre parenthèses : structures interviewées)"
    )
    assert fr("{family} (dominant)", family="Logique") == "Logique (dominante)"
    assert messages("fr_CA").language == "fr"
    assert messages("en")("Mixed (tie)") == "Mixed (tie)"


def test_po_reader_handles_escapes_and_continued_strings() -> None:
    text = '# comment\nmsgid ""\nmsgstr "header"\n\nmsgid "a \\"b\\""\nmsgstr ""\n"c\\n"\n"d"\n'
    assert parse_po(text) == {'a "b"': "c\nd"}


def test_an_unknown_language_is_a_usage_error(cli: CLI, small: Path) -> None:
    result = cli(["report", "--lang", "xx"], cwd=small)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "pcrcode: error: no message catalogue for language 'xx' (available: en, fr)\n"
    )
