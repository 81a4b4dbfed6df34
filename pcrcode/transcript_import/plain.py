"""Line-based transcripts: plain ``Speaker: text``, Otter, Rev, Descript, Zoom's saved captions,
Markdown, and the paragraphs of Word and oTranscribe files once turned into lines.

Two passes: every line that has the shape of a label is found first, so that the labels that
count can be chosen from the whole file (see :mod:`.labels`); then the turns are built. Text
before the first label is kept as a turn of :data:`.model.UNKNOWN`; an unlabelled paragraph
continues the turn above it; timestamps leave the text for the turn's ``times``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pcrcode.transcript_import import labels
from pcrcode.transcript_import.labels import STAMP, Found
from pcrcode.transcript_import.model import Parsed, Piece

# Lines a vendor adds that are not speech (kept in the report's skipped lines).
_NOT_SPEECH = re.compile(
    r"^(?:Transcribed by https?://\S+|.{1,80}\b(?:started|stopped) transcription)\s*$", re.I
)

_SENTENCE_END = (".", "?", "!", "…", "»", '"', "”", ")")

Row = tuple[int, str, list[str], Found | None]


def parse_lines(
    lines: Sequence[tuple[int, str]],
    wanted: Sequence[str] = (),
    markdown: bool = False,
    also: Sequence[str] = (),
) -> Parsed:
    """Turns from ``(line number, text)`` pairs."""
    parsed = Parsed([])
    if markdown:
        lines = _front_matter(list(lines), parsed)
    rows = [_row(n, raw, wanted) for n, raw in lines]
    candidates = [f for _, _, _, f in rows if f is not None]
    speech = [f for f in candidates if labels.key(f.name) not in labels.META_WORDS]
    accepted = labels.accepted_keys(speech, wanted, also)
    new_paragraph = True
    for n, text, stamps, found in rows:
        if not text and not stamps:
            new_paragraph = True
            continue
        if markdown and text.startswith("#"):
            parsed.meta.setdefault("title", text.lstrip("#").strip())
            parsed.skipped.append((n, text))
            continue
        if _NOT_SPEECH.match(text):
            parsed.skipped.append((n, text))
            continue
        if found is not None and _is_meta(found, parsed, wanted):
            parsed.meta.setdefault(labels.META_WORDS[labels.key(found.name)], found.rest)
            parsed.skipped.append((n, text))
            continue
        if found is not None and labels.key(found.name) in accepted:
            parsed.accepted[found.name] = parsed.accepted.get(found.name, 0) + 1
            time = [labels.norm_time(found.time)] if found.time else []
            parsed.pieces.append(Piece(found.name, [], time + stamps, n))
            text, stamps, new_paragraph = found.rest, [], False
            if not text:
                continue
        elif found is not None and found.strength != "alone":
            parsed.ignored.append((n, found.name))
        _add(parsed.pieces, n, text, stamps, new_paragraph)
        new_paragraph = False
    return parsed


def _row(n: int, raw: str, wanted: Sequence[str]) -> Row:
    line = raw.strip()
    stamps = [labels.norm_time(t) for t in STAMP.findall(line)]
    text = " ".join(STAMP.sub(" ", line).split()) if stamps else line
    if not text:
        return n, "", stamps, None
    found = labels.find(text)
    if wanted and (found is None or labels.key(found.name) not in map(labels.key, wanted)):
        bare = text.rstrip(":").strip()
        if labels.key(bare) in map(labels.key, wanted):
            found = Found(" ".join(bare.split()), "", None, "alone")
    first = STAMP.search(line)
    near = first is not None and first.start() <= len(found.name if found else "") + 3
    if found is not None and found.strength == "colon" and near:  # [0:01] Name: / Name (0:01):
        found = Found(found.name, found.rest, None, "strong")
    return n, text, stamps, found


def _is_meta(found: Found, parsed: Parsed, wanted: Sequence[str]) -> bool:
    """``Date: 12/03/2026`` above the first turn describes the interview."""
    k = labels.key(found.name)
    if any(p.label is not None for p in parsed.pieces):
        return False
    if k not in labels.META_WORDS or not found.rest:
        return False
    return k not in map(labels.key, wanted)


def _add(pieces: list[Piece], n: int, text: str, stamps: list[str], new_paragraph: bool) -> None:
    if not pieces:
        pieces.append(Piece(None, [], [], n))
    piece = pieces[-1]
    piece.times += stamps
    if not text:
        return
    if not piece.paragraphs:
        piece.paragraphs.append(text)
    elif new_paragraph or piece.paragraphs[-1].endswith(_SENTENCE_END):
        # A typed transcript has one paragraph per line; a line cut mid-sentence was wrapped.
        piece.paragraphs.append(text)
        piece.merged.append(n)
    else:
        piece.paragraphs[-1] += " " + text


def _front_matter(lines: list[tuple[int, str]], parsed: Parsed) -> list[tuple[int, str]]:
    """A Markdown source's own front matter: its date and title are kept, the rest skipped."""
    if not lines or lines[0][1].strip() != "---":
        return lines
    for i in range(1, len(lines)):
        if lines[i][1].strip() in ("---", "..."):
            for n, line in lines[: i + 1]:
                name, sep, value = line.partition(":")
                if sep and name.strip() in ("date", "title") and value.strip():
                    parsed.meta[name.strip()] = value.strip().strip("'\"")
                parsed.skipped.append((n, line))
            return lines[i + 1 :]
    return lines
