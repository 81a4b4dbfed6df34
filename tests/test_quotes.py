"""Quotes matched as people type them: :mod:`pcrcode.coding.quotes`, ``tag --quote
--occurrence`` and the line session's ``CODE "words" #N``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pcrcode.coding.quotes import AmbiguousQuote, find_quote, in_context, occurrences
from pcrcode.coding.session import CodingSession
from pcrcode.errors import UnknownItem, UsageError
from tests.conftest import run_cli, snapshot
from tests.test_span import SEG4

# A turn as a transcript pasted from a word processor holds it: typographic apostrophe and
# quotes, a non-breaking space before "?", a zero-width space, an ellipsis.
PASTED = "C’est «\u00a0le\u200b local\u00a0» qu’on partage… avec l’atelier ; c’est tout\u00a0?"


@pytest.mark.parametrize(
    ("typed", "exact"),
    [
        ("C'est", "C’est"),  # straight apostrophe
        ("qu'on partage", "qu’on partage"),
        ('"le local"', "«\u00a0le\u200b local\u00a0»"),  # quotes, nbsp and zero-width space
        ("partage... avec", "partage… avec"),  # three dots for an ellipsis
        ("tout ?", "tout\u00a0?"),
        ("l'atelier", "l’atelier"),
    ],
)
def test_typed_quote_finds_the_exact_text(typed: str, exact: str) -> None:
    start, end = find_quote(PASTED, typed, occurrence=1)
    assert PASTED[start:end] == exact


def test_accents_typed_without_them_match_only_when_nothing_closer_does() -> None:
    text = "Une fete, puis la fête du quartier."
    # "fête" exactly is the second word "fête", not "fete"
    assert find_quote(text, "fête") == (18, 22)
    # typed without the accent: "fete" matches the exact "fete" first, at the strict level
    assert find_quote(text, "fete") == (4, 8)
    assert find_quote("la fête du quartier", "la fete") == (0, 7)


def test_decomposed_accents_are_composed() -> None:
    assert find_quote("un vélo", "ve\u0301lo") == (3, 7)  # e + combining acute


def test_strictest_level_decides() -> None:
    # "Le" exact occurs once; ignoring case it would be twice
    assert occurrences("Le local, le garage", "Le") == [(0, 2)]
    assert occurrences("Le local, le garage", "LE") == [(0, 2), (10, 12)]


def test_ambiguous_quote_lists_occurrences_with_context() -> None:
    text = "one two three four five six seven eight nine ten six eleven"
    with pytest.raises(AmbiguousQuote) as err:
        find_quote(text, "six")
    assert err.value.spans == [(24, 27), (49, 52)]
    assert str(err.value.message) == (
        "the quote 'six' occurs 2 times in the segment: name the occurrence or quote a few "
        "more words: 1 «…two three four five [six] seven eight nine ten…»; "
        "2 «…seven eight nine ten [six] eleven»"
    )
    assert find_quote(text, "six", occurrence=2) == (49, 52)
    with pytest.raises(UsageError, match="occurs 2 time\\(s\\) in the segment, not 3"):
        find_quote(text, "six", occurrence=3)


def test_missing_and_empty_quotes() -> None:
    with pytest.raises(UnknownItem):
        find_quote(PASTED, "le garage")
    for empty in ("", "  ", "\u200b"):
        with pytest.raises(UsageError, match="the quote is empty"):
            find_quote(PASTED, empty)


def test_in_context_marks_the_span() -> None:
    assert in_context("a b c", (2, 3)) == "«a [b] c»"


def _records(path: Path) -> list[dict[str, object]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line[2:]) for line in lines if line.startswith("- {")]


def _typographic(small: Path) -> None:
    path = small / "interviews" / "epicerie.md"
    text = path.read_text(encoding="utf-8").replace("c'est des amis", "c’est des amis")
    path.write_text(text, encoding="utf-8")


def test_tag_quote_with_a_straight_apostrophe_matches_a_typographic_one(small: Path) -> None:
    _typographic(small)
    run = run_cli(
        ["tag", "epicerie", "6", "logique/reseau/affinitaire", "--quote", "c'est des amis"],
        cwd=small,
        env={"PCRCODE_CODER": "zoe"},
    )
    assert (run.exit_code, run.stdout, run.exception) == (0, "", None), run.stderr
    [rec] = _records(small / "codings" / "zoe" / "epicerie.yaml")
    assert rec["quote"] == "c’est des amis"  # the transcript's own apostrophe is stored
    start = len("On se connaît tous, ")
    assert (rec["start"], rec["end"]) == (start, start + len("c’est des amis"))


def test_tag_occurrence_picks_one(small: Path) -> None:
    run = run_cli(
        ["tag", "epicerie", "4", "forme/partenariat", "--quote", "fait", "--occurrence", "2"],
        cwd=small,
        env={"PCRCODE_CODER": "zoe"},
    )
    assert (run.exit_code, run.stdout, run.exception) == (0, "", None), run.stderr
    [rec] = _records(small / "codings" / "zoe" / "epicerie.yaml")
    assert rec["quote"] == "fait"
    # the second "fait", in "on a fait la fête", not the one in "chacun fait son truc"
    assert rec["start"] == SEG4.index("on a fait la fête") + len("on a ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--quote", "fait", "--occurrence", "3"],
            "the quote 'fait' occurs 2 time(s) in the segment, not 3: choose an occurrence "
            "from 1 to 2",
        ),
        (
            ["--occurrence", "2"],
            "an occurrence number picks one of a quote's occurrences: give the quote too "
            "(--occurrence)",
        ),
    ],
)
def test_bad_occurrence_writes_nothing(small: Path, args: list[str], message: str) -> None:
    before = snapshot(small)
    run = run_cli(
        ["tag", "epicerie", "4", "forme/partenariat", *args],
        cwd=small,
        env={"PCRCODE_CODER": "zoe"},
    )
    assert (run.exit_code, run.stdout, run.exception) == (2, "", None)
    assert run.stderr == f"pcrcode: error: {message}\n"
    assert snapshot(small) == before


def test_zero_occurrence_is_a_usage_error(small: Path) -> None:
    run = run_cli(
        ["tag", "epicerie", "4", "forme/partenariat", "--quote", "fait", "--occurrence", "0"],
        cwd=small,
        env={"PCRCODE_CODER": "zoe"},
    )
    assert (run.exit_code, run.stdout) == (2, "")


def test_session_quote_with_occurrence(small: Path) -> None:
    _typographic(small)
    s = CodingSession(small, "epicerie", "zoe", start=4)
    reply = s.handle('part "fait" #2')
    assert reply.text.startswith("+ forme/partenariat «fait»"), reply.text
    [rec] = _records(small / "codings" / "zoe" / "epicerie.yaml")
    assert rec["start"] == SEG4.index("on a fait la fête") + len("on a ")
    s.handle("g 6")
    reply = s.handle('affin "c\'est des amis"')
    assert "«c’est des amis»" in reply.text
