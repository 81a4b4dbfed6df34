"""A project loaded from the index: the files' signatures compared with their rows, the changed
files read again (through the parse cache) and their rows replaced, then the project built from
the rows, its codings and turns left in the cache until a command asks for them.

Whatever the index cannot vouch for, the full load says better: a file outside the project, two
transcripts of one interview, a coding of a code the codebook does not know (each is named with
its line), a coding of an interview without a transcript or past its last segment, a file
that vanished while listed. :func:`load_indexed` then returns None and the
command loads the project from its files, as without an index.
"""

from __future__ import annotations

import contextlib
import marshal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pcrcode.files import cache_codec
from pcrcode.files.cache import Key, ProjectCache, bucket, no_gc
from pcrcode.files.cache_codec import CachedInterview
from pcrcode.files.cached_parsing import (
    CodingsDecoder,
    DataFile,
    Parsed,
    pack_by_pack,
    parse_files,
    read_codings,
    read_interview,
)
from pcrcode.files.diagnostics import Diagnostics, Finding
from pcrcode.index import enabled
from pcrcode.index.database import INDEX_FILE, Database, Row, Sets, Unavailable, unpacked
from pcrcode.index.listing import Listed, scan
from pcrcode.index.rows import codings_row, transcript_row
from pcrcode.model import (
    Codebook,
    Codings,
    CodingSource,
    Interview,
    Project,
    Registry,
)
from pcrcode.project import load_settings

Progress = Callable[[int, int], None]
SegmentData = tuple[tuple[int, ...], tuple[tuple[str, ...], ...]]  # numbers, codes as written


@dataclass
class Indexed:
    """A project loaded from the index, the errors its files hold (in the order a full load
    reports them), and each coding file's coded segments: (interview, coder) -> its files'
    (as stored until :meth:`segments_of` unpacks them)."""

    project: Project
    errors: list[Finding]
    segments: dict[tuple[str, str], list[Any]]
    sets: Sets

    def segments_of(self, interview: str, coder: str) -> list[SegmentData]:
        """Raises :class:`Unavailable` when the stored rows cannot be unpacked."""
        return [unpacked(d, "c", self.sets) for d in self.segments.get((interview, coder), ())]


class IndexedInterview(CachedInterview):
    """An interview made from its transcript's row: id and structure at once, the rest of its
    head (path, date, metadata, the turns' fingerprints) unpacked when first asked for (a
    counting report never asks)."""

    def __getattr__(self, name: str) -> Any:
        if not self._unpack():
            raise AttributeError(name)
        return getattr(self, name)

    def _unpack(self) -> bool:
        attrs = self.__dict__
        head = attrs.pop("_head", None)
        if head is None:
            return False
        store, rel, key = attrs["_turns_from"]
        path = Path(attrs.pop("_file"))
        try:
            full: Interview | None = cache_codec.decode_interview(
                unpacked(head, "t", {}), path, store, rel, key
            )
        except Unavailable:  # not what this version stores: read through the cache
            full = read_interview(Diagnostics(store.root), store, path, rel, key)
        if full is not None:
            for name, value in full.__dict__.items():
                attrs.setdefault(name, value)
        return True

    def turn_count(self) -> int:
        self._unpack()
        return super().turn_count()

    def fingerprints(self) -> tuple[str, ...]:
        self._unpack()
        return super().fingerprints()


def _interview(row: Row, path: str, store: ProjectCache, rel: str) -> Interview:
    if type(row.data) is not bytes:  # read from the file by this run
        return cache_codec.decode_interview(row.data, Path(path), store, rel, row.key)
    interview = object.__new__(IndexedInterview)
    interview.__dict__.update(
        id=row.interview,
        structure=row.structure,
        _turns_from=(store, rel, row.key),
        _head=row.data,
        _file=path,
    )
    return interview


# Why the last load_indexed returned None (for tests, and a future --verbose).
last_reason = ""


def load_indexed(root: Path, progress: Progress | None = None) -> Indexed | None:
    """The project from its index, brought up to date; None when the index is off or cannot
    answer (the command then loads the files)."""
    global last_reason
    if not enabled():
        last_reason = "the index is turned off (PCRCODE_NO_INDEX or PCRCODE_NO_CACHE)"
        return None
    try:
        db = Database(root)
    except Unavailable as exc:
        last_reason = str(exc)
        return None
    try:
        found = _load(root, db, progress)
    except Unavailable as exc:
        last_reason = str(exc)
        return None
    except _StandAside as exc:
        last_reason = str(exc)
        return None
    finally:
        db.close()
    last_reason = ""
    return found


class _StandAside(Exception):
    """Something the full load reports better than the index can (see the module's doc)."""


def _rows(root: Path, db: Database) -> tuple[Database, dict[str, Row]]:
    try:
        return db, db.read()
    except Unavailable as exc:
        if not exc.damaged:
            raise
    db.discard()  # not a database any more (truncated, overwritten): made again
    db = Database(root)
    return db, {}


def _load(root: Path, db: Database, progress: Progress | None) -> Indexed:
    store = ProjectCache(root)
    diag = Diagnostics(root)
    with no_gc():
        codebook, registry = load_settings(root, diag, store)
        files = scan(root)
        if files is None:
            raise _StandAside("a symbolic link among the project's files")
        db, rows = _rows(root, db)
        current: dict[str, Row] = {}
        stale: list[Listed] = []
        for listed in files:
            row = rows.pop(listed[2], None)
            if row is None or row.key != listed[3]:
                stale.append(listed)
            else:
                current[listed[2]] = row
        read = _read(root, store, stale, len(stale) == len(files), progress)
        current.update(read)
        # Not stored: a file this recent may change unseen (see the cache).
        changed = {rel: row for rel, row in read.items() if not store.racy(row.key)}
        if changed or rows or not db.valid:
            # Read-only, or another process writing for too long: this run's rows are as good.
            with contextlib.suppress(Unavailable):
                db.write(changed, rows)
            store.save_some()
        return _project(root, store, diag, (codebook, registry), files, current, db.sets)


def _read(
    root: Path, store: ProjectCache, stale: list[Listed], first: bool, progress: Progress | None
) -> dict[str, Row]:
    """The rows of the files that changed, read pack by pack (one pack of the cache in memory at
    a time). On a first run (no index: a fresh clone, a new version), the files are parsed as a
    full load parses them, half of them by a second process
    (:mod:`pcrcode.files.cached_parsing`)."""
    data: list[DataFile] = [(t, Path(path), rel) for t, path, rel, _ in stale]
    parsed: list[Parsed] | None = None
    if first and stale:
        parsed = parse_files(root, Diagnostics(root), store, data, progress)
    order = sorted(range(len(stale)), key=lambda i: bucket(stale[i][2]))
    read: dict[str, Row] = {}
    for done, i in enumerate(pack_by_pack(store, data, order), start=1):
        is_transcript, path, rel, key = stale[i]
        if parsed is None:
            local = Diagnostics(store.root)
            reader = read_interview if is_transcript else read_codings
            value: Any = reader(local, store, Path(path), rel, key)
            parsed_file: Parsed = (value, local.findings)
            if progress is not None:
                progress(done, len(stale))
        else:
            parsed_file = parsed[i]
        read[rel] = _row(is_transcript, Path(path), rel, key, parsed_file)
    return read


def _row(is_transcript: bool, path: Path, rel: str, key: Key, parsed: Parsed) -> Row:
    value, findings = parsed
    if is_transcript:
        try:
            return transcript_row(key, value, findings)
        except cache_codec.Unencodable as exc:
            raise _StandAside(f"{rel}: a value the index cannot store ({exc})") from None
    codings = None
    if value is not None:
        source = value[1]
        codings = source() if callable(source) else source
    return codings_row(key, path.stem, path.parent.name, codings, findings)


def _project(
    root: Path,
    store: ProjectCache,
    diag: Diagnostics,
    settings: tuple[Codebook, Registry],
    files: list[Listed],
    rows: dict[str, Row],
    sets: Sets,
) -> Indexed:
    codebook, registry = settings
    interviews: dict[str, Interview] = {}
    coding_files: list[tuple[str, str, int, CodingSource]] = []
    segments: dict[tuple[str, str], list[Any]] = {}
    codes: set[str] = set()
    turns: dict[str, int] = {}  # interview -> its transcript's number of turns
    for is_transcript, path, rel, _ in files:
        row = rows[rel]
        if row.errors:
            diag.findings.extend(cache_codec.decode_findings(row.errors))
        if is_transcript:
            if row.data is None or row.interview is None:
                continue
            if row.interview in interviews:
                raise _StandAside(f"{rel}: a second transcript of interview '{row.interview}'")
            interviews[row.interview] = _interview(row, path, store, rel)
            turns[row.interview] = row.count or 0
        elif row.count is not None and row.interview is not None and row.coder is not None:
            decoder = CodingsDecoder(store, path, rel, row.key)
            coding_files.append((row.interview, row.coder, row.count, decoder))
            segments.setdefault((row.interview, row.coder), []).append(row.data)
            codes.update(row.codes)
    known, aliases = codebook.codes, codebook.aliases
    # As the full load checks them: a code under an old id is looked at under the current one.
    unknown = sorted(
        c for c in map(aliases.get, codes, codes) if c not in known and c not in aliases
    )
    if unknown:
        raise _StandAside(f"codings of an unknown code ({unknown[0]})")
    _check_segments(turns, segments)
    project = Project(
        root=root,
        codebook=codebook,
        registry=registry,
        interviews=interviews,
        codings=Codings(coding_files, aliases),
    )
    return Indexed(project, diag.errors, segments, sets)


def _check_segments(turns: dict[str, int], segments: dict[tuple[str, str], list[Any]]) -> None:
    """Codings of an interview without a transcript, or past its last segment: the full load
    names each with its line (a report stops on them). Read from the rows as stored: the numbers
    of a coding file's segments, a transcript's number of turns."""
    try:
        for (interview_id, _), stored in segments.items():
            if interview_id not in turns:
                raise _StandAside(f"codings of interview '{interview_id}', which has no transcript")
            last = max((_numbers(data)[-1:] or (0,))[0] for data in stored)
            if last > turns[interview_id]:
                raise _StandAside(f"codings past the last segment of '{interview_id}'")
    except (ValueError, EOFError, TypeError, IndexError) as exc:
        raise Unavailable(f"{INDEX_FILE} is damaged ({exc!r})", damaged=True) from None


def _numbers(data: Any) -> tuple[int, ...]:
    numbers: tuple[int, ...] = (marshal.loads(data) if type(data) is bytes else data)[0]
    return numbers
