"""oTranscribe (.otr): JSON whose ``text`` is HTML paragraphs with timestamp spans.

Each ``<p>`` (or ``<br>``-separated line) becomes a line for the line parser; a timestamp span
becomes a ``[HH:MM:SS]`` stamp (``data-timestamp`` is seconds, or a string such as ``"0:12"`` in
older files), which the parser moves to the turn's times.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from pcrcode.errors import FileFormatError

_SPAN = re.compile(
    r"<span[^>]*class=\"timestamp\"[^>]*data-timestamp=\"(?P<t>[^\"]*)\"[^>]*>.*?</span>", re.S
)
_BREAK = re.compile(r"</p>|<br\s*/?>|</div>", re.I)
_TAG = re.compile(r"<[^>]+>")


def otr_lines(text: str, path: Path) -> tuple[list[tuple[int, str]], dict[str, str]]:
    """Numbered lines of the transcript, and the media file it was made from."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileFormatError(
            f"not an oTranscribe file (invalid JSON: {exc.msg})", path, exc.lineno
        ) from None
    except (ValueError, RecursionError):  # a number of thousands of digits; nested thousands deep
        raise FileFormatError(
            "not an oTranscribe file (a number too long or data nested too deeply)", path
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise FileFormatError(
            "not an oTranscribe file: no 'text' field holding the transcript", path
        )
    body = _SPAN.sub(lambda m: f" [{_stamp(m.group('t'))}] ", data["text"])
    chunks = _BREAK.split(body)
    lines = [
        (i + 1, html.unescape(_TAG.sub("", c)).replace("\xa0", " ")) for i, c in enumerate(chunks)
    ]
    meta = {}
    if isinstance(data.get("media"), str) and data["media"]:
        meta["note"] = f"media: {data['media']}"
    return lines, meta


def _stamp(value: str) -> str:
    """Seconds (``12.48``) or already a clock time (``0:12``)."""
    try:
        seconds = int(float(value))
    except (ValueError, OverflowError):  # OverflowError: '1e400' is an infinite float
        return value if re.fullmatch(r"\d{1,2}(?::\d{1,2}){1,2}", value) else "0:0"
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
