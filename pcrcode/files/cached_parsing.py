"""Parsing a project's files through the parse cache: each transcript and coding file parsed,
or taken from the cache while it is unchanged (:mod:`pcrcode.files.cache`), with its findings;
on a first load, half of the files parsed by a second process. The result is the same with or
without the cache, with or without the helper process (``tests/test_cache.py``).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from pcrcode.errors import FileFormatError
from pcrcode.files import cache as cache_io
from pcrcode.files import cache_codec
from pcrcode.files import codings as codings_io
from pcrcode.files.cache import Key, ProjectCache, file_key
from pcrcode.files.diagnostics import Diagnostics, Finding
from pcrcode.files.transcripts import parse_interview
from pcrcode.files.yaml_reading import OUTSIDE_PROJECT, is_inside
from pcrcode.model import Coding, CodingSource, Interview

T = TypeVar("T")
DataFile = tuple[bool, Path, str]  # (is a transcript, path, path relative to the project)
Parsed = tuple[Any, list[Finding]]  # a file's model value (None: not read) and findings


def parse_files(
    root: Path,
    diag: Diagnostics,
    store: ProjectCache | None,
    files: list[DataFile],
    progress: Callable[[int, int], None] | None,
) -> list[Parsed]:
    """Each of ``files`` parsed, or taken from the cache, with the findings it has for ``diag``
    (an :class:`Interview` for a transcript, (count, codings) for a coding file; None when it
    cannot be read), in the order of ``files``."""
    run = _Pass(root, diag, store, files, progress)
    helper = None
    if store is not None:
        helper = _Helper.start(store, files, run.keys, run.order, run.inside)
    if helper is None:
        run.take(run.order)
    else:
        try:
            run.take([i for i in run.order if not helper.takes(files[i][2])])
        finally:
            helper.wait()
        # The helper's files are now in the cache (or parsed here if it failed).
        run.take([i for i in run.order if helper.takes(files[i][2])])
    if store is not None:
        store.save()
    return run.results


class _Pass:
    """The parent's pass over the files: each parsed or taken from the cache, its result and
    findings kept in the order of the files, progress reported as they are taken."""

    def __init__(
        self,
        root: Path,
        diag: Diagnostics,
        store: ProjectCache | None,
        files: list[DataFile],
        progress: Callable[[int, int], None] | None,
    ) -> None:
        self.report_root, self.store, self.files, self.progress = diag.root, store, files, progress
        total = len(files)
        if progress is not None:
            progress(0, total)
        # With a cache, files are taken pack by pack (one pack in memory at a time), then put
        # back in their order; their findings too, so that the result is the same in any case.
        self.order: list[int] | range = range(total)
        self.keys: list[Key | None] = [None] * total
        if store is not None:
            self.order = sorted(self.order, key=lambda i: cache_io.bucket(files[i][2]))
            # Each file is stat-ed before it is read: a change in between gives the entry a key
            # that the next run will not match, never a stale hit.
            self.keys = [file_key(path) for _, path, _ in files]
        self.inside = Containment(root)
        self.results: list[Parsed] = [(None, [])] * total
        self.done = 0

    def take(self, indexes: list[int] | range) -> None:
        for i in pack_by_pack(self.store, self.files, indexes):
            self.results[i] = self._parse(i)
            self.done += 1
            if self.progress is not None:
                self.progress(self.done, len(self.files))

    def _parse(self, i: int) -> Parsed:
        is_transcript, path, rel = self.files[i]
        local = Diagnostics(self.report_root)
        value: Any = None
        if not self.inside(path):
            _outside(local, path, None)
        elif is_transcript:
            value = read_interview(local, self.store, path, rel, self.keys[i])
        else:
            value = read_codings(local, self.store, path, rel, self.keys[i])
        return value, local.findings


def pack_by_pack(
    store: ProjectCache | None, files: list[DataFile], indexes: Iterable[int]
) -> Iterator[int]:
    """``indexes`` in turn (sorted by pack), each cache pack let go once its files are taken."""
    if store is None:
        yield from indexes
        return
    current = -1
    for i in indexes:
        pack = cache_io.bucket(files[i][2])
        if pack != current:
            if current >= 0:
                store.release(current)
            current = pack
        yield i
    if current >= 0:
        store.release(current)


def cached(
    diag: Diagnostics,
    store: ProjectCache | None,
    rel: str,
    key: Key | None,
    parse: Callable[[Diagnostics], T],
    encode: Callable[[T], Any],
    decode: Callable[[Any], T],
) -> T:
    """``parse`` a file into ``diag``, or take its result and findings from the cache."""
    if store is not None and key is not None:
        hit = store.lookup(rel, key)
        if hit is not None:
            data, findings = hit
            diag.findings.extend(cache_codec.decode_findings(findings))
            return decode(data)
    local = Diagnostics(diag.root)
    value = parse(local)
    diag.findings.extend(local.findings)
    if store is not None and key is not None:
        # An exotic YAML value cannot be cached: that file is parsed each time.
        with contextlib.suppress(cache_codec.Unencodable):
            store.store(rel, key, (encode(value), cache_codec.encode_findings(local.findings)))
    return value


def read_interview(
    diag: Diagnostics, store: ProjectCache | None, path: Path, rel: str, key: Key | None
) -> Interview | None:
    if store is not None and key is not None:
        hit = store.lookup(rel, key)
        if hit is not None:
            head, findings = hit
            diag.findings.extend(cache_codec.decode_findings(findings))
            return (
                None if head is None else cache_codec.decode_interview(head, path, store, rel, key)
            )
    local = Diagnostics(diag.root)
    interview = guard(local, partial(parse_interview, path, local))
    diag.findings.extend(local.findings)
    if store is not None and key is not None:
        try:
            head, turns = cache_codec.encode_interview(interview)
        except cache_codec.Unencodable:  # an exotic YAML value: this file is parsed each time
            return interview
        if (
            store.store(rel, key, (head, cache_codec.encode_findings(local.findings)), turns)
            and head is not None
        ):
            # Served like a cached one: its Turn objects are built when a command needs them
            # (crosstab never does), not held for all 10,000 interviews of a first run.
            return cache_codec.decode_interview(head, path, store, rel, key)
    return interview


def read_codings(
    diag: Diagnostics, store: ProjectCache | None, path: Path, rel: str, key: Key | None
) -> tuple[int, CodingSource] | None:
    """(count, codings) of a coding file. From the cache, the codings stay in their pack (one
    per group of coders) until asked for: :class:`pcrcode.model.Codings` builds them then."""
    if store is not None and key is not None:
        hit = store.lookup(rel, key)
        if hit is not None:
            count, findings = hit
            diag.findings.extend(cache_codec.decode_findings(findings))
            return None if count is None else (count, CodingsDecoder(store, path, rel, key))
    local = Diagnostics(diag.root)
    codings = guard(local, partial(codings_io.read, path, local))
    diag.findings.extend(local.findings)
    stored = (
        store is not None
        and key is not None
        and store.store(
            rel,
            key,
            (
                None if codings is None else len(codings),
                cache_codec.encode_findings(local.findings),
            ),
            cache_codec.encode_codings(codings),
        )
    )
    if codings is None:
        return None
    if stored and store is not None and key is not None:
        # Served like a cached file: built again if a command asks (a report asks for one
        # coder's), not held for every coder of a 10,000-interview first run.
        return len(codings), CodingsDecoder(store, path, rel, key)
    return len(codings), codings


class CodingsDecoder:
    """The cached codings of one file, read from their pack and built when first asked for
    (then kept by :class:`pcrcode.model.Codings`, not here). ``path`` may be a string (the
    project index makes tens of thousands of these: a Path is made when needed)."""

    __slots__ = ("key", "path", "rank", "rel", "store")

    def __init__(self, store: ProjectCache, path: Path | str, rel: str, key: Key) -> None:
        self.store, self.path, self.rel, self.key = store, path, rel, key
        self.rank = cache_io.bucket(rel)  # files of one pack are best built together

    def __call__(self) -> list[Coding]:
        path = Path(self.path)
        with cache_io.no_gc():
            data = self.store.text(self.rel, self.key)
            if data is None:  # the pack went missing or was rewritten since: read the file
                return codings_io.read(path, Diagnostics(self.store.root))
            return cache_codec.decode_codings(data, path)


PARALLEL_MIN = 100  # files to parse before a second process is worth starting (tests lower it)
JOBS_ENV = "PCRCODE_JOBS"  # 1: never start one


class _Helper:
    """A second process that parses half of the files of a first load into the cache.

    A first load (a fresh clone, a new pcrcode version) parses every file; the machine has
    other cores. When enough files are missing from the cache, the load forks: the child
    parses the files of every other pack and writes those packs, then exits without a word;
    the parent parses its own half meanwhile, waits, and reads the child's half from the cache
    like any cached file. Whatever the child did or failed to do, the parent's result is that
    of a load without it: a file the child did not cache is a cache miss, parsed there and then.
    Only on Linux, with more than one core available and no other thread in the process (a
    fork copies one thread: locks held by others would stay locked in the child).
    """

    def __init__(self, pid: int, buckets: frozenset[int], store: ProjectCache) -> None:
        self.pid, self.buckets, self.store = pid, buckets, store

    def takes(self, rel: str) -> bool:
        return cache_io.bucket(rel) in self.buckets

    @classmethod
    def start(
        cls,
        store: ProjectCache,
        files: list[DataFile],
        keys: list[Key | None],
        order: list[int] | range,
        inside: Callable[[Path], bool],
    ) -> _Helper | None:
        if not _may_fork():
            return None
        buckets = frozenset(range(1, cache_io.BUCKETS, 2))
        theirs = [i for i in order if cache_io.bucket(files[i][2]) in buckets]
        keyed = [(i, keys[i]) for i in theirs]
        misses = sum(1 for i, key in keyed if key is not None and not store.peek(files[i][2], key))
        if misses < PARALLEL_MIN:
            return None
        try:
            pid = os.fork()
        except OSError:
            return None
        if pid == 0:  # pragma: no cover - the child (coverage does not follow it)
            code = 1
            try:
                code = _child_pass(store, files, keyed, inside)
            except BaseException:  # Ctrl-C, a bug: the parent parses these files instead
                pass
            finally:
                os._exit(code)
        return cls(pid, buckets, store)

    def wait(self) -> None:
        try:
            os.waitpid(self.pid, 0)
        except BaseException:  # interrupted while waiting: do not leave it running
            with contextlib.suppress(OSError):
                os.kill(self.pid, 9)
                os.waitpid(self.pid, 0)
            raise
        self.store.forget(self.buckets)


def _may_fork() -> bool:
    if not sys.platform.startswith("linux") or os.environ.get(JOBS_ENV, "") == "1":
        return False
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return False
    return len(os.sched_getaffinity(0)) > 1


def _child_pass(  # pragma: no cover - runs in the child
    store: ProjectCache,
    files: list[DataFile],
    keyed: list[tuple[int, Key | None]],
    inside: Callable[[Path], bool],
) -> int:
    """Parse and cache the helper's files; its findings and values go to the cache only."""
    keys = dict(keyed)
    for i in pack_by_pack(store, files, keys):
        is_transcript, path, rel = files[i]
        key = keys[i]
        if key is None or not inside(path):
            continue
        local = Diagnostics(store.root)
        if is_transcript:
            read_interview(local, store, path, rel, key)
        else:
            read_codings(local, store, path, rel, key)
    return 0


class Containment:
    """:func:`is_inside` for the files of a project, without resolving every path: a file that
    is not a symbolic link, in folders that are not links up to the root, is inside. (Resolving
    costs a dozen system calls per file: more than reading the file from the cache.)"""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.plain: dict[Path, bool] = {root: True}

    def _plain(self, folder: Path) -> bool:
        known = self.plain.get(folder)
        if known is None:
            parent = folder.parent
            known = parent != folder and self._plain(parent) and not os.path.islink(folder)
            self.plain[folder] = known
        return known

    def __call__(self, path: Path) -> bool:
        if self._plain(path.parent) and not os.path.islink(path):
            return True
        return is_inside(self.root, path)


def _outside(diag: Diagnostics, path: Path, nothing: T) -> T:
    # A symlink out of the project (to /etc/passwd, to another team's data) is never read.
    diag.error(path, 1, OUTSIDE_PROJECT, "outside-project")
    return nothing


def guard(diag: Diagnostics, load: Callable[[], T]) -> T | None:
    try:
        return load()
    except FileFormatError as exc:
        path = exc.path if exc.path is not None else "?"
        rule = "encoding" if "UTF-8" in exc.message else "syntax"
        diag.error(path, (exc.line or 1, exc.col or 1), exc.message, rule)
        return None
