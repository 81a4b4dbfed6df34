"""Word documents (.docx): Microsoft Teams transcripts (both styles) and any document of speaker
paragraphs (``Speaker: text``, the label often in bold) or of a speaker / time / text table.

python-docx is imported here only, when a .docx is read. The paragraphs become numbered lines
(the "line" of a report is the paragraph's number in the document) for the line parser; a
table's rows become turns directly; the older Teams style (a timing line, a name, the text) is
read as cues. A Teams header (title, date, duration) goes to the front matter.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pcrcode.errors import FileFormatError
from pcrcode.transcript_import import labels
from pcrcode.transcript_import.labels import TIME
from pcrcode.transcript_import.model import Parsed, Piece
from pcrcode.transcript_import.plain import parse_lines

_TIMING = re.compile(rf"^(?P<start>{TIME})\s*-->\s*{TIME}$")
_DURATION = re.compile(r"^(?:\d+h\s*)?(?:\d+m\s*)?\d+s$")
_DATE = re.compile(r"^\d{1,2}\s+\w+\s+\d{4}|^\w+\s+\d{1,2},\s+\d{4}|^\d{4}-\d{2}-\d{2}")
_HEADER_WORDS = {"speaker", "name", "time", "timestamp", "text", "transcript", "locuteur", "texte"}


def read_docx(data: bytes, path: Path) -> tuple[list[tuple[int, str]], list[list[str]]]:
    """Numbered paragraphs (a bold opening run followed by text becomes ``Label: text``) and
    the rows of the document's tables."""
    import io

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise FileFormatError(
            "not a .docx (not a zip archive): save it from Word as .docx, or export it as .txt",
            path,
        )
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors...
        raise FileFormatError(
            f"not a readable .docx ({type(exc).__name__}): open it in Word and save it again",
            path,
        ) from None
    paragraphs = [(i + 1, _paragraph_text(p)) for i, p in enumerate(document.paragraphs)]
    rows = [[c.text.strip() for c in row.cells] for t in document.tables for row in t.rows]
    return paragraphs, rows


def _paragraph_text(paragraph: Any) -> str:
    runs = [(r.text, bool(r.bold)) for r in paragraph.runs]
    bold = ""
    for text, is_bold in runs:
        if not is_bold:
            break
        bold += text
    rest = paragraph.text[len(bold) :] if paragraph.text.startswith(bold) else ""
    label = bold.strip().rstrip(":").strip()
    if label and rest.strip() and ":" not in label and labels.find(label + ": x") is not None:
        return f"{label}: {rest.strip()}"
    return str(paragraph.text)


def parse_docx(
    data: bytes, path: Path, wanted: Sequence[str] = (), also: Sequence[str] = ()
) -> tuple[Parsed, str]:
    """The turns of a .docx, and which kind of document it was."""
    paragraphs, rows = read_docx(data, path)
    if not any(text.strip() for _, text in paragraphs) and rows:
        return _table(rows), "docx-table"
    meta, skipped, paragraphs = _teams_header(paragraphs)
    if any(_TIMING.match(text.strip()) for _, text in paragraphs):
        parsed, kind = _old_teams(paragraphs), "teams-docx"
    else:
        parsed = parse_lines(paragraphs, wanted, also=also)
        kind = "teams-docx" if meta else "docx"
        parsed.cues = bool(meta)  # Teams cuts one person's speech into several entries
    parsed.meta.update(meta)
    parsed.skipped[:0] = skipped
    return parsed, kind


def _teams_header(
    paragraphs: list[tuple[int, str]],
) -> tuple[dict[str, str], list[tuple[int, str]], list[tuple[int, str]]]:
    """Title, date and duration at the top of a Teams transcript."""
    texts = [t.strip() for _, t in paragraphs[:4]]
    if len(texts) < 3 or not _DATE.match(texts[1]) or not _DURATION.match(texts[2]):
        return {}, [], paragraphs
    meta = {"title": texts[0], "duration": texts[2]}
    date = next(
        (d for d in map(_iso_date, (texts[1], texts[1].rsplit(",", 1)[0])) if d),
        "",
    )
    if date:
        meta["date"] = date
    else:
        meta["note"] = f"Recorded {texts[1]}"
    return meta, paragraphs[:3], paragraphs[3:]


def _iso_date(text: str) -> str:
    """``15 June 2026`` / ``June 15, 2026`` / ``2026-06-15`` -> ``2026-06-15`` (English month
    names: Teams writes them in the meeting's locale, and others are kept in a note)."""
    from datetime import datetime

    for pattern in ("%d %B %Y", "%B %d, %Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), pattern).date().isoformat()
        except ValueError:
            continue
    return ""


def _old_teams(paragraphs: list[tuple[int, str]]) -> Parsed:
    """``0:0:5.100 --> 0:0:8.250``, then the name, then the text."""
    parsed = Parsed([], cues=True)
    start: str | None = None
    expect_name = False
    for n, raw in paragraphs:
        text = raw.strip()
        m = _TIMING.match(text)
        if m:
            start, expect_name = m.group("start"), True
            continue
        if not text:
            continue
        if expect_name:
            parsed.accepted[text] = parsed.accepted.get(text, 0) + 1
            time = [labels.norm_time(start)] if start else []
            parsed.pieces.append(Piece(text, [], time, n))
            expect_name = False
        elif parsed.pieces:
            parsed.pieces[-1].paragraphs.append(text)
        else:
            parsed.pieces.append(Piece(None, [text], [], n))
    for piece in parsed.pieces:
        piece.paragraphs = [" ".join(piece.paragraphs)] if piece.paragraphs else []
    return parsed


def _table(rows: list[list[str]]) -> Parsed:
    """Rows of speaker / time / text (or speaker / text)."""
    parsed = Parsed([])
    first = 1  # a table's "line" in the report is its row number, the header row 1
    if rows and {c.casefold() for c in rows[0] if c} <= _HEADER_WORDS:
        parsed.skipped.append((1, " | ".join(rows[0])))
        rows, first = rows[1:], 2
    for n, cells in enumerate(rows, start=first):
        cells = [c for c in cells if c] if len(cells) > 3 else cells
        if not cells:
            continue
        name, text = cells[0], cells[-1]
        stamps = [c.strip("[]() ") for c in cells[1:-1]]
        times = [labels.norm_time(c) for c in stamps if re.fullmatch(TIME, c)]
        parsed.accepted[name] = parsed.accepted.get(name, 0) + 1
        parsed.pieces.append(Piece(name or None, [" ".join(text.split())], times, n))
    return parsed
