"""A project file's row in the index, made from its parse (see :mod:`pcrcode.index.database`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pcrcode.files import cache_codec
from pcrcode.files.cache import Key
from pcrcode.files.diagnostics import ERROR, Finding
from pcrcode.index.database import Row
from pcrcode.model import Coding, Interview

TRANSCRIPT, CODINGS = "t", "c"


def errors_of(findings: Sequence[Finding]) -> tuple[tuple[Any, ...], ...]:
    """The error findings of a file (the only ones a report stops on), as stored."""
    return cache_codec.encode_findings([f for f in findings if f.severity == ERROR])


def transcript_row(key: Key, interview: Interview | None, findings: Sequence[Finding]) -> Row:
    """A transcript's row: its id and head (the fingerprints from ``fingerprints()``, which a
    transcript served by the cache gives without building its turns). Raises
    :class:`cache_codec.Unencodable` for an exotic YAML value (the index then stands aside)."""
    head = None
    if interview is not None:
        head = (
            interview.id,
            interview.structure,
            interview.date,
            interview.interviewer,
            tuple(interview.participants),
            interview.language,
            interview.illustrative,
            cache_codec.plain(dict(interview.meta)),
            interview.structure_line,
            "".join(interview.fingerprints()),
        )
    return Row(
        key,
        TRANSCRIPT,
        None if interview is None else interview.id,
        None,
        None if interview is None else interview.turn_count(),
        errors_of(findings),
        (),
        head,
        None if interview is None else interview.structure,
    )


def codings_row(
    key: Key,
    interview: str,
    coder: str,
    codings: Sequence[Coding] | None,
    findings: Sequence[Finding],
) -> Row:
    """A coding file's row: per coded segment (in number order) the codes applied to it, as
    written in the file (sorted, a code once per coding)."""
    data = None
    codes: tuple[str, ...] = ()
    if codings is not None:
        by_segment: dict[int, list[str]] = {}
        for c in codings:
            by_segment.setdefault(c.segment, []).append(c.code)
        numbers = tuple(sorted(by_segment))
        data = (numbers, tuple([tuple(sorted(by_segment[n])) for n in numbers]))
        codes = tuple(sorted({c.code for c in codings}))
    return Row(
        key,
        CODINGS,
        interview,
        coder,
        None if codings is None else len(codings),
        errors_of(findings),
        codes,
        data,
    )
