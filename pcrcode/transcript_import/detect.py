"""Which format a file is in: by its content first, its extension second; ``--from`` forces it.

Every format maps to a parser family: the line parser (plain text and the vendors that write
``Speaker`` lines), the cue parser (WebVTT, SRT), Word, oTranscribe.
"""

from __future__ import annotations

import re
from pathlib import Path

from pcrcode.errors import UsageError

FAMILIES = {
    "plain": "lines",
    "markdown": "lines",
    "otter": "lines",
    "rev": "lines",
    "descript": "lines",
    "zoom-captions": "lines",
    "vtt": "cues",
    "zoom-vtt": "cues",
    "teams-vtt": "cues",
    "srt": "cues",
    "docx": "docx",
    "teams-docx": "docx",
    "otr": "otr",
}
FORMATS = tuple(FAMILIES)
_SRT = re.compile(r"^\d+\s*\n\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->", re.M)
_LINE_KINDS = (
    ("zoom-captions", re.compile(r"^\[[^\]\n]+\] \d{1,2}:\d{2}:\d{2}\s*$", re.M)),
    ("otter", re.compile(r"^\S[^\n:]{0,40}? {2}\d{1,2}:\d{2}(?::\d{2})?\s*$", re.M)),
    ("rev", re.compile(r"^\S[^\n:]{0,40}? \(\d{1,2}:\d{2}(?::\d{2})?\):", re.M)),
    ("descript", re.compile(r"^\[\d{2}:\d{2}:\d{2}\] ", re.M)),
)


def check_format(name: str) -> str:
    if name not in FAMILIES:
        raise UsageError(
            f"unknown transcript format '{name}': one of {', '.join(FORMATS)}",
            about="source_format",
        )
    return name


def sniff_binary(data: bytes, path: Path) -> str | None:
    """``docx`` for a Word file (a zip, or named .docx), before any decoding."""
    if path.suffix.lower() == ".docx" or data.startswith(b"PK\x03\x04"):
        return "docx"
    return None


def detect(text: str, path: Path) -> str:
    """The format of a decoded text file."""
    ext = path.suffix.lower()
    head = text.lstrip()[:4000]
    if ext == ".otr" or (head.startswith("{") and '"text"' in head):
        return "otr"
    if head.startswith("WEBVTT") or ext == ".vtt":
        return "teams-vtt" if "<v " in text else "zoom-vtt"
    if ext == ".srt" or _SRT.match(head):
        return "srt"
    if ext in (".md", ".markdown"):
        return "markdown"
    for kind, pattern in _LINE_KINDS:
        if pattern.search(head):
            return kind
    return "plain"
