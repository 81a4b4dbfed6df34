"""Writing REFI-QDA: a codebook (``.qdc``) or a whole project (``.qdpx``).

The output is deterministic: GUIDs are ``uuid5`` of the things they name, dates come from the
project, elements and zip entries are in a fixed order with fixed timestamps. Every interview is
written as one text (see :mod:`pcrcode.exchange.refi.segments`) whose code-point offsets are those
of the selections, each selection named with the text it covers.

The project document is written as a stream, one ``<TextSource>`` at a time, straight into its
zip entry: no tree of the document is built (on a large project it would not fit in memory:
bench/NOTES.md). Its bytes are those ElementTree wrote with ``indent`` (two spaces) and an XML
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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from pcrcode import __version__
from pcrcode.exchange.refi import CODEBOOK_NS, PROJECT_NS
from pcrcode.exchange.refi.archive import Spool, entry_info
from pcrcode.exchange.refi.describe import SPEAKERS, code_description, family_description
from pcrcode.exchange.refi.export_cases import write_cases
from pcrcode.exchange.refi.export_sources import TextSources, selections_of
from pcrcode.exchange.refi.guids import date_to_datetime, guid, is_datetime
from pcrcode.exchange.refi.segments import render_interview
from pcrcode.exchange.refi.xml import attributes, end_tag, leaf, start_tag
from pcrcode.files import atomic
from pcrcode.files.cache_codec import pack_order
from pcrcode.model import Code, Codebook, Coding, Interview, Project, as_codings

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


def write_qdc(codebook: Codebook, out: IO[bytes]) -> ExportResult:
    """Write the ``.qdc`` document to ``out``."""
    out.write(_qdc_text(codebook).encode())
    return ExportResult(b"", {"families": len(codebook.families), "codes": len(codebook.codes)})


def save_qdc(codebook: Codebook, path: Path) -> ExportResult:
    """Write the ``.qdc`` document to ``path``, atomically."""
    with atomic.writing(path) as out:
        return write_qdc(codebook, out)


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
        self.text_sources = TextSources(self.users, self.code_guids, self.counts)

    def rank(self, interview: str) -> int:
        return pack_order(self.project.interviews.get(interview))

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
        write_cases(out, project, self.interview_guids, self.counts)
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
                    sorted(project.interviews.values(), key=pack_order), start=1
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
        selections = selections_of(
            interview, turns, self.codings_for(iid), self.project.codebook.codes, skipped
        )
        if release:
            _release(interview, release)
        self.text_sources.write(self.parts, interview, sguid, text, meta, selections, notes)


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
