"""Finding and loading a whole project: codebook, registry, transcripts and codings."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from pcrcode.errors import FileFormatError, ProjectNotFound, did_you_mean
from pcrcode.files import cache as cache_io
from pcrcode.files import cache_codec
from pcrcode.files import codings as codings_io
from pcrcode.files.cache import Key, ProjectCache, file_key
from pcrcode.files.cache import enabled as cache_enabled
from pcrcode.files.codebook import CODEBOOK_FILE, load_codebook
from pcrcode.files.diagnostics import Diagnostics, Finding
from pcrcode.files.memos import MEMOS_DIR
from pcrcode.files.registry import REGISTRY_FILE, load_registry
from pcrcode.files.transcripts import (
    INTERVIEWS_DIR,
    ignored_files,
    interview_files,
    parse_interview,
)
from pcrcode.files.yaml_reading import OUTSIDE_PROJECT, is_inside
from pcrcode.model import Coding, Codings, CodingSource, Interview, Project, Registry


def find_root(start: Path | None = None, explicit: Path | None = None) -> Path:
    """The project folder: ``explicit`` (``--project``), else the nearest folder upward holding
    ``codebook.yaml``, starting from ``start`` (the working directory) or ``$PCRCODE_PROJECT``."""
    if explicit is None and os.environ.get("PCRCODE_PROJECT"):
        explicit = Path(os.environ["PCRCODE_PROJECT"])
    if explicit is not None:
        if not (explicit / CODEBOOK_FILE).is_file():
            raise ProjectNotFound(
                f"no {CODEBOOK_FILE} in '{explicit}': is it a pcrcode project? "
                "(`pcrcode init DIR` creates one)"
            )
        return _state_inside(explicit.resolve())
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CODEBOOK_FILE).is_file():
            return _state_inside(folder)
    raise ProjectNotFound(
        f"no {CODEBOOK_FILE} here or in any parent folder of '{here}': run pcrcode inside a "
        "project, pass --project DIR, or create one with `pcrcode init`"
    )


STATE_DIR = ".pcrcode"


def _state_inside(root: Path) -> Path:
    """``root``, once sure that ``.pcrcode/`` (locks, cache, journal: written by every command)
    does not lead out of the project: a link there would send those writes elsewhere."""
    state = root / STATE_DIR
    if os.path.lexists(state) and not is_inside(root, state):
        raise FileFormatError(f"{OUTSIDE_PROJECT} (or delete it: pcrcode makes it again)", state)
    return root


Progress = Callable[[int, int], None]


def load_project(
    root: Path,
    diag: Diagnostics | None = None,
    *,
    progress: Progress | None = None,
    cache: bool | None = None,
    aliases: bool = True,
) -> Project:
    """Load everything. Problems in single files or items go to ``diag`` and the item is skipped,
    so that the linter can report them all; only an unreadable codebook is fatal.

    Each file's parse (and its findings) is kept in ``.pcrcode/cache/`` and reused while the file is
    unchanged (:mod:`pcrcode.files.cache`): the result is the same with or without it.
    ``cache=False`` or ``$PCRCODE_NO_CACHE=1`` bypasses it. ``progress(done, total)`` is called as
    files are read (the CLI draws a progress bar with it; the core prints nothing). Codings
    stored under an old code id count under the current one, unless ``aliases=False``
    (``check`` reports them).
    """
    diag = diag if diag is not None else Diagnostics(root)
    store = _open_cache(root, diag, cache)
    with cache_io.no_gc():
        project = _load(root, diag, store, progress)
    if aliases and project.codebook.aliases and isinstance(project.codings, Codings):
        project = replace(project, codings=project.codings.with_aliases(project.codebook.aliases))
    return project


def _open_cache(root: Path, diag: Diagnostics, wanted: bool | None) -> ProjectCache | None:
    if wanted is False or (wanted is None and not cache_enabled()):
        return None
    # Cached findings carry paths relative to the project root: only valid for such a diag.
    if diag.root is None or Path(diag.root).resolve() != root.resolve():
        return None
    return ProjectCache(root)


def _load(
    root: Path, diag: Diagnostics, store: ProjectCache | None, progress: Progress | None
) -> Project:
    # The registry, validated against the codebook, is cached under both files' stamps.
    codebook_path = root / CODEBOOK_FILE
    codebook_key = file_key(codebook_path) if store else None
    codebook = _cached(
        diag,
        store,
        CODEBOOK_FILE,
        codebook_key,
        lambda local: load_codebook(root, local),
        cache_codec.encode_codebook,
        lambda data: cache_codec.decode_codebook(data, codebook_path),
    )
    registry_path = root / REGISTRY_FILE
    registry_key = file_key(registry_path, codebook_key) if store and codebook_key else None
    registry = _cached(
        diag,
        store,
        REGISTRY_FILE,
        registry_key,
        lambda local: _guard(local, partial(load_registry, root, codebook, local)),
        cache_codec.encode_registry,
        lambda data: cache_codec.decode_registry(data, registry_path),
    ) or Registry({})
    _layout(root, diag)
    files = [(True, p, f"{INTERVIEWS_DIR}/{p.name}") for p in interview_files(root)]
    files += [
        (False, p, f"{codings_io.CODINGS_DIR}/{p.parent.name}/{p.name}")
        for p in codings_io.coding_files(root)
    ]
    total = len(files)
    if progress is not None:
        progress(0, total)
    # With a cache, files are taken pack by pack (one pack in memory at a time), then put back
    # in their order; their findings too, so that the result is the same in any case.
    order: list[int] | range = range(total)
    keys: list[Key | None] = [None] * total
    if store is not None:
        order = sorted(order, key=lambda i: cache_io.bucket(files[i][2]))
        # Each file is stat-ed before it is read: a change in between gives the entry a key that
        # the next run will not match, never a stale hit.
        keys = [file_key(path) for _, path, _ in files]
    inside = _Containment(root)
    results: list[tuple[Any, list[Finding]]] = [(None, [])] * total
    done = 0

    def take(indexes: list[int] | range) -> None:
        nonlocal done
        current = -1
        for i in indexes:
            is_transcript, path, rel = files[i]
            if store is not None and cache_io.bucket(rel) != current:
                if current >= 0:
                    store.release(current)
                current = cache_io.bucket(rel)
            local = Diagnostics(diag.root)
            value: Any = None
            if not inside(path):
                _outside(local, path, None)
            elif is_transcript:
                value = _interview(local, store, path, rel, keys[i])
            else:
                value = _codings(local, store, path, rel, keys[i])
            results[i] = (value, local.findings)
            done += 1
            if progress is not None:
                progress(done, total)
        if store is not None and current >= 0:
            store.release(current)

    helper = None
    if store is not None:
        helper = _Helper.start(store, files, keys, order, inside)
    if helper is None:
        take(order)
    else:
        try:
            take([i for i in order if not helper.takes(files[i][2])])
        finally:
            helper.wait()
        # The helper's files are now in the cache (or parsed here if it failed).
        take([i for i in order if helper.takes(files[i][2])])
    if store is not None:
        store.save()
    interviews: dict[str, Interview] = {}
    coding_files: list[tuple[str, str, int, CodingSource]] = []
    for (is_transcript, path, _), (value, findings) in zip(files, results, strict=True):
        diag.findings.extend(findings)
        if value is None:
            continue
        if not is_transcript:
            coding_files.append((path.stem, path.parent.name, *value))
        elif value.id in interviews:
            diag.error(
                path,
                1,
                f"interview '{value.id}' also has the transcript "
                f"{diag.rel(interviews[value.id].path)}: keep one",
                "duplicate-id",
            )
        else:
            interviews[value.id] = value
    return Project(
        root=root,
        codebook=codebook,
        registry=registry,
        interviews=interviews,
        codings=Codings(coding_files),
    )


T = TypeVar("T")


def _cached(
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


def _interview(
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
    interview = _guard(local, partial(parse_interview, path, local))
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


def _codings(
    diag: Diagnostics, store: ProjectCache | None, path: Path, rel: str, key: Key | None
) -> tuple[int, CodingSource] | None:
    """(count, codings) of a coding file. From the cache, the codings stay in their pack (one
    per group of coders) until asked for: :class:`pcrcode.model.Codings` builds them then."""
    if store is not None and key is not None:
        hit = store.lookup(rel, key)
        if hit is not None:
            count, findings = hit
            diag.findings.extend(cache_codec.decode_findings(findings))
            return None if count is None else (count, _Decoder(store, path, rel, key))
    local = Diagnostics(diag.root)
    codings = _guard(local, partial(codings_io.read, path, local))
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
        return len(codings), _Decoder(store, path, rel, key)
    return len(codings), codings


class _Decoder:
    """The cached codings of one file, read from their pack and built when first asked for
    (then kept by :class:`pcrcode.model.Codings`, not here)."""

    __slots__ = ("key", "path", "rank", "rel", "store")

    def __init__(self, store: ProjectCache, path: Path, rel: str, key: Key) -> None:
        self.store, self.path, self.rel, self.key = store, path, rel, key
        self.rank = cache_io.bucket(rel)  # files of one pack are best built together

    def __call__(self) -> list[Coding]:
        with cache_io.no_gc():
            data = self.store.text(self.rel, self.key)
            if data is None:  # the pack went missing or was rewritten since: read the file
                return codings_io.read(self.path, Diagnostics(self.store.root))
            return cache_codec.decode_codings(data, self.path)


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
        files: list[tuple[bool, Path, str]],
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
    files: list[tuple[bool, Path, str]],
    keyed: list[tuple[int, Key | None]],
    inside: Callable[[Path], bool],
) -> int:
    """Parse and cache the helper's files; its findings and values go to the cache only."""
    current = -1
    for i, key in keyed:
        is_transcript, path, rel = files[i]
        if cache_io.bucket(rel) != current:
            if current >= 0:
                store.release(current)
            current = cache_io.bucket(rel)
        if key is None or not inside(path):
            continue
        local = Diagnostics(store.root)
        if is_transcript:
            _interview(local, store, path, rel, key)
        else:
            _codings(local, store, path, rel, key)
    if current >= 0:
        store.release(current)
    return 0


class _Containment:
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


def _layout(root: Path, diag: Diagnostics) -> None:
    """Files pcrcode would not read, said rather than left out without a word."""
    for path in ignored_files(root):
        diag.warning(
            path,
            1,
            f"not read: transcripts end in .md, .yaml or .yml (lower case); rename it to "
            f"{path.stem}{path.suffix.lower() if path.suffix.lower() != '.txt' else '.md'}",
            "ignored-file",
        )
    for name, holds in ((INTERVIEWS_DIR, "<id>.md"), (MEMOS_DIR, "<kind>/<target>/<memo>.md")):
        # what it should hold would be left out without a word
        if os.path.lexists(root / name) and not (root / name).is_dir():
            message = f"not a folder, where pcrcode reads {name}/{holds}: move it away"
            diag.error(root / name, 1, message, "layout")
    for path, message in codings_io.layout_problems(root):
        diag.error(path, 1, message, "layout")


def _outside(diag: Diagnostics, path: Path, nothing: T) -> T:
    # A symlink out of the project (to /etc/passwd, to another team's data) is never read.
    diag.error(path, 1, OUTSIDE_PROJECT, "outside-project")
    return nothing


def _guard(diag: Diagnostics, load: Callable[[], T]) -> T | None:
    try:
        return load()
    except FileFormatError as exc:
        path = exc.path if exc.path is not None else "?"
        rule = "encoding" if "UTF-8" in exc.message else "syntax"
        diag.error(path, (exc.line or 1, exc.col or 1), exc.message, rule)
        return None


def unusable_codings(project: Project, diag: Diagnostics) -> None:
    """An error for each coding a report cannot count right: of a code the codebook does not
    have (nor as an old id), of an interview without a transcript, of a segment past its end.
    A report would otherwise count one coding fewer, or one on no text, without a word."""
    known = project.codebook.codes
    aliases = project.codebook.aliases
    turns: dict[str, int | None] = {}
    for coding in project.codings:
        where, pos = coding.path or codings_io.CODINGS_DIR, (coding.line, 3)
        if coding.code not in known and coding.code not in aliases:
            message = f"unknown code '{coding.code}'{did_you_mean(coding.code, known)}"
            diag.error(where, pos, message, "unknown-code")
        if coding.interview not in turns:
            interview = project.interviews.get(coding.interview)
            turns[coding.interview] = None if interview is None else interview.turn_count()
        count = turns[coding.interview]
        if count is None:
            diag.error(
                where,
                pos,
                f"no transcript for interview '{coding.interview}'"
                f"{did_you_mean(coding.interview, project.interviews)}",
                "unknown-interview",
            )
        elif coding.segment > count:
            message = f"interview '{coding.interview}' has {count} segments, not {coding.segment}"
            diag.error(where, pos, message, "unknown-segment")
