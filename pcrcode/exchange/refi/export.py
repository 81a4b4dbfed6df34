"""Writing REFI-QDA: a codebook (``.qdc``) or a whole project (``.qdpx``).

The output is deterministic: GUIDs are ``uuid5`` of the things they name, dates come from the
project, elements and zip entries are in a fixed order with fixed timestamps. Every interview is
written as one text (see :mod:`pcrcode.exchange.refi.segments`) whose code-point offsets are those
of the selections, each selection named with the text it covers.

The project document is written as a stream, one ``<TextSource>`` at a time, straight into its
zip entry: no tree of the document is built (280,000 elements at 1,000 interviews, 3 GB of
memory at 10,000). Its bytes are those ElementTree wrote with ``indent`` (two spaces) and an XML
declaration, as exports were written before: same attribute order, same escaping (see
:func:`pcrcode.exchange.refi.xml.escape_attr`), ``<Tag />`` for an element without text or
children. The
texts follow the document in the archive (entries are in name order) and the notes follow the
sources in the document: both wait in a spool (a temporary file past a few megabytes).
"""

from __future__ import annotations

import contextlib
import io
import zipfile
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from operator import attrgetter
from pathlib import Path
from typing import IO, Any

from pcrcode import __version__
from pcrcode.exchange.refi import CODEBOOK_NS, PROJECT_NS
from pcrcode.exchange.refi.archive import Spool, entry_info
from pcrcode.exchange.refi.describe import (
    ID_TAG,
    INTERVIEWED_DESCRIPTION,
    SPEAKERS,
    attribute_description,
    code_description,
    family_description,
    yaml_text,
)
from pcrcode.exchange.refi.guids import date_to_datetime, guid, guid_of, is_datetime
from pcrcode.exchange.refi.segments import RenderedTurn, render_interview
from pcrcode.exchange.refi.xml import (
    attributes,
    end_tag,
    escape_attr,
    escape_clean_attr,
    invalid_chars,
    leaf,
    start_tag,
)
from pcrcode.files import atomic
from pcrcode.model import Code, Codebook, Coding, Interview, Project, Structure, as_codings

ORIGIN = f"pcrcode {__version__}"
DECLARATION = "<?xml version='1.0' encoding='utf-8'?>\n"
SPOOL_BYTES = 16 * 1024 * 1024  # texts and notes held in memory before spilling to a file

Progress = Callable[[int, int], None]


@dataclass
class ExportResult:
    data: bytes  # the file's bytes; empty when it was written to a file (save_qdpx...)
    counts: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def code_guid(code_id: str) -> str:
    return guid("code", code_id)


def _codes(out: list[str], codebook: Codebook, depth: int) -> None:
    language = codebook.language
    for family in codebook.families.values():
        out.append(
            start_tag(
                depth, "Code", guid=code_guid(family.id), name=family.label, isCodable="false"
            )
        )
        out.append(leaf(depth + 1, "Description", family_description(family, language)))
        _children(
            out,
            codebook,
            [c for c in codebook.family_codes(family.id) if c.parent is None],
            language,
            depth + 1,
        )
        out.append(end_tag(depth, "Code"))


def _children(
    out: list[str], codebook: Codebook, codes: Iterable[Code], language: str, depth: int
) -> None:
    for code in codes:
        out.append(
            start_tag(
                depth,
                "Code",
                guid=code_guid(code.id),
                name=code.label,
                isCodable="true" if code.codable else "false",
            )
        )
        out.append(leaf(depth + 1, "Description", code_description(code, language)))
        _children(out, codebook, codebook.children(code.id), language, depth + 1)
        out.append(end_tag(depth, "Code"))


def _qdc_text(codebook: Codebook) -> str:
    out = [DECLARATION, "<CodeBook", attributes({"xmlns": CODEBOOK_NS, "origin": ORIGIN}), ">"]
    if codebook.families:
        out.append(start_tag(1, "Codes"))
        _codes(out, codebook, 2)
        out.append(end_tag(1, "Codes"))
    else:
        out.append(leaf(1, "Codes"))
    out.append("\n</CodeBook>\n")
    return "".join(out)


def _qdc_counts(codebook: Codebook) -> dict[str, int]:
    return {"families": len(codebook.families), "codes": len(codebook.codes)}


def export_qdc(codebook: Codebook) -> ExportResult:
    """The codebook as a REFI-QDA ``.qdc`` document."""
    return ExportResult(_qdc_text(codebook).encode(), _qdc_counts(codebook))


def write_qdc(codebook: Codebook, out: IO[bytes]) -> ExportResult:
    """Write the ``.qdc`` document to ``out``."""
    out.write(_qdc_text(codebook).encode())
    return ExportResult(b"", _qdc_counts(codebook))


def save_qdc(codebook: Codebook, path: Path) -> ExportResult:
    """Write the ``.qdc`` document to ``path``, atomically."""
    with atomic.writing(path) as out:
        return write_qdc(codebook, out)


# --- variables ---------------------------------------------------------------------------------


def _type_of(values: list[Any]) -> str:
    present = [v for v in values if v is not None and v != ""]
    if present and all(isinstance(v, bool) for v in present):
        return "Boolean"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "Integer"
    if present and all(
        isinstance(v, int | float) and not isinstance(v, bool) and v == v and abs(v) != float("inf")
        for v in present
    ):
        return "Float"
    if present and all(isinstance(v, date) and not isinstance(v, datetime) for v in present):
        return "Date"
    return "Text"


def _typed(kind: str, value: Any) -> tuple[str, str]:
    if kind == "Boolean":
        return "BooleanValue", "true" if value else "false"
    if kind == "Integer":
        return "IntegerValue", str(value)
    if kind == "Float":
        return "FloatValue", format(Decimal(repr(float(value))), "f")
    if kind == "Date":
        return "DateValue", value.isoformat()
    return "TextValue", str(value)


@dataclass(frozen=True)
class _Variable:
    name: str
    kind: str
    description: str


def _variables(project: Project) -> list[_Variable]:
    codebook, structures = project.codebook, list(project.registry.structures.values())
    result = [
        _Variable(a.id, "Text", attribute_description(a)) for a in codebook.attributes.values()
    ]
    for builtin in ("statut", "domaine"):
        if builtin not in codebook.attributes:
            result.append(_Variable(builtin, "Text", ""))
    result.append(_Variable("interviewed", "Boolean", INTERVIEWED_DESCRIPTION))
    seen = {v.name for v in result}
    for s in structures:
        for key in s.extra:
            if key not in seen:
                seen.add(key)
                kind = _type_of([t.extra.get(key) for t in structures])
                result.append(_Variable(key, kind, ""))
    return result


def _value(structure: Structure, variable: _Variable, codebook: Codebook) -> Any:
    if variable.name == "interviewed":
        return structure.interviewed
    value = structure.value(variable.name, codebook)
    return None if value is None or value == "" else value


# --- sources and selections -----------------------------------------------------------------


@dataclass
class _Selection:
    coder: str
    segment: int
    start: int  # -1 for None (then the selection is the whole segment)
    end: int
    begin: int  # offsets in the source text
    stop: int
    codings: list[Coding] = field(default_factory=list)


def _selections(
    interview: Interview,
    turns: list[RenderedTurn],
    codings: list[Coding],
    known: Container[str],
    skipped: list[str],
) -> list[_Selection]:
    """The codings of an interview grouped by coder and span, in the order of the text."""
    groups: dict[tuple[str, int, int, int], _Selection] = {}
    count = len(turns)
    for c in codings:
        segment, start, end = c.segment, c.start, c.end
        if c.code not in known:
            skipped.append(f"{_where(interview, c)}: the code is not in the codebook")
            continue
        if not 1 <= segment <= count:
            skipped.append(f"{_where(interview, c)}: the interview has {count} segments")
            continue
        turn = turns[segment - 1]
        if start is not None and end is not None:
            if not 0 <= start < end <= len(turn.text):
                skipped.append(
                    f"{_where(interview, c)}: the span {start}-{end} is outside the segment"
                )
                continue
            begin, stop = turn.start + start, turn.start + end
        else:
            begin, stop = turn.start, turn.start + len(turn.text)
        key = (c.coder, segment, -1 if start is None else start, -1 if end is None else end)
        sel = groups.get(key)
        if sel is None:
            sel = groups[key] = _Selection(*key, begin, stop)
        sel.codings.append(c)
    return sorted(groups.values(), key=lambda s: (s.begin, s.stop, s.coder))


def _where(interview: Interview, c: Coding) -> str:
    return f"{c.coder}'s coding of {interview.id} segment {c.segment} with {c.code}"


class _Dates:
    """``creationDateTime="..."`` for the dates that may be written as they are, else ``""``.

    Memoised: the codings of a selection, of a file, share their ``at``; the memo is bounded
    (emptied now and then), since repeats are close together."""

    def __init__(self) -> None:
        self.memo: dict[str, str] = {}

    def attr(self, value: str) -> str:
        found = self.memo.get(value)
        if found is None:
            if len(self.memo) > 65536:
                self.memo.clear()
            ok = bool(value) and is_datetime(value)
            found = self.memo[value] = f' creationDateTime="{escape_attr(value)}"' if ok else ""
        return found


class _NeedsZip64(Exception):
    """The document is too large for the zip header it was started with (see _Writer.write)."""


class _Writer:
    """One export of a project into one archive."""

    def __init__(
        self,
        project: Project,
        progress: Progress | None,
        release_turns: bool,
        spool_dir: Path | None,
    ) -> None:
        self.project = project
        self.progress = progress
        self.release_turns = release_turns
        self.spool_dir = spool_dir
        self.skipped: list[str] = []
        self.counts = dict.fromkeys(
            (
                "families",
                "codes",
                "users",
                "variables",
                "cases",
                "sources",
                "selections",
                "codings",
                "notes",
            ),
            0,
        )
        self.dates = _Dates()
        self.parts: list[str] = []
        self.size = 0  # bytes of the document written so far

    # -- output ------------------------------------------------------------------------------
    def write_bytes(self, entry: IO[bytes], data: bytes) -> None:
        entry.write(data)
        self.size += len(data)

    def flush(self, entry: IO[bytes]) -> None:
        data = "".join(self.parts).encode()
        self.parts.clear()
        entry.write(data)
        self.size += len(data)

    # -- the whole archive -------------------------------------------------------------------
    def write(self, out: IO[bytes], zip64: bool) -> ExportResult:
        self.group()
        texts = Spool(self.spool_dir, SPOOL_BYTES)
        try:
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
                entry = archive.open(entry_info("project.qde"), "w", force_zip64=zip64)
                try:
                    self.document(entry, texts)
                except BaseException:
                    with contextlib.suppress(Exception):  # the archive is thrown away
                        entry.close()
                    raise
                # The old writer knew the document's size before its local header, and gave
                # it a zip64 header from 1/1.05 of the 2 GiB limit on (as `writestr` does).
                too_large = not zip64 and self.size * 1.05 > zipfile.ZIP64_LIMIT
                try:
                    entry.close()
                except RuntimeError:
                    if not too_large:
                        raise
                if too_large:
                    raise _NeedsZip64
                for key in sorted(texts.where):
                    archive.writestr(entry_info(f"sources/{key}.txt"), texts.get(key))
        finally:
            texts.close()
        return ExportResult(b"", self.counts, self.skipped)

    def group(self) -> None:
        project = self.project
        interviews = project.interviews
        files = self.files = as_codings(project.codings)
        coders: set[str] = set()
        first = last = ""  # the earliest and latest valid dates of codings
        # Who coded what, in file order; the codings themselves are built twice (here for their
        # dates, then interview by interview), never all held: see document().
        self.coders_of: dict[str, list[str]] = {}
        for iv, coder, count in files.files():
            if count:
                coders.add(coder)
                self.coders_of.setdefault(iv, []).append(coder)
        for iv in sorted(self.coders_of, key=self.rank):
            for coder in dict.fromkeys(self.coders_of[iv]):
                for c in files.take(iv, coder):
                    at = c.at
                    # Only a value that would move a bound is checked (a few in a million).
                    if at and (at > last or at < first) and is_datetime(at):
                        first = at if not first or at < first else first
                        last = max(at, last)
        for iv, coder, count in files.files():
            if count and iv not in interviews:
                self.skipped.extend([f"{coder}'s codings of '{iv}': no such interview"] * count)
        days = [
            d
            for d in (date_to_datetime(i.meta.get("date", i.date)) for i in interviews.values())
            if d and is_datetime(d)
        ]
        self.created = first or min(days, default=None)
        self.modified = max([last, *days]) if last else max(days, default=None)
        self.coders = sorted(coders)
        self.users = {coder: guid("user", coder) for coder in self.coders}
        self.interview_guids = {iid: guid("interview", iid) for iid in interviews}
        self.code_guids = {code_id: code_guid(code_id) for code_id in project.codebook.codes}

    def rank(self, interview: str) -> int:
        found = self.project.interviews.get(interview)
        return -1 if found is None else found.storage_rank()

    def codings_for(self, interview: str) -> list[Coding]:
        """The interview's codings, coder by coder in file order, built for this pass only."""
        return [
            c
            for coder in dict.fromkeys(self.coders_of.get(interview, ()))
            for c in self.files.take(interview, coder)
        ]

    # -- the document ------------------------------------------------------------------------
    def document(self, entry: IO[bytes], texts: Spool) -> None:
        project, codebook, out = self.project, self.project.codebook, self.parts
        out.append(DECLARATION)
        out.append("<Project")
        out.append(
            attributes(
                {
                    "xmlns": PROJECT_NS,
                    "name": codebook.title,
                    "origin": ORIGIN,
                    "creationDateTime": self.created,
                    "modifiedDateTime": self.modified,
                }
            )
        )
        out.append(">")
        if self.coders:
            out.append(start_tag(1, "Users"))
            for coder in self.coders:
                out.append(leaf(2, "User", guid=self.users[coder], name=coder))
            out.append(end_tag(1, "Users"))
        self.counts["users"] = len(self.coders)
        if codebook.families:
            out.append(start_tag(1, "CodeBook"))
            out.append(start_tag(2, "Codes"))
            _codes(out, codebook, 3)
            out.append(end_tag(2, "Codes"))
            out.append(end_tag(1, "CodeBook"))
        self.counts["families"], self.counts["codes"] = len(codebook.families), len(codebook.codes)
        self.cases()
        self.flush(entry)
        # Each source is written in the order the interviews' texts and codings are stored
        # (one cache pack at a time, each interview let go once written), put aside, then
        # copied into the document in the order of their ids: a 10,000-interview export never
        # holds every transcript and coding at once.
        notes = Spool(self.spool_dir, SPOOL_BYTES)
        sources = Spool(self.spool_dir, SPOOL_BYTES)
        skipped: dict[str, list[str]] = {}
        try:
            if project.interviews:
                total = len(project.interviews)
                for done, interview in enumerate(
                    sorted(project.interviews.values(), key=lambda i: i.storage_rank()), start=1
                ):
                    self.parts = []
                    skipped[interview.id] = []
                    self.source(interview, texts, notes, skipped[interview.id])
                    sources.add(interview.id, "".join(self.parts).encode())
                    if self.progress is not None:
                        self.progress(done, total)
                self.parts = out
                out.append(start_tag(1, "Sources"))
                self.flush(entry)
                for iid in project.interviews:
                    self.skipped.extend(skipped[iid])
                    self.write_bytes(entry, sources.get(iid))
                out.append(end_tag(1, "Sources"))
                self.counts["sources"] = total
            if self.counts["notes"]:
                out.append(start_tag(1, "Notes"))
                self.flush(entry)
                for iid in project.interviews:
                    key = self.interview_guids[iid]
                    if key in notes.where:
                        self.write_bytes(entry, notes.get(key))
                out.append(end_tag(1, "Notes"))
        finally:
            self.parts = out
            notes.close()
            sources.close()
        out.append(
            leaf(
                1,
                "Description",
                f"pcrcode project: {codebook.title}\nlanguage: {codebook.language}",
            )
        )
        out.append("\n</Project>\n")
        self.flush(entry)

    def cases(self) -> None:
        project, codebook, out = self.project, self.project.codebook, self.parts
        structures = list(project.registry.structures.values())
        if not structures:
            return
        variables = _variables(project)
        variable_guids = {v.name: guid("variable", v.name) for v in variables}
        out.append(start_tag(1, "Variables"))
        for v in variables:
            named = {"guid": variable_guids[v.name], "name": v.name, "typeOfVariable": v.kind}
            if v.description:
                out.append(start_tag(2, "Variable", **named))
                out.append(leaf(3, "Description", v.description))
                out.append(end_tag(2, "Variable"))
            else:
                out.append(leaf(2, "Variable", **named))
        out.append(end_tag(1, "Variables"))
        self.counts["variables"] = len(variables)
        in_case: dict[str | None, list[str]] = {}
        for interview in project.interviews.values():
            in_case.setdefault(interview.structure, []).append(interview.id)
        out.append(start_tag(1, "Cases"))
        for s in structures:
            out.append(start_tag(2, "Case", guid=guid("structure", s.id), name=s.name))
            out.append(leaf(3, "Description", f"{ID_TAG}: {s.id}"))
            for v in variables:
                value = _value(s, v, codebook)
                if value is None:
                    continue
                out.append(start_tag(3, "VariableValue"))
                out.append(leaf(4, "VariableRef", targetGUID=variable_guids[v.name]))
                tag, text = _typed(v.kind, value)
                out.append(leaf(4, tag, text))
                out.append(end_tag(3, "VariableValue"))
            for iid in in_case.get(s.id, ()):
                out.append(leaf(3, "SourceRef", targetGUID=self.interview_guids[iid]))
            out.append(end_tag(2, "Case"))
        out.append(end_tag(1, "Cases"))
        self.counts["cases"] = len(structures)

    def source(self, interview: Interview, texts: Spool, notes: Spool, skipped: list[str]) -> None:
        release = self.release_turns and _lazy_turns(interview)
        text, turns = render_interview(interview)
        iid = interview.id
        sguid = self.interview_guids[iid]
        texts.add(sguid, text.encode())
        meta = {k: v for k, v in interview.meta.items() if k not in ("structure", "id")}
        names = list(dict.fromkeys(t.speaker for t in turns if t.speaker))
        if names:  # tells a reader which "Label:" paragraphs open a turn
            meta[SPEAKERS] = names
        selections = _selections(
            interview, turns, self.codings_for(iid), self.project.codebook.codes, skipped
        )
        if release:
            _release(interview, release)
        out = self.parts
        head = leaf(
            2,
            "TextSource",
            guid=sguid,
            name=iid,
            plainTextPath=f"internal://{sguid}.txt",
            creationDateTime=date_to_datetime(interview.meta.get("date")) or None,
        )
        if not meta and not selections:
            out.append(head)
            return
        out.append(head[:-3] + ">")  # the same start tag, for an element with children
        if meta:
            out.append(leaf(3, "Description", yaml_text(meta).rstrip("\n")))
        clean = invalid_chars(text)
        users, dated = self.users, self.dates.attr
        code_guids = self.code_guids
        by_code = attrgetter("code")
        note_lines: list[str] = []
        note_guids: set[str] = set()
        codings = 0
        for sel in selections:
            tail = f"{iid}\x1f{sel.coder}\x1f{sel.segment}\x1f{sel.start}\x1f{sel.end}"
            user = users[sel.coder]
            group = sel.codings
            first = ""
            for c in group:
                if (not first or c.at < first) and dated(c.at):
                    first = c.at
            selection = guid_of("selection\x1f" + tail)
            out.append(
                f'\n      <PlainTextSelection guid="{selection}"'
                f' name="{escape_clean_attr(clean[sel.begin : sel.stop])}"'
                f' startPosition="{sel.begin}" endPosition="{sel.stop}"'
                f' creatingUser="{user}"{dated(first) if first else ""}>'
            )
            for c in sorted(group, key=by_code) if len(group) > 1 else group:
                start = -1 if c.start is None else c.start
                end = -1 if c.end is None else c.end
                key = f"{c.coder}\x1f{iid}\x1f{c.segment}\x1f{c.code}\x1f{start}\x1f{end}"
                at = dated(c.at)
                cguid = guid_of("coding\x1f" + key)
                out.append(
                    f'\n        <Coding guid="{cguid}" creatingUser="{user}"{at}>'
                    f'\n          <CodeRef targetGUID="{code_guids[c.code]}" />'
                )
                if c.memo:
                    nguid = guid_of(f"note\x1f{tail}\x1f{c.memo}")
                    out.append(f'\n          <NoteRef targetGUID="{nguid}" />')
                    if nguid not in note_guids:  # a note's key holds the interview's id
                        note_guids.add(nguid)
                        note_lines.append(
                            start_tag(
                                2,
                                "Note",
                                guid=nguid,
                                name=f"{iid} segment {c.segment} ({c.coder})",
                                creatingUser=user,
                            )[:-1]
                            + at
                            + ">"
                        )
                        note_lines.append(leaf(3, "PlainTextContent", c.memo))
                        note_lines.append(end_tag(2, "Note"))
                out.append("\n        </Coding>")
                codings += 1
            out.append("\n      </PlainTextSelection>")
        out.append(end_tag(2, "TextSource"))
        self.counts["selections"] += len(selections)
        self.counts["codings"] += codings
        if note_lines:
            notes.add(sguid, "".join(note_lines).encode())
            self.counts["notes"] += len(note_guids)


# --- dropping the turns an export read (transcripts' text is most of a project's memory) -----


def _lazy_turns(interview: Interview) -> bool:
    """Whether ``interview`` comes from the cache and its turns have not been read yet (turns
    someone else read are kept)."""
    from pcrcode.files.cache_codec import CachedInterview

    return isinstance(interview, CachedInterview) and not interview.turns_built()


def _release(interview: Interview, lazy: bool) -> None:
    """Forget the turns that reading ``interview`` for the export built."""
    from pcrcode.files.cache_codec import CachedInterview

    if lazy and isinstance(interview, CachedInterview):
        interview.release_turns()


# --- entry points -----------------------------------------------------------------------------


def write_qdpx(
    project: Project,
    out: IO[bytes],
    progress: Progress | None = None,
    release_turns: bool = False,
    spool_dir: Path | None = None,
) -> ExportResult:
    """Write the whole project as a REFI-QDA ``.qdpx`` archive to ``out`` (a seekable binary
    file, at its start), streaming; returns the counts and what was skipped (``data`` empty).

    ``progress(done, total)`` is called after each interview. ``release_turns`` drops the
    turns of interviews loaded from the cache once written (for a process that exits after
    the export: they are read again from the transcripts if used later). ``spool_dir`` is where
    texts and notes spill when they exceed a few megabytes (default: the system's).
    """
    start = out.tell()
    try:
        return _Writer(project, progress, release_turns, spool_dir).write(out, zip64=False)
    except _NeedsZip64:
        out.seek(start)
        out.truncate()
        return _Writer(project, progress, release_turns, spool_dir).write(out, zip64=True)


def export_qdpx(project: Project, progress: Progress | None = None) -> ExportResult:
    """The whole project as a REFI-QDA ``.qdpx`` archive (bytes)."""
    buffer = io.BytesIO()
    result = write_qdpx(project, buffer, progress)
    result.data = buffer.getvalue()
    return result


def save_qdpx(
    project: Project, path: Path, progress: Progress | None = None, release_turns: bool = False
) -> ExportResult:
    """Write the ``.qdpx`` archive to ``path``: into a temporary file beside it, renamed over
    it once complete (an error or an interruption leaves the old file, or none)."""
    with atomic.writing(path) as out:
        return write_qdpx(project, out, progress, release_turns, spool_dir=path.parent)
