"""The SQLite file of the project index: its schema, reading it whole, and replacing rows.

Every SQLite or file-system failure becomes :class:`Unavailable`, whose message says why (the
command then answers from the files). ``sqlite3`` is imported here only, when a command opens the
index: ``pcrcode --help`` and ``tag`` never load it.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pcrcode import __version__
from pcrcode.files.cache import code_tag

INDEX_FILE = ".pcrcode/index.sqlite"
SCHEMA = 3
READ_TIMEOUT = 0.5  # seconds to wait for another process's write before answering from the files
WRITE_TIMEOUT = 2.0  # seconds to wait for another writer before leaving the update to a later run

_TABLES = (
    "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # kind: 't' transcript, 'c' coding file. interview: the transcript's id (None when it cannot
    # be read) or the coding file's name; count: a coding file's codings, a transcript's turns
    # (None when the file cannot be read);
    # errors: marshal of the error findings; codes: the set of distinct codes of a coding file;
    # structure: a transcript's (also in its head, which a counting report never unpacks);
    # data: a transcript's head (cache_codec's), a coding file's (segment numbers, set ids).
    "CREATE TABLE files (rel TEXT PRIMARY KEY, size INTEGER, mtime INTEGER, ctime INTEGER, "
    "inode INTEGER, kind TEXT NOT NULL, interview TEXT, coder TEXT, count INTEGER, "
    "errors BLOB, codes INTEGER, structure TEXT, data BLOB)",
    # One row per distinct set of codes (marshal of a sorted tuple, a code as often as it is
    # applied): a project's segments carry a few thousand distinct sets.
    "CREATE TABLE sets (id INTEGER PRIMARY KEY, codes BLOB NOT NULL UNIQUE)",
)


class Unavailable(Exception):
    """The index cannot be read or written; the message says why. ``damaged``: SQLite cannot
    read the file as a database (it is then removed, to be rebuilt)."""

    def __init__(self, message: str, damaged: bool = False) -> None:
        super().__init__(message)
        self.damaged = damaged


@dataclass(slots=True)
class Row:
    """One file's row (see ``_TABLES``), its sets of codes as tuples rather than ids. ``data``
    as read is left as stored (marshal bytes, the sets as ids) until :func:`unpacked`: most
    commands never look at most of it."""

    key: tuple[int, ...]
    kind: str
    interview: str | None
    coder: str | None
    count: int | None
    errors: tuple[tuple[Any, ...], ...]
    codes: tuple[str, ...]
    data: Any  # a transcript's head; a coding file's (numbers, sets of codes); or as stored
    structure: str | None = None  # a transcript's


Sets = Mapping[int, tuple[str, ...]]


def unpacked(data: Any, kind: str, sets: Sets) -> Any:
    """A row's ``data`` as :class:`Row` documents it, from what ``read`` left as stored. Raises
    :class:`Unavailable` for bytes that are not what this version writes."""
    if type(data) is not bytes:
        return data
    try:
        value = marshal.loads(data)
        if kind == "c":
            numbers, ids = value
            value = (numbers, tuple([sets[i] for i in ids]))
    except (ValueError, EOFError, TypeError, KeyError) as exc:
        raise Unavailable(f"{INDEX_FILE} is damaged ({exc!r})", damaged=True) from None
    return value


def tag() -> str:
    """What the rows depend on: the parsers (the cache's tag) and this package's own code."""
    stamps: list[int] = []
    for name in sorted(os.listdir(Path(__file__).parent)):
        if name.endswith(".py"):
            try:
                st = os.stat(Path(__file__).parent / name)
                stamps += (st.st_size, st.st_mtime_ns)
            except OSError:
                stamps.append(-1)
    return repr((SCHEMA, __version__, code_tag(), tuple(stamps), sys.byteorder))


class Database:
    """An open index file. ``read`` once, then ``write`` what changed."""

    def __init__(self, root: Path) -> None:
        import sqlite3

        self.path = root / INDEX_FILE
        self.tag = tag()
        self._errors: tuple[type[Exception], ...] = (sqlite3.Error, OSError)
        self._damage: tuple[type[Exception], ...] = (sqlite3.DatabaseError,)
        self._busy: tuple[type[Exception], ...] = (sqlite3.OperationalError,)
        try:
            self.path.parent.mkdir(exist_ok=True)
            # isolation_level=None: transactions are begun and ended here, explicitly.
            self.db = sqlite3.connect(self.path, timeout=READ_TIMEOUT, isolation_level=None)
        except self._errors as exc:
            raise Unavailable(f"cannot open {INDEX_FILE}: {exc}") from None
        self.valid = False  # rows of this pcrcode and schema were found
        self.sets: dict[int, tuple[str, ...]] = {}  # as read: what ``unpacked`` needs

    def close(self) -> None:
        with contextlib.suppress(*self._errors):
            self.db.close()

    def read(self) -> dict[str, Row]:
        """Every file's row; none when the index is new or of another version (the next
        ``write`` rebuilds it)."""
        try:
            self.db.execute("BEGIN")  # one snapshot for both tables
            try:
                return self._read()
            finally:
                self.db.execute("COMMIT")
        except self._errors as exc:
            damaged = isinstance(exc, self._damage) and not isinstance(exc, self._busy)
            raise Unavailable(f"cannot read {INDEX_FILE}: {exc}", damaged) from None

    def _read(self) -> dict[str, Row]:
        names = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if names != {"meta", "files", "sets"}:
            return {}
        meta = dict(self.db.execute("SELECT name, value FROM meta").fetchall())
        if meta.get("tag") != self.tag:
            return {}
        loads = marshal.loads
        try:
            self.sets = sets = {
                i: loads(codes) for i, codes in self.db.execute("SELECT id, codes FROM sets")
            }
            rows = {}
            found = self.db.execute(
                "SELECT rel, size, mtime, ctime, inode, kind, interview, coder, count, errors, "
                "codes, structure, data FROM files"
            )
            for rel, *key, kind, iv, coder, count, errors, codes, structure, data in found:
                rows[rel] = Row(
                    tuple(key),
                    kind,
                    iv,
                    coder,
                    count,
                    () if errors is None else loads(errors),
                    () if codes is None else sets[codes],
                    data,
                    structure,
                )
        except (ValueError, EOFError, TypeError, KeyError) as exc:  # damaged: rebuilt
            raise Unavailable(f"{INDEX_FILE} is damaged ({exc!r})", damaged=True) from None
        self.valid = True
        return rows

    def write(self, changed: Mapping[str, Row], removed: Iterable[str]) -> None:
        """Replace the rows of these files in one transaction (all of them, or none)."""
        db = self.db
        try:
            db.execute(f"PRAGMA busy_timeout = {int(WRITE_TIMEOUT * 1000)}")
            db.execute("BEGIN IMMEDIATE")
            try:
                self._write(changed, removed)
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        except self._errors as exc:
            raise Unavailable(f"cannot update {INDEX_FILE}: {exc}") from None

    def _write(self, changed: Mapping[str, Row], removed: Iterable[str]) -> None:
        db = self.db
        if not self.valid or self._read_tag() != self.tag:
            # New, or of another version (maybe written meanwhile by another pcrcode): rebuilt.
            for table in ("meta", "files", "sets"):
                db.execute(f"DROP TABLE IF EXISTS {table}")
            for statement in _TABLES:
                db.execute(statement)
            db.execute("INSERT INTO meta VALUES ('tag', ?)", (self.tag,))
        ids: dict[tuple[str, ...], int] = {}

        def set_id(codes: tuple[str, ...]) -> int:
            found = ids.get(codes)
            if found is None:
                blob = marshal.dumps(codes, 2)  # version 2: no references, the same bytes
                db.execute("INSERT OR IGNORE INTO sets (codes) VALUES (?)", (blob,))
                found = ids[codes] = db.execute(
                    "SELECT id FROM sets WHERE codes = ?", (blob,)
                ).fetchone()[0]
            return found

        db.executemany("DELETE FROM files WHERE rel = ?", ((rel,) for rel in removed))
        for rel, row in changed.items():
            data = row.data
            if row.kind == "c" and data is not None:
                numbers, sets = data
                data = (numbers, tuple([set_id(s) for s in sets]))
            db.execute(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    rel,
                    *row.key,
                    row.kind,
                    row.interview,
                    row.coder,
                    row.count,
                    marshal.dumps(row.errors) if row.errors else None,
                    set_id(row.codes) if row.kind == "c" else None,
                    row.structure,
                    None if data is None else marshal.dumps(data),
                ),
            )

    def _read_tag(self) -> str | None:
        try:
            found = self.db.execute("SELECT value FROM meta WHERE name = 'tag'").fetchone()
        except self._errors:
            return None
        return None if found is None else str(found[0])

    def discard(self) -> None:
        """Remove a file SQLite cannot read at all (not a database, truncated): rebuilt next."""
        self.close()
        for suffix in ("", "-journal", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.unlink(f"{self.path}{suffix}")
