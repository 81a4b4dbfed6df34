"""Subtitle files: WebVTT (Zoom, Microsoft Teams, Stream) and SRT.

A cue is a few seconds of speech. Its speaker comes from a voice tag (``<v Name>``, Teams; the
closing ``</v>`` may be missing, and some exports tag only the cue where the speaker changes) or
a ``Name:`` / ``[Name]`` prefix (Zoom, SRT). A cue without one continues the current speaker.
Consecutive cues of one speaker are one utterance (see ``Parsed.cues``); ``NOTE``, ``STYLE`` and
``REGION`` blocks and cue ids are not speech. A timing line that cannot be read is an error: the
file is damaged, and guessing would misplace every time after it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from pcrcode.errors import FileFormatError
from pcrcode.transcript_import import labels
from pcrcode.transcript_import.labels import TIME
from pcrcode.transcript_import.model import Parsed, Piece

_TIMING = re.compile(rf"^\s*(?P<start>{TIME})\s*-->\s*(?P<end>{TIME})(?:\s.*)?$")
_ARROW = re.compile(r"^\s*\d[\d:.,]*\s*-*>|-->")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]*)>")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")

Cue = tuple[int, str, str | None, str]  # line, start time, voice, text


def parse_cues(
    text: str, path: Path, wanted: Sequence[str] = (), also: Sequence[str] = ()
) -> Parsed:
    """Turns from a WebVTT or SRT file, one piece per cue (grouped later)."""
    parsed = Parsed([], cues=True)
    cues = list(_cues(text, path, parsed))
    found = {}
    for i, (_, _, voice, words) in enumerate(cues):
        f = labels.find(words) if voice is None else None
        if f is not None and f.strength == "colon" and f.rest:
            # A subtitle's "Name:" is the meeting tool's display name: a name is trusted even
            # when it speaks once; other label-like openings must not be rare.
            found[i] = replace(f, strength="strong") if labels.name_like(f.name) else f
    accepted = labels.accepted_keys(found.values(), wanted, also)
    speaker: str | None = None
    for i, (n, start, voice, words) in enumerate(cues):
        f = found.get(i)
        if voice is not None:
            speaker = voice
        elif f is not None and labels.key(f.name) in accepted:
            speaker, words = f.name, f.rest
        elif f is not None:
            parsed.ignored.append((n, f.name))
        if speaker is not None and (voice is not None or f is not None):
            parsed.accepted[speaker] = parsed.accepted.get(speaker, 0) + 1
        if not words:
            continue
        last = parsed.pieces[-1] if parsed.pieces else None
        if last is not None and last.label == speaker:
            last.paragraphs[-1] += " " + words
        else:
            parsed.pieces.append(Piece(speaker, [words], [labels.norm_time(start)], n))
    return parsed


def _cues(text: str, path: Path, parsed: Parsed) -> list[Cue]:
    cues: list[Cue] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if line.startswith(("NOTE", "STYLE", "REGION")) or (i == 0 and line.startswith("WEBVTT")):
            i = _skip_block(lines, i, parsed)
            continue
        if not _ARROW.search(line):
            if line and not _is_cue_id(lines, i) and cues:
                # A blank line inside a cue's text: the rest still belongs to that cue.
                start = cues[-1][1]
                cues.append((i + 1, start, None, _clean(line)))
            elif line and not _is_cue_id(lines, i):
                raise FileFormatError(
                    f"text outside a cue ('{line[:40]}'): a cue is a timing line "
                    "'00:00:01.000 --> 00:00:04.000' then its text",
                    path,
                    i + 1,
                )
            i += 1
            continue
        m = _TIMING.match(line)
        if m is None:
            raise FileFormatError(
                f"broken cue timing '{line[:60]}': expected '00:00:01.000 --> 00:00:04.000'",
                path,
                i + 1,
            )
        j = i + 1
        body: list[str] = []
        while j < len(lines) and lines[j].strip():
            body.append(lines[j].strip())
            j += 1
        cues += _split_voices(i + 2, m.group("start"), "\n".join(body))
        i = j
    return cues


def _is_cue_id(lines: list[str], i: int) -> bool:
    """A cue id (``12``, a Teams ``GUID/19-0``) sits on the line above a timing line."""
    return i + 1 < len(lines) and bool(_ARROW.search(lines[i + 1]))


def _skip_block(lines: list[str], i: int, parsed: Parsed) -> int:
    while i < len(lines) and lines[i].strip():
        parsed.skipped.append((i + 1, lines[i].strip()))
        i += 1
    return i


def _split_voices(n: int, start: str, payload: str) -> list[Cue]:
    """One cue may hold several voices (``<v A>...</v> <v B>...``)."""
    parts = _VOICE.split(payload)
    out: list[Cue] = []
    for line in parts[0].split("\n"):
        if _clean(line):
            out.append((n, start, None, _clean(line)))
    for k in range(1, len(parts) - 1, 2):
        voice = " ".join(html.unescape(parts[k]).split())
        out.append((n, start, voice or None, _clean(parts[k + 1])))
    return out


def _clean(text: str) -> str:
    text = html.unescape(_TAG.sub("", text))
    words = " ".join(text.split())
    return words[2:] if words.startswith("- ") else words
