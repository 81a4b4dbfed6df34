"""The pieces of the REFI-QDA exchange on their own: offsets, turns, descriptions, XML."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pcrcode.choices import OffsetUnit
from pcrcode.errors import FileFormatError
from pcrcode.exchange.refi import offsets
from pcrcode.exchange.refi.codetree import slug, unique
from pcrcode.exchange.refi.describe import parse_description
from pcrcode.exchange.refi.importer import map_selection
from pcrcode.exchange.refi.segments import normalise_with_map, render_interview, split_turns
from pcrcode.exchange.refi.xml import parse
from pcrcode.files.transcripts import normalise
from pcrcode.model import Interview, Turn

RAW = "A: Bonjour 😀.\r\nSuite du tour.\r\n\r\nB: On partage 🚚 un camion ici.\r\n"


def units(scheme: OffsetUnit, index: int) -> int:
    return offsets.unit_positions(RAW, scheme)[index]


@pytest.mark.parametrize("scheme", offsets.SCHEMES)
def test_the_unit_is_found_from_quotes(scheme: OffsetUnit) -> None:
    spans = []
    for quote in ("Suite du tour", "un camion", "partage 🚚 un"):
        i = RAW.index(quote)
        spans.append((units(scheme, i), units(scheme, i + len(quote)), quote))
    choice = offsets.choose(RAW, spans)
    assert (choice.scheme, choice.matched, choice.named, choice.invalid) == (scheme, 3, 3, 0)


def test_unit_positions_by_hand() -> None:
    camion = RAW.index("un camion")  # 49 code points, with 2 emoji and 3 CRLF before it
    assert camion == 49
    assert [units(s, camion) for s in offsets.SCHEMES] == [46, 48, 49, 51]


def test_positions_inside_a_character_or_outside_are_invalid() -> None:
    positions = offsets.unit_positions("a😀b", OffsetUnit.utf16)
    assert positions == [0, 1, 3, 4]
    assert offsets.to_index(positions, 2) is None  # between the two halves of the emoji
    assert offsets.to_index(positions, 5) is None
    assert offsets.to_index(positions, 3) == 2


def test_quote_matching_ignores_spacing_and_accepts_ellipsis() -> None:
    assert offsets.quote_matches("un  local\nrue", "un local rue")
    assert offsets.quote_matches("On partage un camion…", "On partage un camion avec")
    assert not offsets.quote_matches("line:6", "Speaker 1: hello")
    assert not offsets.quote_matches("", "")


def test_split_turns_with_speakers_and_wrapped_lines() -> None:
    text = (
        "Speaker 1:   Thank you. Let's move\non to the curriculum.\n\n"
        "A paragraph that continues.\n\n**Max Bigman:** Okay.\n"
    )
    turns, speakers = split_turns(text)
    assert speakers
    assert [(t.speaker, t.text) for t in turns] == [
        ("Speaker 1", "Thank you. Let's move on to the curriculum.\n\nA paragraph that continues."),
        ("Max Bigman", "Okay."),
    ]
    first = turns[0]
    assert text[first.start : first.start + 9] == "Thank you"
    assert first.offset(text.index("on to")) == first.text.index("on to")


def test_split_turns_without_speakers() -> None:
    turns, speakers = split_turns("\nFirst paragraph.\n\nSecond: with a colon inside.\n")
    assert not speakers
    assert [(t.speaker, t.text) for t in turns] == [
        ("", "First paragraph."),
        ("", "Second: with a colon inside."),
    ]


def test_normalise_with_map_composes_and_maps() -> None:
    text = "  Cafe\u0301  au\n\nlait "  # e + combining acute: NFC makes one character
    body, positions = normalise_with_map(text, 0, len(text))
    assert body == normalise(text) == "Café au\n\nlait"
    assert len(positions) == len(body)
    assert positions[body.index("é")] == text.index("e\u0301")
    assert positions[body.index("l")] == text.index("lait")


def test_a_selection_over_two_turns_gives_a_coding_per_turn() -> None:
    text = "A: Un deux trois.\n\nB: Quatre cinq.\n"
    turns, _ = split_turns(text)
    pieces = map_selection(turns, text.index("deux"), text.index("cinq") + 4)
    assert [(p.segment, p.start, p.end, p.quote) for p in pieces] == [
        (1, 3, 14, "deux trois."),
        (2, 0, 11, "Quatre cinq"),
    ]
    whole = map_selection(turns, text.index("B:"), len(text))
    assert [(p.segment, p.start, p.end) for p in whole] == [(2, None, None)]


def test_render_interview_places_each_turn() -> None:
    interview = Interview(
        id="x",
        path=__import__("pathlib").Path("x.md"),
        structure="s",
        turns=(Turn(1, "Anne", "Bonjour."), Turn(2, "Bruno", "Salut 😀 !")),
    )
    text, turns = render_interview(interview)
    assert text == "Anne: Bonjour.\n\nBruno: Salut 😀 !\n"
    assert [text[t.start : t.start + len(t.text)] for t in turns] == ["Bonjour.", "Salut 😀 !"]


speaker = st.text(alphabet="AbcdéÉfgh", min_size=1, max_size=8)
word = st.lists(
    st.sampled_from([*"abcdeéèçàôœ,.!?'«»-[]😀🚲0123", "e\u0301"]), min_size=1, max_size=8
).map("".join)
paragraph = st.lists(word, min_size=1, max_size=6).map(" ".join)
turn_text = st.lists(paragraph, min_size=1, max_size=3).map("\n\n".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(speaker, turn_text), min_size=1, max_size=5))
def test_rendered_interviews_split_back_into_the_same_turns(turns: list[tuple[str, str]]) -> None:
    interview = Interview(
        id="x",
        path=__import__("pathlib").Path("x.md"),
        structure="s",
        turns=tuple(Turn(n, s, normalise(t)) for n, (s, t) in enumerate(turns, start=1)),
    )
    text, rendered = render_interview(interview)
    found, _ = split_turns(text)
    assert [(t.speaker, t.text) for t in found] == [
        (unicodedata.normalize("NFC", s), normalise(t)) for s, t in turns
    ]
    for r, f in zip(rendered, found, strict=True):  # the export's offsets are the import's
        assert f.offset(r.start) == 0 and f.offset(r.start + len(r.text)) == len(f.text)


def test_descriptions_read_back() -> None:
    assert parse_description(
        "Résumé : Court.\n\nDéfinition : Long\n\ntexte.\n\nDegré : 3\n\npcrcode-id: forme/x"
    ) == {"short": "Court.", "definition": "Long\n\ntexte.", "degree": "3", "id": "forme/x"}
    assert parse_description("Free text: with a colon.\nSecond line.") == {
        "definition": "Free text: with a colon.\nSecond line."
    }
    assert parse_description("") == {}


def test_slugs_and_uniqueness() -> None:
    assert slug("Échange d'informations", "x") == "echange-d-informations"
    assert slug("rq1_definition", "x") == "rq1_definition"
    assert slug("   ", "code") == "code"
    assert slug("日本語", "code") == "code"
    taken: set[str] = set()
    assert [unique("a", taken) for _ in range(3)] == ["a", "a-2", "a-3"]


def test_xml_refuses_doctype_and_deep_nesting() -> None:
    with pytest.raises(FileFormatError, match="DOCTYPE"):
        parse(b'<?xml version="1.0"?><!DOCTYPE a SYSTEM "http://x/a.dtd"><a/>', "f")
    with pytest.raises(FileFormatError, match="nested more than"):
        parse(b"<a>" * 300 + b"</a>" * 300, "f")
    root = parse(b'<P xmlns="urn:QDA-XML:project:1:0" xmlns:x="u" x:y="1"><Q/></P>', "f")
    assert (root.tag, root.attrib, [c.tag for c in root]) == ("P", {"y": "1"}, ["Q"])
