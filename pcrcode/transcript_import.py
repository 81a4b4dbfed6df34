"""``pcrcode import transcript``: a transcription service's export -> a pcrcode interview.

Reads plain text (``Speaker: text`` paragraphs, with the variants services write:
``SPEAKER 1 (00:01:02): text``, ``[00:01:02] Speaker: text``, ``Speaker 1  0:02`` on its own line
above the text), Markdown (``**Speaker:** text`` or the plain form, front matter and headings
skipped), WebVTT (cues grouped into turns by consecutive speaker, ``<v Name>`` voice tags or
``Name:`` prefixes) and SRT (``Name:`` prefixes). Writes ``interviews/<id>.md`` with front matter.

Speaker names are normalised: spaces trimmed and collapsed, case variants of one name made one
("SPEAKER 1" and "Speaker 1"), names written all in capitals put in title case; ``--speaker-map``
renames them ("Speaker 1=Martine").

Timestamps go to a ``times:`` list in the front matter (the start of each turn, in order), not
into the turn text: a ``[00:01:02]`` prefix would become part of the segment, so it would enter
fingerprints, quotes, auto-coding patterns, word counts and every retrieved passage, and fixing
a timestamp would make codings stale.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pcrcode.errors import ConflictError, FileFormatError, PcrcodeError, UsageError

TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_MD_TURN = re.compile(r"^\*\*(?P<name>[^*\n]+?)(?::\*\*|\*\*\s*:)\s*(?P<text>.*)$")
_TURN = re.compile(
    rf"^(?:\[?(?P<t1>{TIME})\]?\s*(?:-\s*)?)?(?P<name>[^\s:\[\]()*<>][^:\[\]()*<>]{{0,39}}?)"
    rf"\s*(?:[(\[](?P<t2>{TIME})[)\]])?\s*:\s*(?P<text>.*)$"
)
_NAME_TIME = re.compile(
    rf"^(?P<name>[^\s:\[\]()*<>][^:\[\]()*<>]{{0,39}}?)\s+\(?(?P<t2>{TIME})"
    r"\)?\s*$"
)
_TIMING = re.compile(rf"^\s*(?P<start>{TIME})\s*-->\s*{TIME}")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]*)>")
_TAG = re.compile(r"<[^>]*>")
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&nbsp;": " ", "&lrm;": "", "&rlm;": ""}
# Header lines ("Date: ...") that look like a speaker's turn but describe the interview.
_META_WORDS = {
    "date",
    "titre",
    "title",
    "lieu",
    "place",
    "durée",
    "duree",
    "duration",
    "source",
    "sujet",
    "subject",
    "transcription",
    "transcript",
    "entretien",
    "interview",
    "langue",
    "language",
    "participants",
    "note",
    "notes",
    "fichier",
    "file",
}
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_FR_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
_YAML_WORDS = {"yes", "no", "true", "false", "on", "off", "null", "y", "n", "~"}


@dataclass
class Piece:
    """A turn as read from the source: speaker, paragraphs, start time."""

    speaker: str
    paragraphs: list[str] = field(default_factory=list)
    time: str | None = None


@dataclass(frozen=True)
class Imported:
    interview: str
    path: Path
    text: str  # the interview file written (or that would be)
    kind: str  # text | markdown | vtt | srt
    speakers: tuple[tuple[str, int], ...]  # name, turns
    turns: int


def decode_source(data: bytes, path: Path) -> str:
    """The file's text; one clear error for empty, binary or non-UTF-8 files."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        with contextlib.suppress(UnicodeDecodeError):
            data = data.decode("utf-16").encode("utf-8")
    if b"\x00" in data:
        raise FileFormatError(
            "a binary file (it has NUL bytes), not a transcript: import a "
            "text, Markdown, WebVTT or SRT file",
            path,
        )
    from pcrcode.files.yaml_reading import decode

    text = unicodedata.normalize("NFC", decode(data, path))
    if not text.strip():
        raise FileFormatError("the file is empty: nothing to import", path)
    return text


def kind_of(text: str, path: Path) -> str:
    ext = path.suffix.lower()
    if ext == ".vtt" or text.lstrip().startswith("WEBVTT"):
        return "vtt"
    if ext == ".srt" or re.search(rf"^\d+\s*\n{TIME}\s*-->", text.lstrip()[:200], re.M):
        return "srt"
    return "markdown" if ext in (".md", ".markdown") else "text"


def parse(text: str, kind: str) -> tuple[list[Piece], dict[str, str], list[str]]:
    """Turns, metadata found in the header (date), and header lines before the first turn."""
    if kind in ("vtt", "srt"):
        return _parse_cues(text, kind), {}, []
    return _parse_lines(text, kind == "markdown")


def looks_like_name(name: str) -> bool:
    """A speaker label: 1-4 words, each starting with a capital or a digit ("Speaker 1")."""
    words = name.split()
    if not 1 <= len(words) <= 4 or any(ch in name for ch in ',;!?«»"“”'):
        return False
    if not any(ch.isalpha() for ch in name):
        return False
    return all(w[0].isupper() or w[0].isdigit() for w in words)


def _parse_lines(text: str, markdown: bool) -> tuple[list[Piece], dict[str, str], list[str]]:
    lines = text.split("\n")
    meta: dict[str, str] = {}
    if markdown and lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() in ("---", "..."):
                for line in lines[1:i]:
                    if line.startswith("date:"):
                        meta["date"] = line[5:].strip().strip("'\"")
                lines = lines[i + 1 :]
                break
    pieces: list[Piece] = []
    header: list[str] = []
    new_paragraph = True
    for raw in lines:
        line = raw.strip()
        if not line:
            new_paragraph = True
            continue
        turn = _speaker_line(line)
        if turn is not None:
            name, time, rest = turn
            if not pieces and name.casefold() in _META_WORDS:
                meta.setdefault(name.casefold(), rest)
                header.append(line)
                continue
            pieces.append(Piece(name, [rest] if rest else [], time))
            new_paragraph = False
            continue
        if not pieces:
            header.append(line.lstrip("#").strip() if line.startswith("#") else line)
            continue
        paragraphs = pieces[-1].paragraphs
        if new_paragraph or not paragraphs:
            paragraphs.append(line)
        else:
            paragraphs[-1] += " " + line
        new_paragraph = False
    return pieces, meta, header


def _speaker_line(line: str) -> tuple[str, str | None, str] | None:
    for pattern in (_MD_TURN, _NAME_TIME, _TURN):
        m = pattern.match(line)
        if m is None:
            continue
        name = " ".join(m.group("name").split())
        if pattern is not _MD_TURN and not looks_like_name(name):
            continue
        groups = m.groupdict()
        time = groups.get("t1") or groups.get("t2")
        return name, time, (groups.get("text") or "").strip()
    return None


def _parse_cues(text: str, kind: str) -> list[Piece]:
    pieces: list[Piece] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
        timing = next((i for i, line in enumerate(lines) if "-->" in line), None)
        if timing is None or (lines and lines[0].startswith(("NOTE", "STYLE", "REGION"))):
            continue
        m = _TIMING.match(lines[timing])
        start = m.group("start") if m else None
        payload = "\n".join(lines[timing + 1 :])
        parts = _VOICE.split(payload)
        chunks: list[tuple[str | None, str]] = [(None, parts[0])]
        chunks += [(parts[i].strip(), parts[i + 1]) for i in range(1, len(parts) - 1, 2)]
        for voice, chunk in chunks:
            for line in chunk.split("\n"):
                words = _clean_cue(line)
                speaker = voice
                if words.startswith("- "):
                    words = words[2:].strip()
                found = _speaker_line(words) if words and voice is None else None
                if found is not None and found[2]:
                    speaker, _, words = found
                if not words:
                    continue
                if speaker is None:
                    if pieces:
                        pieces[-1].paragraphs[-1] += " " + words
                        continue
                    speaker = "?"
                pieces.append(Piece(speaker, [words], start))
    if pieces and all(p.speaker == "?" for p in pieces):
        return []
    return pieces


def _clean_cue(line: str) -> str:
    line = _TAG.sub("", line)
    for entity, char in _ENTITIES.items():
        line = line.replace(entity, char)
    return " ".join(line.split())


def normalise_speakers(pieces: list[Piece], speaker_map: Sequence[str]) -> list[Piece]:
    """One spelling per speaker, then ``OLD=NEW`` renames; consecutive cues stay apart."""
    variants: dict[str, Counter[str]] = {}
    for p in pieces:
        p.speaker = " ".join(p.speaker.replace("*", "").split()) or "?"
        variants.setdefault(p.speaker.casefold(), Counter())[p.speaker] += 1
    canonical = {key: _display(counts) for key, counts in variants.items()}
    renames: dict[str, str] = {}
    for item in speaker_map:
        old, sep, new = item.partition("=")
        old, new = " ".join(old.split()), " ".join(new.replace("*", "").split())
        if not sep or not old or not new or ":" in new:
            raise UsageError(f"bad --speaker-map '{item}': write OLD=NEW, e.g. 'Speaker 1=Martine'")
        if old.casefold() not in canonical:
            names = ", ".join(sorted(set(canonical.values())))
            raise UsageError(
                f"--speaker-map: no speaker '{old}' in the transcript (speakers: {names})"
            )
        renames[old.casefold()] = new
    for p in pieces:
        key = p.speaker.casefold()
        p.speaker = renames.get(key, canonical[key])
    return pieces


def group_cues(pieces: list[Piece]) -> list[Piece]:
    """Consecutive cues of one speaker make one turn (subtitles cut speech every few seconds)."""
    turns: list[Piece] = []
    for p in pieces:
        if turns and turns[-1].speaker == p.speaker:
            turns[-1].paragraphs[-1] += " " + " ".join(p.paragraphs)
        else:
            turns.append(Piece(p.speaker, list(p.paragraphs), p.time))
    return turns


def _display(counts: Counter[str]) -> str:
    def rank(name: str) -> tuple[bool, bool, int]:
        return (not name.isupper(), name[:1].isupper(), counts[name])

    best = max(counts, key=rank)
    if best.isupper():
        best = " ".join(w.lower().title() if w.isupper() else w for w in best.split())
    return best


def import_transcript(
    root: Path,
    source: Path,
    structure: str | None = None,
    interview_id: str | None = None,
    speaker_map: Sequence[str] = (),
    language: str | None = None,
    dry_run: bool = False,
) -> Imported:
    """Read ``source`` and write ``interviews/<id>.md`` (never over an existing interview)."""
    from pcrcode.files.codebook import ID_RE, load_codebook
    from pcrcode.files.coder_names import slug
    from pcrcode.files.diagnostics import Diagnostics
    from pcrcode.files.registry import REGISTRY_FILE, load_registry
    from pcrcode.files.transcripts import EXTENSIONS, INTERVIEWS_DIR

    iid = interview_id if interview_id is not None else slug(source.stem)
    if not iid or not ID_RE.match(iid) or "/" in iid:
        raise UsageError(f"bad interview id '{iid}': pass --id with a-z, 0-9, - and _")
    for ext in EXTENSIONS:
        existing = root / INTERVIEWS_DIR / f"{iid}{ext}"
        if existing.exists():
            raise ConflictError(
                f"interview '{iid}' already exists ({INTERVIEWS_DIR}/{iid}{ext}): pass another --id"
            )
    codebook = load_codebook(root, Diagnostics(root))
    has_registry = (root / REGISTRY_FILE).exists()
    if structure is not None:
        if not ID_RE.match(structure) or "/" in structure:
            raise UsageError(f"bad structure id '{structure}': a-z, 0-9 and -")
        if has_registry:
            load_registry(root, codebook, Diagnostics(root)).get(structure)
    elif has_registry:
        with contextlib.suppress(PcrcodeError):
            if iid in load_registry(root, codebook, Diagnostics(root)).structures:
                structure = iid
    try:
        data = source.read_bytes()
    except IsADirectoryError:
        raise FileFormatError("is a folder, expected a transcript file", source) from None
    except OSError as exc:
        raise FileFormatError(f"cannot read: {exc.strerror}", source) from None
    text = decode_source(data, source)
    kind = kind_of(text, source)
    pieces, meta, header = parse(text, kind)
    pieces = [p for p in pieces if p.paragraphs]
    if not pieces:
        raise FileFormatError(
            "no speaker turns found: expected 'Speaker: text' paragraphs, or "
            "WebVTT/SRT cues with <v Speaker> or 'Speaker:'",
            source,
        )
    pieces = normalise_speakers(pieces, speaker_map)
    if kind in ("vtt", "srt"):
        pieces = group_cues(pieces)
    date = _date(meta.get("date", ""), source.stem)
    body = render(pieces, structure, date, language or codebook.language, source.name, header)
    path = root / INTERVIEWS_DIR / f"{iid}.md"
    _check_round_trip(body, path, pieces)
    if not dry_run:
        _create(path, body, iid)
    counts = Counter(p.speaker for p in pieces)
    speakers = tuple((name, counts[name]) for name in dict.fromkeys(p.speaker for p in pieces))
    return Imported(iid, path, body, kind, speakers, len(pieces))


def _date(value: str, stem: str) -> str:
    for text in (value, stem):
        m = _ISO_DATE.search(text)
        if m:
            return m.group(0)
        m = _FR_DATE.search(text)
        if m:
            return f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    return ""


def render(
    pieces: list[Piece],
    structure: str | None,
    date: str,
    language: str,
    source: str,
    header: list[str],
) -> str:
    lines = ["---"]
    if structure:
        lines.append(f"structure: {structure}")
    if date:
        lines.append(f"date: {date}")
    lines.append("participants:")
    lines += [f"  - name: {_yaml(name)}" for name in dict.fromkeys(p.speaker for p in pieces)]
    lines += [f"language: {_yaml(language)}", f"source: {_yaml(source)}", "illustrative: false"]
    if any(p.time for p in pieces):
        lines.append("times: # start of each turn, in order")
        lines += [f"  - {_time(p.time)}" for p in pieces]
    lines += ["---", ""]
    if header:
        lines += [f"# {line}" for line in header] + [""]
    for p in pieces:
        first, *more = _paragraphs(p.paragraphs)
        lines += [f"**{p.speaker}:** {first}", ""]
        for para in more:
            lines += [para, ""]
    return "\n".join(lines)


def _paragraphs(paragraphs: list[str]) -> list[str]:
    """Continuation paragraphs that would read as a new turn are joined to the previous one."""
    out: list[str] = []
    for para in paragraphs:
        if out and (_MD_TURN.match(para) or para.startswith("#")):
            out[-1] += " " + para
        else:
            out.append(para)
    return out


def _time(value: str | None) -> str:
    if not value:
        return "null"
    parts = re.split(r"[.,]", value)[0].split(":")
    while len(parts) < 3:
        parts.insert(0, "0")
    return '"' + ":".join(f"{int(p):02d}" for p in parts) + '"'


def _yaml(value: str) -> str:
    plain = re.match(r"^[^\W\d_][\w .'’-]*$", value) and value.casefold() not in _YAML_WORDS
    return value if plain and value == value.strip() else json.dumps(value, ensure_ascii=False)


def _check_round_trip(body: str, path: Path, pieces: list[Piece]) -> None:
    """Read back what would be written: the same turns, or nothing is written."""
    from pcrcode.files.diagnostics import Diagnostics
    from pcrcode.files.transcripts import normalise, parse_interview

    interview = parse_interview(path, Diagnostics(), text=body)
    expected = [(p.speaker, normalise("\n\n".join(_paragraphs(p.paragraphs)))) for p in pieces]
    got = [(t.speaker, t.text) for t in interview.turns]
    if got != expected:
        same = [a == b for a, b in zip(got, expected, strict=False)]
        bad = same.index(False) if False in same else min(len(got), len(expected))
        raise FileFormatError(
            f"turn {bad + 1} cannot be written faithfully as Markdown "
            "(a speaker name or text pcrcode would read differently)",
            path,
        )


def _create(path: Path, text: str, iid: str) -> None:
    """Write a new file atomically, failing if it exists (even if created meanwhile)."""
    from pcrcode.files import atomic

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        atomic.keep_mode(fd, path)  # mkstemp's 0600 would lock colleagues out
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise ConflictError(
                f"interview '{iid}' already exists ({path.name}): pass another --id"
            ) from None
        except OSError:  # no hard links on this file system: check, then rename
            if path.exists():
                raise ConflictError(
                    f"interview '{iid}' already exists ({path.name}): pass another --id"
                ) from None
            os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    atomic._fsync_dir(path.parent)
