"""Reading interview transcripts: Markdown with YAML front matter, or YAML with a list of turns.

A transcript is source data: pcrcode reads it and never writes it. Each speaker turn is a segment,
numbered from 1 in file order. A turn's text is normalised (NFC, the lines of a paragraph joined by
one space, paragraphs separated by a blank line) so that offsets and fingerprints do not depend on
how an editor wrapped the lines.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pcrcode.errors import FileFormatError, UnknownItem, did_you_mean
from pcrcode.files.codebook import ID_RE
from pcrcode.files.diagnostics import WARNING, Diagnostics
from pcrcode.files.yaml_reading import (
    OUTSIDE_PROJECT,
    LDict,
    LList,
    is_inside,
    loads,
    read_text,
    refuse_conflict,
)
from pcrcode.model import Interview, Turn

INTERVIEWS_DIR = "interviews"
EXTENSIONS = (".md", ".yaml", ".yml")
# File names hold 255 bytes; a lock is named <coder>--<interview>.lock.
MAX_ID = 200
META_KEYS = (
    "id",
    "structure",
    "date",
    "interviewer",
    "participants",
    "language",
    "illustrative",
    "note",
    "title",
    "duration",
    "place",
    "source",
    "times",
    "turns",
)
# **Name:** text   (also **Name**: text)
_TURN_RE = re.compile(
    r"^\*\*(?P<speaker>[^*\n]+?)(?::\*\*|\*\*\s*:)[ \t]*(?P<text>.*)\Z", re.DOTALL
)


def normalise(text: str) -> str:
    """The canonical text of a turn: NFC, lines of a paragraph joined, one blank line between."""
    if "\n" not in text:  # one line, one paragraph: the common case, without the regex
        return " ".join(unicodedata.normalize("NFC", text).split())
    paragraphs = re.split(r"\n\s*\n", unicodedata.normalize("NFC", text).strip())
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())


def _front_matter(text: str, path: Path) -> tuple[Any, str, int]:
    """Split ``---`` front matter from the body; returns (meta, body, first body line)."""
    if not text.strip():
        raise FileFormatError(
            "the transcript is empty: write a '---' block holding "
            "'structure: <id>', then the turns as '**Speaker:** text'",
            path,
            1,
        )
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise FileFormatError(
            "no front matter: start the file with a '---' block holding at least 'structure: <id>'",
            path,
            1,
        )
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            meta = loads("\n".join(lines[1:i]), path, first_line=2)
            return meta, "\n".join(lines[i + 1 :]), i + 2
    raise FileFormatError("the front matter is not closed by a '---' line", path, 1)


def _paragraphs(body: str, first_line: int) -> Iterator[tuple[int, str]]:
    """(line, text) of each paragraph of the body."""
    start: int | None = None
    buf: list[str] = []
    for offset, line in enumerate(body.split("\n")):
        if line.strip():
            if start is None:
                start = first_line + offset
            buf.append(line)
        elif start is not None:
            yield start, "\n".join(buf)
            start, buf = None, []
    if start is not None:
        yield start, "\n".join(buf)


def parse_markdown(text: str, path: Path, diag: Diagnostics) -> tuple[LDict, list[Turn]]:
    meta, body, body_line = _front_matter(text, path)
    if meta is None:
        meta = LDict()
    if not isinstance(meta, LDict):
        raise FileFormatError("the front matter must be a mapping (key: value lines)", path, 2)
    turns: list[tuple[int, str, list[str]]] = []
    for line, para in _paragraphs(body, body_line):
        m = _TURN_RE.match(para)
        if m:
            turns.append((line, m.group("speaker").strip(), [m.group("text")]))
        elif turns:
            turns[-1][2].append(para)
        elif not para.lstrip().startswith("#"):
            diag.warning(
                path,
                line,
                "text before the first '**Speaker:**' turn is not part of any segment",
                "text-outside-turns",
            )
    result = [
        Turn(number=i + 1, speaker=speaker, text=normalise("\n\n".join(parts)), line=line)
        for i, (line, speaker, parts) in enumerate(turns)
    ]
    return meta, result


def parse_yaml_transcript(text: str, path: Path, diag: Diagnostics) -> tuple[LDict, list[Turn]]:
    data = loads(text, path)
    if not isinstance(data, LDict):
        raise FileFormatError(
            "a YAML transcript must be a mapping with 'structure' and 'turns'", path, 1
        )
    raw = data.get("turns")
    if not isinstance(raw, LList):
        raise FileFormatError(
            "a YAML transcript needs 'turns': a list of {speaker, text}",
            path,
            data.pos("turns")[0] if "turns" in data else 1,
        )
    turns: list[Turn] = []
    for index, item in enumerate(raw):
        line = raw.pos(index)[0]
        if not isinstance(item, LDict) or "text" not in item:
            raise FileFormatError("each turn needs 'speaker' and 'text'", path, line)
        diag.unknown_keys(path, item, ("speaker", "text", "time"), "a turn")
        speaker = unicodedata.normalize("NFC", str(item.get("speaker") or "")).strip()
        turns.append(
            Turn(
                number=index + 1,
                speaker=speaker,
                text=normalise(str(item.get("text") or "")),
                line=line,
            )
        )
    return data, turns


def _participants(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        names = []
        for p in value:
            if isinstance(p, dict):
                names.append(str(p.get("name", "")))
            else:
                names.append(str(p))
        return tuple(n for n in names if n)
    if value:
        return (str(value),)
    return ()


def parse_interview(path: Path, diag: Diagnostics, text: str | None = None) -> Interview:
    """Parse one transcript file; unreadable files raise :class:`FileFormatError`."""
    if text is None:
        text = read_text(path)
    if path.suffix == ".md":
        refuse_conflict(text, path, markdown=True)
        meta, turns = parse_markdown(text, path, diag)
    else:
        meta, turns = parse_yaml_transcript(text, path, diag)
    diag.unknown_keys(path, meta, META_KEYS, "the interview metadata", severity=WARNING)
    iid = path.stem
    if "id" in meta and str(meta["id"]) != iid:
        diag.error(
            path,
            meta.pos("id"),
            f"id '{meta['id']}' differs from the file name '{iid}': the file name is the "
            "interview id",
            "bad-id",
        )
    if not ID_RE.match(iid) or "/" in iid:
        diag.error(
            path, 1, f"bad interview id '{iid}': name the file with a-z, 0-9, - and _", "bad-id"
        )
    elif len(iid) > MAX_ID:
        diag.error(
            path,
            1,
            f"interview id of {len(iid)} characters: at most {MAX_ID}, since pcrcode builds "
            "file names from it (codings, locks); rename the file",
            "bad-id",
        )
    if not turns:
        diag.error(
            path,
            1,
            "the transcript has no turns: write each one as '**Speaker:** text'",
            "empty-transcript",
        )
    structure = meta.get("structure")
    if structure is not None and not isinstance(structure, str):
        # `structure: 010` is the number 8 to YAML: say so rather than look up structure '8'.
        diag.error(
            path,
            meta.pos("structure"),
            f"YAML reads the structure id as "
            f'{type(structure).__name__} {structure!r}: quote it (structure: "...")',
            "bad-value",
        )
    if structure is None:
        diag.error(
            path,
            1,
            "no 'structure' in the metadata: which structure was interviewed?",
            "missing-key",
        )
    illustrative = meta.get("illustrative", False)
    return Interview(
        id=iid,
        path=path,
        structure=str(structure) if structure is not None else None,
        turns=tuple(turns),
        date=str(meta.get("date", "") or ""),
        interviewer=str(meta.get("interviewer", "") or ""),
        participants=_participants(meta.get("participants")),
        language=str(meta.get("language", "") or ""),
        illustrative=illustrative is True,
        meta={k: v for k, v in meta.items() if k != "turns"},
        structure_line=meta.pos("structure")[0] if "structure" in meta else 1,
    )


def suffix(name: str) -> str:
    """``Path(name).suffix`` without building a Path."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def interview_files(root: Path) -> list[Path]:
    folder = root / INTERVIEWS_DIR
    if not folder.is_dir():
        return []
    with os.scandir(folder) as entries:  # faster than iterdir + is_file on large projects
        names = sorted(e.name for e in entries if suffix(e.name) in EXTENSIONS and is_file(e))
    return [folder / name for name in names]


def is_file(entry: os.DirEntry[str]) -> bool:
    """A file, or a link pcrcode cannot follow (a loop, or leading nowhere): listed, so that
    reading it gives a finding instead of the file being left out without a word."""
    try:
        return entry.is_file() or (entry.is_symlink() and not entry.is_dir())
    except OSError:
        return entry.is_symlink()


def ignored_files(root: Path) -> list[Path]:
    """Files under ``interviews/`` that look like transcripts but are not read: ``x.MD``,
    ``x.YAML`` (a case-insensitive file system's habit), ``x.txt``."""
    folder = root / INTERVIEWS_DIR
    if not folder.is_dir():
        return []
    with os.scandir(folder) as entries:
        return sorted(
            folder / e.name
            for e in entries
            if suffix(e.name) not in EXTENSIONS
            and suffix(e.name).lower() in (*EXTENSIONS, ".txt", ".markdown")
            and not e.name.startswith(".")
        )


def find_interview_file(root: Path, interview_id: str) -> Path:
    """The transcript of an interview, without reading the others (fast path for ``tag``)."""
    if ID_RE.match(interview_id) and "/" not in interview_id:
        for ext in EXTENSIONS:
            path = root / INTERVIEWS_DIR / f"{interview_id}{ext}"
            if path.is_file():
                return path
    ids = [p.stem for p in interview_files(root)]
    if interview_id in ids:  # a file whose name is not an id (upper case, a space...)
        raise UnknownItem(
            f"the transcript of '{interview_id}' has a file name that is not an id: rename it "
            "with a-z, 0-9, - and _ (`pcrcode check` says the same)"
        )
    raise UnknownItem(
        f"unknown interview '{interview_id}'{did_you_mean(interview_id, ids)}; "
        "see `pcrcode interviews list`"
    )


def load_interview(root: Path, interview_id: str, diag: Diagnostics | None = None) -> Interview:
    path = find_interview_file(root, interview_id)
    if not is_inside(root, path):
        raise FileFormatError(OUTSIDE_PROJECT, path, 1)
    return parse_interview(path, diag if diag is not None else Diagnostics(root))
