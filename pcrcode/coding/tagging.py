"""Applying and removing codes: ``pcrcode tag`` and ``pcrcode untag``.

Tagging reads only what it needs (the codebook, one transcript, one coding file), so it stays fast
however large the project grows. The coding file is changed through
:func:`pcrcode.files.coding_updates.updating` (locked, read for update, written atomically): two
researchers tagging at once both keep their codings, and a crash leaves the file as it was or fully
updated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from pcrcode.coding import old_texts
from pcrcode.errors import ConflictError, PcrcodeError, UnknownItem, UsageError
from pcrcode.files import codings as codings_io
from pcrcode.files import transaction
from pcrcode.files.codebook import load_codebook
from pcrcode.files.coder_names import valid_coder_name
from pcrcode.files.coding_updates import updating
from pcrcode.files.diagnostics import Diagnostics
from pcrcode.files.transcripts import load_interview
from pcrcode.model import Code, Codebook, Coding, Interview


def check_segments(numbers: Sequence[int], count: int) -> list[int]:
    """``numbers`` sorted without repeats, once each is known to be a segment of an interview of
    ``count`` turns."""
    if isinstance(numbers, str):  # a str is a sequence too: '7-9' would be read as 7, '-', 9
        raise TypeError(f"segments are numbers, e.g. [7, 8, 9], not the text {numbers!r}")
    if not numbers:
        raise UsageError("name at least one segment")
    result = sorted(set(numbers))
    if result[0] < 1:
        raise UnknownItem(f"segment {result[0]} does not exist: segments are numbered from 1")
    if result[-1] > count:
        first = next(n for n in result if n > count)
        raise UnknownItem(f"segment {first} is out of range: the interview has segments 1-{count}")
    return result


def segment_ranges(numbers: Sequence[int]) -> str:
    """Sorted segment numbers written as ranges: ``[7, 8, 9, 12]`` -> ``7-9,12``."""
    runs: list[list[int]] = []  # [first, last] of each run of consecutive numbers
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


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


def find_span(text: str, quote: str, occurrence: int | None = None) -> tuple[int, int]:
    """Offsets of ``quote`` in a turn's text, matched as people type it (see
    :mod:`pcrcode.coding.quotes`); a quote found twice needs ``occurrence``."""
    from pcrcode.coding.quotes import find_quote

    return find_quote(text, quote, occurrence)


def _prepare(
    root: Path, interview_id: str, segments: Sequence[int], code_ids: list[str]
) -> tuple[Codebook, Interview, list[int], list[Code]]:
    diag = Diagnostics(root)
    codebook = load_codebook(root, diag)
    interview = load_interview(root, interview_id, diag)
    if not interview.turns:
        raise PcrcodeError("the transcript has no turns to code", interview.path)
    numbers = check_segments(segments, len(interview.turns))
    if not code_ids:
        raise UsageError("name at least one code")
    codes = [codable(codebook, c) for c in code_ids]
    return codebook, interview, numbers, codes


def tag(
    root: Path,
    interview_id: str,
    segments: Sequence[int],
    code_ids: list[str],
    coder: str,
    memo: str = "",
    quote: str | None = None,
    at: str | None = None,
    partners: Sequence[str] = (),
    occurrence: int | None = None,
) -> TagResult:
    """Apply codes to segments (numbers from 1) for a coder; a coding that already exists is
    left unchanged (its memo is updated when a new one is given, its partners gain the new
    ones). ``quote`` codes those words of a single segment, ``occurrence`` picks which when
    they occur more than once."""
    valid_coder_name(coder)  # before reading: '../x' would name a file outside codings/
    transaction.recover(root)  # an interrupted rename completed before the codebook is read
    codebook, interview, numbers, codes = _prepare(root, interview_id, segments, code_ids)
    named = _partners(root, codebook, interview, partners)
    if quote is not None and len(numbers) != 1:
        raise UsageError("a quote codes part of one segment: name a single segment", about="quote")
    if occurrence is not None and quote is None:
        raise UsageError(
            "an occurrence number picks one of a quote's occurrences: give the quote too",
            about="occurrence",
        )
    stamp = at or codings_io.now()
    wanted: list[Coding] = []
    for number in numbers:
        turn = interview.turns[number - 1]
        start = end = None
        text = ""
        if quote is not None:
            start, end = find_span(turn.text, quote, occurrence)
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
                    partners=named,
                )
            )
    with updating(root, coder, interview.id) as update:
        refuse_stale(update.codings, interview, set(numbers), update.path, root)
        by_key = {c.key: c for c in update.codings}
        added, unchanged = [], []
        for coding in wanted:
            old = by_key.get(coding.key)
            if old is None:
                by_key[coding.key] = coding
                added.append(coding)
            elif (
                (memo and old.memo != memo)
                or not set(named) <= set(old.partners)
                or not old.fingerprint
            ):
                # A new memo or partner, or the fingerprint a hand-written coding lacks (`check`
                # says tagging again records it; the segment's codings are not stale, see above).
                by_key[coding.key] = replace(
                    old,
                    memo=memo or old.memo,
                    fingerprint=coding.fingerprint,
                    partners=tuple(sorted({*old.partners, *named})),
                )
                added.append(by_key[coding.key])
            else:
                unchanged.append(old)
        if added:
            update.write(list(by_key.values()))
    if added:
        old_texts.remember(root, interview)  # the texts coded, for `pcrcode reanchor`
    return TagResult(interview.id, coder, tuple(added), (), tuple(unchanged), update.path)


def _partners(
    root: Path, codebook: Codebook, interview: Interview, typed: Sequence[str]
) -> tuple[str, ...]:
    """The registry ids of ``--with``; the registry is read only when partners are named."""
    if not typed:
        return ()
    from pcrcode.files.registry import load_registry
    from pcrcode.network.partners import resolve_partners

    registry = load_registry(root, codebook, Diagnostics(root))
    return resolve_partners(registry, typed, interview.structure)


def untag(
    root: Path, interview_id: str, segments: Sequence[int], code_ids: list[str], coder: str
) -> TagResult:
    """Remove a coder's codes from segments (span codings of those codes included)."""
    valid_coder_name(coder)
    transaction.recover(root)  # an interrupted rename completed before the codebook is read
    diag = Diagnostics(root)
    codebook = load_codebook(root, diag)
    interview = load_interview(root, interview_id, diag)
    numbers = set(check_segments(segments, len(interview.turns)))
    if not code_ids:
        raise UsageError("name at least one code")
    ids = {codebook.resolve(c).id for c in code_ids}
    aliases = {a for a, t in codebook.aliases.items() if t in ids}
    with updating(root, coder, interview.id) as update:
        refuse_stale(update.codings, interview, numbers, update.path, root)
        keep, removed = [], []
        for coding in update.codings:
            if coding.segment in numbers and (coding.code in ids or coding.code in aliases):
                removed.append(coding)
            else:
                keep.append(coding)
        if not removed:
            raise ConflictError(
                f"nothing to remove: {coder} has not applied "
                f"{', '.join(sorted(ids))} to segment(s) {segment_ranges(sorted(numbers))} of "
                f"'{interview.id}'"
            )
        update.write(keep)
    return TagResult(interview.id, coder, (), tuple(removed), (), update.path)


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
