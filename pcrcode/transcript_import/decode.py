"""Bytes to text for transcripts, which come from every kind of machine.

UTF-8 (with or without a BOM) and UTF-16 with a BOM (Windows tools) are read as they are; any
other encoding must be named with ``--encoding``, because guessing one silently turns "é" into
"Ã©" in the data. An empty or binary file is refused with one line saying so.
"""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

from pcrcode.errors import FileFormatError, UsageError


def decode_source(data: bytes, path: Path, encoding: str | None = None) -> str:
    """The file's text, line endings normalised to LF and accents composed (NFC)."""
    if encoding is not None:
        text = _with(data, path, encoding)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _with(data, path, "utf-16")
    elif b"\x00" in data:
        raise FileFormatError(
            "a binary file (it has NUL bytes), not a transcript: import a text, Word (.docx), "
            "WebVTT, SRT or oTranscribe file",
            path,
        )
    else:
        text = _utf8(data, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise FileFormatError("the file is empty: nothing to import", path)
    return unicodedata.normalize("NFC", text)


def _utf8(data: bytes, path: Path) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileFormatError(
            f"not UTF-8 (byte 0x{data[exc.start]:02x}): if the file comes from Windows or an "
            "old Mac, give its encoding, latin-1 (or cp1252), or save it as UTF-8",
            path,
            line,
            about="encoding",
        ) from None


def _with(data: bytes, path: Path, encoding: str) -> str:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise UsageError(
            f"unknown encoding '{encoding}': try utf-8, latin-1 or cp1252", about="encoding"
        ) from None
    try:
        return data.decode(encoding).lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileFormatError(
            f"not {encoding} (byte 0x{data[exc.start]:02x}): give the file's encoding",
            path,
            line,
            about="encoding",
        ) from None
