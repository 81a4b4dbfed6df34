"""Interviews as one text, and turns found back in a text written by another program.

Export: a transcript becomes one deterministic text (``Speaker: text`` per turn, turns separated
by a blank line, LF, NFC), and every turn knows where its text starts in it.

Import: a text becomes turns. If its first paragraph starts with ``Name:`` the text has speaker
structure: a paragraph starting with a speaker label (a name of up to three words, or a longer one
that starts two paragraphs or more) opens a turn, other paragraphs continue it. A continuation
paragraph that happens to start with ``Word:`` is therefore read as a new turn. Otherwise every
paragraph is a turn without speaker. Each turn's text is normalised as pcrcode normalises
transcripts (NFC, lines of a paragraph joined, one blank line between paragraphs), and keeps, for
every character of that text, where it came from: a selection in the source maps to exact
offsets in the turn.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from pcrcode.files.transcripts import normalise
from pcrcode.model import Interview


class RenderedTurn(NamedTuple):
    """A turn of an exported text (a tuple: an export renders 600,000 of them at 10,000
    interviews, and a frozen dataclass costs a microsecond each to build)."""

    number: int
    speaker: str
    text: str
    start: int  # code-point offset of the turn's text (after "Speaker: ") in the whole text


def render_interview(interview: Interview) -> tuple[str, list[RenderedTurn]]:
    """The text written for an interview, and where each turn's text starts in it."""
    pieces: list[str] = []
    turns: list[RenderedTurn] = []
    labels: dict[str, tuple[str, str]] = {}  # speaker as written: (normalised, "Name: ")
    normalize = unicodedata.normalize
    offset = 0
    for turn in interview.turns:
        label = labels.get(turn.speaker)
        if label is None:
            speaker = normalize("NFC", " ".join(turn.speaker.split()))
            label = labels[turn.speaker] = (speaker, f"{speaker}: " if speaker else "")
        speaker, prefix = label
        text = normalize("NFC", turn.text)
        if pieces:
            offset += 2  # the blank line between turns
        turns.append(RenderedTurn(turn.number, speaker, text, offset + len(prefix)))
        pieces.append(prefix + text)
        offset += len(prefix) + len(text)
    return "\n\n".join(pieces) + "\n", turns


@dataclass
class SourceTurn:
    """A turn found in a foreign text (line breaks normalised to LF)."""

    speaker: str
    text: str  # normalised
    start: int  # where its content starts in the LF text (after the speaker label)
    end: int  # where its content ends
    full_start: int  # the part of the text that belongs to the turn (label, blank lines...)
    full_end: int
    positions: list[int] = field(default_factory=list)  # LF-text index of each char of `text`

    def offset(self, index: int) -> int:
        """The offset in ``text`` of the first character at or after ``index`` of the LF text."""
        return bisect_left(self.positions, index)


_SPEAKER_RE = re.compile(
    r"^(?:\*\*(?P<md>[^*\n]{1,60}?)(?::\*\*|\*\*[ \t]*:)[ \t]*"
    r"|(?P<plain>[^\s:*#\[(][^:\n]{0,59}?)[ \t]*:(?:[ \t]+|$))"
)


def _speaker_label(paragraph: str) -> tuple[str, int] | None:
    m = _SPEAKER_RE.match(paragraph)
    if m is None:
        return None
    label = (m.group("md") or m.group("plain") or "").strip()
    if not re.search(r"[^\W\d_]", label) or len(label.split()) > 6 or label.endswith(("http",)):
        return None
    return label, m.end()


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph of an LF text: runs of non-blank lines."""
    result: list[tuple[int, int]] = []
    start: int | None = None
    end = 0
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            if start is None:
                start = pos
            end = pos + len(line.rstrip())
        elif start is not None:
            result.append((start, end))
            start = None
        pos += len(line) + 1
    if start is not None:
        result.append((start, end))
    return result


def normalise_with_map(text: str, start: int, end: int) -> tuple[str, list[int]]:
    """``normalise(text[start:end])`` and, for each of its characters, its index in ``text``."""
    out: list[str] = []
    pos: list[int] = []
    i = start
    while i < end:
        if text[i].isspace():
            j, breaks = i, 0
            while j < end and text[j].isspace():
                breaks += text[j] == "\n"
                j += 1
            if out and j < end:
                for ch in "\n\n" if breaks >= 2 else " ":
                    out.append(ch)
                    pos.append(i)
            i = j
            continue
        j = i + 1
        while j < end and unicodedata.combining(text[j]):
            j += 1
        for ch in unicodedata.normalize("NFC", text[i:j]):
            out.append(ch)
            pos.append(i)
        i = j
    result = "".join(out)
    expected = normalise(text[start:end])
    if result != expected:  # a composition across groups: keep the text, approximate the map
        scale = (end - start) / max(len(expected), 1)
        return expected, [start + int(k * scale) for k in range(len(expected))]
    return result, pos


def _known_label(paragraph: str, names: list[str]) -> tuple[str, int] | None:
    for name in names:
        if paragraph.startswith(f"{name}:"):
            rest = paragraph[len(name) + 1 :]
            return name, len(name) + 1 + len(rest) - len(rest.lstrip(" \t"))
    return None


def split_turns(text: str, speakers: list[str] | None = None) -> tuple[list[SourceTurn], bool]:
    """The turns of an LF text, and whether it has speaker structure (see the module doc).

    ``speakers``, when known (pcrcode lists them in the sources it exports), are the only labels
    that open a turn: a paragraph starting with ``Alors voilà :`` then stays in its turn.
    """
    paras = paragraphs(text)
    if not paras:
        return [], False
    names = sorted({n for n in speakers or () if n}, key=len, reverse=True)
    labels = [_known_label(text[s:e], names) for s, e in paras] if names else []
    if not labels or labels[0] is None:
        labels = [_speaker_label(text[s:e]) for s, e in paras]
    first = labels[0]
    if first is None:
        starts = [(k, "", 0) for k in range(len(paras))]
    else:
        counts = Counter(label[0] for label in labels if label is not None)
        chosen = set(names) or {first[0]} | {
            name for name, n in counts.items() if n >= 2 or len(name.split()) <= 3
        }
        starts = [
            (k, lab[0], lab[1])
            for k, lab in enumerate(labels)
            if lab is not None and lab[0] in chosen
        ]
    turns: list[SourceTurn] = []
    for index, (k, speaker, skip) in enumerate(starts):
        last = starts[index + 1][0] - 1 if index + 1 < len(starts) else len(paras) - 1
        content_start, content_end = paras[k][0] + skip, paras[last][1]
        body, positions = normalise_with_map(text, content_start, content_end)
        full_start = 0 if index == 0 else paras[k][0]
        full_end = paras[starts[index + 1][0]][0] if index + 1 < len(starts) else len(text)
        turns.append(
            SourceTurn(
                speaker=speaker,
                text=body,
                start=content_start,
                end=content_end,
                full_start=full_start,
                full_end=full_end,
                positions=positions,
            )
        )
    return turns, first is not None
