"""Span coding: ``pcrcode tag ... --quote``, its display and the ``stale-quote`` check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pcrcode.coding.tagging import find_span
from pcrcode.errors import UnknownItem, UsageError
from tests.conftest import Run, run_cli, snapshot
from tests.golden import assert_golden

# Segment 4 of the small fixture's epicerie, as pcrcode normalises it (lines joined, paragraphs
# separated by one blank line).
SEG4 = (
    "Le local, on le partage avec l'atelier vélo [/] mais chacun fait son truc. "
    "Enfin, on se croise.\n\nEt puis on a fait la fête de quartier ensemble, pour les gens "
    "d'ici."
)


def records(path: Path) -> list[dict[str, object]]:
    return [
        json.loads(line[2:])
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("- {")
    ]


def tag(small: Path, *args: str) -> Run:
    return run_cli(["tag", *args, "--coder", "zoe"], cwd=small)


def test_quote_found_codes_the_span(small: Path) -> None:
    # velo 2: "On a un camion à trois, ..." -> "un camion à trois" is characters 5 to 22.
    run = tag(small, "velo", "2", "forme/mutualisation", "--quote", "un camion à trois")
    assert (run.exit_code, run.stdout, run.exception) == (0, "", None)
    assert run.stderr == "zoe: + forme/mutualisation on velo 2 «un camion à trois»\n"
    [rec] = records(small / "codings" / "zoe" / "velo.yaml")
    assert {k: rec[k] for k in ("segment", "code", "start", "end", "quote", "fp")} == {
        "segment": 2,
        "code": "forme/mutualisation",
        "start": 5,
        "end": 22,
        "quote": "un camion à trois",
        "fp": "96acfe65",
    }


def test_quote_with_other_spacing_and_case(small: Path) -> None:
    run = tag(
        small, "epicerie", "4", "forme/partenariat", "--quote", "ON A  fait\nla FÊTE de quartier"
    )
    assert run.exit_code == 0, run.stderr
    [rec] = records(small / "codings" / "zoe" / "epicerie.yaml")
    start = len(
        "Le local, on le partage avec l'atelier vélo [/] mais chacun fait son truc. "
        "Enfin, on se croise.\n\nEt puis "
    )
    # the quote stored is the transcript's own words, not what was typed
    assert (rec["start"], rec["end"], rec["quote"]) == (
        start,
        start + len("on a fait la fête de quartier"),
        "on a fait la fête de quartier",
    )


def test_quote_across_a_paragraph_break(small: Path) -> None:
    run = tag(small, "epicerie", "4", "forme/partenariat", "--quote", "on se croise. Et puis")
    assert run.exit_code == 0, run.stderr
    [rec] = records(small / "codings" / "zoe" / "epicerie.yaml")
    assert rec["quote"] == "on se croise.\n\nEt puis"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["velo", "2", "forme/mutualisation", "--quote", "un vélo à trois"],
            2,
            "the quote 'un vélo à trois' is not in the segment",
        ),
        # "on" is in "on le partage", "on se croise" and "on a fait"
        (
            ["epicerie", "4", "forme/partenariat", "--quote", "on"],
            2,
            "the quote 'on' occurs 4 times in the segment: name the occurrence or quote a few "
            "more words: 1 «Le local, [on] le partage avec l'atelier…»; 2 «…mais chacun fait "
            "s[on] truc. Enfin, on se…»; 3 «…fait son truc. Enfin, [on] se croise. Et puis…»; "
            "4 «…se croise. Et puis [on] a fait la fête…»",
        ),
        # no exact "LE", but several once case is ignored (Le local, le partage, les gens...)
        (
            ["epicerie", "4", "forme/partenariat", "--quote", "LE"],
            2,
            "the quote 'LE' occurs 4 times in the segment: name the occurrence or quote a few "
            "more words: 1 «[Le] local, on le partage…»; 2 «Le local, on [le] partage avec "
            "l'atelier vélo…»; 3 «…fête de quartier ensemb[le], pour les gens…»; 4 «…de "
            "quartier ensemble, pour [le]s gens d'ici.»",
        ),
        (["epicerie", "4", "forme/partenariat", "--quote", "  "], 2, "the quote is empty"),
        (
            ["epicerie", "2-4", "forme/partenariat", "--quote", "local"],
            2,
            "a quote codes part of one segment: name a single segment (--quote)",
        ),
    ],
)
def test_bad_quote_writes_nothing(small: Path, args: list[str], code: int, message: str) -> None:
    before = snapshot(small)
    run = tag(small, *args)
    assert (run.exit_code, run.stdout, run.exception) == (code, "", None)
    assert run.stderr == f"pcrcode: error: {message}\n"
    assert snapshot(small) == before


def test_find_span_core() -> None:
    assert find_span(SEG4, "Le local") == (0, 8)
    assert find_span(SEG4, "le LOCAL") == (0, 8)
    with pytest.raises(UnknownItem):
        find_span(SEG4, "le garage")
    with pytest.raises(UsageError):
        find_span(SEG4, "fait")  # "fait son truc", "a fait la fête"


def test_interviews_show_displays_the_span(small: Path) -> None:
    run = run_cli(["interviews", "show", "epicerie", "--coder", "yanis"], cwd=small)
    assert (run.exit_code, run.stderr, run.exception) == (0, "", None)
    assert_golden("span/interviews-show-epicerie-yanis.txt", run.stdout)
    assert "↳ forme/partenariat (yanis) «on a fait la fête de quartier ensemble»" in run.stdout
    as_json = json.loads(
        run_cli(
            ["interviews", "show", "epicerie", "--coder", "yanis", "-f", "json"], cwd=small
        ).stdout
    )
    span = {
        "code": "forme/partenariat",
        "coder": "yanis",
        "start": 105,
        "end": 143,
        "quote": "on a fait la fête de quartier ensemble",
    }
    assert span in as_json["segments"][3]["codes"]
    text = as_json["segments"][3]["text"]
    assert text[span["start"] : span["end"]] == span["quote"]


def test_check_reports_a_quote_moved_by_an_edit(small: Path) -> None:
    # A new paragraph break before "Enfin" keeps the fingerprint (spacing does not count) but
    # moves yanis's span "on a fait la fête de quartier ensemble" (105-143) by one character.
    path = small / "interviews" / "epicerie.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("son truc.\nEnfin", "son truc.\n\nEnfin"), encoding="utf-8")
    run = run_cli(["check"], cwd=small)
    assert run.exit_code == 1
    assert run.stdout == (
        "codings/yanis/epicerie.yaml:10:3: error: the quote of this span "
        "coding is no longer at 105-143 of segment 4 [stale-quote]\n"
    )
