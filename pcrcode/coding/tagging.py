"""Applying and removing codes: ``pcrcode tag`` and ``pcrcode untag``.

Tagging reads only what it needs (the codebook, one transcript, one coding file), so it stays fast
however large the project grows. The read-modify-write of the coding file happens under a lock and
ends with an atomic rename: two researchers tagging at once both keep their codings, and a crash
leaves the file as it was or fully updated.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

from pcrcode.coding import old_texts
from pcrcode.errors import ConflictError, FileFormatError, PcrcodeError, UnknownItem, UsageError
from pcrcode.files import atomic, transaction
from pcrcode.files import codings as codings_io
from pcrcode.files.codebook import ID_RE, load_codebook
from pcrcode.files.diagnostics import Diagnostics
from pcrcode.files.transcripts import load_interview
from pcrcode.files.yaml_reading import OUTSIDE_PROJECT, is_inside
from pcrcode.model import ROUND_MARK, Code, Codebook, Coding, Interview, with_round

LOCK_DIR = ".pcrcode/locks"
MAX_SEGMENTS = 100_000  # a transcript of a thousand hours has fewer turns
# Nine digits at most: past that no transcript has the segment, and int() of 5,000 digits fails.
_RANGE_RE = re.compile(r"^\s*(\d{1,9})\s*(?:-\s*(\d{1,9}))?\s*$")


def parse_segments(spec: str, count: int | None = None) -> list[int]:
    """``7``, ``7-9``, ``7,12`` or ``3-5,9`` -> sorted segment numbers; checks them against
    ``count`` when given."""
    numbers: set[int] = set()
    for part in spec.split(","):
        m = _RANGE_RE.match(part)
        if m is None:
            raise UsageError(f"bad segments '{spec}': write 7, 7-9 or 7,12")
        first = int(m.group(1))
        last = int(m.group(2)) if m.group(2) else first
        if first < 1:
            raise UsageError(f"bad segment range '{part.strip()}': segments are numbered from 1")
        if last < first:
            raise UsageError(
                f"bad segment range '{part.strip()}': write the smaller number first "
                f"({last}-{first})"
            )
        # Checked before the range is built: 1-999999999 is answered at once, not after
        # filling the memory.
        if count is not None and last > count:
            raise UnknownItem(
                f"segment {max(first, count + 1)} is out of range: the interview has "
                f"segments 1-{count}"
            )
        if last - first > MAX_SEGMENTS:
            raise UsageError(f"bad segment range '{part.strip()}': too many segments at once")
        numbers.update(range(first, last + 1))
    result = sorted(numbers)
    if count is not None:
        outside = [n for n in result if n > count]
        if outside:
            raise UnknownItem(
                f"segment {outside[0]} is out of range: the interview has segments 1-{count}"
            )
    return result


def resolve_coder(
    explicit: str | None, cwd: Path | None = None, coding_round: int | None = None
) -> str:
    """``--coder``, else ``$PCRCODE_CODER``, else git's ``user.name`` (slugged); in round
    ``coding_round`` (``--round``, else ``$PCRCODE_ROUND``) when it is 2 or more."""
    if coding_round is None and os.environ.get("PCRCODE_ROUND"):
        coding_round = _round(os.environ["PCRCODE_ROUND"])
    name = explicit or os.environ.get("PCRCODE_CODER")
    if not name:
        git_name = _git_user(cwd)
        if not git_name:
            raise UsageError(
                "who is coding? pass --coder NAME or set PCRCODE_CODER "
                "(git's user.name is not set either)"
            )
        if not slug(git_name):
            raise UsageError(
                f"git's user.name '{git_name}' gives no usable coder name (a-z, 0-9, - and _): "
                "pass --coder NAME or set PCRCODE_CODER"
            )
        name = slug(git_name)
    name = check_coder(name)
    if coding_round is not None and coding_round > 1:
        if ROUND_MARK in name:
            raise UsageError(f"'{name}' names a round already: drop --round, or the '@' part")
        return with_round(name, coding_round)
    return name


def _round(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise UsageError(f"bad round '{text}' in PCRCODE_ROUND: a number from 1")
    return int(text)


def check_coder(name: str) -> str:
    """A coder name names a folder: lowercase letters, digits, - and _ only, and ``@N`` for
    round N (2 or more) of that coder's coding."""
    person, mark, number = name.partition(ROUND_MARK)
    if not ID_RE.match(person) or "/" in person:
        hint = f" (e.g. '{slug(person)}')" if slug(person) else ""
        raise UsageError(f"bad coder name '{name}': use a-z, 0-9, - and _, it names a folder{hint}")
    if mark and (not number.isdigit() or int(number) < 2 or number.startswith("0")):
        raise UsageError(
            f"bad coder name '{name}': '@' is followed by a round number from 2 "
            f"(round 1 is plain '{person}')"
        )
    return name


def slug(name: str) -> str:
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9_]+", "-", ascii_name.lower()).strip("-")


def _git_user(cwd: Path | None) -> str:
    try:
        out = subprocess.run(
            ["git", "config", "user.name"],
            capture_output=True,
            text=True,
            timeout=5,
            cwd=cwd,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip()


def codable(codebook: Codebook, code_id: str) -> Code:
    code = codebook.resolve(code_id)
    if not code.codable:
        kids = ", ".join(c.id for c in codebook.children(code.id))
        raise UsageError(
            f"'{code.id}' is not codable (it groups other codes): use "
            f"{kids or 'one of its children'}"
        )
    return code


@dataclass(frozen=True)
class TagResult:
    interview: str
    coder: str
    added: tuple[Coding, ...]
    removed: tuple[Coding, ...]
    unchanged: tuple[Coding, ...]
    path: Path


def find_span(text: str, quote: str) -> tuple[int, int]:
    """Offsets of ``quote`` in a turn's text: exact, else ignoring case; spacing (line and
    paragraph breaks included) never matters. A quote found twice is ambiguous."""
    from pcrcode.files.transcripts import normalise

    words = normalise(quote).split()
    if not words:
        raise UsageError("the quote is empty")
    pattern = r"\s+".join(re.escape(w) for w in words)
    for flags in (0, re.IGNORECASE):
        regex = re.compile(pattern, flags)
        first = regex.search(text)
        if first is None:
            continue
        if regex.search(text, first.start() + 1) is not None:
            raise UsageError(
                f"the quote '{quote}' occurs more than once in the segment: quote a few more words"
            )
        return first.span()
    raise UnknownItem(f"the quote '{quote}' is not in the segment")


def _prepare(
    root: Path, interview_id: str, segments: str, code_ids: list[str]
) -> tuple[Codebook, Interview, list[int], list[Code]]:
    diag = Diagnostics(root)
    codebook = load_codebook(root, diag)
    interview = load_interview(root, interview_id, diag)
    if not interview.turns:
        raise PcrcodeError("the transcript has no turns to code", interview.path)
    numbers = parse_segments(segments, len(interview.turns))
    if not code_ids:
        raise UsageError("name at least one code")
    codes = [codable(codebook, c) for c in code_ids]
    return codebook, interview, numbers, codes


def tag(
    root: Path,
    interview_id: str,
    segments: str,
    code_ids: list[str],
    coder: str,
    memo: str = "",
    quote: str | None = None,
    at: str | None = None,
) -> TagResult:
    """Apply codes to segments for a coder; a coding that already exists is left unchanged
    (its memo is updated when a new one is given)."""
    check_coder(coder)  # it names a folder: '../x' would write outside codings/
    transaction.recover(root)  # complete an interrupted multi-file change first
    _, interview, numbers, codes = _prepare(root, interview_id, segments, code_ids)
    if quote is not None and len(numbers) != 1:
        raise UsageError("--quote codes part of one segment: name a single segment")
    stamp = at or codings_io.now()
    path = codings_io.coding_path(root, coder, interview.id)
    wanted: list[Coding] = []
    for number in numbers:
        turn = interview.turns[number - 1]
        start = end = None
        text = ""
        if quote is not None:
            start, end = find_span(turn.text, quote)
            text = turn.text[start:end]
        for code in codes:
            wanted.append(
                Coding(
                    interview=interview.id,
                    segment=number,
                    code=code.id,
                    coder=coder,
                    at=stamp,
                    fingerprint=turn.fingerprint,
                    memo=memo,
                    start=start,
                    end=end,
                    quote=text,
                )
            )
    with atomic.locked(root / LOCK_DIR / f"{coder}--{interview.id}.lock"):
        existing = read_for_update(root, path)
        refuse_stale(existing, interview, set(numbers), path, root)
        by_key = {c.key: c for c in existing}
        added, unchanged = [], []
        for coding in wanted:
            old = by_key.get(coding.key)
            if old is None:
                by_key[coding.key] = coding
                added.append(coding)
            elif (memo and old.memo != memo) or not old.fingerprint:
                # A new memo, or the fingerprint a hand-written coding lacks (`check` says
                # tagging again records it; the segment's codings are not stale, see above).
                by_key[coding.key] = replace(
                    old, memo=memo or old.memo, fingerprint=coding.fingerprint
                )
                added.append(by_key[coding.key])
            else:
                unchanged.append(old)
        if added:
            codings_io.write(path, coder, interview.id, list(by_key.values()))
    if added:
        old_texts.remember(root, interview)  # the texts coded, for `pcrcode reanchor`
    return TagResult(interview.id, coder, tuple(added), (), tuple(unchanged), path)


def untag(
    root: Path, interview_id: str, segments: str, code_ids: list[str], coder: str
) -> TagResult:
    """Remove a coder's codes from segments (span codings of those codes included)."""
    check_coder(coder)
    transaction.recover(root)
    diag = Diagnostics(root)
    codebook = load_codebook(root, diag)
    interview = load_interview(root, interview_id, diag)
    numbers = set(parse_segments(segments, len(interview.turns)))
    if not code_ids:
        raise UsageError("name at least one code")
    ids = {codebook.resolve(c).id for c in code_ids}
    aliases = {a for a, t in codebook.aliases.items() if t in ids}
    path = codings_io.coding_path(root, coder, interview.id)
    with atomic.locked(root / LOCK_DIR / f"{coder}--{interview.id}.lock"):
        existing = read_for_update(root, path)
        refuse_stale(existing, interview, numbers, path, root)
        keep, removed = [], []
        for coding in existing:
            if coding.segment in numbers and (coding.code in ids or coding.code in aliases):
                removed.append(coding)
            else:
                keep.append(coding)
        if not removed:
            raise ConflictError(
                f"nothing to remove: {coder} has not applied "
                f"{', '.join(sorted(ids))} to segment(s) {segments} of "
                f"'{interview.id}'"
            )
        codings_io.write(path, coder, interview.id, keep)
    return TagResult(interview.id, coder, (), tuple(removed), (), path)


def read_for_update(
    root: Path, path: Path, before: str = "tagging", duplicates: bool = False
) -> list[Coding]:
    """A coding file's codings before rewriting it: refused when it leads outside the project or
    holds a coding pcrcode cannot read (rewriting would drop it). ``before`` names the operation
    in the message ("fix it ... before tagging"). A coding applied twice is refused too (a
    rewrite would keep one memo of two) unless ``duplicates`` (the caller merges or keeps them)."""
    if not is_inside(root, path):  # codings/<coder> linked elsewhere: never write there
        raise FileFormatError(OUTSIDE_PROJECT, path, 1)
    if not path.exists():
        return []
    diag = Diagnostics(root)
    existing = codings_io.read(path, diag)
    if diag.errors:
        first = diag.errors[0]
        raise PcrcodeError(
            f"{first.message}; fix it (see `pcrcode check`) before {before}, or "
            "its codings would be lost",
            first.path,
            first.line,
        )
    if not duplicates:
        _refuse_duplicates(existing, Diagnostics(root).rel(path), before)
    return existing


def _refuse_duplicates(codings: list[Coding], path: str, before: str) -> None:
    # Both sides of a merge conflict kept: rewriting would keep one of the two (and its memo).
    seen: dict[tuple[str, int, str, int, int], Coding] = {}
    for coding in codings:
        first = seen.setdefault(coding.key, coding)
        if first is not coding:
            raise PcrcodeError(
                f"'{coding.code}' is applied twice to segment {coding.segment} (also at line "
                f"{first.line}): keep one of the two lines, merging their memos, before "
                f"{before}, or one memo would be lost",
                path,
                coding.line,
            )


def refuse_stale(
    codings: list[Coding], interview: Interview, segments: set[int], path: Path, root: Path
) -> None:
    """Refuse to touch a segment whose codings were made on another text (the transcript was
    edited since): they belong elsewhere, and `pcrcode reanchor` puts them back first."""
    for coding in codings:
        if coding.segment not in segments or not coding.fingerprint:
            continue
        if coding.segment > len(interview.turns):
            continue
        if interview.turns[coding.segment - 1].fingerprint != coding.fingerprint:
            raise PcrcodeError(
                f"the codings of segment {coding.segment} were made on another text (the "
                "transcript was edited since): run `pcrcode reanchor` first, then try again",
                Diagnostics(root).rel(path),
                coding.line,
            )
