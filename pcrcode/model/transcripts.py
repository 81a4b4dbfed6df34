"""A transcript as the model holds it: an interview and its speaker turns, with the fingerprint
that lets ``check`` notice an edit under a coding."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pcrcode.errors import UnknownItem

FINGERPRINT_SIZE = 8  # hexadecimal digits


def fingerprint(text: str) -> str:
    """A short fingerprint of a segment's text, blind to whitespace and Unicode composition.

    Stored with every coding, it lets ``check`` notice that a transcript was edited under a coding.
    """
    from hashlib import sha256  # here: start-up time warm reports never need (bench/NOTES.md)

    norm = " ".join(unicodedata.normalize("NFC", text).split())
    return sha256(norm.encode("utf-8")).hexdigest()[:FINGERPRINT_SIZE]


@dataclass(frozen=True)
class Turn:
    """One speaker turn: the unit of coding, numbered from 1 in file order."""

    number: int
    speaker: str
    text: str
    line: int = 0

    @cached_property
    def fingerprint(self) -> str:
        # Computed once per turn (``check`` compares it with every coding of the segment) and
        # kept by the cache with the turn; the instance dict is written directly, so this works
        # on a frozen dataclass.
        return fingerprint(self.text)


@dataclass(frozen=True)
class Interview:
    id: str
    path: Path
    structure: str | None
    turns: tuple[Turn, ...]
    date: str = ""
    interviewer: str = ""
    participants: tuple[str, ...] = ()
    language: str = ""
    illustrative: bool = False
    meta: Mapping[str, Any] = field(default_factory=dict)
    structure_line: int = 1

    def fingerprints(self) -> tuple[str, ...]:
        """The fingerprint of each turn, in order (from the cache, without building the turns)."""
        return tuple(t.fingerprint for t in self.turns)

    def release_turns(self) -> None:
        """Forget the turns read from the cache (read again if asked): a command that goes
        through every transcript once need not hold them all. Nothing for a parsed one."""

    def turns_built(self) -> bool:
        return True

    def speaker_and_text(self, number: int) -> tuple[str, str]:
        """Segment ``number``'s speaker and text (from the cache, without building turns)."""
        turn = self.turns[number - 1]
        return turn.speaker, turn.text

    def turn_count(self) -> int:
        """How many turns (segments) the interview has (from the cache, without building them)."""
        return len(self.turns)

    def text_of(self, number: int) -> str:
        """The text of segment ``number`` (from the cache, without building the turns)."""
        return self.turns[number - 1].text

    def turn(self, number: int) -> Turn:
        if 1 <= number <= len(self.turns):
            return self.turns[number - 1]
        raise UnknownItem(
            f"interview '{self.id}' has segments 1-{len(self.turns)}, not {number}", self.path
        )
