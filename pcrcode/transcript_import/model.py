"""The shared model of an import: what a format parser returns and what the import reports.

Every format family (plain text, cues, Word, oTranscribe) turns its source into :class:`Parsed`:
turns with their raw labels, times and source lines, metadata for the front matter, and the
lines that are not speech (a vendor's footer, a heading). The rest of the import (speaker
normalisation, rendering, writing, the report) does not know which format it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pcrcode.choices import Split

UNKNOWN = "(unknown)"  # the speaker of text found before the first label


@dataclass
class Piece:
    """A turn as read from the source: raw label (None before the first one), paragraphs,
    the timestamps found in it (normalised ``HH:MM:SS``, in order), and source lines."""

    label: str | None
    paragraphs: list[str] = field(default_factory=list)
    times: list[str] = field(default_factory=list)
    line: int = 0
    merged: list[int] = field(default_factory=list)  # lines of continuation paragraphs


@dataclass
class Parsed:
    """What a format parser found."""

    pieces: list[Piece]
    meta: dict[str, str] = field(default_factory=dict)  # front matter: date, title, duration...
    skipped: list[tuple[int, str]] = field(default_factory=list)  # not speech: (line, text)
    accepted: dict[str, int] = field(default_factory=dict)  # label as written -> occurrences
    ignored: list[tuple[int, str]] = field(default_factory=list)  # rare labels kept as text
    cues: bool = False  # consecutive pieces of one speaker are one utterance cut in cues


@dataclass(frozen=True)
class Options:
    """How to read the labels; ``speakers`` makes detection exact."""

    speakers: tuple[str, ...] = ()
    speaker_map: tuple[str, ...] = ()
    interviewer: str | None = None
    split: Split = Split.turns
    encoding: str | None = None
    source_format: str | None = None


@dataclass(frozen=True)
class Reanchored:
    """What happened to an interview's codings when ``--replace`` rewrote its text."""

    codings: int  # codings of the interview before the import
    unchanged: int
    moved: int
    fuzzy: int
    orphaned: int
    duplicates: int = 0  # landed where the same code already was: one kept, both memos


@dataclass(frozen=True)
class Imported:
    """The result of importing one file, for the summary line and the report."""

    interview: str
    source: Path
    path: Path
    text: str  # the interview file written (or that would be)
    kind: str  # the format name, e.g. otter, teams-vtt
    speakers: tuple[tuple[str, int], ...]  # display name, turns
    turns: int
    labels: tuple[tuple[str, int], ...]  # label as written, occurrences
    merged: tuple[int, ...]  # source lines of continuation paragraphs merged into a turn
    dropped: tuple[int, ...]  # source lines of empty turns dropped
    opening: tuple[int, ...]  # source lines of text before the first label
    ignored: tuple[tuple[int, str], ...]  # rare labels kept as text: (line, label)
    skipped: tuple[tuple[int, str], ...]  # lines that are not speech (front matter, footer)
    written: bool
    replaced: bool = False
    reanchored: Reanchored | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.source),
            "interview": self.interview,
            "path": str(self.path),
            "format": self.kind,
            "written": self.written,
            "replaced": self.replaced,
            "turns": self.turns,
            "speakers": [{"name": n, "turns": c} for n, c in self.speakers],
            "labels": [{"label": n, "count": c} for n, c in self.labels],
            "merged_lines": list(self.merged),
            "dropped_empty_lines": list(self.dropped),
            "opening_lines": list(self.opening),
            "ignored_labels": [{"line": n, "label": t} for n, t in self.ignored],
            "skipped_lines": [{"line": n, "text": t} for n, t in self.skipped],
            "codings": None if self.reanchored is None else vars(self.reanchored),
        }
