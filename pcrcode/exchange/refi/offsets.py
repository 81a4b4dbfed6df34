"""Character positions: which unit another program counted them in.

The specification counts Unicode code points from 0, end exclusive. NVivo for Windows counts UTF-16
code units with CRLF as two; ATLAS.ti counts a line break as one even where its text has CRLF. For
each source, every plausible unit is tried and the one is kept whose spans agree with the
selections' names (when the exporter filled them with the quoted text), else whose spans fall on
word boundaries; invalid spans (outside the text, inside a character) count against a unit.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from pcrcode.choices import OffsetUnit

# Every unit but auto, in the order that breaks ties.
SCHEMES = (
    OffsetUnit.codepoints,
    OffsetUnit.utf16,
    OffsetUnit.codepoints_crlf,
    OffsetUnit.utf16_crlf,
)
DESCRIPTIONS = {
    OffsetUnit.codepoints: "code points, a line break counted once",
    OffsetUnit.utf16: "UTF-16 units, a line break counted once",
    OffsetUnit.codepoints_crlf: "code points, CRLF counted as two",
    OffsetUnit.utf16_crlf: "UTF-16 units, CRLF counted as two",
}


def unit_positions(raw: str, scheme: OffsetUnit) -> list[int]:
    """``positions[i]``: the offset, in ``scheme`` units, of character ``i`` of ``raw``."""
    crlf_two = scheme.endswith("-crlf")
    utf16 = scheme.startswith("utf16")
    positions = [0] * (len(raw) + 1)
    unit = 0
    for i, c in enumerate(raw):
        positions[i] = unit
        if c == "\r" and not crlf_two and raw[i + 1 : i + 2] == "\n":
            continue  # CRLF is one break: the LF carries it
        unit += 2 if utf16 and ord(c) > 0xFFFF else 1
    positions[len(raw)] = unit
    return positions


def to_index(positions: list[int], unit: int) -> int | None:
    """The index in the raw text at ``unit``; None when outside or inside a character."""
    i = bisect_left(positions, unit)
    if i >= len(positions) or positions[i] != unit:
        return None
    return i


def _squash(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def quote_matches(name: str, found: str) -> bool:
    """Whether a selection's name is the quoted text (possibly cut short with an ellipsis)."""
    want, got = _squash(name), _squash(found)
    if not want:
        return False
    if want == got:
        return True
    for ellipsis in ("...", "…"):
        if want.endswith(ellipsis) and len(want) > 8:
            return got.startswith(want[: -len(ellipsis)].rstrip())
    return False


def _on_boundary(raw: str, index: int) -> bool:
    if index <= 0 or index >= len(raw):
        return True
    return not (raw[index - 1].isalnum() and raw[index].isalnum())


@dataclass(frozen=True)
class Choice:
    scheme: OffsetUnit
    selections: int
    invalid: int
    named: int
    matched: int
    boundaries: int  # span ends on a word boundary (two per selection)
    forced: bool = False

    def explain(self) -> str:
        how = f"offsets in {DESCRIPTIONS[self.scheme]} ({self.scheme})"
        if self.forced:
            return f"{how}, as asked"
        if not self.selections:
            return f"{how}: no selections to tell"
        if self.named:
            evidence = f"{self.matched}/{self.named} selection names match the text"
        else:
            evidence = (
                f"{self.boundaries}/{2 * self.selections} span ends on word boundaries "
                "(no quotes to compare)"
            )
        if self.invalid:
            evidence += f", {self.invalid} outside the text"
        return f"{how}: {evidence}"


def evaluate(
    raw: str, spans: Sequence[tuple[int, int, str]], scheme: OffsetUnit, forced: bool = False
) -> Choice:
    positions = unit_positions(raw, scheme)
    invalid = named = matched = boundaries = 0
    for start, end, name in spans:
        a, b = to_index(positions, start), to_index(positions, end)
        if a is None or b is None or a >= b:
            invalid += 1
            continue
        if name.strip():
            named += 1
            matched += quote_matches(name, raw[a:b])
        boundaries += _on_boundary(raw, a) + _on_boundary(raw, b)
    return Choice(scheme, len(spans), invalid, named, matched, boundaries, forced)


def choose(
    raw: str, spans: Sequence[tuple[int, int, str]], unit: OffsetUnit = OffsetUnit.auto
) -> Choice:
    """The unit that best explains ``spans`` (start, end, name) over ``raw``; ``unit`` when it
    is given (not auto)."""
    if unit != OffsetUnit.auto:
        return evaluate(raw, spans, OffsetUnit(unit), forced=True)
    choices = [evaluate(raw, spans, scheme) for scheme in SCHEMES]
    if not any(c.matched for c in choices):  # names are labels ("line:6"), not quotes
        choices = [Choice(c.scheme, c.selections, c.invalid, 0, 0, c.boundaries) for c in choices]
    best = choices[0]
    for c in choices[1:]:
        if (c.matched, -c.invalid, c.boundaries) > (best.matched, -best.invalid, best.boundaries):
            best = c
    return best
