"""Rows for the listing commands (interviews, codebook, codings). Pure: no terminal here.

Keys are stable and documented in the README; numbers stay numbers.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

from pcrcode.files.coder_names import require_coder_with_codings
from pcrcode.model import Code, Coding, Interview, Project, as_codings

Row = dict[str, Any]


def coding_rows(
    project: Project,
    interview: str | None = None,
    code: str | None = None,
    coder: str | None = None,
) -> Iterator[Row]:
    """The codings, sorted, one row at a time (a million rows are written as they come, not
    held); the filters are checked before it returns."""
    if interview is not None:
        project.interview(interview)
    code_id = project.codebook.selector(code) if code is not None else None
    require_coder_with_codings(project, coder)
    return _coding_rows(project, interview, code_id, coder)


def _coding_rows(
    project: Project, interview: str | None, code: str | None, coder: str | None
) -> Iterator[Row]:
    # Sorted interview by interview (the first key): the same order as one sort of every
    # coding (a stable sort), with the sort keys of one interview at a time; each interview's
    # codings are built for the pass only (a million codings are never all held).
    files = as_codings(project.codings)
    prefix = None if code is None else code + "/"
    coders: dict[str, list[str]] = defaultdict(list)
    for iv, cd, count in files.files():
        if count and interview in (None, iv) and coder in (None, cd):
            coders[iv].append(cd)
    for iid in sorted(coders):
        found: list[Coding] = [
            c
            for cd in dict.fromkeys(coders[iid])
            for c in files.take(iid, cd)
            if prefix is None or c.code == code or c.code.startswith(prefix)
        ]
        for c in sorted(found, key=lambda c: (c.segment, c.code, c.coder, c.start or -1)):
            yield {
                "interview": c.interview,
                "segment": c.segment,
                "code": c.code,
                "coder": c.coder,
                "at": c.at,
                "fp": c.fingerprint,
                "memo": c.memo,
                "start": c.start,
                "end": c.end,
                "quote": c.quote,
                "with": list(c.partners),
            }


def required_attributes(project: Project) -> list[str]:
    """The attributes every case must have (codebook.yaml ``required: true``), in declared
    order: the columns ``interviews list`` shows."""
    return [a.id for a in project.codebook.attributes.values() if a.required]


def interview_rows(project: Project) -> list[Row]:
    """One row per interview: interview, structure, name, each required attribute, date,
    segments, codings, coders, illustrative."""
    required = required_attributes(project)
    counts: Counter[str] = Counter(c.interview for c in project.codings)
    coders: dict[str, set[str]] = defaultdict(set)
    for c in project.codings:
        coders[c.interview].add(c.coder)
    rows = []
    for iid in sorted(project.interviews):
        interview = project.interviews[iid]
        structure = project.structure_of(interview)
        rows.append(
            {
                "interview": iid,
                "structure": interview.structure,
                "name": structure.name if structure else None,
                **{
                    a: structure.value(a, project.codebook) if structure else None for a in required
                },
                "date": interview.date,
                "segments": len(interview.turns),
                "codings": counts[iid],
                "coders": sorted(coders[iid]),
                "illustrative": interview.illustrative,
            }
        )
    return rows


def interview_detail(project: Project, interview_id: str, coder: str | None = None) -> Row:
    interview = project.interview(interview_id)
    require_coder_with_codings(project, coder)
    applied: dict[int, list[Row]] = defaultdict(list)
    codings = list(project.iter_codings(interview=interview.id, coder=coder))
    stale = set(map(id, stale_codings(interview, codings)))
    codings = [c for c in codings if id(c) not in stale]  # never shown on another text
    aliases = project.codebook.aliases
    for c in sorted(codings, key=lambda c: (c.segment, aliases.get(c.code, c.code), c.coder)):
        entry: Row = {"code": aliases.get(c.code, c.code), "coder": c.coder}
        if c.start is not None:
            entry["start"], entry["end"] = c.start, c.end
        if c.quote:
            entry["quote"] = c.quote
        if c.memo:
            entry["memo"] = c.memo
        if c.partners:
            entry["with"] = list(c.partners)
        applied[c.segment].append(entry)
    structure = project.structure_of(interview)
    return {
        "interview": interview.id,
        "structure": interview.structure,
        "name": structure.name if structure else None,
        "date": interview.date,
        "interviewer": interview.interviewer,
        "participants": list(interview.participants),
        "illustrative": interview.illustrative,
        "segments": [
            {
                "segment": t.number,
                "speaker": t.speaker,
                "text": t.text,
                "codes": applied.get(t.number, []),
            }
            for t in interview.turns
        ],
    }


def stale_codings(interview: Interview, codings: list[Coding]) -> list[Coding]:
    """Codings made on another text (the transcript was edited since): shown under the turn now
    at their number, they would describe a text they were not made on."""
    turns = interview.turns
    return [
        c
        for c in codings
        if c.fingerprint
        and (c.segment > len(turns) or turns[c.segment - 1].fingerprint != c.fingerprint)
    ]


def code_usage(project: Project) -> dict[str, dict[str, int]]:
    """Per code id: codings, segments, interviews (own codings only, not descendants)."""
    codings: Counter[str] = Counter()
    segments: dict[str, set[tuple[str, int]]] = defaultdict(set)
    interviews: dict[str, set[str]] = defaultdict(set)
    for c in project.codings:
        code = project.codebook.aliases.get(c.code, c.code)
        codings[code] += 1
        segments[code].add((c.interview, c.segment))
        interviews[code].add(c.interview)
    return {
        cid: {
            "codings": codings[cid],
            "segments": len(segments[cid]),
            "interviews": len(interviews[cid]),
        }
        for cid in project.codebook.codes
    }


def codebook_rows(project: Project) -> list[Row]:
    usage = code_usage(project)
    rows = []
    for code in project.codebook.codes.values():
        rows.append(_code_row(code) | usage[code.id])
    return rows


def _code_row(code: Code) -> Row:
    return {
        "id": code.id,
        "family": code.family,
        "parent": code.parent,
        "label": code.label,
        "codable": code.codable,
        "degree": code.degree,
        "short": code.short,
        "definition": code.definition,
        "when_to_use": code.when_to_use,
        "when_not_to_use": code.when_not_to_use,
        "example": code.example,
        "aliases": list(code.aliases),
    }
