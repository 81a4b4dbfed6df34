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
coder's. Packs are ``marshal`` data of plain tuples: on 100,000 codings it loads twice as fast
as ``pickle`` of the dataclasses (see bench/RESULTS.md), and unlike pickle it cannot run code
hidden in a cache file (a project is shared, and its cache may travel with it). The codebook is
cached like any file: a command served from the cache never imports PyYAML.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import marshal
import os
import sys
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any, TypeVar

from pcrcode import __version__
from pcrcode.files import atomic
from pcrcode.files.diagnostics import Finding
from pcrcode.files.yaml_reading import LDict, LList
from pcrcode.model import (
    FINGERPRINT_SIZE,
    Attribute,
    Census,
    Code,
    Codebook,
    Coding,
    Family,
    Interview,
    Registry,
    Structure,
    Turn,
    fingerprint,
)

CACHE_DIR = ".pcrcode/cache"
BUCKETS = 64
CODER_GROUPS = 4  # coding data goes to c0-..c3- packs by coder: one coder's are read alone
FORMAT = 3
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


def _code_tag() -> tuple[Any, ...]:
    """The version of everything that shapes a cached entry, parsers included: editing a parser
    (in development) invalidates the cache as surely as a new release."""
    stamps: list[int] = []
    package = Path(__file__).parent.parent  # pcrcode/
    for module in (
        "files/cache",
        "files/codebook",
        "files/codings",
        "files/diagnostics",
        "model",
        "project",
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
        self.tag = _code_tag()
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
        """Drop what this object read of these buckets: another process (the load's helper,
        see :mod:`pcrcode.project`) rewrote their packs, to be read again. Entries stored here
        before are kept, to be written with the packs as read then."""
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
    would scan them again and again for nothing (a third of the time of a load)."""
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


# -- payloads: model objects as plain tuples ---------------------------------------------------


def encode_findings(findings: Iterable[Finding]) -> tuple[tuple[Any, ...], ...]:
    return tuple((f.path, f.line, f.col, f.severity, f.message, f.rule) for f in findings)


def decode_findings(data: Iterable[tuple[Any, ...]]) -> list[Finding]:
    return [Finding(*item) for item in data]


class Unencodable(Exception):
    """A value the cache does not store (the file is then parsed each time)."""


def plain(value: Any) -> Any:
    """A YAML value as marshal data: scalars as they are, everything else as a tagged tuple
    (YAML gives no tuples, so a tuple is always a tag). Deliberately not pickle: a cache file
    is data inside the project (a shared folder, a repository), and unpickling it could run
    code."""
    if value is None or type(value) in (str, int, float, bool, bytes):
        return value
    if isinstance(value, LDict):
        return (
            "LD",
            value.line,
            value.col,
            tuple((plain(k), plain(v)) for k, v in value.items()),
            tuple((plain(k), pos) for k, pos in value.key_pos.items()),
        )
    if isinstance(value, LList):
        return ("LL", value.line, value.col, tuple(plain(v) for v in value), tuple(value.item_pos))
    if isinstance(value, datetime.datetime):
        return ("DT", value.isoformat())
    if isinstance(value, datetime.date):
        return ("D", value.isoformat())
    if type(value) is dict:
        return ("M", tuple((plain(k), plain(v)) for k, v in value.items()))
    if type(value) is list:
        return ("L", tuple(plain(v) for v in value))
    if type(value) in (set, frozenset):
        return ("S", tuple(plain(v) for v in value))
    raise Unencodable(type(value).__name__)


def unplain(value: Any) -> Any:
    if type(value) is not tuple:
        return value
    tag = value[0]
    if tag == "LD":
        mapping = LDict()
        mapping.line, mapping.col = value[1], value[2]
        for k, v in value[3]:
            mapping[unplain(k)] = unplain(v)
        mapping.key_pos = {unplain(k): tuple(pos) for k, pos in value[4]}
        return mapping
    if tag == "LL":
        items = LList()
        items.line, items.col = value[1], value[2]
        items.extend(unplain(v) for v in value[3])
        items.item_pos = [tuple(pos) for pos in value[4]]
        return items
    if tag == "DT":
        return datetime.datetime.fromisoformat(value[1])
    if tag == "D":
        return datetime.date.fromisoformat(value[1])
    if tag == "M":
        return {unplain(k): unplain(v) for k, v in value[1]}
    if tag == "L":
        return [unplain(v) for v in value[1]]
    if tag == "S":
        return {unplain(v) for v in value[1]}
    raise ValueError(f"unknown tag {tag!r} in a cache entry")


def _field(value: Any) -> Any:
    return ("T", value) if type(value) is tuple else plain(value)


def _unfield(value: Any) -> Any:
    return value[1] if type(value) is tuple and value[0] == "T" else unplain(value)


def _encode_items(items: Iterable[Any]) -> tuple[tuple[Any, ...], ...]:
    return tuple(tuple(_field(getattr(item, f.name)) for f in fields(item)) for item in items)


def _decode_items(cls: type[T], data: Iterable[tuple[Any, ...]]) -> dict[str, T]:
    built = (cls(*(_unfield(v) for v in values)) for values in data)
    return {item.id: item for item in built}  # type: ignore[attr-defined]


def encode_codebook(codebook: Codebook) -> Any:
    """A parsed codebook (2 ms to parse, but it takes PyYAML to import: 7 ms more)."""
    return (
        codebook.title,
        _encode_items(codebook.families.values()),
        _encode_items(codebook.codes.values()),
        _encode_items(codebook.attributes.values()),
        plain(dict(codebook.aliases)),
        codebook.language,
    )


def decode_codebook(data: Any, path: Path) -> Codebook:
    title, families, codes, attributes, aliases, language = data
    return Codebook(
        title=title,
        families=_decode_items(Family, families),
        codes=_decode_items(Code, codes),
        attributes=_decode_items(Attribute, attributes),
        aliases=unplain(aliases),
        language=language,
        path=path,
    )


def encode_registry(registry: Registry | None) -> Any:
    if registry is None:
        return None
    census = registry.census
    return (
        tuple(
            (s.id, s.name, s.statut, s.domaine, s.interviewed, plain(dict(s.extra)), s.line)
            for s in registry.structures.values()
        ),
        None
        if census is None
        else (
            census.rows,
            census.columns,
            tuple((row, tuple(cols.items())) for row, cols in census.cells.items()),
            census.source,
            tuple(census.positions.items()),
        ),
    )


def decode_registry(data: Any, path: Path) -> Registry | None:
    if data is None:
        return None
    structures, census = data
    return Registry(
        structures={
            sid: Structure(
                id=sid,
                name=name,
                statut=statut,
                domaine=domaine,
                interviewed=interviewed,
                extra=unplain(extra),
                line=line,
            )
            for sid, name, statut, domaine, interviewed, extra, line in structures
        },
        census=None
        if census is None
        else Census(
            rows=census[0],
            columns=census[1],
            cells={row: {col: tuple(cell) for col, cell in cols} for row, cols in census[2]},
            source=census[3],
            positions={tuple(k): tuple(v) for k, v in census[4]},
        ),
        path=path,
    )


def encode_interview(interview: Interview | None) -> tuple[Any, Any]:
    """(head, turns) of an interview; the turns are stored apart from the rest."""
    if interview is None:
        return None, None
    head = (
        interview.id,
        interview.structure,
        interview.date,
        interview.interviewer,
        interview.participants,
        interview.language,
        interview.illustrative,
        plain(dict(interview.meta)),
        interview.structure_line,
    )
    turns = tuple((t.speaker, t.text, t.line, _fingerprint_of(t)) for t in interview.turns)
    return (*head, "".join([t[3] for t in turns])), turns


def _fingerprint_of(turn: Turn) -> str:
    # What Turn.fingerprint (a cached_property) gives, without its lock (Python 3.11): a cold
    # load fingerprints every turn of the project.
    attrs = turn.__dict__
    found = attrs.get("fingerprint")
    if found is None:
        found = attrs["fingerprint"] = fingerprint(turn.text)
    return str(found)


class _LazyTurns:
    """The ``turns`` of an interview read from the cache: built on first access."""

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        attrs = obj.__dict__
        with no_gc():
            raw = attrs.pop("_raw_turns", None) or _raw_turns(attrs)
            if raw is None:  # the text pack went missing or was rewritten since: parse the file
                from pcrcode.files.diagnostics import Diagnostics
                from pcrcode.files.transcripts import parse_interview

                cache = attrs["_turns_from"][0]
                turns = parse_interview(obj.path, Diagnostics(cache.root)).turns
            else:
                turns = build_turns(raw)
        attrs.pop("_raw_turns", None)
        attrs["turns"] = turns
        return turns


def _raw_turns(attrs: dict[str, Any]) -> Any | None:
    """The cached (speaker, text, line, fingerprint) of each turn, read once."""
    if "_raw_turns" in attrs:
        return attrs["_raw_turns"]
    cache, rel, key = attrs["_turns_from"]
    raw = attrs["_raw_turns"] = cache.text(rel, key)
    return raw


class CachedInterview(Interview):
    """An :class:`Interview` loaded from the cache, whose turns are read when first used.

    It compares equal to the same interview parsed from its file."""

    turns = _LazyTurns()

    def turns_built(self) -> bool:
        return "turns" in self.__dict__

    def release_turns(self) -> None:
        """Forget the turns (and text) read so far: a later use reads them again (from the
        transcript itself, as the cache hands a text out once). For a command that goes through
        every transcript once, so that it never holds them all."""
        attrs = self.__dict__
        attrs.pop("turns", None)
        if attrs.pop("_raw_turns", None) is None:
            cache, rel, _ = attrs["_turns_from"]
            cache.discard_text(rel)  # not read: its pack need not keep it for us

    def storage_rank(self) -> int:
        return bucket(self.__dict__["_turns_from"][1])

    def turn_count(self) -> int:
        if "turns" in self.__dict__:
            return len(self.__dict__["turns"])
        return len(self.__dict__["_fingerprints"]) // FINGERPRINT_SIZE

    def speaker_and_text(self, number: int) -> tuple[str, str]:
        attrs = self.__dict__
        if "turns" not in attrs:
            raw = _raw_turns(attrs)
            if raw is not None:
                return str(raw[number - 1][0]), str(raw[number - 1][1])
        return super().speaker_and_text(number)

    def text_of(self, number: int) -> str:
        attrs = self.__dict__
        if "turns" not in attrs:
            raw = _raw_turns(attrs)
            if raw is not None:  # without building every Turn of the interview
                return str(raw[number - 1][1])
        return super().text_of(number)

    def fingerprints(self) -> tuple[str, ...]:
        """Kept in the head of the cache entry (8 characters a turn): ``check`` compares them
        with the codings' without building the turns."""
        if "turns" in self.__dict__:
            return super().fingerprints()
        joined: str = self.__dict__["_fingerprints"]
        return tuple(
            joined[i : i + FINGERPRINT_SIZE] for i in range(0, len(joined), FINGERPRINT_SIZE)
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Interview):
            return NotImplemented
        return all(
            getattr(self, name) == getattr(other, name) for name in Interview.__dataclass_fields__
        )

    __hash__ = Interview.__hash__


_new = object.__new__
_setattr = object.__setattr__


def build_turns(raw: Iterable[tuple[str, str, int, str]]) -> tuple[Turn, ...]:
    turns = []
    for number, (speaker, text, line, fp) in enumerate(raw, start=1):
        turn = Turn(number, speaker, text, line)
        # The cached fingerprint, where Turn.fingerprint (a cached_property) keeps it. Built
        # this way (not by assigning a whole __dict__) the instance dict shares its keys with
        # the other turns': 70 bytes less per turn, 40 MB on 10,000 interviews.
        turn.__dict__["fingerprint"] = fp
        turns.append(turn)
    return tuple(turns)


def decode_interview(
    head: tuple[Any, ...], path: Path, cache: ProjectCache, rel: str, key: Key
) -> Interview:
    (
        iid,
        structure,
        date,
        interviewer,
        participants,
        language,
        illustrative,
        meta,
        line,
        fingerprints,
    ) = head
    interview = _new(CachedInterview)
    _setattr(
        interview,
        "__dict__",
        {
            "id": iid,
            "path": path,
            "structure": structure,
            "date": date,
            "interviewer": interviewer,
            "participants": tuple(participants),
            "language": language,
            "illustrative": illustrative,
            "meta": unplain(meta),
            "structure_line": line,
            "_turns_from": (cache, rel, key),
            "_fingerprints": fingerprints,
        },
    )
    return interview


_CODING_SLOTS = (
    "interview",
    "segment",
    "code",
    "coder",
    "at",
    "fingerprint",
    "memo",
    "start",
    "end",
    "quote",
    "path",
    "line",
)


def encode_codings(codings: list[Coding] | None) -> tuple[tuple[Any, ...], ...] | None:
    if codings is None:
        return None
    strings: dict[str, str] = {}
    share = strings.setdefault  # equal strings stored once, and loaded as one object
    return tuple(
        (
            c.segment,
            sys.intern(c.code),
            share(c.at, c.at),
            share(c.fingerprint, c.fingerprint),
            c.memo,
            c.start,
            c.end,
            c.quote,
            c.line,
        )
        for c in codings
    )


def decode_codings(data: Iterable[tuple[Any, ...]], path: Path) -> list[Coding]:
    interview, coder = sys.intern(path.stem), sys.intern(path.parent.name)
    setters = [getattr(Coding, name).__set__ for name in _CODING_SLOTS]
    (
        s_interview,
        s_segment,
        s_code,
        s_coder,
        s_at,
        s_fp,
        s_memo,
        s_start,
        s_end,
        s_quote,
        s_path,
        s_line,
    ) = setters
    result = []
    for segment, code, at, fp, memo, start, end, quote, line in data:
        # The slots of a frozen dataclass set directly: what Coding(...) does, a third faster.
        c = _new(Coding)
        s_interview(c, interview)
        s_segment(c, segment)
        s_code(c, code)
        s_coder(c, coder)
        s_at(c, at)
        s_fp(c, fp)
        s_memo(c, memo)
        s_start(c, start)
        s_end(c, end)
        s_quote(c, quote)
        s_path(c, path)
        s_line(c, line)
        result.append(c)
    return result
