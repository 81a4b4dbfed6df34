"""From REFI-QDA records to a pcrcode project held in memory (see ``writer`` for the files).

Decisions, also in the README:

- Codes: see :mod:`pcrcode.exchange.refi.codetree`; cases, variables, users:
  :mod:`pcrcode.exchange.refi.cases`.
- Offsets: per source, the unit is chosen by :func:`pcrcode.exchange.refi.offsets.choose` (or
  given).
- Selections: a selection maps to the turn(s) it overlaps. Within one turn, a selection covering
  the turn's whole text is a coding of the turn, one covering part of it a span coding
  (start/end/quote in the turn's normalised text); a selection over several turns gives one coding
  per turn, each whole or a span by the same rule. Memos are the texts of the notes attached to
  the coding or the selection, and the selection's description.
- Cases become structures (their variables attributes); a source in no case gets a structure of
  its own, with the variables MAXQDA writes on the source. NVivo's case membership (a coding whose
  code is a case) links the source to that case.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from pcrcode.choices import OffsetUnit
from pcrcode.exchange.refi import offsets
from pcrcode.exchange.refi.cases import coders, declare_variables, read_variables, structures
from pcrcode.exchange.refi.codetree import build_codebook, slug, unique
from pcrcode.exchange.refi.describe import SPEAKERS, parse_meta
from pcrcode.exchange.refi.guids import is_datetime
from pcrcode.exchange.refi.imported import ImportReport, NewInterview, NewProject
from pcrcode.exchange.refi.reader import RProject, RSelection, RSource
from pcrcode.exchange.refi.segments import SourceTurn, split_turns
from pcrcode.files.codebook import ID_RE
from pcrcode.files.transcripts import META_KEYS
from pcrcode.model import Coding, fingerprint

_OWN_META = tuple(k for k in META_KEYS if k not in ("structure", "turns", "id"))


# --- sources -----------------------------------------------------------------------------------


def decode_text(data: bytes) -> str | None:
    """A source's text: UTF-8 (BOM tolerated) or UTF-16 with a BOM; None when neither."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _lf(raw: str) -> tuple[str, list[int]]:
    """``raw`` with line breaks as LF, and the LF-text index of every raw index (and the end)."""
    out: list[str] = []
    index: list[int] = []
    for i, c in enumerate(raw):
        index.append(len(out))
        if c == "\r":
            if raw[i + 1 : i + 2] == "\n":
                continue  # the LF that follows is the break
            out.append("\n")
        else:
            out.append(c)
    index.append(len(out))
    return "".join(out), index


@dataclass
class _Piece:
    segment: int
    start: int | None
    end: int | None
    quote: str


def map_selection(turns: list[SourceTurn], a: int, b: int) -> list[_Piece]:
    """The turns (1-based) and spans a selection [a, b) of the LF text covers."""
    hit = [(n, t) for n, t in enumerate(turns, start=1) if t.full_start < b and t.full_end > a]
    pieces: list[_Piece] = []
    for number, turn in hit:
        s, e = turn.offset(max(a, turn.start)), turn.offset(min(b, turn.end))
        while s < e and turn.text[s].isspace():
            s += 1
        while e > s and turn.text[e - 1].isspace():
            e -= 1
        if s >= e:
            if len(hit) == 1:
                pieces.append(_Piece(number, None, None, ""))
            continue
        if s == 0 and e == len(turn.text):
            pieces.append(_Piece(number, None, None, ""))
        else:
            pieces.append(_Piece(number, s, e, turn.text[s:e]))
    return pieces


@dataclass
class _Context:
    rp: RProject
    code_ids: dict[str, str]
    case_guids: set[str]
    coder: Callable[[str], str]
    report: ImportReport
    discarded: Counter[str]
    offset_unit: OffsetUnit
    notes_used: set[str] = field(default_factory=set)


def _memo(ctx: _Context, sel: RSelection, note_guids: list[str]) -> str:
    ctx.notes_used.update((*note_guids, *sel.notes))
    texts = [ctx.rp.notes.get(g, "") for g in (*note_guids, *sel.notes)]
    if sel.description:
        texts.append(sel.description)
    seen: list[str] = []
    for t in texts:
        if t and t not in seen:
            seen.append(t)
    return "\n\n".join(seen)


def import_source(
    ctx: _Context, source: RSource, iid: str, raw: str, speakers: list[str] | None = None
) -> tuple[list[tuple[str, str]], list[Coding], set[str]]:
    """Turns, codings and case GUIDs (NVivo membership) of one source."""
    spans = [
        (s.start, s.end, s.name)
        for s in source.selections
        if s.start is not None and s.end is not None
    ]
    choice = offsets.choose(raw, spans, ctx.offset_unit)
    if source.selections:
        ctx.report.offsets.append((iid, choice.explain()))
    positions = offsets.unit_positions(raw, choice.scheme)
    text, lf_index = _lf(raw)
    turns, _ = split_turns(text, speakers)
    cases: set[str] = set()
    codings: list[Coding] = []
    for c in source.codings:
        if c.target in ctx.case_guids:
            cases.add(c.target)
        else:
            ctx.discarded["codings of whole sources (TextSource/Coding)"] += 1
    for sel in source.selections:
        where = f"selection {sel.guid or '?'} of source '{source.name or iid}'"
        case_codings = [c for c in sel.codings if c.target in ctx.case_guids]
        cases.update(c.target for c in case_codings)
        code_codings = [c for c in sel.codings if c.target not in ctx.case_guids]
        if not code_codings:
            if not case_codings:
                kind = "comments" if sel.description else "selections"
                ctx.discarded[f"{kind} without a code (PlainTextSelection)"] += 1
            continue
        a = offsets.to_index(positions, sel.start) if sel.start is not None else None
        b = offsets.to_index(positions, sel.end) if sel.end is not None else None
        if a is None or b is None or a >= b:
            ctx.report.warnings.append(
                f"{where}: positions {sel.start}-{sel.end} are outside its text "
                f"({len(raw)} characters) or empty: skipped"
            )
            continue
        pieces = map_selection(turns, lf_index[a], lf_index[b])
        for rc in code_codings:
            code = ctx.code_ids.get(rc.target)
            if code is None:
                ctx.report.warnings.append(
                    f"{where}: a coding refers to {rc.target}, which is "
                    "not a code of the codebook: skipped"
                )
                continue
            at = next(
                (v for v in (rc.at, sel.at, source.at, ctx.rp.created) if v and is_datetime(v)), ""
            )
            memo = _memo(ctx, sel, rc.notes)
            for p in pieces:
                codings.append(
                    Coding(
                        interview=iid,
                        segment=p.segment,
                        code=code,
                        coder=ctx.coder(rc.user or sel.user),
                        at=at,
                        fingerprint=fingerprint(turns[p.segment - 1].text),
                        memo=memo,
                        start=p.start,
                        end=p.end,
                        quote=p.quote,
                    )
                )
    return [(t.speaker, t.text) for t in turns], codings, cases


def merge_codings(codings: list[Coding]) -> list[Coding]:
    """One coding per coder and key: memos joined, the earliest date kept."""
    merged: dict[tuple[str, tuple[str, int, str, int, int]], Coding] = {}
    for c in codings:
        key = (c.coder, c.key)
        old = merged.get(key)
        if old is None:
            merged[key] = c
            continue
        memos = [m for m in (old.memo, c.memo) if m]
        memo = old.memo if c.memo in ("", old.memo) else "\n\n".join(dict.fromkeys(memos))
        at = min((v for v in (old.at, c.at) if v), default="")
        merged[key] = Coding(
            old.interview,
            old.segment,
            old.code,
            old.coder,
            at,
            old.fingerprint,
            memo,
            old.start,
            old.end,
            old.quote,
        )
    return list(merged.values())


# --- the whole project -------------------------------------------------------------------------


def import_refi(
    rp: RProject,
    load_source: Callable[[RSource], bytes | None],
    offset_unit: OffsetUnit = OffsetUnit.auto,
) -> NewProject:
    """A new project from a read ``.qde``; ``load_source`` gives a source's text file,
    ``offset_unit`` the unit of its character positions (auto: chosen per source)."""
    report = ImportReport(origin=rp.origin, warnings=list(rp.warnings))
    case_guids = {c.guid for c in rp.cases}
    used = {c.target for s in rp.sources for sel in s.selections for c in sel.codings}
    codebook, code_ids = build_codebook(rp, used - case_guids, rp.name)
    variables = read_variables(rp, codebook)
    discarded: Counter[str] = Counter(rp.discarded)
    ctx = _Context(rp, code_ids, case_guids, coders(rp), report, discarded, offset_unit)
    new = NewProject(codebook=codebook, report=report)
    taken: set[str] = set()
    of_source: dict[str, str] = {}
    member: dict[str, set[str]] = {}
    source_values: dict[str, dict[str, Any]] = {}
    for source in rp.sources:
        label = source.name or PurePosixPath(source.path.replace("\\", "/")).stem
        shown = f"source '{label or source.guid}'"
        data = (
            source.content.encode("utf-8") if source.content is not None else (load_source(source))
        )
        if data is None:
            report.warnings.append(
                f"{shown}: its text ({source.path or 'no plainTextPath'}) is "
                f"not in the file: skipped with its "
                f"{len(source.selections)} selection(s)"
            )
            continue
        raw = decode_text(data)
        if raw is None:
            report.warnings.append(f"{shown}: its text is neither UTF-8 nor UTF-16: skipped")
            continue
        if not raw.strip():
            discarded["empty text sources"] += 1
            continue
        own = source.name if ID_RE.match(source.name) and "/" not in source.name else ""
        iid = own if own and own not in taken else ""
        iid = unique(iid or slug(label, "entretien"), taken)
        meta = parse_meta(source.description, (*_OWN_META, SPEAKERS)) or (
            {"note": source.description} if source.description else {}
        )
        names = meta.pop(SPEAKERS, None)
        speakers = [str(n) for n in names] if isinstance(names, list) else None
        turns, codings, cases = import_source(ctx, source, iid, raw, speakers)
        if source.name and source.name != iid:
            meta.setdefault("title", source.name)
        new.interviews.append(NewInterview(iid, meta, turns))
        new.codings.extend(codings)
        of_source[source.guid] = iid
        member[iid] = cases
        source_values[iid] = {variables.ids[g]: v for g, v in source.values if g in variables.ids}
        if len(source_values[iid]) < len(source.values):
            discarded["source variables with no Variable declared"] += 1
    for case in rp.cases:
        for sguid in case.sources:
            if sguid in of_source:
                member[of_source[sguid]].add(case.guid)
    new.structures = structures(
        rp, new.interviews, variables, member, source_values, report.warnings
    )
    declare_variables(codebook, new.structures, variables.free)
    loose_notes = len(set(rp.notes) - ctx.notes_used)
    if loose_notes:
        discarded["notes not attached to an imported coding (Notes/Note)"] += loose_notes
    new.codings = merge_codings(new.codings)
    report.discarded = [f"{n} {what}" for what, n in sorted(discarded.items())]
    report.counts = {
        "families": len(codebook["families"]),
        "codes": len(codebook["codes"]),
        "structures": len(new.structures),
        "interviews": len(new.interviews),
        "codings": len(new.codings),
        "coders": len({c.coder for c in new.codings}),
    }
    return new


def import_codebook(rp: RProject) -> NewProject:
    """A codebook alone, from a read ``.qdc``."""
    codebook, _ = build_codebook(rp, set(), rp.name or "Codebook importé")
    report = ImportReport(
        origin=rp.origin,
        warnings=list(rp.warnings),
        discarded=[f"{n} {w}" for w, n in sorted(rp.discarded.items())],
        counts={"families": len(codebook["families"]), "codes": len(codebook["codes"])},
    )
    return NewProject(codebook=codebook, report=report)
