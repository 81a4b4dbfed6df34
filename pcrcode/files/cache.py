"""A cache of parsed project files under ``.pcrcode/cache/``: an unchanged file is not parsed again.

What is kept is the result of parsing one file (its model objects as plain tuples, and the
findings the parser reported on it, so that ``check`` stays complete), keyed by the file's size,
mtime_ns, ctime_ns and inode, and for the registry by the codebook's too (structures are
validated against its attributes). An entry is used only when its whole key matches the file on
disk; a missing, corrupt, unreadable or foreign cache file is ignored and rebuilt. The cache
files are also tagged with the pcrcode and Python versions and the stamps of the parsing modules
themselves, so that a new parser never reads an old parser's results.

File systems stamp times with a coarse clock (a few milliseconds on Linux, two seconds on FAT):
a file written in the same tick as it was read could change again without a new stamp. So a file
modified in the last two seconds is never cached (git's "racily clean" rule); it is parsed again
until it is older.

Entries live in 64 "packs" chosen by a hash of the interview's name (a transcript and its
codings go together): loading the cache is a few dozen reads, and a change to one file rewrites
one pack. Transcript text goes to separate packs that
are read only when a command asks for the turns of an interview (``crosstab`` or ``report``
never do), so a large project costs neither the time nor the memory of its text. Codings
likewise go to packs of their own, one family per group of coders (``c0``-``c3``), read when a
command builds them: a report that counts each interview's main coder never reads the second
coder's. Packs are ``marshal`` data of plain tuples: it loads faster than ``pickle`` of the
dataclasses (bench/NOTES.md), and unlike pickle it cannot run code
hidden in a cache file (a project is shared, and its cache may travel with it). The codebook is
cached like any file: a command served from the cache never imports PyYAML.
"""

from __future__ import annotations

import contextlib
import gc
import marshal
import os
import sys
import time
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from pcrcode import __version__
from pcrcode.files import atomic

CACHE_DIR = ".pcrcode/cache"
BUCKETS = 64
CODER_GROUPS = 4  # coding data goes to c0-..c3- packs by coder: one coder's are read alone
FORMAT = 5  # 4: structures without statut/domaine fields; 5: partners, actors, aliases
RACY_NS = 2_000_000_000  # files modified this recently are not cached (tests set it to 0)
DISABLE_ENV = "PCRCODE_NO_CACHE"
_MAGIC = "pcrcode-cache"

T = TypeVar("T")
Key = tuple[int, ...]
Entry = tuple[Key, Any]


def file_key(path: Path, *deps: Key) -> Key | None:
    """What must not change for a cached parse of ``path`` to stay valid; None if unreadable."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    key: Key = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    for dep in deps:
        key += dep
    return key


def code_tag() -> tuple[Any, ...]:
    """The version of everything that shapes a cached entry, parsers included: editing a parser
    (in development) invalidates the cache as surely as a new release."""
    stamps: list[int] = []
    package = Path(__file__).parent.parent  # pcrcode/
    for module in (
        "files/cache",
        "files/cache_codec",
        "files/codebook",
        "files/codings",
        "files/diagnostics",
        "model/codebook",
        "model/codings",
        "model/registry",
        "model/transcripts",
        "project",
        "files/cached_parsing",
        "files/registry",
        "files/transcripts",
        "files/yaml_reading",
        "files/yaml_loaders",
    ):
        try:  # the source files, without importing them (yaml_loaders imports PyYAML)
            st = os.stat(package / f"{module}.py")
            stamps += (st.st_size, st.st_mtime_ns)
        except OSError:
            stamps.append(-1)
    return (FORMAT, __version__, sys.version_info[:2], sys.implementation.name, tuple(stamps))


def bucket(rel: str) -> int:
    """The pack of a file: by the name of its interview (the file's name without extension),
    so that a transcript and every coder's codings of it share their packs' number, and a
    command that goes through the interviews in that order reads each pack once."""
    stem = rel.rsplit("/", 1)[-1].split(".", 1)[0]
    return zlib.crc32(stem.encode("utf-8")) % BUCKETS


def text_family(rel: str) -> str:
    """The packs that hold the bulk of a file's entry, read when first asked for: ``t`` for a
    transcript's turns, ``c0``-``c3`` for codings, by coder (a report that counts one coder per
    interview never reads the other coders' packs)."""
    if rel.startswith("codings/"):
        coder = rel.split("/", 2)[1]
        return f"c{zlib.crc32(coder.encode('utf-8')) % CODER_GROUPS}"
    return "t"


class ProjectCache:
    """The cache of one project. ``lookup`` and ``store`` during a load, ``save`` at its end.

    An entry is handed out once and dropped from memory (its objects are built from it right
    away): a 10,000-interview project never holds its cache and its objects at once. Packs
    that must be rewritten are read again from disk at ``save``.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / CACHE_DIR
        self.tag = code_tag()
        self.now_ns = time.time_ns()
        self._heads: dict[int, dict[str, Entry]] = {}  # packs read, minus entries handed out
        self._touched: set[int] = set()
        self._valid: dict[int, dict[str, Key]] = {}  # entries handed out: still good
        self._new: dict[int, dict[str, Entry]] = {}  # parses made during this load
        self._new_texts: dict[int, dict[str, Entry]] = {}
        self._dirty: set[int] = set()
        self._texts: dict[tuple[str, int], dict[str, Entry]] = {}  # t/c packs, read on demand
        self._on_disk: dict[int, set[str]] | None = None  # index -> families of packs found
        self._broken = False  # the cache cannot be written: stop trying

    # -- packs ------------------------------------------------------------------------------
    def _pack_path(self, family: str, index: int) -> Path:
        return self.folder / f"{family}-{index:02x}.pack"

    def _read_pack(self, family: str, index: int) -> dict[str, Entry] | None:
        try:
            data = self._pack_path(family, index).read_bytes()
        except OSError:
            return None
        try:
            magic, tag, entries = marshal.loads(data)
        except Exception:  # corrupt or truncated: ignored, rebuilt by the next save
            return None
        if magic != _MAGIC or tag != self.tag or not isinstance(entries, dict):
            return None
        return entries

    def _packs_on_disk(self) -> dict[int, set[str]]:
        """The families of the packs found on disk, by bucket (listed once per load)."""
        if self._on_disk is None:
            self._on_disk = {}
            with contextlib.suppress(OSError):
                for name in os.listdir(self.folder):
                    family, dash, index = name.removesuffix(".pack").partition("-")
                    if name.endswith(".pack") and dash and len(index) == 2 and family.isalnum():
                        with contextlib.suppress(ValueError):
                            self._on_disk.setdefault(int(index, 16), set()).add(family)
        return self._on_disk

    def _write_pack(self, family: str, index: int, entries: dict[str, Entry]) -> None:
        path = self._pack_path(family, index)
        if not entries:
            with contextlib.suppress(OSError):
                path.unlink()
            return
        atomic.write_bytes(path, marshal.dumps((_MAGIC, self.tag, entries)), durable=False)

    # -- entries ----------------------------------------------------------------------------
    def lookup(self, rel: str, key: Key) -> Any | None:
        """The payload stored for ``rel`` under exactly ``key``, else None."""
        index = bucket(rel)
        pack = self._heads.get(index)
        if pack is None:
            self._touched.add(index)
            pack = self._heads[index] = self._read_pack("h", index) or {}
        entry = pack.pop(rel, None)
        if entry is None:
            return None
        if tuple(entry[0]) != key:
            self._dirty.add(index)  # an old parse of a changed file: drop it
            return None
        self._valid.setdefault(index, {})[rel] = key
        return entry[1]

    def peek(self, rel: str, key: Key) -> bool:
        """Whether ``rel`` has an entry under exactly ``key`` (nothing is handed out)."""
        index = bucket(rel)
        pack = self._heads.get(index)
        if pack is None:
            self._touched.add(index)
            pack = self._heads[index] = self._read_pack("h", index) or {}
        entry = pack.get(rel)
        return entry is not None and tuple(entry[0]) == key

    def forget(self, indexes: Iterable[int]) -> None:
        """Drop what this object read of these buckets: another process (the load's helper, see
        :mod:`pcrcode.files.cached_parsing`) rewrote their packs, to be read again. Entries stored
        here before are kept, to be written with the packs as read then."""
        for index in indexes:
            # What was found valid before (the codebook's and registry's entries, looked up
            # before the helper started) stays valid: the helper kept them in its packs.
            self._heads.pop(index, None)
            for family in [k for k in self._texts if k[1] == index]:
                del self._texts[family]
        self._on_disk = None

    def racy(self, key: Key) -> bool:
        return self.now_ns - max(key[1], key[2]) < RACY_NS

    def store(self, rel: str, key: Key, payload: Any, text: Any = None) -> bool:
        """Remember a parse; ``text`` (turns) goes to the lazily read packs. False when the
        file is too recent to be cached (see RACY_NS)."""
        index = bucket(rel)
        self._touched.add(index)
        self._dirty.add(index)
        if self.racy(key):
            return False
        self._new.setdefault(index, {})[rel] = (key, payload)
        if text is not None:
            self._new_texts.setdefault(index, {})[rel] = (key, text)
        return True

    def text(self, rel: str, key: Key) -> Any | None:
        """The turns (or codings) stored for ``rel`` under ``key``, reading their pack on first
        use."""
        index = bucket(rel)
        entry = self._new_texts.get(index, {}).get(rel)
        if entry is None:
            family = (text_family(rel), index)
            pack = self._texts.get(family)
            fresh = pack is None
            if pack is None:
                pack = self._texts[family] = self._read_pack(*family) or {}
            # Handed out once: the interview keeps its turns, the pack need not keep the text.
            entry = pack.pop(rel, None)
            if entry is None and not fresh and not self._broken:
                # Asked again (a second pass over codings built for one pass only): the pack
                # is read again, rather than the file parsed (which may have changed since).
                pack = self._texts[family] = self._read_pack(*family) or {}
                entry = pack.pop(rel, None)
            if not pack:
                self._texts.pop(family, None)  # all handed out: a later ask reads it again
        if entry is None or tuple(entry[0]) != key:
            return None
        return entry[1]

    def discard_text(self, rel: str) -> None:
        """Forget the text of ``rel`` held in a pack read for others (see ``text``)."""
        family = (text_family(rel), bucket(rel))
        pack = self._texts.get(family)
        if pack is not None and pack.pop(rel, None) is not None and not pack:
            del self._texts[family]

    def release(self, index: int) -> None:
        """Done with the files of a bucket: write its packs if they changed, and free them.
        Entries never handed out belong to files that are gone: the pack is rewritten without
        them. (Writing bucket by bucket keeps a first load of a large project from holding all
        its parsed text until the end.)"""
        if self._heads.pop(index, None):
            self._dirty.add(index)
        if index not in self._dirty:
            return
        self._dirty.discard(index)
        valid = self._valid.pop(index, {})
        new = self._new.pop(index, {})
        new_texts = self._new_texts.pop(index, {})
        families = {text_family(rel) for rel in (*valid, *new_texts)}
        families |= self._packs_on_disk().get(index, set()) - {"h"}
        if self._broken:
            self._keep_texts(index, new_texts)  # lazy turns of this load still find their text
            return
        try:
            self._ready()
            heads = (self._read_pack("h", index) or {}) if valid else {}
            self._write_pack("h", index, _merge(heads, valid, new))
            for family in sorted(families):
                mine = {rel: k for rel, k in valid.items() if text_family(rel) == family}
                added = {rel: e for rel, e in new_texts.items() if text_family(rel) == family}
                old = self._texts.pop((family, index), None)
                if old is None:
                    old = (self._read_pack(family, index) or {}) if mine else {}
                texts = _merge(old, mine, added)
                if texts.keys() != old.keys() or added or not mine:
                    self._write_pack(family, index, texts)
            # Not kept in memory: interviews read their turns back from the pack if asked.
        except OSError:  # a read-only project: no cache, same results
            self._broken = True
            self._keep_texts(index, new_texts)

    def _keep_texts(self, index: int, new_texts: dict[str, Entry]) -> None:
        for rel, entry in new_texts.items():
            self._texts.setdefault((text_family(rel), index), {})[rel] = entry

    def _ready(self) -> None:
        if not self.folder.is_dir():
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / "CACHEDIR.TAG").write_text(
                "Signature: 8a477f597d28d172789f06886806bc55\n"
                "# pcrcode's cache: safe to delete, rebuilt when needed.\n"
            )

    def save_some(self) -> None:
        """Write the entries stored by a load that looked at some files only (the project
        index's, after a few files changed): each pack gains or replaces them and keeps every
        other entry as it is (a full load drops those of files gone)."""
        for index in sorted(set(self._new) | set(self._new_texts)):
            new = self._new.pop(index, {})
            new_texts = self._new_texts.pop(index, {})
            if self._broken:
                self._keep_texts(index, new_texts)
                continue
            try:
                self._ready()
                if new:
                    self._write_pack("h", index, {**(self._read_pack("h", index) or {}), **new})
                for family in sorted({text_family(rel) for rel in new_texts}):
                    added = {r: e for r, e in new_texts.items() if text_family(r) == family}
                    old = self._read_pack(family, index) or {}
                    self._write_pack(family, index, {**old, **added})
            except OSError:
                self._broken = True
                self._keep_texts(index, new_texts)

    def save(self) -> None:
        """Write what is left to write; silently does nothing where it cannot write."""
        for index in sorted(set(self._heads) | self._dirty):
            self.release(index)
        # Packs of buckets that no file maps to any more hold only entries of removed files.
        with contextlib.suppress(OSError):
            for index, families in self._packs_on_disk().items():
                if index not in self._touched:
                    for family in families:
                        self._pack_path(family, index).unlink(missing_ok=True)


def _merge(
    old: dict[str, Entry],
    valid: dict[str, Key],
    new: dict[str, Entry],
) -> dict[str, Entry]:
    """The entries of a pack after a load: the old ones still valid, and the new ones."""
    merged = {rel: entry for rel, entry in old.items() if valid.get(rel) == tuple(entry[0])}
    merged.update(new)
    return merged


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many long-lived, acyclic objects: it
    would scan them again and again for nothing (a large part of a load: bench/NOTES.md)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def enabled() -> bool:
    return os.environ.get(DISABLE_ENV, "") in ("", "0")


def clear(root: Path) -> None:
    """Remove the cache of a project (``bench`` does it for cold runs)."""
    import shutil

    shutil.rmtree(root / CACHE_DIR, ignore_errors=True)
