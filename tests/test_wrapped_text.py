"""TextWriter prints the bytes Rich prints: the same calls made on two consoles, one through
Rich and one through the writer, on generated text (spaces, long words, paragraphs, wide and
zero-width characters, tabs), widths and colour settings."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.padding import Padding
from rich.text import Text

from pcrcode.cli.output.wrapped_text import TextWriter, wrap
from tests.conftest import console_text

STYLES = ("", "bold", "dim", "green", "italic")
# Letters and the characters that trouble wrapping: runs of spaces, non-breaking space,
# newlines, French punctuation, then what the writer leaves to Rich (wide, zero-width,
# variation selector, tab, line separator; a zero-width joiner before a wide character can
# make Rich itself fail, so joiners are among the fixed cases only).
COMMON = st.sampled_from(
    [*"aeiouéèç", " ", " ", " ", "\n", "\xa0", "«", "»", "—", "’", "…", "-", ","]
)
RARE = st.sampled_from(["漢", "字", "\u0301", "\ufe0f", "\t", "\u2028", "😀"])
WORDS = st.lists(
    st.one_of(
        st.text(COMMON, max_size=12),
        st.text(st.sampled_from("abcdefghij"), min_size=8, max_size=90),
    ),
    max_size=14,
).map(" ".join)
TEXTS = st.one_of(WORDS, st.text(st.one_of(COMMON, RARE), max_size=120))
CALLS = st.lists(
    st.tuples(
        st.sampled_from(["text", "indented", "blank"]),
        TEXTS,
        st.sampled_from(STYLES),
        st.integers(0, 4),
    ),
    min_size=1,
    max_size=6,
)
CONSOLES: dict[str, dict[str, Any]] = {
    "pipe": {},
    "terminal": {"force_terminal": True, "color_system": "truecolor"},
    "standard": {"force_terminal": True, "color_system": "standard"},
    "no colour": {"force_terminal": True, "color_system": "256", "no_color": True},
}


def make(width: int, settings: dict[str, Any]) -> Console:
    return Console(
        file=io.StringIO(), width=width, highlight=False, markup=False, emoji=False, **settings
    )


def with_rich(console: Console, calls: list[tuple[str, str, str, int]]) -> str:
    for kind, text, style, indent in calls:
        if kind == "blank":
            console.print()
        elif kind == "text":
            console.print(Text(text, style=style))
        else:
            console.print(Padding(Text(text, style=style), (0, 0, 0, indent), expand=False))
    return console_text(console)


def with_writer(console: Console, calls: list[tuple[str, str, str, int]]) -> str:
    out = TextWriter(console)
    for kind, text, style, indent in calls:
        if kind == "blank":
            out.blank()
        elif kind == "text":
            out.text(text, style)
        else:
            out.indented(text, style, indent)
    out.flush()
    return console_text(console)


@pytest.mark.parametrize("name", CONSOLES)
@settings(max_examples=100, deadline=None)
@given(calls=CALLS, width=st.integers(1, 100))
def test_same_bytes_as_rich(name: str, calls: list[tuple[str, str, str, int]], width: int) -> None:
    expected = with_rich(make(width, CONSOLES[name]), calls)
    assert with_writer(make(width, CONSOLES[name]), calls) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n",
        "\n\n",
        " ",
        "   leading",
        "trailing   ",
        "a" * 200,
        "a " * 60,
        "mot " + "x" * 45 + " fin",
        "deux\n\nparagraphes\n",
        "un\xa0mot\xa0insécable " * 8,
        "« Oui, c'est ça la vraie différence, je crois. » " * 3,
        "famille 👨\u200d👩\u200d👧 " * 9,
    ],
)
@pytest.mark.parametrize("width", [1, 2, 3, 5, 20, 80, 120])
def test_corner_cases(text: str, width: int) -> None:
    for name, console_settings in CONSOLES.items():
        for calls in (
            [("text", text, "bold", 0)],
            [("indented", text, "dim", 2)],
            [("indented", text, "", 4), ("blank", "", "", 0)],
        ):
            expected = with_rich(make(width, console_settings), calls)
            assert with_writer(make(width, console_settings), calls) == expected, name


def test_wrap_is_rich_word_wrap() -> None:
    console = make(80, {})
    text = "Chacun paie sa part  au prorata des volumes,\n\net on tourne " + "z" * 30
    for width in range(1, 40):
        expected = [line.plain for line in Text(text).wrap(console, width)]
        assert wrap(text, width) == expected


def test_rich_prints_what_the_writer_cannot_lay_out() -> None:
    calls: list[Callable[[TextWriter], None]] = [
        lambda out: out.indented("漢字 " * 30, "green"),
        lambda out: out.indented("tab\there " * 12),
        lambda out: out.text("e\u0301 " * 50, "bold"),
    ]
    for call in calls:
        fast, slow = make(40, {"force_terminal": True}), make(40, {"force_terminal": True})
        out = TextWriter(fast)
        out.indented("before")
        call(out)
        out.flush()
        reference = TextWriter(slow)
        reference.fast = False
        reference.indented("before")
        call(reference)
        assert console_text(fast) == console_text(slow)
