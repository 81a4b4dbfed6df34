"""Auto-coding: apply a code to every turn whose text matches a regular expression.

Accent folding (``--ignore-accents``) decomposes both the pattern and the turn text (NFD) and
drops the combining marks, so ``cooperation`` finds « coopération ». The matched words are
mapped back to the turn's own text for display. Autocode codes whole segments; the codings carry
the coder like any other, with the memo ``autocode: PATTERN`` on the codings it adds. Codings the
coder already has (whole or span) are left as they are, memo included.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pcrcode.errors import UsageError
from pcrcode.files import codings as codings_io
from pcrcode.files.diagnostics import Diagnostics
from pcrcode.model import Codebook, Interview

STATUS_NEW = "new"  # added (or, in a dry run, would be added)
STATUS_CODED = "already-coded"  # the coder already applied the code to the segment


@dataclass(frozen=True)
class Hit:
    """One matching turn: what the dry run lists and the real run codes."""

    interview: str
    segment: int
    speaker: str
    matches: tuple[str, ...]  # the matched words, as written in the turn
    status: str

    def record(self, code: str) -> dict[str, object]:
        """Keys: interview, segment, speaker, code, matches, status."""
        return {
            "interview": self.interview,
            "segment": self.segment,
            "speaker": self.speaker,
            "code": code,
            "matches": list(self.matches),
            "status": self.status,
        }


@dataclass(frozen=True)
class AutocodeResult:
    code: str
    coder: str
    pattern: str
    hits: tuple[Hit, ...]
    dry_run: bool

    @property
    def new(self) -> list[Hit]:
        return [h for h in self.hits if h.status == STATUS_NEW]


def fold(text: str) -> tuple[str, list[int]]:
    """``text`` without accents (NFD minus combining marks) and, for each character of the
    result, the index of the character of ``text`` it comes from."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for part in unicodedata.normalize("NFD", char):
            if not unicodedata.combining(part):
                out.append(part)
                origin.append(index)
    return "".join(out), origin


def compile_pattern(
    pattern: str, ignore_case: bool = False, ignore_accents: bool = False
) -> re.Pattern[str]:
    """The compiled pattern; :class:`UsageError` in one line when it does not compile."""
    if not pattern:
        raise UsageError("the pattern is empty")
    source = unicodedata.normalize("NFC", pattern)
    if ignore_accents:
        source = fold(source)[0]
    try:
        return re.compile(source, re.IGNORECASE if ignore_case else 0)
    except re.error as exc:
        raise UsageError(f"the pattern '{pattern}' does not compile: {exc}") from None


def find_in_text(regex: re.Pattern[str], text: str, ignore_accents: bool = False) -> list[str]:
    """The non-empty matches of ``regex`` in ``text``, as written in ``text``."""
    haystack, origin = fold(text) if ignore_accents else (text, [])
    found = []
    for m in regex.finditer(haystack):
        if m.end() == m.start():
            continue
        if ignore_accents:
            start = origin[m.start()]
            end = origin[m.end() - 1] + 1
            # keep the combining marks that follow the last matched letter
            while end < len(text) and unicodedata.combining(text[end]):
                end += 1
            found.append(text[start:end])
        else:
            found.append(m.group())
    return found


def _speaker_key(name: str) -> str:
    return fold(name.strip())[0].casefold()


def _interviews(root: Path, ids: list[str] | None) -> list[Interview]:
    from pcrcode.files.transcripts import interview_files, load_interview, parse_interview

    diag = Diagnostics(root)
    if ids:
        chosen = [load_interview(root, i, diag) for i in dict.fromkeys(ids)]
    else:
        chosen = [parse_interview(p, diag) for p in interview_files(root)]
    return sorted(chosen, key=lambda i: i.id)


def _coded_segments(
    root: Path, coder: str, interview: str, code: str, aliases: set[str]
) -> set[int]:
    from pcrcode.files.coding_updates import read_for_update

    existing = read_for_update(root, codings_io.coding_path(root, coder, interview), "autocoding")
    return {c.segment for c in existing if c.code == code or c.code in aliases}


def autocode(
    root: Path,
    pattern: str,
    code_id: str,
    coder: str,
    speakers: list[str] | None = None,
    interviews: list[str] | None = None,
    ignore_case: bool = False,
    ignore_accents: bool = False,
    dry_run: bool = False,
    at: str | None = None,
    partners: Sequence[str] = (),
) -> AutocodeResult:
    """Code every turn matching ``pattern`` with ``code_id`` for ``coder``. Everything is checked
    (pattern, code, interviews, existing coding files) before the first write; then one locked
    atomic write per interview, through :func:`pcrcode.coding.tagging.tag`."""
    from pcrcode.coding.tagging import codable, tag
    from pcrcode.files.codebook import load_codebook
    from pcrcode.files.coder_names import valid_coder_name

    regex = compile_pattern(pattern, ignore_case, ignore_accents)
    valid_coder_name(coder)
    codebook = load_codebook(root, Diagnostics(root))
    code = codable(codebook, code_id)
    aliases = {a for a, target in codebook.aliases.items() if target == code.id}
    wanted = {_speaker_key(s) for s in speakers or []}
    chosen = _interviews(root, interviews)
    named = _partners(root, codebook, chosen, partners)
    if wanted:
        known = {_speaker_key(t.speaker) for i in chosen for t in i.turns}
        missing = sorted(s for s in speakers or [] if _speaker_key(s) not in known)
        if missing:
            from pcrcode.errors import UnknownItem

            raise UnknownItem(f"no turn by speaker '{missing[0]}' in the interviews searched")
    hits: list[Hit] = []
    for interview in chosen:
        coded = _coded_segments(root, coder, interview.id, code.id, aliases)
        for turn in interview.turns:
            if wanted and _speaker_key(turn.speaker) not in wanted:
                continue
            found = find_in_text(regex, turn.text, ignore_accents)
            if found:
                status = STATUS_CODED if turn.number in coded else STATUS_NEW
                hits.append(Hit(interview.id, turn.number, turn.speaker, tuple(found), status))
    result = AutocodeResult(code.id, coder, pattern, tuple(hits), dry_run)
    if not dry_run:
        stamp = at or codings_io.now()
        by_interview: dict[str, list[int]] = {}
        for hit in result.new:
            by_interview.setdefault(hit.interview, []).append(hit.segment)
        for interview_id, numbers in by_interview.items():
            tag(
                root,
                interview_id,
                numbers,
                [code.id],
                coder,
                memo=f"autocode: {pattern}",
                at=stamp,
                partners=named,
            )
    return result


def _partners(
    root: Path, codebook: Codebook, chosen: Sequence[Interview], typed: Sequence[str]
) -> tuple[str, ...]:
    """``--with`` resolved before the first write, and refused if it names the structure of one
    of the interviews to code (a structure is not its own partner)."""
    if not typed:
        return ()
    from pcrcode.files.registry import load_registry
    from pcrcode.network.partners import resolve_partners

    named = resolve_partners(load_registry(root, codebook, Diagnostics(root)), typed)
    for interview in chosen:
        if interview.structure in named:
            raise UsageError(
                f"'{interview.structure}' is the structure of interview '{interview.id}': a "
                "partner is another structure or an actor; search the other interviews only",
                about="interviews",
            )
    return named
